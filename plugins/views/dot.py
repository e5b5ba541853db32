"""Graphviz DOT for how processes are arranged at one moment.

Parent links are solid edges (UNIX's tree); where a platform has no parent,
the creator is a dashed edge ("created by", only recorded on Windows); handles
a process holds to another process are dotted edges labelled with the handle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def process_graph(processes: Sequence[Mapping[str, Any]], platform: str) -> str:
    lines = [f"digraph {_quote(platform)} {{", "  rankdir=TB;", "  node [shape=box];"]
    present = {p["pid"] for p in processes}
    for proc in processes:
        label = f"{proc['pid']} {proc['name']}\n{proc['state']}"
        style = ', style=dashed' if proc["state"] in ("zombie", "terminated") else ""
        lines.append(f"  p{proc['pid']} [label={_quote(label)}{style}];")
    for proc in processes:
        if proc.get("parent") is not None and proc["parent"] in present:
            lines.append(f"  p{proc['parent']} -> p{proc['pid']};")
        elif proc.get("creator") is not None and proc["creator"] in present:
            lines.append(f"  p{proc['creator']} -> p{proc['pid']} "
                         f"[style=dashed, label={_quote('created')}];")
        for handle in proc.get("handles") or ():
            target = handle.get("pid") if isinstance(handle, Mapping) else None
            if target is not None and target in present:
                lines.append(f"  p{proc['pid']} -> p{target} [style=dotted, "
                             f"label={_quote(str(handle.get('handle', '')))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"

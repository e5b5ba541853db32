"""The hook contract: every hook documented, every signature pinned."""

from __future__ import annotations

import inspect
import re

from osmodel.kernel import HOOK_CONTRACT_VERSION, hookspecs

HOOKS = {
    name: fn for name, fn in vars(hookspecs).items()
    if name.startswith("osmodel_") and callable(fn)
}

#: Changing this list is a contract change: adding is compatible; anything else
#: bumps HOOK_CONTRACT_VERSION and is announced in docs/changelog.md.
SIGNATURES = {
    "osmodel_addhooks": "(pluginmanager)",
    "osmodel_batch_job": "(kernel, program, args)",
    "osmodel_boot": "(kernel)",
    "osmodel_commands": "(app)",
    "osmodel_configure": "(kernel)",
    "osmodel_fault": "(kernel, process, fault, detail)",
    "osmodel_finish": "(kernel)",
    "osmodel_interrupt": "(kernel, key)",
    "osmodel_operator_kill": "(kernel, target, signal)",
    "osmodel_parent": "(kernel, process)",
    "osmodel_platforms": "()",
    "osmodel_process_created": "(kernel, process, creator)",
    "osmodel_process_ended": "(kernel, process)",
    "osmodel_process_exit": "(kernel, process)",
    "osmodel_process_info": "(kernel, process)",
    "osmodel_process_released": "(kernel, process)",
    "osmodel_report": "(kernel, report)",
    "osmodel_schedulers": "()",
    "osmodel_structure": "(kernel)",
    "osmodel_syscalls": "(kernel, platform)",
    "osmodel_trace_sinks": "(kernel)",
    "osmodel_user_command": "(kernel, program, background, args)",
}


def test_every_hook_documents_each_parameter_and_its_return() -> None:
    for name, fn in HOOKS.items():
        doc = inspect.getdoc(fn) or ""
        for param in inspect.signature(fn).parameters:
            assert re.search(rf":param {param}:\s+\S", doc), f"{name}: {param} undocumented"
        assert ":return:" in doc, f"{name}: return undocumented"
        first = "first result" in doc.lower()
        is_first = bool(getattr(fn, "osmodel_spec", {}).get("firstresult"))
        assert first == is_first, f"{name}: first-result marking and docstring disagree"


def test_signatures_are_the_versioned_contract() -> None:
    found = {name: "(" + ", ".join(inspect.signature(fn).parameters) + ")"
             for name, fn in HOOKS.items()}
    assert found == SIGNATURES
    assert HOOK_CONTRACT_VERSION == 2


def test_the_hook_reference_lists_every_hook() -> None:
    from pathlib import Path

    reference = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text()
    for name in HOOKS:
        assert f"`{name}" in reference, f"docs/plugins.md does not describe {name}"

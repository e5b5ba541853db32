"""The hook contract: every hook documented, every signature pinned."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from osmodel.kernel import HOOK_CONTRACT_VERSION, hookspecs
from osmodel.plugins.views import hooks as view_hooks
from osmodel.testing import plugin as testing_plugin

ROOT = Path(__file__).resolve().parent.parent
#: The pages that describe hooks to plugin authors.
DOCS = (*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md",
        ROOT / "examples" / "osmodel-xv6" / "README.md")
#: ``osmodel_`` names that are the pytest plugin's fixtures, not hooks.
FIXTURES = frozenset(name for name in vars(testing_plugin) if name.startswith("osmodel_"))
#: ``osmodel_name(arguments)``, maybe after ``def`` (an implementation in an example).
CALL = re.compile(r"(\bdef\s+)?\b(osmodel_\w+)\(([^()]*)\)")

HOOKS = {
    name: fn for name, fn in vars(hookspecs).items()
    if name.startswith("osmodel_") and callable(fn)
}

#: Hooks the built-in plugins add through ``osmodel_addhooks``: documented like the core's.
ADDED = {
    name: fn for name, fn in vars(view_hooks).items()
    if name.startswith("osmodel_") and callable(fn)
}
DOCUMENTED = {**HOOKS, **ADDED}

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


def spec_arguments(name: str) -> tuple[str, ...]:
    return tuple(inspect.signature(DOCUMENTED[name]).parameters)


def argument_names(text: str) -> tuple[str, ...]:
    """``self, kernel: Kernel, key="x"`` -> ("kernel", "key")."""
    names = (re.split(r"[:=]", part)[0].strip() for part in text.split(","))
    return tuple(name for name in names if name and name != "self")


def signature_problems(text: str, source: str) -> tuple[list[str], set[str]]:
    """What a page says wrong about hook signatures, and the hooks whose signature it gives.

    A signature in prose must be the hookspec's exactly; an implementation
    (``def``) may take fewer arguments, as pluggy allows, but only the spec's, in order.
    """
    problems: list[str] = []
    shown: set[str] = set()
    for match in CALL.finditer(text):
        is_def, name, arguments = match.groups()
        where = f"{source}:{text.count(chr(10), 0, match.start()) + 1}"
        if name in FIXTURES:
            continue
        if name not in DOCUMENTED:
            problems.append(f"{where}: {name} is not a hook")
            continue
        spec, given = spec_arguments(name), argument_names(arguments)
        if is_def:
            if [a for a in spec if a in given] != list(given):
                problems.append(f"{where}: def {name}{given} takes what the spec {spec} lacks "
                                "or in another order")
        elif given != spec:
            problems.append(f"{where}: {name}({', '.join(given)}) but the spec has {spec}")
        else:
            shown.add(name)
    return problems, shown


def test_every_documented_hook_signature_is_the_specs() -> None:
    problems: list[str] = []
    shown: set[str] = set()
    for page in DOCS:
        found, names = signature_problems(page.read_text(encoding="utf-8"),
                                          page.relative_to(ROOT).as_posix())
        problems += found
        shown |= names
    assert problems == []
    missing = sorted(set(DOCUMENTED) - shown)
    assert shown == set(DOCUMENTED), f"no documented signature for {missing}"


@pytest.mark.parametrize(("text", "problem"), [
    ("`osmodel_boot(kernel, extra)`", "osmodel_boot(kernel, extra) but the spec has"),
    ("`osmodel_fault(kernel, detail, fault, process)`", "but the spec has"),
    ("def osmodel_report(self, kernel, data):", "takes what the spec"),
    ("def osmodel_fault(fault, kernel):", "or in another order"),
    ("`osmodel_bot(kernel)`", "osmodel_bot is not a hook"),
])
def test_a_wrong_signature_in_the_docs_is_found(text: str, problem: str) -> None:
    (found,), _ = signature_problems(text, "page.md")
    assert found.startswith("page.md:1: ") and problem in found


def test_an_implementation_may_take_fewer_arguments() -> None:
    text = "def osmodel_fault(\n        self, kernel: Kernel, detail: str = ''):\n    ..."
    assert signature_problems(text, "page.md") == ([], set())

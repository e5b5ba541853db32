"""What plugin authors are given works: the tutorial runs, failures are named, the
reference and the changelog agree with the hook contract.

docs/plugins.md is executed here: each Python block is a file (its first line
names it), plugin modules are imported from the text, test modules are run
with osmodel's own fixtures, and every ``$ osmodel ...`` session in a
``console`` block must print what the page shows (``...`` skips lines).

Run ``python tests/test_plugin_authoring.py --write-reference`` to regenerate
the hook reference of docs/plugins.md from kernel/hookspecs.py.
"""

from __future__ import annotations

import inspect
import json
import re
import shlex
import sys
import textwrap
import tomllib
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from osmodel.kernel import HOOK_CONTRACT_VERSION, hookspecs
from osmodel.kernel.cli import main
from osmodel.kernel.manager import DISABLE_AUTOLOAD_ENV, make_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
PLUGINS_MD = ROOT / "docs" / "plugins.md"
CHANGELOG = ROOT / "docs" / "changelog.md"
XV6_PROJECT = ROOT / "examples" / "osmodel-xv6" / "pyproject.toml"
REFERENCE_START = "### Set-up"


# --- reading the tutorial -------------------------------------------------------------


def blocks(lang: str, text: str | None = None) -> list[str]:
    """The fenced blocks of one language in docs/plugins.md, in order."""
    source = PLUGINS_MD.read_text() if text is None else text
    return [textwrap.dedent(b) for b in re.findall(rf"^ *```{lang}\n(.*?)^ *```", source,
                                                   flags=re.S | re.M)]


def python_files() -> dict[str, str]:
    """Every Python block by the file name on its first line (``# name.py``)."""
    files: dict[str, str] = {}
    for block in blocks("python"):
        match = re.match(r"# (\w+)\.py\n", block)
        assert match, f"a Python block in docs/plugins.md does not name its file:\n{block}"
        assert match.group(1) not in files, f"two blocks are {match.group(1)}.py"
        files[match.group(1)] = block
    return files


FILES = python_files()
PLUGIN_MODULES = sorted(name for name in FILES if not name.startswith("test_"))
TEST_MODULES = sorted(name for name in FILES if name.startswith("test_"))


def as_module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = f"<docs/plugins.md: {name}.py>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


@pytest.fixture
def tutorial(monkeypatch: pytest.MonkeyPatch) -> dict[str, types.ModuleType]:
    """The tutorial's plugin modules, importable by name for the length of a test."""
    modules = {}
    for name in PLUGIN_MODULES:
        modules[name] = as_module(name, FILES[name])
        monkeypatch.setitem(sys.modules, name, modules[name])
    return modules


def sessions() -> Iterator[tuple[list[str], list[str]]]:
    """Each ``$ [VAR=value ...] osmodel ...`` line of a console block, as its arguments
    after ``osmodel``, with the lines it should print."""
    for block in blocks("console"):
        current: tuple[list[str], list[str]] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                words = shlex.split(line[2:])
                while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                    words.pop(0)  # the tutorial's modules are importable here anyway
                current = (words[1:], [])
                if words[:1] == ["osmodel"]:
                    yield current
            elif current is not None:
                current[1].append(line)


def printed_as_shown(expected: list[str], actual: str) -> bool:
    """``actual`` is ``expected`` line for line, where a ``...`` line stands for any lines."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line) + r"\n"
                      for line in expected)
    return re.fullmatch(pattern, actual) is not None


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), out, err


# --- the tutorial runs ----------------------------------------------------------------


def test_the_tutorial_has_plugins_and_their_tests() -> None:
    assert {"osmodel_fifo", "osmodel_switchcount", "osmodel_hello"} <= set(PLUGIN_MODULES)
    assert {"test_fifo", "test_switchcount"} <= set(TEST_MODULES)


@pytest.mark.parametrize("name", TEST_MODULES)
def test_the_tutorials_tests_pass(name: str, tutorial: dict[str, types.ModuleType],
                                  request: pytest.FixtureRequest) -> None:
    """Each test function of the page, called with the fixtures it names."""
    module = as_module(name, FILES[name])
    tests = [fn for attr, fn in vars(module).items() if attr.startswith("test_")]
    assert tests, f"{name}.py has no test"
    for fn in tests:
        fixtures = {param: request.getfixturevalue(param)
                    for param in inspect.signature(fn).parameters}
        fn(**fixtures)


ROUND_ROBIN_AS_FIFO = """
from osmodel.kernel import hookimpl
from osmodel.plugins.schedulers.rr import RoundRobin


@hookimpl
def osmodel_schedulers():
    return {"myfifo": RoundRobin}
"""


def test_the_fifo_test_would_catch_a_preemptive_scheduler(
        tutorial: dict[str, types.ModuleType], request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial's test is a real test: with round robin in place of the FIFO it fails."""
    monkeypatch.setitem(sys.modules, "osmodel_fifo", as_module("osmodel_fifo",
                                                               ROUND_ROBIN_AS_FIFO))
    module = as_module("test_fifo", FILES["test_fifo"])
    with pytest.raises(AssertionError):
        module.test_a_process_keeps_the_cpu_until_it_ends(request.getfixturevalue("osmodel_run"))


SESSIONS = list(sessions())


@pytest.mark.parametrize(("args", "expected"), SESSIONS,
                         ids=[" ".join(["osmodel", *args]) for args, _ in SESSIONS])
def test_the_sessions_print_what_the_page_shows(
        args: list[str], expected: list[str], tutorial: dict[str, types.ModuleType],
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")  # only the built-ins and the page's plugins
    status, out, err = run_cli(args, capsys)
    assert (status, err) == (0, "")
    assert printed_as_shown(expected, out), out


def test_the_tutorial_pyproject_declares_the_tutorial_module() -> None:
    projects = [tomllib.loads(b) for b in blocks("toml")]
    (fifo,) = [p for p in projects if p.get("project", {}).get("name") == "osmodel-fifo"]
    entry = fifo["project"]["entry-points"]["osmodel"]
    assert entry == {"osmodel_fifo": "osmodel_fifo"}
    assert fifo["tool"]["setuptools"]["py-modules"] == ["osmodel_fifo"]


def test_the_page_shows_the_xv6_entry_point_as_the_example_declares_it() -> None:
    example = tomllib.loads(XV6_PROJECT.read_text())["project"]["entry-points"]["osmodel"]
    shown = [tomllib.loads(b) for b in blocks("toml")]
    assert {"project": {"entry-points": {"osmodel": example}}} in shown


# --- installed plugins: listing and failures, with their distribution -----------------


def install(site: Path, dist: str, version: str, entry_points: dict[str, str],
            files: dict[str, str]) -> None:
    """A distribution as pip leaves it: the code and a dist-info with entry points."""
    for relative, source in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[osmodel]\n{lines}")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A site directory on sys.path, with entry-point loading on."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("osmodel_fifo", "osmauth")):
            del sys.modules[name]


def test_osmodel_plugins_shows_an_installed_plugins_distribution_and_version(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The tutorial's package, installed from the page's own pyproject and module."""
    (project,) = [p["project"] for p in map(tomllib.loads, blocks("toml"))
                  if p.get("project", {}).get("name") == "osmodel-fifo"]
    install(site, project["name"], project["version"], project["entry-points"]["osmodel"],
            {"osmodel_fifo.py": FILES["osmodel_fifo"]})
    status, out, _ = run_cli(["plugins"], capsys)
    assert status == 0
    assert "osmodel_fifo: entry point (osmodel-fifo 0.1.0)\n    hooks: osmodel_schedulers\n" \
        in out
    (schedulers,) = [line for line in out.splitlines() if line.startswith("schedulers: ")]
    assert "myfifo" in schedulers.split(": ")[1].split(", ")
    page = PLUGINS_MD.read_text()
    assert "osmodel_fifo: entry point (osmodel-fifo 0.1.0)" in page


def test_no_name_blocks_an_installed_plugin_before_it_is_imported(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    install(site, "osmodel-auth-blocked", "1.0", {"authblocked": "osmauth_blocked"},
            {"osmauth_blocked.py": "raise RuntimeError('must not be imported')"})
    status, out, err = run_cli(["-p", "no:authblocked", "plugins"], capsys)
    assert (status, err) == (0, "")
    assert "blocked: authblocked" in out and "osmauth_blocked" not in sys.modules


def test_an_installed_plugin_that_fails_to_import_is_named_and_the_command_goes_on(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    install(site, "osmodel-auth-broken", "3.1", {"authbroken": "osmauth_broken"},
            {"osmauth_broken.py": "import no_such_dependency_anywhere"})
    status, out, err = run_cli(["plugins"], capsys)
    assert status == 0
    assert err.startswith("osmodel: warning: plugin 'authbroken from osmodel-auth-broken': "
                          "failed to import osmauth_broken: ModuleNotFoundError")
    assert "rr: built-in" in out and "authbroken" not in out


def test_a_hook_with_a_wrong_signature_is_named_with_its_distribution_and_left_out(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    install(site, "osmodel-auth-sig", "0.2", {"authsig": "osmauth_sig"}, {"osmauth_sig.py": """
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_trace_sinks(kernel, colour):
            return []
    """})
    pm = make_plugin_manager()
    (warning,) = [w for w in pm.warnings if "authsig" in w]
    assert "plugin 'authsig from osmodel-auth-sig'" in warning and "colour" in warning
    assert pm.get_plugin("authsig") is None
    status, out, err = run_cli(["plugins"], capsys)
    assert status == 0 and "authsig from osmodel-auth-sig" in err and "authsig:" not in out


RAISING_SINK = """
    from osmodel.kernel import hookimpl


    class Sink:
        def emit(self, event):
            if event.kind == "exit":
                raise ZeroDivisionError("division by zero")

        def close(self):
            pass


    @hookimpl
    def osmodel_trace_sinks(kernel):
        return [Sink()]
"""

SCENARIO = """
[scenario]
platform = "unix"
[programs.main]
code = "cpu 3"
[[timeline]]
at = 2
user = "main"
"""


def test_a_plugin_raising_during_a_run_is_named_with_its_distribution(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The run stops cleanly: exit 2, one line naming plugin, distribution, hook, time and
    process; nothing on stdout; the events up to the failure are in the trace file."""
    install(site, "osmodel-auth-tracer", "2.0", {"authtracer": "osmauth_tracer"},
            {"osmauth_tracer.py": RAISING_SINK})
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO)
    trace = tmp_path / "events.jsonl"
    status, out, err = run_cli(["run", str(scenario), "--trace", str(trace)], capsys)
    assert (status, out) == (2, "")
    # main (pid 5: init, syslogd, atd and sh come first) is typed at 2, forked and exec'd
    # by sh, and ends its 3 ticks of cpu at 8: the exit event is the one that raises
    assert err == ("osmodel: error: plugin 'authtracer from osmodel-auth-tracer', hook emit, "
                   "time 8, pid 5: ZeroDivisionError: division by zero\n")
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert events[0]["kind"] == "create"
    assert (events[-1]["kind"], events[-1]["pid"], events[-1]["time"]) == ("exit", 5, 8)


def test_an_error_in_a_plugin_packages_submodule_is_named_too(site: Path) -> None:
    from osmodel.kernel.asm import parse
    from osmodel.kernel.errors import PluginError
    from osmodel.kernel.machine import Machine
    from osmodel.kernel.scenario import Scenario, TimelineEvent
    from osmodel.kernel.simulation import simulate

    install(site, "osmodel-auth-pkg", "1.5", {"authpkg": "osmauth_pkg"}, {
        "osmauth_pkg/__init__.py": """
            from osmodel.kernel import hookimpl

            from .sink import Sink

            @hookimpl
            def osmodel_trace_sinks(kernel):
                return [Sink()]
        """,
        "osmauth_pkg/sink.py": RAISING_SINK.split("@hookimpl")[0].replace(
            "from osmodel.kernel import hookimpl", ""),
    })
    scenario = Scenario(Machine(), {"main": parse("cpu 3", "main")},
                        (TimelineEvent(2, "user", program="main"),), platform="unix")
    with pytest.raises(PluginError) as caught:
        simulate(scenario, pm=make_plugin_manager())
    assert caught.value.plugin == "authpkg from osmodel-auth-pkg"


# --- the hook reference and the changelog follow the contract -------------------------


HOOKS = {name: fn for name, fn in vars(hookspecs).items()
         if name.startswith("osmodel_") and callable(fn)}


def signature(name: str) -> str:
    return f"{name}({', '.join(inspect.signature(HOOKS[name]).parameters)})"


def render_reference() -> str:
    """The hook reference from kernel/hookspecs.py: its groups, in source order, each
    hook's signature, docstring text and ``:param:``/``:return:`` fields as a list."""
    source = inspect.getsource(hookspecs).splitlines()
    groups = [(number, match.group(1)) for number, line in enumerate(source, 1)
              if (match := re.match(r"# -{3,} (\S.*)$", line))]
    lines: list[str] = []
    current = None
    for _, name in sorted((inspect.getsourcelines(fn)[1], name) for name, fn in HOOKS.items()):
        start = inspect.getsourcelines(HOOKS[name])[1]
        group = [g for number, g in groups if number < start][-1]
        if group != current:
            current = group
            lines += [f"### {group[:1].upper()}{group[1:]}", ""]
        doc = inspect.getdoc(HOOKS[name]) or ""
        text, _, fields = doc.partition("\n:")
        lines += [f"#### `{signature(name)}`", "", text.strip(), ""]
        for field in re.split(r"\n(?=:)", ":" + fields):
            match = re.match(r":(?:param (\w+)|return):\s*(.*)", field, flags=re.S)
            assert match, f"{name}: cannot read {field!r}"
            head = f"`{match.group(1)}`" if match.group(1) else "returns"
            body = [part.strip() for part in match.group(2).splitlines()]
            lines.append(f"- {head}: {body[0]}")
            lines += [f"  {part}" for part in body[1:]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def test_the_hook_reference_is_the_docstrings() -> None:
    """Each hook's text in docs/plugins.md is what its docstring says, in the same order."""
    page = PLUGINS_MD.read_text()
    shown = page[page.index(REFERENCE_START):]
    expected = render_reference()
    for name in HOOKS:  # a readable failure first: which hook differs
        pattern = rf"#### `{name}\(.*?(?=\n#### |\n### |\Z)"
        mine = re.search(pattern, expected, flags=re.S)
        theirs = re.search(pattern, shown, flags=re.S)
        assert theirs is not None, f"docs/plugins.md does not describe {name}"
        assert mine is not None and theirs.group(0).rstrip() == mine.group(0).rstrip(), (
            f"the reference for {name} differs from its docstring; run "
            "python tests/test_plugin_authoring.py --write-reference")
    assert shown == expected


def test_the_reference_renderer_sees_a_changed_docstring(monkeypatch: pytest.MonkeyPatch) -> None:
    fn = HOOKS["osmodel_boot"]
    monkeypatch.setattr(fn, "__doc__", fn.__doc__.replace("System initialisation", "Boot"))
    assert "#### `osmodel_boot(kernel)`\n\nBoot: create" in render_reference()


def test_the_changelog_lists_every_hook_of_the_current_contract() -> None:
    text = CHANGELOG.read_text()
    versions = [int(v) for v in re.findall(r"^## Hook contract (\d+)\b", text, flags=re.M)]
    assert versions and max(versions) == HOOK_CONTRACT_VERSION
    start = text.index(f"## Hook contract {HOOK_CONTRACT_VERSION}")
    end = text.find("\n## ", start + 1)
    current = text[start:end if end >= 0 else len(text)]  # that contract's section only
    for name, fn in HOOKS.items():
        line = re.search(rf"^- `{re.escape(signature(name))}`(.*)$", current, flags=re.M)
        assert line is not None, f"docs/changelog.md does not list {signature(name)}"
        spec = fn.osmodel_spec
        assert ("first result" in line.group(1)) == bool(spec.get("firstresult")), name
        assert ("historic" in line.group(1)) == bool(spec.get("historic")), name
    listed = re.findall(r"^- `(osmodel_\w+)\(", current, flags=re.M)
    assert sorted(listed) == sorted(HOOKS), "the changelog lists a hook the contract lacks"


def _write_reference() -> None:
    page = PLUGINS_MD.read_text()
    PLUGINS_MD.write_text(page[:page.index(REFERENCE_START)] + render_reference())


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-reference"]:
        _write_reference()
        print(f"rewrote the hook reference in {PLUGINS_MD}")
    else:
        sys.exit(f"usage: python {sys.argv[0]} --write-reference")

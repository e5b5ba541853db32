"""``osmodel compare``: the same portable scenario on several platforms, and what differed.

Each platform-difference scenario of the gallery has differences known from the
platforms' rules (docs/unix.md, docs/windows.md): orphans, memory isolation, forced kill,
fatal faults, Ctrl-C reach and exit code width.  The differences are checked
against the runs' own data (the reports in the same JSON), so a comparison
that invented or missed one fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_cli import osmodel

from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.scenario import load_scenario
from osmodel.platforms.unix.platform import COMPARE_RULES as UNIX_RULES
from osmodel.platforms.windows.platform import COMPARE_RULES as WINDOWS_RULES
from osmodel.plugins.gallery.catalog import SCENARIOS, entries
from osmodel.plugins.views.compare import RULES, execute, match

DATA = SCENARIOS


def compare_entries() -> list:
    """The gallery scenarios meant for compare: those that name no platform."""
    return [entry for entry in entries() if entry.platform is None]


def compare(scenario: str, *args: str) -> dict[str, Any]:
    result = osmodel("compare", str(DATA / scenario), "--format", "json", *args)
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def found(data: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The differences of one kind, by subject."""
    return {d["subject"]: d for d in data["differences"] if d["kind"] == kind}


def entry(data: dict[str, Any], platform: str, subject: str) -> dict[str, Any]:
    """A subject's process entry in one platform's report (pids differ per platform)."""
    pid = next(s["pids"][platform] for s in data["subjects"] if s["subject"] == subject)
    created = [p for p in data["runs"][platform]["processes"] if p["pid"] == pid
               and p["cause"] != "boot"]
    assert len(created) == 1
    return created[0]


def test_orphan_is_adopted_by_init_on_unix_and_runs_on_with_no_parent_on_windows() -> None:
    data = compare("orphans.toml")
    orphan = found(data, "orphan")
    assert set(orphan) == {"child"}  # the parent was nobody's orphan
    diff = orphan["child"]
    assert diff["values"] == {"unix": "adopted by init (pid 1)",
                              "windows": "keeps running with no parent"}
    assert diff["text"] == ("orphan child: adopted by init (pid 1) on unix; keeps running "
                            "with no parent on windows")
    assert "_exit(2)" in diff["rule"] and "CreateProcess" in diff["rule"]
    # what the runs themselves say
    assert entry(data, "unix", "child")["parent"] == 1
    assert entry(data, "windows", "child")["parent"] is None
    assert entry(data, "windows", "child")["creator_alive"] is False


def test_memory_is_isolated_on_both_by_copy_on_write_on_unix_only() -> None:
    data = compare("isolation.toml")
    for platform in ("unix", "windows"):
        printed = [o["text"] for o in data["runs"][platform]["output"]]
        # the child's write never reaches the parent, and the child starts from its image
        assert "parent: x is 2" in printed and "child: x was 7" in printed
    unix, windows = (data["runs"][p]["summary"]["memory"] for p in ("unix", "windows"))
    assert unix["cow_shares"] > 0 and windows["cow_shares"] == 0
    diff = found(data, "memory")["address spaces"]
    assert diff["values"]["unix"].startswith(f"{unix['cow_shares']} copy-on-write shares")
    assert diff["values"]["windows"].startswith("no copy-on-write share")
    assert "fork(2)" in diff["rule"] and "CreateProcess" in diff["rule"]
    assert not found(data, "orphan") and not found(data, "end")


def test_forced_kill_is_sigkill_on_unix_and_terminateprocess_on_windows() -> None:
    data = compare("kill.toml")
    kills = found(data, "forced_kill")
    assert set(kills) == {"victim", "daemon"}  # killed by its creator, by the operator
    for subject in kills:
        unix, windows = entry(data, "unix", subject), entry(data, "windows", subject)
        assert (unix["exit"]["kind"], unix["exit"]["code"], unix["exit"]["signal"]) == \
            ("killed", 137, 9)
        assert (windows["exit"]["kind"], windows["exit"]["code"]) == ("killed", 1)
        assert kills[subject]["values"]["unix"].endswith("killed 137 signal 9 (SIGKILL)")
        assert " killed 1 (TerminateProcess by " in kills[subject]["values"]["windows"]
    assert "SIGKILL" in kills["victim"]["rule"] and "TerminateProcess" in kills["victim"]["rule"]
    printed = {p: [o["text"] for o in data["runs"][p]["output"]] for p in ("unix", "windows")}
    assert "boss: victim ended with 137" in printed["unix"]
    assert "boss: victim ended with 1" in printed["windows"]


def test_fatal_faults_are_signals_on_unix_and_exception_codes_on_windows() -> None:
    data = compare("faults.toml")
    faults = found(data, "fatal_fault")
    assert set(faults) == {"divider", "pointer"}
    expected = {"divider": (136, 8, 0xC0000094), "pointer": (139, 11, 0xC0000005)}
    for subject, (status, signal, code) in expected.items():
        unix, windows = entry(data, "unix", subject), entry(data, "windows", subject)
        assert (unix["exit"]["kind"], unix["exit"]["code"], unix["exit"]["signal"]) == \
            ("fatal", status, signal)
        assert (windows["exit"]["kind"], windows["exit"]["code"]) == ("fatal", code)
        assert f"fatal {code} " in faults[subject]["values"]["windows"]
    assert "signal(7)" in faults["divider"]["rule"]
    assert "Structured Exception Handling" in faults["divider"]["rule"]


def test_ctrl_c_reaches_the_foreground_group_on_unix_and_the_console_on_windows() -> None:
    data = compare("ctrl-c.toml")
    reach = found(data, "ctrl_c_reach")
    assert reach["ctrl-c at 60"]["values"] == {"unix": "fg", "windows": "helper, fg"}
    assert "foreground process group" in reach["ctrl-c at 60"]["rule"]
    assert "CTRL+C and CTRL+BREAK Signals" in reach["ctrl-c at 60"]["rule"]
    # the orphan ran on after the key on unix, and was ended by it on windows
    assert entry(data, "unix", "helper")["exit"]["kind"] == "normal"
    assert entry(data, "windows", "helper")["exit"]["code"] == 0xC000013A
    ends = found(data, "ctrl_c_end")
    assert set(ends) == {"helper", "fg"}  # the background server was reached by neither
    assert ends["fg"]["values"]["unix"].endswith("killed 130 signal 2 (SIGINT)")
    assert "killed 3221225786" in ends["fg"]["values"]["windows"]
    assert entry(data, "unix", "server")["exit"]["kind"] == "normal"
    assert entry(data, "windows", "server")["exit"]["kind"] == "normal"


def test_exit_codes_are_8_bits_on_unix_and_32_bits_on_windows() -> None:
    data = compare("exit-width.toml")
    width = found(data, "exit_width")
    assert width["big"]["values"] == {"unix": "reads 44", "windows": "reads 300"}
    assert width["minus"]["values"] == {"unix": "reads 255", "windows": "reads 4294967295"}
    assert width["big"]["text"] == "exit code of big: reads 44 on unix; reads 300 on windows"
    assert "low 8 bits" in width["big"]["rule"] and "32-bit" in width["big"]["rule"]
    printed = [o["text"] for o in data["runs"]["unix"]["output"]]
    assert "parent: big ended with 44" in printed


def test_a_scenario_that_ends_alike_shows_no_end_difference(tmp_path: Path) -> None:
    scenario = tmp_path / "same.toml"
    scenario.write_text('[scenario]\ntitle = "same"\n[programs.main]\ncode = """\n'
                        '    spawn child -> r1\n    wait r1 -> r2\n    exit 0\n"""\n'
                        '[programs.child]\ncode = """\n    cpu 2\n    exit 3\n"""\n'
                        '[[timeline]]\nat = 0\nuser = "main"\n')
    result = osmodel("compare", str(scenario), "--format", "json")
    data = json.loads(result.stdout)
    assert [d["kind"] for d in data["differences"]] == ["memory"]


def test_every_difference_names_a_rule_and_every_rule_cites_both_platforms() -> None:
    for rules in (UNIX_RULES, WINDOWS_RULES):
        assert set(rules) == set(RULES)
    kinds = set()
    for entry in compare_entries():
        for diff in compare(entry.path.name)["differences"]:
            kinds.add(diff["kind"])
            assert set(diff) == {"kind", "subject", "values", "rule", "text"}
            assert diff["rule"].startswith(RULES[diff["kind"]].title)
            assert set(diff["values"]) == {"unix", "windows"}
    assert kinds >= {"orphan", "memory", "forced_kill", "fatal_fault", "ctrl_c_reach",
                     "ctrl_c_end", "exit_width"}


def test_text_shows_the_columns_and_the_differences_under_them() -> None:
    result = osmodel("compare", str(DATA / "orphans.toml"))
    assert result.code == 0, result.stderr
    out = result.stdout
    sections = ["== how each process ended", "== memory", "== structure", "== timeline",
                "== differences"]
    assert [out.index(s) for s in sections] == sorted(out.index(s) for s in sections)
    assert "PROCESS  UNIX         WINDOWS" in out
    # too wide for 100 columns side by side, the drawings come one under the other
    assert "\nunix at time" in out and "\nwindows at time" in out
    wide = osmodel("compare", str(DATA / "orphans.toml"), "--wide").stdout
    assert "|  windows at time" in wide and max(map(len, wide.splitlines())) > 200
    assert "└─ child" in out  # the UNIX tree beside ...
    assert "processes: no tree" in out  # ... the Windows process list
    assert "- orphan child: adopted by init (pid 1) on unix; keeps running with no parent " \
        "on windows\n  rule: orphan adoption (unix: _exit(2)" in out


def test_platforms_before_the_scenario_or_with_the_option_and_a_third_party_one() -> None:
    positional = osmodel("compare", "unix", "toy", "windows", str(DATA / "orphans.toml"))
    option = osmodel("compare", str(DATA / "orphans.toml"), "--platforms", "unix,toy,windows")
    assert positional.code == option.code == 0, positional.stderr
    assert positional.stdout == option.stdout
    assert "PROCESS  UNIX         TOY          WINDOWS" in positional.stdout
    assert "keeps running with no parent on toy and windows" in positional.stdout
    # no rule is on record for toy: only the built-ins' sources are cited
    assert "toy:" not in positional.stdout.split("== differences")[1]


def test_a_platform_may_state_its_own_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    import toyplatform

    monkeypatch.setattr(toyplatform.Toy, "rules", {"orphan": "toy(7): nobody adopts"},
                        raising=False)
    out = osmodel("compare", "unix", "toy", str(DATA / "orphans.toml")).stdout
    assert "rule: orphan adoption (unix: _exit(2)" in out and "toy: toy(7): nobody adopts)" in out


@pytest.mark.parametrize(("args", "message"), [
    (["unix", "nope"], "unknown platform 'nope'; installed: "),
    (["unix"], "compare needs at least two platforms, got unix"),
    (["unix", "unix"], "platform unix is named twice"),
    (["--platforms", "unix,,windows"], "--platforms: an empty name"),
    (["unix", "windows", "--platforms", "unix,windows"], "not both"),
])
def test_bad_platforms_are_clear_errors(args: list[str], message: str) -> None:
    options = [a for a in args if a.startswith("--") or "," in a]
    names = [a for a in args if a not in options]
    result = osmodel("compare", *names, str(DATA / "orphans.toml"), *options)
    assert result.code == 2 and result.stdout == ""
    assert message in result.stderr


def test_a_bad_scenario_or_a_call_one_platform_lacks_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[programs.main]\ncode = '''\n    spwan child\n'''\n")
    result = osmodel("compare", str(bad))
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"osmodel: error: {bad}:3:5:")
    unix_only = tmp_path / "fork.toml"
    unix_only.write_text("[programs.main]\ncode = '''\n    fork -> r1\n    exit 0\n'''\n"
                         "[[timeline]]\nat = 0\nuser = \"main\"\n")
    result = osmodel("compare", str(unix_only))
    assert result.code == 2 and result.stdout == ""
    assert f"{unix_only}:3:5: fork is not a windows system call" in result.stderr
    assert result.stderr.rstrip().endswith("[running on windows]")
    forgot = osmodel("compare", "unix", "windows")
    assert forgot.code == 2
    assert "the last argument must be the scenario file; windows is a platform" in forgot.stderr


def test_structure_at_a_time_is_what_tree_draws_then() -> None:
    data = compare("orphans.toml", "--at", "12")
    for platform in ("unix", "windows"):
        tree = osmodel("--platform", platform, "tree", str(DATA / "orphans.toml"), "--at", "12")
        lines = tree.stdout.splitlines()
        assert lines[0] == f"osmodel tree at time 12 on {platform}"
        assert data["structure"][platform] == [{"time": 12, "lines": lines[1:]}]


def test_stopping_to_draw_changes_nothing_in_the_run() -> None:
    scenario = load_scenario(DATA / "ctrl-c.toml")
    pm = make_plugin_manager(autoload=False)
    for platform in ("unix", "windows"):
        plain = execute(scenario, platform, pm)
        stopped = execute(scenario, platform, pm, at=[3, 11, 12, 40, 60, 1000], end=True)
        assert [e.as_dict() for e in plain.sim.recorder.events] == \
            [e.as_dict() for e in stopped.sim.recorder.events]
        assert plain.report == stopped.report
        assert [s.time for s in stopped.snapshots] == sorted({*(min(t, plain.report["clock"])
                                                                for t in (3, 11, 12, 40, 60)),
                                                              plain.report["clock"]})
        assert pm.get_plugin(f"platform:{platform}") is None  # the manager can run again


def test_matching_follows_programs_and_creators_not_pids() -> None:
    scenario = load_scenario(DATA / "ctrl-c.toml")
    pm = make_plugin_manager(autoload=False)
    runs = [execute(scenario, p, pm) for p in ("unix", "windows")]
    assert match(runs, scenario.programs) == ["job", "helper", "server", "fg"]
    unix, windows = ({life.subject: life for life in run.lives if life.subject} for run in runs)
    assert unix["helper"].creator is unix["job"] and windows["helper"].creator is windows["job"]
    assert windows["fg"].pid == windows["job"].pid  # Windows reused the pid; still two subjects


def test_same_scenario_same_bytes_under_any_hash_seed(tmp_path: Path) -> None:
    tests = Path(__file__).resolve().parent
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "OSMODEL_DISABLE_PLUGIN_AUTOLOAD": "1",
               "PYTHONPATH": str(tests)}
        page = tmp_path / f"report-{seed}.html"
        printed = []
        for args in (["compare", str(DATA / "ctrl-c.toml")],
                     ["report", str(DATA / "ctrl-c.toml"), "--platforms", "unix,windows",
                      "-o", str(page)]):
            result = subprocess.run(
                [sys.executable, "-c", "from osmodel.kernel.cli import main; main()", *args],
                capture_output=True, text=True, env=env, check=False)
            assert result.returncode == 0, result.stderr
            assert result.stderr == ""  # no progress display when not on a terminal
            printed.append(result.stdout.replace(str(page), "PAGE"))
        outputs.append((printed, page.read_bytes()))
    assert outputs[0] == outputs[1]


def test_progress_only_when_asked_and_both_streams_are_terminals(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from osmodel.plugins.commands import progress_display
    from osmodel.plugins.commands import progress_if_terminal as progress_factory

    for out_tty, err_tty in ((True, True), (True, False), (False, True)):
        monkeypatch.setattr(sys.stdout, "isatty", lambda v=out_tty: v)
        monkeypatch.setattr(sys.stderr, "isatty", lambda v=err_tty: v)
        expected = progress_display if out_tty and err_tty else None
        assert progress_factory(True) is expected
        assert progress_factory(False) is None

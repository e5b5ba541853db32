"""``osmodel ostep fork`` against fork.py: the recorded runs (tests/ostep/data/fork_*),
the run on the unix platform behind the answers, and the flags osmodel refuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.ostep.check import Answer, compare, normal_key
from osmodel.plugins.ostep.fork import SIMULATOR, drawn_actions, names
from osmodel.plugins.ostep.homework import HomeworkUsageError
from osmodel.testing import run_cli

DATA = Path(__file__).parent / "data"
RECORDED = json.loads((DATA / "fork_expected.json").read_text())
MARGIN = 31  # the original draws every tree line 31 columns in; osmodel two


def original(output: str) -> tuple[list[str], list[list[str]]]:
    """The original's actions (in osmodel's words) and trees (without the margin)."""
    actions, trees = [], []
    previous_tree = False
    for line in output.splitlines():
        if line.startswith(" " * MARGIN) and line.strip():
            if not previous_tree:
                trees.append([])
            trees[-1].append(line[MARGIN:])
            previous_tree = True
            continue
        previous_tree = False
        if line.startswith("Action: "):
            text = line[len("Action: "):].replace(" EXITS (failed: has children)",
                                                  " exits (refused: it has children, and "
                                                  "only leaves may exit)")
            actions.append(text.replace(" EXITS", " exits"))
    return actions, trees


def ours(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    actions, trees = [], []
    in_tree = False
    for line in lines:
        found = re.match(r"  action \d+: (.*)$", line)
        if found:
            actions.append(found.group(1))
            in_tree = False
        elif line.startswith(("The process tree at the start", "After action",
                              "The final process tree")) and line.endswith(":"):
            trees.append([])
            in_tree = True
        elif in_tree and line.startswith("  "):
            trees[-1].append(line[2:])
        else:
            in_tree = False
    return actions, trees


def homework(argv):
    return SIMULATOR.build(argv, make_plugin_manager())


@pytest.mark.parametrize("recorded", RECORDED, ids=[r["command"] for r in RECORDED])
def test_the_same_question_and_answers_as_fork_py(recorded):
    hw = homework(recorded["argv"])
    want_actions, want_trees = original(recorded["output"])
    lines = list(hw.question) + (list(hw.answers) if hw.solve else [])
    got_actions, got_trees = ours(lines)
    if "-t" in recorded["argv"] and not hw.solve:  # the trees are the question
        assert want_actions == got_actions == []
    assert got_actions == want_actions
    assert got_trees == want_trees


def test_at_least_twenty_recorded_runs_with_answers():
    assert sum("-c" in r["argv"] or any(a.startswith("-c") for a in r["argv"])
               or "--compute" in r["argv"] for r in RECORDED) >= 20


def test_names_go_on_as_the_homeworks_do():
    got = list(zip(range(60), names(), strict=False))
    assert [n for _, n in got][:3] == ["b", "c", "d"]
    assert [n for _, n in got][50:53] == ["Z", "aa", "ab"]


def test_a_seed_draws_the_same_actions_every_time():
    import random

    first = drawn_actions(random.Random(9), 0.7, 20)
    assert first == drawn_actions(random.Random(9), 0.7, 20)
    assert first != drawn_actions(random.Random(10), 0.7, 20)


def test_the_answers_are_the_unix_runs_process_tree():
    hw = homework(["-s", "4", "-a", "8", "-c"])
    sim = hw.run
    assert sim.platform == "unix"
    reparents = [e for e in sim.recorder.events if e.kind == "reparent"]
    assert [e.info["to"] for e in reparents] == ["subreaper"]  # g, when f exits
    forks = [e for e in sim.recorder.events if e.kind == "fork"]
    assert len(forks) - 1 == sum(a.endswith(("+b", "+c", "+d", "+e", "+f", "+g"))
                                 for a in hw.document["actions"])


def test_unix_keeps_the_grandchildren_with_their_parents():
    flatten = homework(["-A", "a+b,b+c,c+d,b-", "-c"])
    unix = homework(["-A", "a+b,b+c,c+d,b-", "-c", "--unix"])
    assert flatten.answers[-3:] == ("  a", "  ├── c", "  └── d")
    assert unix.answers[-3:] == ("  a", "  └── c", "      └── d")


def test_unseeded_runs_print_a_seed_that_repeats_them():
    hw = homework(["-a", "10", "-c"])
    seed = hw.seed
    assert f"  seed {seed} (picked by osmodel; -s {seed} asks this again)" in hw.question
    again = homework(["-a", "10", "-c", "-s", str(seed)])
    assert again.answers == hw.answers


def test_check_compares_names_with_their_case():
    hw = homework(["-A", "a+b,a+B", "-c", "-t"])
    right = (Answer(1, "action 1", "a+b"), Answer(2, "action 2", "a+B"))
    assert compare(hw, right, "f").right
    wrong = (Answer(1, "action 1", "a+b"), Answer(2, "action 2", "a+b"))
    assert [a.key for a, _ in compare(hw, wrong, "f").wrong] == ["action 2"]
    assert normal_key(["Tree", "1", "line", "2:"]) == "tree 1 line 2"


def test_numbers_have_stable_keys():
    hw = homework(["-A", "a+b,b-", "-c"])
    assert [(n.key, n.value) for n in hw.numbers] == [
        ("tree 1 line 1", "a"), ("tree 1 line 1 depth", "0"),
        ("tree 1 line 2", "b"), ("tree 1 line 2 depth", "1"),
        ("tree 2 line 1", "a"), ("tree 2 line 1 depth", "0")]


@pytest.mark.parametrize("argv,message", [
    (["-P", "round"], "the styles are"),
    (["-f", "0.001"], "above 0.001"),
    (["-A", "a+b,c-"], "not a living process"),
    (["-A", "a-"], "cannot exit"),
    (["-A", "a+b,a+b"], "no living process has"),
    (["-A", "ab"], "bad action"),
    (["-a", "1001"], "at most 1,000"),
    (["--unix", "-R"], "leave out -R and -L"),
    (["extra"], "unexpected word"),
])
def test_bad_flags_are_refused(argv, message):
    with pytest.raises(HomeworkUsageError, match=re.escape(message)):
        homework(argv)


def test_the_command_line_json_and_exit_status():
    done = run_cli("ostep", "--format", "json", "fork", "-s", "3", "-c")
    assert done.code == 0
    doc = done.json()
    assert doc["simulator"] == "fork" and doc["seed"] == 3 and doc["numbers"]
    assert run_cli("ostep", "fork", "-P", "x").code == 2
    helped = run_cli("ostep", "fork", "-h")
    assert "--local_reparent" in helped.stdout and "--unix" in helped.stdout


def test_trace_and_report_show_the_unix_run(tmp_path):
    trace, report = tmp_path / "t.jsonl", tmp_path / "r.html"
    done = run_cli("ostep", "--trace", str(trace), "--report", str(report), "fork",
                   "-A", "a+b,b+c,b-", "-c")
    assert done.code == 0
    kinds = [json.loads(line)["kind"] for line in trace.read_text().splitlines()]
    assert kinds.count("fork") == 3 and kinds.count("reparent") == 1  # sh's fork of a too
    page = report.read_text()
    assert "unix platform" in page and "reparent" in page


def test_a_process_named_like_a_system_program_does_not_replace_it():
    hw = homework(["-A", "a+sh,sh+init,a+b", "-c"])
    assert hw.answers[-4:] == ("  a", "  ├── sh", "  │   └── init", "  └── b")

"""``osmodel quiz``: the same seed gives the same quiz, and the answers are the run's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import run_cli

from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.scenario import loads_scenario
from osmodel.kernel.simulation import simulate
from osmodel.plugins.quiz.answers import NOT_YET, ending, solve
from osmodel.plugins.quiz.generate import NAMES, generate

SEEDS = range(40)


def quiz_json(*args: str) -> dict[str, Any]:
    result = run_cli("quiz", "--format", "json", *args)
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("platform", ["unix", "windows"])
def test_the_same_seed_gives_the_same_bytes(platform: str) -> None:
    args = ("--platform", platform, "quiz", "--seed", "11", "--solve")
    first, second = run_cli(*args), run_cli(*args)
    assert first.code == 0 and first.stdout == second.stdout
    assert run_cli("--platform", platform, "quiz", "--seed", "12").stdout != first.stdout


def test_seeds_draw_different_trees_of_four_to_six_processes() -> None:
    shapes = set()
    for seed in SEEDS:
        quiz = generate(seed)
        names = [name for name, _ in quiz.programs]
        assert 4 <= len(names) <= len(NAMES) and names == list(NAMES[:len(names)])
        parent = {line.split()[1]: name for name, code in quiz.programs
                  for line in code.splitlines() if line.split()[0] == "spawn"}
        assert sorted(parent) == sorted(names[1:])  # a tree: everyone but the root, once
        assert quiz.events[0].kind == "user" and quiz.events[0].target == names[0]
        shapes.add(tuple(sorted(parent.items())))
    assert len(shapes) > 20


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("platform", ["unix", "windows"])
def test_the_answers_are_what_the_run_shows(platform: str, seed: int) -> None:
    quiz = generate(seed)
    pm = make_plugin_manager(autoload=False)
    answers = solve(quiz, platform, pm)
    names = [name for name, _ in quiz.programs]
    # an independent run to the asked time, read through the kernel, not the report
    sim = simulate(loads_scenario(quiz.scenario(platform)), pm=pm, until=quiz.at)
    try:
        live = {p.name: p.state.name for p in sim.kernel.processes.values() if p.name in names}
        ended = {p.name for p in sim.history if p.name in names}
    finally:
        sim.close()
    for name, state in answers.states:
        if name in live:
            assert state == live[name]
        elif name in ended:
            assert state == "terminated"
        else:
            assert state == NOT_YET
    told = [f.name for f in answers.fates]
    assert told == [n for n in names if n in told]  # in the quiz's order
    assert {n for n, state in answers.states if state != NOT_YET} <= set(told)
    root = answers.fates[0]
    assert root.name == names[0] and root.cause == "user"
    assert all(f.cause == "syscall" for f in answers.fates[1:])


def test_unix_answers_draw_the_tree_and_windows_the_handles() -> None:
    unix = quiz_json("--seed", "7", "--solve", "--platform", "unix")
    assert unix["answers"]["structure"][0].split()[:3] == ["PID", "PPID", "PGID"]
    assert any("init" in line for line in unix["answers"]["structure"])
    windows = quiz_json("--seed", "7", "--solve", "--platform", "windows")
    assert windows["answers"]["structure"][0].split()[:3] == ["NAME", "PID", "CREATOR"]
    assert windows["programs"] == unix["programs"]  # one seed, one set of programs


def test_the_question_alone_does_not_run_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    import osmodel.plugins.quiz.command as command

    def refuse(*args: object) -> None:
        raise AssertionError("the question alone must not simulate")

    monkeypatch.setattr(command, "solve", refuse)
    data = quiz_json("--seed", "3")
    assert "answers" not in data and data["seed"] == 3


def test_without_a_seed_a_new_quiz_names_its_seed() -> None:
    result = run_cli("quiz")
    assert result.code == 0
    seed = int(result.stdout.split()[3])
    assert run_cli("quiz", "--seed", str(seed)).stdout == result.stdout


def test_text_fits_a_hundred_columns() -> None:
    for seed in range(12):
        for platform in ("unix", "windows"):
            out = run_cli("--platform", platform, "quiz", "--seed", str(seed), "--solve").stdout
            assert max(len(line) for line in out.splitlines()) <= 100


def test_an_unknown_platform_is_a_usage_error() -> None:
    result = run_cli("-p", "toyplatform", "quiz", "--platform", "toy")
    assert result.code == 2
    assert result.stderr == ("osmodel: error: quiz: no quiz for platform 'toy' "
                             "(choose unix or windows)\n")


@pytest.mark.parametrize(("exit", "words"), [
    (None, "still running at the end"),
    ({"kind": "normal", "code": 0, "reason": "exit"}, "normal exit, code 0"),
    ({"kind": "error", "code": 3, "reason": "exit"}, "error exit, code 3"),
    ({"kind": "fatal", "code": 136, "reason": "SIGFPE"}, "fatal error (SIGFPE, code 136)"),
    ({"kind": "killed", "code": 137, "reason": "SIGKILL"}, "killed (SIGKILL, code 137)"),
])
def test_endings_in_the_chapter_s_words(exit: dict[str, Any] | None, words: str) -> None:
    assert ending(exit) == words

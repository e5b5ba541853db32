"""The ``osmodel ostep`` command: its options before NAME, JSON, --check, --trace, --report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.ostep.scheduler import SIMULATOR
from osmodel.testing import run_cli

SOLVED = ("scheduler", "-s", "100", "-c")


def one_error(result: object, *parts: str) -> None:
    code, stdout, stderr = (getattr(result, name) for name in ("code", "stdout", "stderr"))
    assert code == 2 and stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osmodel: error: "), stderr
    for part in parts:
        assert part in lines[0]


def test_help_lists_the_simulators() -> None:
    for spelled in ("--help", "-h"):
        result = run_cli("ostep", spelled)
        assert result.code == 0
        assert "scheduler" in result.stdout and "lottery" in result.stdout
        assert "--check FILE" in result.stdout and "--report FILE.html" in result.stdout
        assert "osmodel ostep NAME -h" in result.stdout


def test_no_name_or_an_unknown_one_is_an_error() -> None:
    one_error(run_cli("ostep"), "name a homework simulator")
    one_error(run_cli("ostep", "nope", "-c"), "no homework simulator 'nope'", "scheduler")
    one_error(run_cli("--platform", "unix", "ostep", *SOLVED), "bare platform")


def test_everything_after_the_name_is_the_simulators() -> None:
    # -p is the homework's policy here, not osmodel's plugin option; --format is no flag of it
    assert run_cli("ostep", "scheduler", "-p", "SJF", "-c").code == 0
    one_error(run_cli("ostep", "scheduler", "--format", "json"), "no such flag --format")
    one_error(run_cli("ostep", "scheduler", "--check", "x"), "no such flag --check")


def test_text_is_the_question_then_the_answers() -> None:
    question = run_cli("ostep", "scheduler", "-s", "100")
    solved = run_cli("ostep", *SOLVED)
    assert question.code == solved.code == 0
    assert "job 2: length 8" in question.stdout and "Execution trace" not in question.stdout
    assert "-c added" in question.stdout and "-c added" not in solved.stdout
    assert "  job   2: response 7.00, turnaround 15.00, wait 7.00" in solved.stdout


def test_json_holds_the_question_answers_and_numbers() -> None:
    document = run_cli("ostep", "--format", "json", *SOLVED).json()
    assert set(document) == {"layout", "simulator", "argv", "seed", "solved", "question",
                             "answers", "numbers", "homework"}
    assert document["layout"] == 1 and document["simulator"] == "scheduler"
    assert document["argv"] == ["-s", "100", "-c"] and document["seed"] == 100
    text = run_cli("ostep", *SOLVED).stdout
    assert "\n".join(document["question"] + document["answers"]) + "\n" == text
    numbers = {item["key"]: item["value"] for item in document["numbers"]}
    assert numbers["job 1 turnaround"] == "7.00" and numbers["average wait"] == "3.00"
    assert numbers["trace 3 done"] == "15.00"
    assert [job["length"] for job in document["homework"]["jobs"]] == [2, 5, 8]
    question = run_cli("ostep", "--format", "json", "scheduler", "-s", "100").json()
    assert question["solved"] is False and question["answers"] == question["numbers"] == []
    assert run_cli("ostep", "--format", "json", *SOLVED).stdout == \
        run_cli("ostep", "--format", "json", *SOLVED).stdout


def all_answers(argv: list[str]) -> list[str]:
    homework = SIMULATOR.build(["-c", *argv], make_plugin_manager([], autoload=False))
    return [f"{number.key} {number.value}" for number in homework.numbers]


def test_check_all_right(tmp_path: Path) -> None:
    lines = all_answers(["-s", "100"])
    sheet = tmp_path / "answers.txt"
    # comments, blank lines, case, spacing, a colon and 7 for 7.00 are all fine
    changed = {"job 1 turnaround 7.00": "JOB 1   Turnaround 7",
               "job 2 wait 7.00": "job 2 wait: 7.0",
               "average response 3.00": "  average response 3"}
    assert set(changed) <= set(lines)
    written = ["# my answers", "", *(changed.get(line, line) for line in lines)]
    sheet.write_text("\n".join(written) + "\n")
    result = run_cli("ostep", "--check", str(sheet), "scheduler", "-s", "100")
    assert result.code == 0, result.stdout
    assert result.stdout.strip() == (f"osmodel ostep scheduler: {len(lines)} of {len(lines)} "
                                      "numbers right, 0 wrong, 0 missing, 0 unknown")


def test_check_points_at_each_wrong_missing_and_unknown_number(tmp_path: Path) -> None:
    lines = all_answers(["-s", "100"])
    wrong = [line for line in lines if not line.startswith("average wait")]
    wrong[lines.index("job 1 turnaround 7.00")] = "job 1 turnaround 12"
    wrong.append("job 9 wait 1")
    sheet = tmp_path / "a.txt"
    sheet.write_text("\n".join(wrong) + "\n")
    result = run_cli("ostep", "--check", str(sheet), "scheduler", "-s", "100")
    assert result.code == 1
    line = lines.index("job 1 turnaround 7.00") + 1
    assert result.stdout.splitlines() == [
        f"{sheet}:{line}: job 1 turnaround: 12 is wrong",
        f"{sheet}: average wait: missing",
        f"{sheet}:{len(wrong)}: job 9 wait: these answers have no such number",
        f"osmodel ostep scheduler: {len(lines) - 2} of {len(lines)} numbers right, 1 wrong, "
        "1 missing, 1 unknown"]
    # with -c the student asked for the answers: the check tells them
    told = run_cli("ostep", "--check", str(sheet), "scheduler", "-s", "100", "-c")
    assert told.code == 1
    assert f"{sheet}:{line}: job 1 turnaround: 12 is wrong (the answer is 7.00)" in told.stdout
    as_json = run_cli("ostep", "--check", str(sheet), "--format", "json", "scheduler", "-s",
                      "100")
    assert as_json.code == 1
    document = json.loads(as_json.stdout)
    assert document["layout"] == 1 and document["right"] is False
    assert document["wrong"] == [{"line": line, "key": "job 1 turnaround", "value": "12"}]
    assert document["missing"] == ["average wait"]
    assert document["unknown"] == [{"line": len(wrong), "key": "job 9 wait"}]


def test_check_of_lottery(tmp_path: Path) -> None:
    result = run_cli("ostep", "--format", "json", "lottery", "-s", "1", "-j", "2", "-m", "4",
                     "-T", "10", "-q", "2", "-c").json()
    sheet = tmp_path / "l.txt"
    sheet.write_text("".join(f"{n['key']} {n['value']}\n" for n in result["numbers"]))
    checked = run_cli("ostep", "--check", str(sheet), "lottery", "-s", "1", "-j", "2", "-m",
                      "4", "-T", "10", "-q", "2")
    assert checked.code == 0, checked.stdout
    assert "pick 2 job 1 tickets ---" in sheet.read_text()  # a done job's tickets, as printed


@pytest.mark.parametrize(("content", "message"), [
    ("job 0 response 0\njob 0 response 0\n", ":2: 'job 0 response' is answered twice (first on "
     "line 1)"),
    ("0.00\n", ":1: '0.00' is not KEY VALUE"),
    (b"job 0 response \xff\n", "not UTF-8 text"),
])
def test_a_bad_check_file_is_bad_input(tmp_path: Path, content: str | bytes,
                                       message: str) -> None:
    sheet = tmp_path / "bad.txt"
    if isinstance(content, bytes):
        sheet.write_bytes(content)
    else:
        sheet.write_text(content)
    one_error(run_cli("ostep", "--check", str(sheet), *SOLVED), message)


def test_a_missing_check_file_is_bad_input(tmp_path: Path) -> None:
    one_error(run_cli("ostep", "--check", str(tmp_path / "none.txt"), *SOLVED),
              "cannot read it")


def test_trace_writes_the_runs_slices(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    result = run_cli("ostep", "--trace", str(trace), "scheduler", "-l", "3,2", "-p", "RR",
                     "-q", "2", "-c")
    assert result.code == 0
    assert [json.loads(line) for line in trace.read_text().splitlines()] == [
        {"cpu": 0, "job": 0, "start": 0, "end": 2}, {"cpu": 0, "job": 1, "start": 2, "end": 4},
        {"cpu": 0, "job": 0, "start": 4, "end": 5}]
    assert result.stdout == run_cli("ostep", "scheduler", "-l", "3,2", "-p", "RR", "-q", "2",
                                    "-c").stdout


def test_trace_and_report_need_the_answers(tmp_path: Path) -> None:
    for option in ("--trace", "--report"):
        target = tmp_path / "out"
        one_error(run_cli("ostep", option, str(target), "scheduler", "-s", "1"), "add -c")
        assert not target.exists()
    one_error(run_cli("ostep", "--trace", str(tmp_path / "no" / "t.jsonl"), *SOLVED),
              "--trace", "does not exist")


def test_nothing_is_written_when_the_flags_are_bad(tmp_path: Path) -> None:
    trace, page = tmp_path / "t.jsonl", tmp_path / "r.html"
    one_error(run_cli("ostep", "--trace", str(trace), "--report", str(page), "scheduler",
                      "-q", "0", "-c"), "-q 0")
    assert sorted(tmp_path.iterdir()) == []


def test_report_is_one_self_contained_page(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    argv = ("ostep", "--report", str(page), "lottery", "-l", "3:1,2:<b>", "-c")
    one_error(run_cli(*argv), "not LENGTH:TICKETS")  # the homework refuses it: no page
    assert not page.exists()
    result = run_cli("ostep", "--report", str(page), "lottery", "-s", "2", "-c")
    assert result.code == 0
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html
    assert "<svg" in html and html.count("<rect") >= 3
    assert "osmodel ostep lottery -s 2 -c" in html
    assert "job 0 is done at time" in html
    first = page.read_bytes()
    run_cli("ostep", "--report", str(page), "lottery", "-s", "2", "-c")
    assert page.read_bytes() == first


def test_check_also_answers_trace_without_c(tmp_path: Path) -> None:
    sheet, trace = tmp_path / "a.txt", tmp_path / "t.jsonl"
    sheet.write_text("job 0 response 0\n")
    result = run_cli("ostep", "--check", str(sheet), "--trace", str(trace), "scheduler",
                     "-s", "100")
    assert result.code == 1 and trace.read_text().count("\n") == 3


def test_registering_the_command_imports_no_simulator() -> None:
    probe = ("import sys\nfrom osmodel.kernel.cli import main\n"
             "try:\n    main(['plugins'])\nexcept SystemExit:\n    pass\n"
             "print(' '.join(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    modules = set(done.stdout.split())
    assert "osmodel.plugins.ostep.command" in modules  # registered
    assert not modules & {"osmodel.plugins.ostep.homework", "osmodel.plugins.ostep.scheduler",
                          "osmodel.plugins.ostep.lottery", "osmodel.plugins.ostep.flags",
                          "osmodel.plugins.ostep.page"}


def test_check_reads_stdin() -> None:
    from typer.testing import CliRunner

    from osmodel.kernel.cli import build_app

    app = build_app(make_plugin_manager([], autoload=False))
    answers = "\n".join(all_answers(["-s", "100"])) + "\n"
    right = CliRunner().invoke(app, ["ostep", "--check", "-", "scheduler", "-s", "100"],
                               input=answers)
    assert right.exit_code == 0 and "24 of 24 numbers right" in right.stdout
    wrong = CliRunner().invoke(app, ["ostep", "--check", "-", "scheduler", "-s", "100"],
                               input=answers.replace("average wait 3.00", "average wait 4"))
    assert wrong.exit_code == 1
    assert "stdin:24: average wait: 4 is wrong" in wrong.stdout

"""``osmodel schedule``, driven as a user drives it: published answers, hand-computed runs,
quizzes, several CPUs, and every kind of bad input (one line on stderr, exit status 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult, run_cli

from osmodel.kernel.manager import make_plugin_manager

osmodel = run_cli


def schedule(*args: str) -> CliResult:
    return osmodel("schedule", *args)


def metrics(doc: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    return [(j["response"], j["turnaround"], j["wait"], j["finish"]) for j in doc["jobs"]]


# ----------------------------------------------------------------- the published answers


def test_round_robin_quantum_3_on_5_2_7() -> None:
    doc = schedule("--policy", "rr", "--quantum", "3", "--jobs", "5,2,7",
                   "--format", "json").json()
    assert metrics(doc) == [(0, 10, 5, 10), (3, 5, 3, 5), (5, 14, 7, 14)]
    assert doc["average"] == {"response": 2.67, "turnaround": 9.67, "wait": 5.0}
    assert [(s["job"], s["start"], s["end"]) for s in doc["gantt"]] == [
        (0, 0, 3), (1, 3, 5), (2, 5, 8), (0, 8, 10), (2, 10, 14)]


def test_sjf_on_300_100_200_100() -> None:
    result = schedule("--policy", "sjf", "--jobs", "300,100,200,100")
    lines = result.lines()
    assert "run order: 1, 3, 2, 0" in lines
    assert lines[7].split() == ["average", "175.00", "350.00", "175.00"]
    doc = schedule("--policy", "sjf", "--jobs", "300,100,200,100", "--format", "json").json()
    assert doc["average"] == {"response": 175.0, "turnaround": 350.0, "wait": 175.0}


def test_the_json_document_has_the_documented_shape() -> None:
    doc = schedule("--policy", "fifo", "--jobs", "3,1", "--format", "json").json()
    assert doc["policy"] == "fifo"
    assert [sorted(job) for job in doc["jobs"]] == [
        sorted(["job", "length", "arrival", "response", "turnaround", "wait", "finish"])] * 2
    assert doc["jobs"][1] == {"job": 1, "length": 1, "arrival": 0, "response": 3,
                              "turnaround": 4, "wait": 3, "finish": 4}
    assert set(doc["average"]) == {"response", "turnaround", "wait"}
    assert (doc["cpus"], doc["elapsed"], doc["context_switches"]) == (1, 4, 2)
    assert doc["utilisation"] == [1.0] and doc["solved"] is True


# ------------------------------------------------------------------- hand-computed runs


def test_arrivals_under_fifo() -> None:
    doc = schedule("--policy", "fifo", "--jobs", "300,100,200,100", "--arrivals", "0,0,10,10",
                   "--format", "json").json()
    # 0 runs 0-300, 1 300-400, 2 400-600, 3 600-700; response = wait when nothing preempts
    assert metrics(doc) == [(0, 300, 0, 300), (300, 400, 300, 400), (390, 590, 390, 600),
                            (590, 690, 590, 700)]
    assert doc["average"] == {"response": 320.0, "turnaround": 495.0, "wait": 320.0}


def test_a_job_arriving_at_an_idle_cpu_starts_at_once() -> None:
    lines = schedule("--policy", "fifo", "--jobs", "2,3", "--arrivals", "0,5").lines()
    assert "cpu0: busy 5 of 8 ticks (62.50%)" in lines
    assert lines[-5:-3] == ["      0", "cpu0  00...111"]
    doc = schedule("--policy", "fifo", "--jobs", "2,3", "--arrivals", "0,5",
                   "--format", "json").json()
    assert metrics(doc) == [(0, 2, 0, 2), (0, 3, 0, 8)]


def test_a_job_arriving_as_a_quantum_ends_is_queued_before_the_preempted_one() -> None:
    doc = schedule("--policy", "rr", "--quantum", "2", "--jobs", "4,2", "--arrivals", "0,2",
                   "--format", "json").json()
    assert [(s["job"], s["start"], s["end"]) for s in doc["gantt"]] == [
        (0, 0, 2), (1, 2, 4), (0, 4, 6)]


def test_stcf_preempts_a_long_job_for_short_arrivals() -> None:
    # the textbook's example: A (100) at 0, B and C (10 each) at 10
    doc = schedule("--policy", "stcf", "--jobs", "100,10,10", "--arrivals", "0,10,10",
                   "--format", "json").json()
    assert metrics(doc) == [(0, 120, 20, 120), (0, 10, 0, 20), (10, 20, 10, 30)]
    assert doc["average"] == {"response": 3.33, "turnaround": 50.0, "wait": 10.0}


def test_stcf_does_not_preempt_a_job_that_ends_as_another_arrives() -> None:
    doc = schedule("--policy", "stcf", "--jobs", "10,5", "--arrivals", "0,10",
                   "--format", "json").json()
    assert metrics(doc) == [(0, 10, 0, 10), (0, 5, 0, 15)]
    assert doc["context_switches"] == 2


def test_switch_cost_is_paid_by_every_switch_and_shows_in_the_metrics() -> None:
    args = ("--policy", "rr", "--quantum", "3", "--jobs", "5,2,7", "--switch-cost", "1")
    doc = schedule(*args, "--format", "json").json()
    # 0: 0-3, switch, 1: 4-6, switch, 2: 7-10, switch, 0: 11-13, switch, 2: 14-18
    assert metrics(doc) == [(0, 13, 7, 13), (4, 6, 3, 6), (7, 18, 9, 18)]
    assert doc["average"] == {"response": 3.67, "turnaround": 12.33, "wait": 6.33}
    assert (doc["switching"], doc["busy"], doc["elapsed"]) == ([4], [14], 18)
    lines = schedule(*args).lines()
    assert "cpu0  000*11*222*00*2222" in lines
    assert "cpu0: busy 14 of 18 ticks (77.78%), switching 4" in lines


def test_priorities_are_given_per_job() -> None:
    doc = schedule("--policy", "priority", "--jobs", "10,10,10", "--priorities", "3,-1,2",
                   "--format", "json").json()
    assert [s["job"] for s in doc["gantt"]] == [1, 2, 0]


def test_policy_options_take_lists_and_words() -> None:
    doc = schedule("--policy", "mlfq", "-O", "quantum=1,2,4", "-O", "levels=3", "--jobs", "8",
                   "--format", "json").json()
    assert doc["options"] == {"quantum": [1, 2, 4], "levels": 3}
    # one job alone: it uses 1 tick at the top, 2 in the middle, the rest at the bottom
    assert metrics(doc) == [(0, 8, 0, 8)]


def test_many_jobs_are_drawn_with_letters_after_nine() -> None:
    lines = schedule("--policy", "fifo", "--jobs", ",".join(["1"] * 12)).lines()
    assert "cpu0  0123456789AB" in lines
    assert any("job 10 is A" in line for line in lines)


# ------------------------------------------------------------ one CPU and several CPUs


def test_the_same_jobs_on_one_cpu_and_on_two() -> None:
    args = ("--policy", "fifo", "--jobs", "300,100,200,100")
    one = schedule(*args).lines()
    two = schedule(*args, "--cpus", "2").lines()
    assert "elapsed 700 ticks; throughput 4 jobs in 700 ticks; context switches 4" in one
    assert any(line.startswith("parallel: none: one CPU") for line in one)
    # on two CPUs: 0 runs 0-300 beside 1 (0-100) and 2 (100-300); 3 runs 300-400
    assert "elapsed 400 ticks; throughput 4 jobs in 400 ticks; context switches 4" in two
    assert ("parallel: up to 2 jobs at once (parallelism): 2 for 300 ticks, 1 for 100; "
            "1.75 on average") in two
    rows = [line for line in two if line.startswith("cpu") and ":" not in line]
    assert len(rows) == 2
    doc = schedule(*args, "--cpus", "2", "--format", "json").json()
    assert doc["parallel"] == {"1": 100, "2": 300}
    assert sorted(doc["busy"]) == [300, 400]
    assert metrics(doc) == [(0, 300, 0, 300), (0, 100, 0, 100), (100, 300, 100, 300),
                            (300, 400, 300, 400)]


# ------------------------------------------------------------------------------ quizzes


def test_a_quiz_prints_only_the_question_and_the_same_seed_the_same_jobs() -> None:
    first = schedule("--seed", "7", "--policy", "rr", "--quantum", "2")
    assert first.code == 0
    assert first.stdout == schedule("--seed", "7", "--policy", "rr", "--quantum", "2").stdout
    lines = first.stdout.splitlines()
    assert lines[2:6] == ["job  length  arrival", "  0       6        0", "  1       3        0",
                          "  2       7        0"]
    assert "first run" not in first.stdout and "run order" not in first.stdout
    assert "cpu0" not in first.stdout
    assert "--solve" in first.stdout
    solved = schedule("--seed", "7", "--policy", "rr", "--quantum", "2", "--solve",
                      "--format", "json").json()
    assert [(j["length"], j["arrival"]) for j in solved["jobs"]] == [(6, 0), (3, 0), (7, 0)]
    assert solved["seed"] == 7


def test_a_quiz_with_arrivals_and_more_jobs() -> None:
    doc = schedule("--seed", "7", "--policy", "rr", "--quantum", "2", "--count", "4",
                   "--max-length", "8", "--max-arrival", "5", "--solve",
                   "--format", "json").json()
    assert [(j["length"], j["arrival"]) for j in doc["jobs"]] == [(6, 0), (3, 4), (7, 0), (1, 2)]
    # 0: 0-2, 2: 2-4, 3: 4-5 (arrived at 2), 0: 5-7, 1: 7-9, 2: 9-11, 0: 11-13, 1: 13-14,
    # 2: 14-17
    assert metrics(doc) == [(0, 13, 7, 13), (3, 10, 7, 14), (2, 17, 10, 17), (2, 3, 2, 5)]
    question = schedule("--seed", "7", "--count", "4", "--max-length", "8",
                        "--max-arrival", "5", "--format", "json").json()
    assert question["solved"] is False
    assert question["jobs"][1] == {"job": 1, "length": 3, "arrival": 4}


def test_random_processes_are_the_homework_simulators_for_the_same_seed() -> None:
    # process-run.py -s 1 -l 3:50,3:50 draws: cpu, io, io and cpu, cpu, cpu
    result = schedule("--seed", "1", "--process", "3:50", "--process", "3:50")
    assert "P0: c1,i5,i5: compute 1, I/O 5, I/O 5" in result.lines()
    assert "P1: c3: compute 3" in result.lines()
    assert "RUN:" not in result.stdout


# ------------------------------------------------------------------- processes with I/O


def test_the_io_homework_table_and_totals() -> None:
    lines = schedule("--process", "i5", "--process", "c4").lines()
    start = lines.index("tick  P0           P1       CPU  IOs")
    assert lines[start + 1:start + 9] == [
        "1     RUN:io       READY      1",
        "2     BLOCKED      RUN:cpu    1    1",
        "3     BLOCKED      RUN:cpu    1    1",
        "4     BLOCKED      RUN:cpu    1    1",
        "5     BLOCKED      RUN:cpu    1    1",
        "6     BLOCKED      DONE            1",
        "7*    RUN:io_done  DONE       1",
        "* an I/O completed as this tick began",
    ]
    assert lines[start + 10:start + 13] == ["total time 7 ticks", "CPU busy 6 ticks (85.71%)",
                                            "I/O busy 5 ticks (71.43%)"]


def test_switching_only_at_the_end() -> None:
    doc = schedule("--process", "1:0", "--process", "4:100", "--switch", "on-end",
                   "--format", "json").json()
    assert doc["totals"] == {"time": 11, "cpu_busy": 6, "cpu_percent": 54.55, "io_busy": 5,
                             "io_percent": 45.45}
    assert doc["programs"] == ["i5", "c4"]
    assert [t["states"][1] for t in doc["ticks"]] == ["READY"] * 7 + ["RUN:cpu"] * 4


def test_an_io_completion_can_preempt() -> None:
    doc = schedule("--process", "i2,c1", "--process", "c5", "--io-done", "immediate",
                   "--format", "json").json()
    # P0 issues (1), P1 runs 2-3, P0's I/O completes at 3 and takes the CPU back
    assert [t["states"] for t in doc["ticks"]] == [
        ["RUN:io", "READY"], ["BLOCKED", "RUN:cpu"], ["BLOCKED", "RUN:cpu"],
        ["RUN:io_done", "READY"], ["RUN:cpu", "READY"], ["DONE", "RUN:cpu"],
        ["DONE", "RUN:cpu"], ["DONE", "RUN:cpu"]]
    assert [t["io_done"] for t in doc["ticks"]][3] is True


def test_the_io_length_and_the_published_io_only_example() -> None:
    # process-run.py -l 3:0 -L 5: 21 ticks, CPU busy 6 (28.57%), I/O busy 15 (71.43%)
    doc = schedule("--process", "3:0", "--io-length", "5", "--format", "json").json()
    assert doc["totals"] == {"time": 21, "cpu_busy": 6, "cpu_percent": 28.57, "io_busy": 15,
                             "io_percent": 71.43}
    assert schedule("--process", "i", "--io-length", "2", "--format",
                    "json").json()["elapsed"] == 4


def test_processes_with_io_under_another_policy() -> None:
    doc = schedule("--policy", "rr", "--quantum", "2", "--process", "c3,i2", "--process", "c2",
                   "--format", "json").json()
    # P0 computes 2 (its quantum), P1 2 and ends, P0 computes 1 and issues its I/O in its
    # next quantum, the CPU idles while it waits, then it completes the I/O
    assert [t["states"] for t in doc["ticks"]] == [
        ["RUN:cpu", "READY"], ["RUN:cpu", "READY"], ["READY", "RUN:cpu"], ["READY", "RUN:cpu"],
        ["RUN:cpu", "DONE"], ["RUN:io", "DONE"], ["BLOCKED", "DONE"], ["BLOCKED", "DONE"],
        ["RUN:io_done", "DONE"]]
    assert [t["cpu"] for t in doc["ticks"]] == [1, 1, 1, 1, 1, 1, 0, 0, 1]


def test_the_same_arguments_print_the_same_bytes() -> None:
    for args in (("--policy", "lottery", "--jobs", "20,30,10", "--tickets", "100,50,250",
                  "--seed", "3", "--solve"),
                 ("--process", "3:50", "--process", "4:60", "--seed", "5", "--solve",
                  "--format", "json")):
        assert schedule(*args).stdout == schedule(*args).stdout


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("args", "message"), [
    (("--jobs", "3,x"), "--jobs: item 2 is 'x', not a whole number"),
    (("--jobs", "3,,4"), "--jobs: item 2 is an empty item, not a whole number"),
    (("--jobs", ""), "--jobs is empty"),
    (("--jobs", "3,0"), "--jobs: item 2 is 0, which is too small (each must be at least 1)"),
    (("--jobs", "3,4", "--arrivals", "0,-2"), "--arrivals: item 2 is -2, which is negative"),
    (("--jobs", "3,4,5", "--arrivals", "0,2"), "--arrivals has 2 values but there are 3 jobs"),
    (("--jobs", "3", "--tickets", "1,2"), "--tickets has 2 values but there is 1 job"),
    (("--jobs", "3", "--nice", "25"), "--nice: item 1 is 25, which is too large"),
    (("--policy", "nope", "--jobs", "3"), "unknown policy 'nope'; known: cfs, cyclic, fifo, "
                                          "lottery, mlfq, priority, rr, sjf, stcf, stride"),
    (("--policy", "rr", "-O", "quantum", "--jobs", "3"), "write a policy option as KEY=VALUE"),
    (("--policy", "rr", "-O", "speed=3", "--jobs", "3"), "no option 'speed'"),
    (("--policy", "rr", "--quantum", "2", "-O", "quantum=3", "--jobs", "3"),
     "the quantum is given twice"),
    (("--policy", "rr", "--switch", "on-end", "--jobs", "3"),
     "--switch and --io-done are options of the cyclic policy, not of rr"),
    (("--process", "c1", "--switch", "on-end", "-O", "switch=on-io"), "switch is given twice"),
    (("--process", "c1", "--switch", "on-end", "--cpus", "2"), "one CPU"),
    (("--jobs", "3", "--process", "c1"), "--jobs and --process are two kinds of workload"),
    ((), "nothing to schedule: give --jobs LENGTHS, --process PROGRAM"),
    (("--jobs", "3", "--count", "4"), "--count, --max-length and --max-arrival draw"),
    (("--jobs", "3", "--io-length", "4"), "--io-length is the length of a bare 'i'"),
    (("--process", "c4,x2"), "item 2 ('x2') is not cN (compute N ticks) or iN"),
    (("--process", "c"), "item 1 (c) needs a length"),
    (("--process", "i0"), "item 1 (i0) must last at least 1 tick"),
    (("--process", "3:150"), "a percentage from 0 to 100, not 150"),
    (("--process", "0:50"), "a process needs at least 1 instruction"),
])
def test_bad_input_is_one_clear_line_and_status_2(args: tuple[str, ...], message: str) -> None:
    result = schedule(*args)
    assert result.code == 2, result.stdout
    assert result.stdout == ""
    assert message in result.stderr, result.stderr
    assert result.stderr.startswith("osmodel: error: ")
    assert len(result.stderr.splitlines()) == 1


def test_out_of_range_machine_options_are_usage_errors() -> None:
    for args in (("--cpus", "0"), ("--switch-cost", "-1"), ("--count", "0")):
        result = schedule("--jobs", "3", *args)
        assert result.code == 2 and result.stdout == ""


def test_schedule_runs_on_bare_only() -> None:
    result = osmodel("--platform", "unix", "schedule", "--jobs", "3")
    assert result.code == 2
    assert "schedule runs its jobs on the bare platform; drop --platform unix" in result.stderr
    assert osmodel("--platform", "bare", "schedule", "--jobs", "3").code == 0


def test_a_policy_that_never_runs_a_job_is_reported() -> None:
    from osmodel.kernel import hookimpl
    from osmodel.kernel.scheduler import BaseScheduler

    class Lazy(BaseScheduler):
        def admit(self, process: object, reason: str) -> None:
            pass

        def pick(self, cpu: object) -> None:
            return None

    class Plugin:
        @hookimpl
        def osmodel_schedulers(self) -> dict[str, object]:
            return {"lazy": Lazy}

    from osmodel.kernel.errors import OsmodelError
    from osmodel.plugins.schedule import engine
    from osmodel.plugins.schedule.workload import Step, Workload, jobs_from

    pm = make_plugin_manager(autoload=False)
    pm.register(Plugin(), name="lazy")
    workload = Workload(jobs_from([(Step("cpu", 3),), (Step("cpu", 2),)], None))
    with pytest.raises(OsmodelError, match="policy lazy left jobs 0, 1 unfinished at time 0"):
        engine.run(pm, workload, engine.Setup("lazy"))
    # the plugin manager is left as it was: the next run boots again
    assert engine.run(pm, workload, engine.Setup("rr")).elapsed == 5


def test_a_long_run_order_is_summarised() -> None:
    lines = schedule("--policy", "fifo", "--jobs", ",".join(["1"] * 70)).lines()
    assert "run order: 70 slices (--format json lists them all)" in lines


def test_averages_round_half_up_exactly() -> None:
    from fractions import Fraction

    from osmodel.plugins.schedule.engine import fixed

    # 2.675 is 2.67499... as a float, which round() would print as 2.67
    assert f"{round(2.675, 2):.2f}" == "2.67"
    assert fixed(Fraction(2675, 1000)) == "2.68"
    assert (fixed(Fraction(8, 3)), fixed(Fraction(29, 3)), fixed(Fraction(5))) == \
        ("2.67", "9.67", "5.00")
    assert fixed(Fraction(1, 7), 4) == "0.1429"


def test_a_workload_too_big_to_run_is_refused_before_it_starts() -> None:
    result = osmodel("schedule", "--policy", "rr", "--quantum", "1",
                     "--jobs", "99999999,2")
    assert (result.code, result.stdout) == (2, "")
    assert "the jobs ask for 100,000,001 ticks of CPU" in result.stderr
    assert "at most 100,000,000 in all" in result.stderr
    table = osmodel("schedule", "--process", "c999999,i5")
    assert (table.code, table.stdout) == (2, "")
    assert "the processes ask for 1,000,001 ticks of CPU" in table.stderr
    assert "at most 1,000,000 with the tick-by-tick table" in table.stderr


def test_a_million_ticks_of_round_robin_run_where_they_used_to_be_refused() -> None:
    result = osmodel("schedule", "--policy", "rr", "--quantum", "1", "--format", "json",
                     "--jobs", "999999,2,1")
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [job["finish"] for job in doc["jobs"]] == [1_000_002, 5, 3]
    # alone from tick 5, job 0 renews its quantum: back-to-back turns are one slice
    assert [(s["job"], s["start"], s["end"]) for s in doc["gantt"]] == [
        (0, 0, 1), (1, 1, 2), (2, 2, 3), (0, 3, 4), (1, 4, 5), (0, 5, 1_000_002)]
    assert (doc["elapsed"], doc["slices"]) == (1_000_002, 6)


def test_a_policy_that_stops_giving_jobs_a_cpu_meets_the_time_limit() -> None:
    from osmodel.kernel import hookimpl
    from osmodel.kernel.errors import OsmodelError
    from osmodel.kernel.scheduler import BaseScheduler
    from osmodel.plugins.schedule import engine
    from osmodel.plugins.schedule.workload import Step, Workload, jobs_from

    class Forgetful(BaseScheduler):
        """Runs the first job once, then forgets everyone, and keeps a timer ticking
        (as a boost timer that is never stopped would), so the run never runs dry."""

        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.queue: list[Any] = []
            self.served = False
            self.tick(None)

        def tick(self, _: object) -> None:
            self.kernel.after(1, self.tick)

        def admit(self, process: Any, reason: str) -> None:
            self.queue.append(process)

        def pick(self, cpu: Any) -> Any:
            if self.served or not self.queue:
                return None
            self.served = True
            return self.queue.pop(0)

        def slice(self, process: Any, cpu: Any) -> int | None:
            return 2

    class Plugin:
        @hookimpl
        def osmodel_schedulers(self) -> dict[str, Any]:
            return {"forgetful": Forgetful}

    pm = make_plugin_manager(autoload=False)
    pm.register(Plugin())
    workload = Workload(jobs_from([(Step("cpu", 5),), (Step("cpu", 3),)], None))
    setup = engine.Setup("forgetful")
    assert engine.time_limit(workload, setup) == 9
    with pytest.raises(OsmodelError, match="left jobs 0, 1 unfinished at time 9"):
        engine.run(pm, workload, setup)


def test_the_trace_holds_every_slice_as_the_json_gantt_does(tmp_path: Path) -> None:
    trace = tmp_path / "slices.jsonl"
    args = ("schedule", "--policy", "rr", "--quantum", "2", "--switch-cost", "1",
            "--jobs", "5,3,4", "--arrivals", "0,1,9")
    result = osmodel(*args, "--format", "json", "--trace", str(trace))
    assert result.code == 0, result.stderr
    lines = trace.read_text().splitlines()
    assert [json.loads(line) for line in lines] == json.loads(result.stdout)["gantt"]
    assert any(json.loads(line)["job"] is None for line in lines)  # the switches too


def test_a_trace_that_cannot_be_written_is_an_error_that_leaves_nothing(
        tmp_path: Path) -> None:
    target = tmp_path / "missing" / "slices.jsonl"
    result = osmodel("schedule", "--jobs", "3,1", "--trace", str(target))
    assert (result.code, result.stdout) == (2, "")
    assert f"--trace: cannot write {target}" in result.stderr
    assert not target.parent.exists()


def test_a_quiz_question_neither_runs_nor_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    from osmodel.plugins.schedule import engine

    def no_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the question was simulated")

    monkeypatch.setattr(engine, "run", no_run)
    result = osmodel("schedule", "--seed", "4", "--count", "5")
    assert result.code == 0, result.stderr
    assert "--solve for the answers" in result.stdout
    # the checks a run makes still happen: an unknown option, a trace of the answers
    bad = osmodel("schedule", "--seed", "4", "--policy", "rr", "-O", "slices=3")
    assert bad.code == 2 and "no option 'slices'" in bad.stderr
    traced = osmodel("schedule", "--seed", "4", "--trace", "t.jsonl")
    assert traced.code == 2 and "--trace writes the answers: add --solve" in traced.stderr

"""The kernel core on the test-only platform: time, states, switches, CPUs, I/O, limits."""

from __future__ import annotations

import pytest
from conftest import toy_kernel

from osmodel.kernel.events import Recorder
from osmodel.kernel.kernel import Kernel, ProcessLimit
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.process import ExitStatus, Process


def start(kernel: Kernel, *names: str) -> list[Process]:
    return [kernel.create(name, cause="user") for name in names]


def jobs(*lengths: int) -> dict[str, str]:
    return {f"j{i}": f"cpu {n}\nexit 0" for i, n in enumerate(lengths)}


def test_round_robin_textbook_metrics() -> None:
    # RR quantum 3 on jobs 5, 2, 7 (the classic homework): response/turnaround/wait
    kernel = toy_kernel(jobs(5, 2, 7), Machine(scheduler_options={"quantum": 3}))
    procs = start(kernel, "j0", "j1", "j2")
    kernel.run()
    got = [(p.acct.response, p.acct.turnaround, p.acct.wait) for p in procs]
    assert got == [(0, 10, 5), (3, 5, 3), (5, 14, 7)]
    assert kernel.now == 14


def test_one_cpu_interleaves_and_two_run_in_parallel() -> None:
    one = toy_kernel(jobs(10, 10), Machine(cpus=1))
    start(one, "j0", "j1")
    one.run()
    two = toy_kernel(jobs(10, 10), Machine(cpus=2))
    a, b = start(two, "j0", "j1")
    two.run()
    assert one.now == 20
    assert two.now == 10
    assert [c.busy for c in two.cpus] == [10, 10]
    assert a.acct.wait == b.acct.wait == 0


def test_preempted_burst_keeps_its_remainder_and_cpu_time_is_exact() -> None:
    rec = Recorder()
    kernel = toy_kernel(jobs(5, 5), Machine(scheduler_options={"quantum": 2}), sinks=(rec,))
    a, b = start(kernel, "j0", "j1")
    kernel.run()
    assert (a.acct.cpu, b.acct.cpu) == (5, 5)
    assert (a.acct.ended, b.acct.ended) == (9, 10)
    first_switch_away = next(e for e in rec.of_kind("switch") if e.info["old"] == a.pid)
    assert first_switch_away.time == 2
    assert first_switch_away.info["saved"]["burst_left"] == 3


def test_registers_are_saved_and_restored_across_switches() -> None:
    programs = {
        "a": "mov 7 -> r1\ncpu 10\nadd r1, 1 -> r1\nprint r1\nexit 0",
        "b": "mov 9 -> r1\ncpu 10\nprint r1\nexit 0",
    }
    kernel = toy_kernel(programs, Machine(scheduler_options={"quantum": 3}))
    start(kernel, "a", "b")
    kernel.run()
    assert sorted(text for _, _, text in kernel.output) == ["8", "9"]


def test_switch_cost_is_charged_per_switch() -> None:
    free = toy_kernel(jobs(4, 4), Machine(scheduler_options={"quantum": 2}))
    start(free, "j0", "j1")
    free.run()
    costly = toy_kernel(jobs(4, 4), Machine(switch_cost=1, scheduler_options={"quantum": 2}))
    a, _ = start(costly, "j0", "j1")
    costly.run()
    # switches: j0 (first, free), j1, j0, j1 -> three that cost a tick each
    assert costly.counters.switches == 4
    assert costly.cpus[0].switching == 3
    assert costly.now == free.now + 3
    assert a.acct.first_run == 0


def test_same_time_events_keep_the_order_they_were_scheduled_in() -> None:
    kernel = toy_kernel({})
    seen: list[str] = []
    for name in "cab":
        kernel.at(5, seen.append, name)
    kernel.at(1, seen.append, "first")
    kernel.run()
    assert seen == ["first", "c", "a", "b"]


def test_clock_jumps_over_idle_time() -> None:
    kernel = toy_kernel({"s": "sleep 1000000\nexit 0"},
                        Machine(limits=Limits(time=None)))
    (proc,) = start(kernel, "s")
    kernel.run()
    assert kernel.now == 1_000_000
    assert proc.acct.blocked == 1_000_000
    assert proc.acct.cpu == 0


def test_io_blocks_for_its_length_plus_issue_and_completion_ticks() -> None:
    rec = Recorder()
    kernel = toy_kernel({"io": "io 5\nexit 0", "c": "cpu 4\nexit 0"},
                        Machine(scheduler_options={"quantum": 0}), sinks=(rec,))
    io, _ = start(kernel, "io", "c")
    kernel.run()
    assert kernel.now == 7
    assert io.acct.blocked == 5
    assert kernel.counters.io_busy == 5
    assert kernel.cpus[0].busy == 6
    states = [(e.time, e.info["new"]) for e in rec.of_kind("state") if e.pid == io.pid]
    assert (1, "blocked") in states and (6, "ready") in states


def test_a_runaway_loop_stops_at_the_time_limit() -> None:
    kernel = toy_kernel({"spin": "top: jmp top"}, Machine(limits=Limits(time=500)))
    (proc,) = start(kernel, "spin")
    kernel.run()
    assert kernel.stop_reason is not None
    assert kernel.stop_reason.startswith("time limit reached: 500 simulated ticks; ")
    assert "[machine.limits] time = N" in kernel.stop_reason
    assert kernel.now == 500
    assert proc.exit is None


def test_run_until_can_resume() -> None:
    kernel = toy_kernel(jobs(10))
    (proc,) = start(kernel, "j0")
    kernel.run(until=4)
    assert kernel.now == 4 and proc.exit is None
    kernel.run()
    assert proc.acct.ended == 10


@pytest.mark.parametrize(
    ("code", "fault"),
    [("div 1, 0 -> r1", "divide_by_zero"), ("load [0] -> r1", "bad_address"),
     ("illegal", "illegal_instruction"), ("mov 5 -> r2\nstore [r2], 1", "bad_address")],
)
def test_an_unhandled_fault_is_a_fatal_error(code: str, fault: str) -> None:
    kernel = toy_kernel({"f": f"{code}\nexit 0"})
    (proc,) = start(kernel, "f")
    kernel.run()
    assert proc.exit is not None
    assert (proc.exit.kind, proc.exit.reason) == ("fatal", fault)


def test_the_process_table_has_a_limit() -> None:
    kernel = toy_kernel({"bomb": "top: spawn bomb -> r1\njmp top"},
                        Machine(limits=Limits(processes=5)))
    start(kernel, "bomb")
    with pytest.raises(ProcessLimit):
        kernel.run()
    assert len(kernel.processes) == 5


def test_interrupt_runs_a_handler_and_resumes_the_cut_burst() -> None:
    code = "cpu 100\nprint \"done\"\nexit 0\nhandler: print \"handled\"\nret"
    kernel = toy_kernel({"h": code}, Machine(scheduler_options={"quantum": 0}))
    (proc,) = start(kernel, "h")
    handler_pc = kernel.image("h").program.labels["handler"]
    kernel.at(10, lambda p: kernel.interrupt(p, lambda q: kernel.divert(q, handler_pc)), proc)
    kernel.run()
    assert [(t, text) for t, _, text in kernel.output] == [(10, "handled"), (100, "done")]
    assert proc.acct.cpu == 100


def test_wait_blocks_until_the_child_ends_and_returns_its_code() -> None:
    programs = {"main": "spawn child -> r1\nwait r1 -> r2\nprint r2\nexit 0",
                "child": "cpu 3\nexit 7"}
    kernel = toy_kernel(programs)
    (main,) = start(kernel, "main")
    kernel.run()
    assert [text for *_, text in kernel.output] == ["7"]
    assert main.acct.blocked > 0


def test_the_same_inputs_give_the_same_run() -> None:
    def events() -> list[dict[str, object]]:
        rec = Recorder()
        kernel = toy_kernel(jobs(3, 5, 2, 8), Machine(cpus=2, switch_cost=1), sinks=(rec,))
        start(kernel, "j0", "j1", "j2", "j3")
        kernel.run()
        return [e.as_dict() for e in rec.events]

    assert events() == events()


def test_states_move_new_ready_running_terminated_with_reasons() -> None:
    rec = Recorder()
    kernel = toy_kernel(jobs(1), sinks=(rec,))
    (proc,) = start(kernel, "j0")
    kernel.run()
    moves = [(e.info["old"], e.info["new"], e.info["reason"])
             for e in rec.of_kind("state") if e.pid == proc.pid]
    assert moves == [("new", "ready", "created"), ("ready", "running", "dispatched"),
                     ("running", "terminated", "exit: normal")]


def test_a_cancelled_timer_does_not_move_the_clock() -> None:
    kernel = toy_kernel(jobs(3))
    start(kernel, "j0")
    kernel.at(1000, lambda _: None).cancel()
    kernel.run()
    assert kernel.now == 3


def test_a_sleeper_killed_early_leaves_no_timer_behind() -> None:
    kernel = toy_kernel({"s": "sleep 5000\nexit 0"})
    (proc,) = start(kernel, "s")
    kernel.at(10, lambda p: kernel.exit(p, ExitStatus("killed", 9)), proc)
    kernel.run()
    assert proc.acct.ended == 10
    assert kernel.now == 10


def test_processes_created_while_launching_get_its_fields_and_others_do_not() -> None:
    kernel = toy_kernel(jobs(4, 4))
    with kernel.launching([("tickets", 7), ("expected", 4), ("affinity", frozenset({0}))]):
        (first,) = start(kernel, "j0")
    (second,) = start(kernel, "j1")
    assert (first.tickets, first.expected, first.affinity) == (7, 4, frozenset({0}))
    assert (second.tickets, second.expected, second.affinity) == (100, None, None)


def test_a_new_process_is_offered_only_to_an_idle_cpu_it_may_run_on() -> None:
    recorder = Recorder()
    kernel = toy_kernel(jobs(6, 6), Machine(cpus=2), sinks=(recorder,))
    with kernel.launching([("affinity", frozenset({1}))]):
        start(kernel, "j0", "j1")
    kernel.run()
    cpus = {e.cpu for e in recorder.of_kind("state") if e.info["new"] == "running"}
    assert cpus == {1}
    assert kernel.now == 12  # CPU 0 stayed idle: the two jobs shared CPU 1


def test_an_arrival_due_when_a_slice_ends_is_queued_before_the_expired_process() -> None:
    # RR quantum 2: A runs 0-2; B, arriving at 2, goes ahead of A's return to the queue
    kernel = toy_kernel(jobs(4, 1), Machine(scheduler_options={"quantum": 2}))
    (a,) = start(kernel, "j0")
    arrivals: list[Process] = []
    kernel.at(2, lambda _: arrivals.extend(start(kernel, "j1")))
    kernel.run()
    (b,) = arrivals
    assert (b.acct.first_run, b.acct.ended, a.acct.ended) == (2, 3, 5)


@pytest.mark.parametrize("cpus", [1, 2, 3])
def test_slices_ended_without_an_event_give_the_textbook_round_robin(cpus: int) -> None:
    # four jobs of 3 ticks, quantum 1: every CPU takes the queue's head in turn
    kernel = toy_kernel(jobs(3, 3, 3, 3), Machine(cpus=cpus, scheduler_options={"quantum": 1}))
    procs = start(kernel, "j0", "j1", "j2", "j3")
    kernel.run()
    assert kernel.now == -(-12 // cpus)
    assert sum(cpu.busy for cpu in kernel.cpus) == 12
    assert [p.acct.first_run for p in procs] == [i // cpus for i in range(4)]
    if cpus == 1:
        assert [p.acct.ended for p in procs] == [9, 10, 11, 12]


def test_a_scheduler_that_gives_an_empty_slice_is_an_error_not_a_hang() -> None:
    from osmodel.kernel.errors import ConfigError
    from osmodel.plugins.schedulers.rr import RoundRobin

    kernel = toy_kernel(jobs(3))
    kernel.scheduler = RoundRobin(kernel, {})
    kernel.scheduler.slice = lambda process, cpu: 0  # type: ignore[method-assign]
    start(kernel, "j0")
    with pytest.raises(ConfigError, match=r"scheduler 'rr' gave pid 1 a slice of 0 ticks at "
                                          r"time 0; a slice is at least 1 tick"):
        kernel.run()

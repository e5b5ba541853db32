"""The console: commands through sh, background jobs to init, batch jobs by init, keys."""

from __future__ import annotations

from collections.abc import Callable

from osmodel.testing import Run


def test_sh_forks_execs_and_reaps_a_command(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "cpu 3\nexit 2"})
    (main,) = sim.procs("main")
    assert (main.cause, main.creator) == ("user", 2)
    assert sim.kernel.hook.osmodel_parent(kernel=sim.kernel, process=main) == 2
    reaps = [(e.pid, e.info["child"], e.info["status"]) for e in sim.recorder.of_kind("reap")]
    assert reaps == [(2, main.pid, 2)]
    assert sim.kernel.processes[2].blocked_on == "getcmd"  # back at the prompt


def test_a_background_command_is_forked_twice_and_init_adopts_it(
        scenario: Callable[..., Run]) -> None:
    text = """
[programs.server]
code = "sleep 10"
[[timeline]]
at = 0
user = "server"
background = true
"""
    sim = scenario(text)
    (server,) = sim.procs("server")
    forks = [(e.pid, e.info["child"]) for e in sim.recorder.of_kind("fork")]
    # sh forks a copy of itself, which forks the job and exits at once
    assert forks[1:] == [(2, server.creator), (server.creator, server.pid)]
    assert sim.kernel.hook.osmodel_parent(kernel=sim.kernel, process=server) == 1
    reaps = {e.info["child"]: e.pid for e in sim.recorder.of_kind("reap")}
    assert reaps == {server.creator: 2, server.pid: 1}


def test_a_batch_job_is_run_and_reaped_by_init(scenario: Callable[..., Run]) -> None:
    text = """
[programs.report]
code = "exit 5"
[[timeline]]
at = 3
batch = "report"
args = [1]
"""
    sim = scenario(text)
    (job,) = sim.procs("report")
    assert (job.cause, job.creator, job.acct.created) == ("batch", 1, 3)
    assert [(e.pid, e.info["status"]) for e in sim.recorder.of_kind("reap")] == [(1, 5)]


def test_ctrl_c_reaches_nobody(scenario: Callable[..., Run]) -> None:
    text = """
[programs.busy]
code = "cpu 20"
[[timeline]]
at = 0
user = "busy"
[[timeline]]
at = 5
key = "ctrl-c"
"""
    sim = scenario(text)
    (busy,) = sim.procs("busy")
    assert busy.exit is not None and (busy.exit.kind, busy.exit.code) == ("normal", 0)
    (key,) = sim.recorder.of_kind("key")
    assert key.info["delivered_to"] == "nobody"


def test_ctrl_p_prints_the_process_table(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "exit 0"}, start=())
    kernel = sim.kernel
    assert kernel.hook.osmodel_interrupt(kernel=kernel, key="ctrl-p") == []  # reaches no one
    assert sim.said()[1:3] == ["proc[64]: 2 used", "SLOT   PID  PPID  STATE   NAME"]


def test_init_starts_a_new_shell_when_the_shell_is_killed(
        scenario: Callable[..., Run]) -> None:
    text = """
[programs.hello]
code = 'print "hello"'
[[timeline]]
at = 5
kill = "sh"
[[timeline]]
at = 20
user = "hello"
"""
    sim = scenario(text)
    assert sim.said() == ["init: starting sh", "init: starting sh", "hello"]
    (hello,) = sim.procs("hello")
    shells = [p for p in sim.procs("sh") if p.program.name == "sh"]
    assert [p.pid for p in shells] == [2, hello.creator]
    assert shells[0].exit is not None and shells[0].exit.kind == "killed"


def test_when_fork_fails_sh_panics_and_init_restarts_it(
        scenario: Callable[..., Run]) -> None:
    """A full table: sh.c's fork1() panics (prints "fork", exits 1); init reaps the shell,
    which frees a slot, and starts a new one."""
    text = """
[machine.limits]
processes = 5
[programs.hog]
code = '''
more:   fork -> r1
        jgt r1, 0, more
        sleep 50'''
[[timeline]]
at = 0
user = "hog"
background = true
[[timeline]]
at = 40
user = "hog"
"""
    sim = scenario(text)
    assert sim.said() == ["init: starting sh", "fork", "init: starting sh"]
    first, second = [p for p in sim.processes() if p.name == "sh" and p.creator == 1]
    assert first.pid == 2 and first.exit is not None
    assert (first.exit.kind, first.exit.code, first.acct.ended) == ("error", 1, 40)
    assert second.exit is None and second.blocked_on == "getcmd"
    assert sim.kernel.platform.system.shell == second.pid  # type: ignore[attr-defined]

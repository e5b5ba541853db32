"""Boot, the shell, batch jobs, reports, limits and the demo (issue 3: Boot, Output, Limits)."""

from __future__ import annotations

import pytest

from osmodel.kernel.errors import SourceError
from osmodel.kernel.machine import Limits
from osmodel.kernel.report import build_report
from osmodel.kernel.scenario import loads_scenario
from osmodel.platforms.unix import UnixPlatform, render_tree
from osmodel.platforms.unix.constants import SIGKILL, STOPPED, ZOMBIE


def test_boot_makes_init_daemons_and_a_login_shell(unix):
    run = unix({"main": "exit 0"})
    boot = [(p.pid, p.name, p.cause, p.platform.ppid, p.platform.uid)
            for p in run.procs() if p.cause == "boot"]
    assert boot == [(1, "init", "boot", None, 0), (2, "syslogd", "boot", 1, 0),
                    (3, "atd", "boot", 1, 0), (4, "sh", "boot", 1, 1000)]
    sh = run.proc("sh").platform
    assert (sh.sid, sh.pgid, sh.tty) == (4, 4, "tty1")
    assert all(run.pid(pid).platform.sid == pid for pid in (1, 2, 3))
    # every boot process ends up blocked, so the run ends by itself
    assert run.kernel.stop_reason is None and not run.kernel.pending()
    assert {run.pid(pid).state.name for pid in (1, 2, 3, 4)} == {"blocked"}


def test_the_tree_is_rooted_at_init(unix):
    run = unix({"main": "sleep 10"}, until=5)
    lines = render_tree(run.kernel)
    assert lines[0].split() == ["PID", "PPID", "PGID", "SID", "TTY", "STAT", "COMMAND"]
    rows = [line.split() for line in lines[1:]]
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0][-1] == "init" and rows[-1][-1] == "main"
    assert rows[-1][5] == "S+"  # sleeping, in the terminal's foreground group
    assert rows[3][5] == "Ss"  # the shell: session leader, no longer in the foreground
    assert run.kernel.hook.osmodel_structure(kernel=run.kernel) == lines


def test_a_user_command_is_a_job_of_the_shell(unix):
    run = unix({"main": "sleep 5"}, until=3)
    main = run.proc("main")
    u = main.platform
    assert (main.cause, u.ppid, u.pgid, u.sid, u.uid) == ("user", 4, main.pid, 4, 1000)
    assert run.kernel.platform.system.terminal.foreground == main.pid
    run.more()
    assert run.kernel.platform.system.terminal.foreground == 4  # the shell took it back
    assert run.shell() == [f"sh: process {main.pid} ended, $? = 0"]


def test_user_command_arguments_land_in_registers(scenario):
    run = scenario("""
[programs.main]
code = 'print "args", r0, r1'
[[timeline]]
at = 0
user = "main"
args = [4, 2]
""")
    assert run.out() == ["args 4 2"]


def test_background_and_batch_jobs(scenario):
    run = scenario("""
[programs.bg]
code = "sleep 10"
[programs.job]
code = "getppid -> r1\\nprint \\"batch parent\\", r1"

[[timeline]]
at = 0
user = "bg"
background = true

[[timeline]]
at = 2
batch = "job"
""")
    bg, job = run.proc("bg"), run.proc("job")
    assert bg.cause == "user" and bg.platform.ppid == 4
    terminal = run.kernel.platform.system.terminal
    assert terminal.foreground == 4  # a background job never gets the terminal
    assert job.cause == "batch" and job.platform.ppid == 3  # atd forked it
    assert job.platform.tty is None and job.platform.pgid == job.pid
    assert run.out() == ["batch parent 3"]
    # both were reaped: the shell collects the background job, atd the batch job
    assert bg.pid not in run.kernel.processes and job.pid not in run.kernel.processes


def test_the_report_carries_parent_group_session_and_status(unix):
    run = unix({"main": "fork -> r1\njz r1, c\nwait r1 -> r2\nexit 0\nc: exit 300"})
    run.kernel.settle()
    report = build_report(run.sim)
    entries = {p["pid"]: p for p in report["processes"]}
    child = run.proc("main", 1)
    entry = entries[child.pid]
    assert (entry["parent"], entry["pgid"], entry["sid"], entry["status"]) \
        == (run.proc("main").pid, run.proc("main").pid, 4, 44)
    assert entries[1]["parent"] is None
    assert report["unix"]["tree"][1].split()[-1] == "init"
    assert report["unix"]["terminal"] == {"name": "tty1", "session": 4, "foreground": 4}


def test_the_platform_adds_zombie_and_stopped_states():
    assert UnixPlatform.states == (ZOMBIE, STOPPED)
    assert (ZOMBIE.letter, STOPPED.letter) == ("Z", "T")


def test_a_windows_call_names_the_unix_equivalent(unix):
    with pytest.raises(SourceError, match=r"(?i)CreateProcess is not a unix system call; "
                                          r"unix has fork \+ exec"):
        unix({"main": "CreateProcess main -> r1"})


def test_file_errors_use_errno_numbers(unix):
    run = unix({"main": """
        close 7 -> r1
        errno -> r2
        open "missing" -> r3
        errno -> r4
        open "f", "w" -> r5
        read r5 -> r6
        errno -> r7
        print r1, r2, r3, r4, r6, r7
    """})
    assert run.out() == ["-1 9 -1 2 -1 9"]


def test_dup_and_dup2_share_the_description(unix):
    run = unix({"main": """
        open "f", "w" -> r1
        dup r1 -> r2
        write r2, 5
        tell r1 -> r3
        dup2 r1, 7 -> r4
        write 7, 6
        tell r1 -> r5
        dup 9 -> r6
        errno -> r7
        print "dup", r2, r3, "dup2", r4, r5, "bad", r6, r7
    """})
    assert run.out() == ["dup 1 1 dup2 7 2 bad -1 9"]


def test_a_fork_bomb_meets_eagain_and_the_system_keeps_running(unix):
    run = unix({"main": """
    bomb:
        fork -> r1
        jge r1, 0, bomb              ; parent and child both go on forking
        errno -> r2
        exit r2                      ; EAGAIN (11): give up
    """}, limits=Limits(user_processes=30, time=50_000))
    assert "EAGAIN" in run.errors("fork")
    assert run.kernel.stop_reason is None  # it ended by itself, well before the time limit
    assert max(run.kernel.platform.system.users.values()) <= 30
    assert all(run.pid(pid).exit is None for pid in (1, 2, 3, 4))  # init, daemons, shell
    bombs = run.procs("main")
    assert len(bombs) >= 29 and {p.exit.code for p in bombs} == {11}
    assert set(run.kernel.processes) == {1, 2, 3, 4}  # every bomb was reaped


def test_the_demo_shows_every_required_scene(scenario):
    text = UnixPlatform.demo()
    assert loads_scenario(text).platform == "unix"
    run = scenario(text)
    kinds = [e.kind for e in run.sim.recorder.events]
    assert kinds.count("boot") == 1
    out = run.out()
    assert "cow: child sees x = 2" in out and any("parent still sees x = 1" in t for t in out)
    assert run.kernel.pool.stats.pages_copied >= 1
    assert {p.cause for p in run.procs()} == {"boot", "user", "syscall", "batch"}
    assert any(e.info["new"] == 1 for e in run.events("reparent"))  # an orphan adopted
    assert any("<defunct>" in t for t in out)  # a zombie shown, then reaped
    assert any(e.info["how"] == "waitpid" for e in run.events("reap"))
    sigint = {e.pid for e in run.signals("SIGINT")}
    job = {p.pid for p in run.procs() if p.name in ("job", "worker")}
    assert sigint == job and run.proc("server").pid not in sigint
    assert {p.exit.kind for p in run.procs() if p.exit} \
        == {"normal", "error", "fatal", "killed"}
    assert run.kernel.stop_reason is None
    # time sharing: a running job is preempted when its quantum expires
    assert any(e.info["old"] == "running" and e.info["new"] == "ready"
               and e.info["reason"] == "quantum expired" for e in run.events("state"))
    # kill -9 by another process, not by the operator
    killed = next(p for p in run.procs() if p.exit and p.exit.signal == SIGKILL)
    assert killed.name == "boss" and killed.creator == run.proc("boss").pid
    assert len(run.sim.recorder.events) < 400


def test_every_unix_instruction_is_in_the_reference():
    from pathlib import Path

    from osmodel.platforms.unix.syscalls import table

    text = (Path(__file__).resolve().parents[2] / "docs" / "unix.md").read_text()
    for spec in table().values():
        assert f"`{spec.signature}`" in text, spec.name

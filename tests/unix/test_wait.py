"""_exit(2), wait(2), SIGCHLD: docs/unix.md, **exit, wait, SIGCHLD, orphans** (first part)."""

from __future__ import annotations

import pytest

from osmodel.platforms.unix.constants import ZOMBIE


def child_exits(code: str) -> dict[str, str]:
    return {"main": f"""
        fork -> r1
        jz r1, child
        waitpid r1, 0 -> r2, r3
        wexitstatus r3 -> r4
        print "status", r4
        exit 0
    child:
        exit {code}
    """}


@pytest.mark.parametrize(("code", "seen"), [("0", 0), ("3", 3), ("300", 44), ("-1", 255),
                                            ("256", 0)])
def test_only_the_low_eight_bits_reach_the_parent(unix, code, seen):
    run = unix(child_exits(code))
    assert run.out() == [f"status {seen}"]
    child = run.proc("main", 1)
    assert child.exit.code == seen
    assert child.exit.kind == ("normal" if seen == 0 else "error")


def test_a_child_stays_a_zombie_until_the_parent_waits(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 50
        waitpid r1, 0 -> r2, r3
        sleep 50
    child:
        exit 4
    """}, until=30)
    child = run.proc("main", 1)
    assert child.state is ZOMBIE
    assert child.pid in run.kernel.processes  # holds its pid
    assert child.platform.status == 4 << 8
    run.more(80)
    assert child.pid not in run.kernel.processes
    assert [e.info["child"] for e in run.events("reap") if e.pid == run.proc("main").pid] \
        == [child.pid]


def test_exit_closes_descriptors_and_frees_memory(unix):
    run = unix({"main": """
        open "f", "w" -> r1
        fork -> r2
        jz r2, child
        wait r2 -> r3
        exit 0
    child:
        store x, 1
    """})
    child = run.proc("main", 1)
    assert len(child.resources) == 0 and child.space.segments == []


def wait_program(pid_expr: str, setup: str = "") -> str:
    return f"""
        {setup}
        fork -> r1
        jz r1, a
        fork -> r2
        jz r2, b
        setpgid r2, r2               ; b leads a group of its own
        {pid_expr}
        errno -> r5
        print "got", r3, "errno", r5
        sleep 30
        exit 0
    a:  sleep 10
        exit 1
    b:  exit 2
    """


def test_waitpid_for_one_child(unix):
    run = unix({"main": wait_program("waitpid r1, 0 -> r3, r4")})
    assert run.out() == [f"got {run.proc('main', 1).pid} errno 0"]


def test_waitpid_minus_one_takes_any_child(unix):
    run = unix({"main": wait_program("waitpid -1, 0 -> r3, r4")})
    assert run.out() == [f"got {run.proc('main', 2).pid} errno 0"]  # b ends first


def test_waitpid_zero_takes_a_child_of_my_group(unix):
    run = unix({"main": wait_program("waitpid 0, 0 -> r3, r4")})
    assert run.out() == [f"got {run.proc('main', 1).pid} errno 0"]  # b left the group


def test_waitpid_negative_takes_a_child_of_that_group(unix):
    run = unix({"main": wait_program("sub 0, r2 -> r6\n waitpid r6, 0 -> r3, r4")})
    assert run.out() == [f"got {run.proc('main', 2).pid} errno 0"]


def test_wnohang_returns_zero_while_the_child_runs(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        waitpid r1, WNOHANG -> r2, r3
        print "first", r2
        sleep 20
        waitpid r1, WNOHANG -> r2, r3
        wexitstatus r3 -> r4
        print "second", r2, r4
        exit 0
    child:
        sleep 10
        exit 6
    """})
    assert run.out() == ["first 0", f"second {run.proc('main', 1).pid} 6"]


def test_echild_without_children_and_for_a_second_wait(unix):
    run = unix({"main": """
        waitpid -1, 0 -> r1, r2
        errno -> r3
        print "none", r1, r3
        fork -> r4
        jz r4, child
        waitpid r4, 0 -> r1, r2
        waitpid r4, 0 -> r1, r2
        errno -> r3
        print "again", r1, r3
        getppid -> r5
        waitpid r5, 0 -> r1, r2      ; my parent is not my child
        errno -> r3
        print "parent", r1, r3
        exit 0
    child:
    """})
    assert run.out() == ["none -1 10", "again -1 10", "parent -1 10"]


def test_waitpid_rejects_unknown_options(unix):
    run = unix({"main": "waitpid -1, 64 -> r1, r2\nerrno -> r3\nprint r1, r3"})
    assert run.out() == ["-1 22"]


def test_status_macros_decode_exit_signal_stop_and_continue(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        waitpid r1, WUNTRACED -> r2, r3      ; the child stops itself
        wifstopped r3 -> r4
        wstopsig r3 -> r5
        print "stopped", r4, r5
        kill r1, SIGCONT
        waitpid r1, WCONTINUED -> r2, r3
        wifcontinued r3 -> r4
        print "continued", r4
        kill r1, SIGTERM
        waitpid r1, 0 -> r2, r3
        wifsignaled r3 -> r4
        wtermsig r3 -> r5
        wifexited r3 -> r6
        wshell r3 -> r7
        print "signaled", r4, r5, "exited", r6, "shell", r7
        exit 0
    child:
        getpid -> r9
        kill r9, SIGSTOP
        pause
    """})
    assert run.out() == ["stopped 1 19", "continued 1", "signaled 1 15 exited 0 shell 143"]


def test_wcoredump_for_a_core_action(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        waitpid r1, 0 -> r2, r3
        wcoredump r3 -> r4
        wtermsig r3 -> r5
        print "core", r4, r5
        exit 0
    child:
        load [0] -> r1
    """})
    assert run.out() == ["core 1 11"]


def test_portable_wait_shows_the_status_as_a_shell_does(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        wait r1 -> r2
        print "wait", r2
        wait r1 -> r2
        errno -> r3
        print "again", r2, r3
        exit 0
    child:
        getpid -> r4
        kill r4
    """})
    assert run.out() == ["wait 137", "again -1 10"]


def test_sigchld_goes_to_the_parent_on_exit(unix):
    run = unix({"main": """
        signal SIGCHLD, chld
        fork -> r1
        jz r1, child
        sleep 20
        waitpid r1, 0 -> r2, r3
        print "reaped", r2
        exit 0
    chld:
        print "SIGCHLD"
        ret
    child:
    """})
    assert run.out() == ["SIGCHLD", f"reaped {run.proc('main', 1).pid}"]
    sent = [e for e in run.signals("SIGCHLD") if e.pid == run.proc("main").pid]
    assert [e.info["sender"] for e in sent] == [run.proc("main", 1).pid]


def test_sigchld_also_on_stop_and_continue(unix):
    run = unix({"main": """
        signal SIGCHLD, chld
        fork -> r1
        jz r1, child
        sleep 5
        kill r1, SIGSTOP
        sleep 5
        kill r1, SIGCONT
        sleep 5
        kill r1, SIGKILL
        sleep 5
        exit 0
    chld:
        add r8, 1 -> r8
        print "SIGCHLD", r8
        ret
    child:
        pause
    """})
    assert run.out() == ["SIGCHLD 1", "SIGCHLD 1", "SIGCHLD 1"]  # r8 restored after each


def test_sigchld_ignored_means_no_zombies(unix):
    run = unix({"main": """
        sigignore SIGCHLD
        fork -> r1
        jz r1, child
        sleep 20                     ; the child ends meanwhile: no zombie is kept
        pstree
        waitpid r1, 0 -> r2, r3
        errno -> r4
        print "wait", r2, r4
        exit 0
    child:
        exit 3
    """})
    child = run.proc("main", 1)
    assert "wait -1 10" in run.out()
    assert not any("<defunct>" in line for line in run.out())
    assert [s for s in run.sim.recorder.events if s.kind == "state" and s.pid == child.pid
            and s.info["new"] == "zombie"] == []
    assert [e.info["how"] for e in run.events("reap") if e.info["child"] == child.pid] \
        == ["no zombie: SIGCHLD ignored"]


def test_a_blocking_wait_returns_echild_once_all_children_are_gone(unix):
    run = unix({"main": """
        sigignore SIGCHLD
        fork -> r1
        jz r1, child
        waitpid -1, 0 -> r2, r3      ; blocks until the child ends, then ECHILD
        errno -> r4
        print "wait", r2, r4
        exit 0
    child:
        sleep 10
    """})
    assert run.out() == ["wait -1 10"]
    assert run.proc("main").acct.ended >= 10


def test_the_four_ways_to_end(unix):
    run = unix({
        "main": """
            spawn ok -> r1
            spawn bad -> r2
            spawn crash -> r3
            spawn victim -> r4
            sleep 10
            kill r4, SIGTERM             ; killed by another process
            wait r1 -> r5
            wait r2 -> r6
            wait r3 -> r7
            wait r4 -> r8
            print "statuses", r5, r6, r7, r8
        """,
        "ok": "exit 0",
        "bad": "exit 2",
        "crash": "div 1, 0 -> r1",
        "victim": "pause",
    })
    assert run.out() == ["statuses 0 2 136 143"]
    ends = {name: (run.proc(name).exit.kind, run.proc(name).exit.code,
                   run.proc(name).exit.reason, run.proc(name).exit.signal)
            for name in ("ok", "bad", "crash", "victim")}
    assert ends == {
        "ok": ("normal", 0, "exit", None),
        "bad": ("error", 2, "exit", None),
        "crash": ("fatal", 136, "SIGFPE", 8),
        "victim": ("killed", 143, "SIGTERM", 15),
    }

"""execve(2): docs/unix.md, **exec**."""

from __future__ import annotations


def test_exec_keeps_pid_ppid_group_and_session(unix):
    run = unix({
        "main": """
            getpid -> r1
            getppid -> r2
            getpgid 0 -> r3
            getsid 0 -> r4
            print "before", r1, r2, r3, r4
            exec other
            print "never: exec does not return"
        """,
        "other": """
            getpid -> r1
            getppid -> r2
            getpgid 0 -> r3
            getsid 0 -> r4
            print "after", r1, r2, r3, r4
        """,
    })
    before, after = run.out()
    assert before.split()[1:] == after.split()[1:]
    proc = run.proc("other")
    assert proc.cause == "user" and len(run.procs()) == 5  # no new process
    assert [e.info["program"] for e in run.events("exec")] == ["main", "other"]


def test_exec_replaces_the_image(unix):
    run = unix({
        "main": """
            store x, 7
            mov 5 -> r6
            exec other, 1, 2
        """,
        "other": """
            load x -> r1                 ; other's own data: x starts at 0
            print "x", r1, "r0", r0, "r1 arg", r6
        """,
    })
    assert run.out() == ["x 0 r0 1 r1 arg 0"]


def test_exec_passes_arguments_in_registers(unix):
    run = unix({"main": "exec other, 3, 4", "other": 'print "args", r0, r1'})
    assert run.out() == ["args 3 4"]


def test_descriptors_survive_exec_except_close_on_exec(unix):
    run = unix({
        "main": """
            open "a", "w" -> r1          ; descriptor 0
            open "b", "w" -> r2          ; descriptor 1
            cloexec r2
            exec other
        """,
        "other": """
            write 0, 42 -> r3
            errno -> r5
            write 1, 42 -> r4
            errno -> r6
            print "fd0", r3, r5, "fd1", r4, r6
        """,
    })
    assert run.out() == ["fd0 1 0 fd1 -1 9"]  # EBADF for the closed one


def test_caught_handlers_are_reset_ignored_stay_ignored(unix):
    run = unix({
        "main": """
            signal SIGUSR1, handler
            sigignore SIGUSR2
            exec other
        handler:
            ret
        """,
        "other": """
            getpid -> r1
            kill r1, SIGUSR2             ; still ignored
            print "survived USR2"
            kill r1, SIGUSR1             ; default again: Term
            print "never"
        """,
    })
    assert run.out() == ["survived USR2"]
    assert run.proc("other").exit.reason == "SIGUSR1"


def test_mask_and_pending_signals_survive_exec(unix):
    run = unix({
        "main": """
            sigblock SIGTERM
            getpid -> r1
            kill r1, SIGTERM
            exec other
        """,
        "other": """
            sigpending -> r2
            print "pending", r2
            sigunblock SIGTERM           ; delivered now: Term
            print "never"
        """,
    })
    assert run.out() == [f"pending {1 << 14}"]
    assert run.proc("other").exit.signal == 15


def test_exec_of_a_missing_program_fails_with_enoent(unix):
    run = unix({"main": """
        execve "nosuch"
        errno -> r2
        print "still here", r0, r2
    """})
    assert run.out() == ["still here 0 2"]
    assert run.errors("exec") == ["ENOENT"]


def test_execve_finds_a_program_by_name_at_run_time(unix):
    run = unix({"main": 'execve "other", 9', "other": 'print "other", r0'})
    assert run.out() == ["other 9"]


def test_the_shell_exits_127_when_the_command_is_not_found(unix):
    run = unix({"main": "exit 0"}, start=("nosuch",))
    child = run.procs()[-1]
    assert child.exit.kind == "error" and child.exit.code == 127
    assert run.out() == ["sh: nosuch: not found"]
    assert run.shell() == [f"sh: process {child.pid} ended, $? = 127"]


def test_exec_after_fork_is_what_spawn_does(unix):
    run = unix({
        "main": """
            spawn other, 5 -> r1
            wait r1 -> r2
            print "spawned", r1, "status", r2
        """,
        "other": "exit r0",
    })
    child = run.proc("other")
    assert run.out() == [f"spawned {child.pid} status 5"]
    kinds = [e.kind for e in run.events("fork", "exec") if child.pid in
             (e.pid, e.info.get("child"))]
    assert kinds == ["fork", "exec"]

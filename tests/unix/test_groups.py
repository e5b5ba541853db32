"""Process groups, sessions, the terminal: docs/unix.md, **Process groups, sessions,
terminal**."""

from __future__ import annotations

from osmodel.platforms.unix.constants import STOPPED


def test_setpgid_zero_zero_makes_a_group_leader(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        wait r1 -> r2
        exit 0
    child:
        getpgid 0 -> r3
        setpgid 0, 0 -> r4
        getpgid 0 -> r5
        getpid -> r6
        print "before", r3, "result", r4, "after", r5, "pid", r6
    """})
    main, child = run.proc("main", 0), run.proc("main", 1)
    assert run.out() == [f"before {main.pid} result 0 after {child.pid} pid {child.pid}"]


def test_a_parent_may_move_its_child_into_an_existing_group_of_the_session(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        setpgid r1, r1               ; the child leads a new group
        fork -> r2
        jz r2, child
        setpgid r2, r1 -> r3         ; and the second child joins it
        getpgid r2 -> r4
        print "joined", r3, r4
        kill r1, SIGKILL
        kill r2, SIGKILL
        exit 0
    child:
        pause
    """})
    assert run.out() == [f"joined 0 {run.proc('main', 1).pid}"]


def test_setpgid_fails_with_eacces_after_the_child_execs(unix):
    run = unix({
        "main": """
            fork -> r1
            jz r1, child
            sleep 10
            setpgid r1, r1 -> r2
            errno -> r3
            print "setpgid", r2, r3
            exit 0
        child:
            exec other
        """,
        "other": "sleep 20",
    })
    assert run.out() == ["setpgid -1 13"]
    assert run.errors("setpgid") == ["EACCES"]


def test_setpgid_fails_with_eperm_across_sessions(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 10
        setpgid r1, 0 -> r2
        errno -> r3
        print "other session", r2, r3
        getpgid 0 -> r4
        fork -> r5
        jz r5, second
        sleep 10
        setpgid 0, r1 -> r6           ; a group of another session
        errno -> r7
        print "into another session's group", r6, r7
        exit 0
    child:
        setsid
        sleep 30
        exit 0
    second:
        sleep 30
    """})
    assert run.out() == ["other session -1 1", "into another session's group -1 1"]


def test_setpgid_fails_with_eperm_for_a_session_leader(unix):
    run = unix({"main": """
        setsid -> r1                 ; fails: main leads its job's group
        errno -> r2
        print "setsid", r1, r2
        fork -> r3
        jz r3, child
        wait r3 -> r4
        exit 0
    child:
        setsid -> r5
        setpgid 0, 0 -> r6
        errno -> r7
        print "leader setpgid", r6, r7
    """})
    assert run.out() == ["setsid -1 1", "leader setpgid -1 1"]


def test_setpgid_fails_with_esrch_for_a_process_that_is_not_a_child(unix):
    run = unix({"main": """
        getppid -> r1
        setpgid r1, 0 -> r2
        errno -> r3
        print "parent", r2, r3
        setpgid 99999, 0 -> r2
        errno -> r3
        print "nobody", r2, r3
        fork -> r4
        jz r4, child
        sleep 20
        exit 0
    child:
        fork -> r5
        jz r5, grand
        sleep 20
        exit 0
    grand:
        sleep 5
    """})
    assert run.out() == ["parent -1 3", "nobody -1 3"]


def test_setpgid_fails_with_eperm_for_a_group_that_does_not_exist(unix):
    run = unix({"main": "setpgid 0, 4242 -> r1\nerrno -> r2\nprint r1, r2"})
    assert run.out() == ["-1 1"]


def test_setsid_makes_a_session_without_a_terminal(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        wait r1 -> r2
        exit 0
    child:
        tcgetpgrp -> r2
        setsid -> r3
        getpid -> r4
        getpgid 0 -> r5
        getsid 0 -> r6
        tcgetpgrp -> r7
        errno -> r8
        print "tty fg before", r2, "sid", r3, r4, r5, r6, "tty after", r7, r8
    """})
    main, child = run.proc("main", 0), run.proc("main", 1)
    c = child.pid
    assert run.out() == [f"tty fg before {main.pid} sid {c} {c} {c} {c} tty after -1 25"]
    assert child.platform.tty is None


def test_setsid_fails_for_a_group_leader(unix):
    run = unix({"main": "setsid -> r1\nerrno -> r2\nprint r1, r2"})
    assert run.out() == ["-1 1"]


def keyed(programs: dict[str, str], timeline: str, machine: str = "") -> str:
    text = "[machine]\ncpus = 1\n" + machine + "\n"
    for name, code in programs.items():
        text += f'[programs.{name}]\ncode = """\n{code}\n"""\n'
    return text + timeline


def test_ctrl_c_reaches_every_process_of_the_foreground_group_only(scenario):
    run = scenario(keyed({
        "job": """
            spawn worker -> r1
            spawn worker -> r2
            wait r1 -> r3
            wait r2 -> r4
            print "job never ends normally"
        """,
        "worker": "sleep 100",
        "server": """
            sleep 100
            print "server survived"
        """,
    }, """
[[timeline]]
at = 0
user = "server"
background = true

[[timeline]]
at = 1
user = "job"

[[timeline]]
at = 20
key = "ctrl-c"
"""))
    victims = {e.pid for e in run.signals("SIGINT")}
    job = run.proc("job")
    assert victims == {job.pid, *(w.pid for w in run.procs("worker"))}
    assert all(p.exit.reason == "SIGINT" and p.exit.code == 130
               for p in (job, *run.procs("worker")))
    assert run.out() == ["server survived"]
    assert run.proc("server").exit.kind == "normal"
    assert run.proc("server").platform.pgid != job.platform.pgid


def test_commands_typed_together_form_one_foreground_job(scenario):
    run = scenario(keyed({"a": "sleep 100", "b": "sleep 100"}, """
[[timeline]]
at = 0
user = "a"

[[timeline]]
at = 0
user = "b"

[[timeline]]
at = 10
key = "ctrl-c"
"""))
    a, b = run.proc("a"), run.proc("b")
    assert a.platform.pgid == b.platform.pgid == a.pid
    assert a.exit.reason == b.exit.reason == "SIGINT"
    assert sorted(run.shell()) == sorted([f"sh: process {a.pid} ended, $? = 130",
                                          f"sh: process {b.pid} ended, $? = 130"])


def test_ctrl_z_stops_the_job_and_the_shell_takes_the_terminal_back(scenario):
    run = scenario(keyed({"a": "sleep 5\ncpu 100", "b": "sleep 10"}, """
[[timeline]]
at = 0
user = "a"

[[timeline]]
at = 20
key = "ctrl-z"

[[timeline]]
at = 40
user = "b"
"""))
    a, b = run.proc("a"), run.proc("b")
    assert a.state is STOPPED
    assert run.shell() == [f"sh: process {a.pid} stopped", f"sh: process {b.pid} ended, $? = 0"]
    # b got the terminal after the shell took it back from a
    fg = [e.info["foreground"] for e in run.events("tcsetpgrp")]
    sh = run.proc("sh").pid
    assert fg == [a.pid, sh, b.pid, sh]


def test_kill_a_negative_pid_signals_every_member_of_the_group(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        setpgid r1, r1
        fork -> r2
        jz r2, child
        setpgid r2, r1
        sleep 5
        sub 0, r1 -> r3
        kill r3, SIGTERM -> r4
        print "kill", r4
        wait r1 -> r5
        wait r2 -> r6
        print "statuses", r5, r6
        kill r3, SIGTERM -> r4       ; the group is gone now
        errno -> r7
        print "again", r4, r7
        exit 0
    child:
        pause
    """})
    assert run.out() == ["kill 0", "statuses 143 143", "again -1 3"]


def test_kill_zero_signals_my_own_group(unix):
    run = unix({"main": """
        signal SIGUSR1, got
        fork -> r1
        jz r1, child
        sleep 5
        kill 0, SIGUSR1
        wait r1 -> r2
        print "child", r2
        exit 0
    got:
        print "main got USR1"
        ret
    child:
        sigdefault SIGUSR1           ; the handler was inherited: back to Term
        pause
    """})
    assert run.out() == ["main got USR1", "child 138"]  # 128 + SIGUSR1 (10)


def test_kill_checks_permissions(unix):
    run = unix({"main": """
        kill 1, SIGTERM -> r1         ; init belongs to root
        errno -> r2
        kill -1, 0 -> r3              ; someone I may signal exists (the shell)
        kill 99999, 0 -> r4
        errno -> r5
        kill 0, 99 -> r6
        errno -> r7
        print r1, r2, r3, r4, r5, r6, r7
    """})
    assert run.out() == ["-1 1 0 -1 3 -1 22"]


def test_tcsetpgrp_moves_the_foreground_and_ctrl_c_follows_it(scenario):
    run = scenario(keyed({"main": """
        fork -> r1
        jz r1, child
        setpgid r1, r1
        tcsetpgrp r1 -> r2           ; the child's group is now in the foreground
        wait r1 -> r3
        print "main survived, child", r3
        tcsetpgrp 999 -> r4
        errno -> r5
        print "no such group", r4, r5
    child:
        pause
    """}, """
[[timeline]]
at = 0
user = "main"

[[timeline]]
at = 30
key = "ctrl-c"
"""))
    assert run.out() == ["main survived, child 130", "no such group -1 1"]


def test_a_newly_orphaned_group_with_a_stopped_member_gets_sighup_then_sigcont(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        setpgid r1, r1               ; the child's group has its only outside link in main
        sleep 5
        kill r1, SIGSTOP
        sleep 5
        exit 0                       ; the child's group is now orphaned and stopped
    child:
        signal SIGHUP, hup
        pause -> r5                  ; stopped in here; then the handler ends it: EINTR
        print "child continues after", r5
        exit 0
    hup:
        print "child got SIGHUP"
        ret
    """})
    child = run.proc("main", 1)
    sigs = [e.info["sig"] for e in run.signals() if e.pid == child.pid]
    assert sigs == ["SIGSTOP", "SIGHUP", "SIGCONT"]
    assert run.out() == ["child got SIGHUP", "child continues after -1"]
    assert [e.info["pgid"] for e in run.events("orphaned")] == [child.pid]


def test_a_group_orphaned_without_a_stopped_member_gets_nothing(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        setpgid r1, r1
        sleep 5
        exit 0
    child:
        sleep 20
    """})
    assert run.events("orphaned") == []
    assert run.proc("main", 1).exit.kind == "normal"


def test_the_foreground_group_is_hung_up_when_the_session_leader_exits(scenario):
    run = scenario(keyed({"job": "sleep 100"}, """
[[timeline]]
at = 0
user = "job"

[[timeline]]
at = 10
kill = "sh"
signal = "SIGKILL"
"""))
    job = run.proc("job")
    assert job.exit.reason == "SIGHUP"  # and so the SIGCONT that follows finds it gone
    assert [e.info["sig"] for e in run.signals() if e.pid == job.pid] == ["SIGHUP"]
    assert [e.info["foreground"] for e in run.events("hangup")] == [job.pid]
    assert job.platform.ppid == 1

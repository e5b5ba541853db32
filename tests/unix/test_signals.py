"""signal(7), sigaction(2): docs/unix.md, **Signals**."""

from __future__ import annotations

import pytest

from osmodel.kernel.errors import SourceError
from osmodel.platforms.unix.constants import SIGNALS, STOPPED


def self_signal(sig: str, setup: str = "") -> dict[str, str]:
    return {"main": f"""
        fork -> r1
        jz r1, child
        wait r1 -> r2
        print "status", r2
        exit 0
    child:
        {setup}
        getpid -> r3
        kill r3, {sig}
        print "alive"
    """}


@pytest.mark.parametrize(("sig", "status"), [
    ("SIGKILL", 137), ("SIGTERM", 143), ("SIGINT", 130), ("SIGHUP", 129), ("SIGUSR1", 138),
    ("SIGPIPE", 141), ("SIGALRM", 142), ("SIGQUIT", 131), ("SIGABRT", 134),
])
def test_term_and_core_defaults_end_the_process_shown_as_128_plus_n(unix, sig, status):
    run = unix(self_signal(sig))
    assert run.out() == [f"status {status}"]
    child = run.proc("main", 1)
    assert (child.exit.kind, child.exit.signal, child.exit.reason) \
        == ("killed", status - 128, sig)


@pytest.mark.parametrize("sig", ["SIGCHLD", "SIGURG", "SIGWINCH", "SIGCONT"])
def test_ignore_and_continue_defaults_change_nothing_for_a_running_process(unix, sig):
    run = unix(self_signal(sig))
    assert run.out() == ["alive", "status 0"]


def test_the_signal_table_is_linuxs():
    expected = {1: "term", 2: "term", 3: "core", 4: "core", 6: "core", 8: "core", 9: "term",
                10: "term", 11: "core", 13: "term", 15: "term", 17: "ign", 18: "cont",
                19: "stop", 20: "stop"}
    assert {n: SIGNALS[n][1] for n in expected} == expected


@pytest.mark.parametrize(("sig", "status"), [("SIGSEGV", 139), ("SIGFPE", 136),
                                             ("SIGILL", 132)])
def test_faults_raise_their_signals(unix, sig, status):
    fault = {"SIGSEGV": "load [0] -> r1", "SIGFPE": "div 1, 0 -> r1", "SIGILL": "illegal"}[sig]
    run = unix({"main": f"""
        fork -> r1
        jz r1, child
        wait r1 -> r2
        print "status", r2
        exit 0
    child:
        {fault}
    """})
    assert run.out() == [f"status {status}"]
    child = run.proc("main", 1)
    assert (child.exit.kind, child.exit.reason) == ("fatal", sig)


@pytest.mark.parametrize(("sig", "fault"), [("SIGSEGV", "load [0] -> r1"),
                                            ("SIGFPE", "div 1, 0 -> r1"),
                                            ("SIGILL", "illegal")])
def test_a_handler_catches_a_fault_and_the_process_goes_on(unix, sig, fault):
    run = unix({"main": f"""
        signal {sig}, handler
        mov 5 -> r4
        {fault}
        print "went on", r4
        exit 0
    handler:
        mov 99 -> r4                 ; the handler's registers are its own
        print "caught"
        ret
    """})
    assert run.out() == ["caught", "went on 5"]
    assert run.proc("main").exit.kind == "normal"


@pytest.mark.parametrize("how", ["sigignore SIGSEGV", "sigblock SIGSEGV",
                                 "signal SIGSEGV, handler\n sigblock SIGSEGV"])
def test_an_ignored_or_blocked_fault_still_kills(unix, how):
    run = unix({"main": f"""
        {how}
        load [0] -> r1
        print "never"
    handler:
        ret
    """})
    main = run.proc("main")
    assert (main.exit.kind, main.exit.reason, main.exit.code) == ("fatal", "SIGSEGV", 139)


def test_an_ignored_segv_sent_by_kill_is_ignored(unix):
    run = unix(self_signal("SIGSEGV", setup="sigignore SIGSEGV"))
    assert run.out() == ["alive", "status 0"]


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGSTOP"])
def test_sigkill_and_sigstop_cannot_be_caught_or_ignored(unix, sig):
    run = unix({"main": f"""
        signal {sig}, handler -> r1
        errno -> r2
        sigignore {sig} -> r3
        errno -> r4
        print r1, r2, r3, r4
    handler:
        ret
    """})
    assert run.out() == ["-1 22 -1 22"]


def test_sigkill_cannot_be_blocked(unix):
    run = unix(self_signal("SIGKILL", setup="sigblock SIGKILL"))
    assert run.out() == ["status 137"]


def test_a_blocked_signal_stays_pending_until_unblocked(unix):
    run = unix({"main": """
        signal SIGUSR1, handler
        sigblock SIGUSR1
        getpid -> r1
        kill r1, SIGUSR1
        print "still blocked"
        sigunblock SIGUSR1
        print "after unblock"
        exit 0
    handler:
        print "handled"
        ret
    """})
    assert run.out() == ["still blocked", "handled", "after unblock"]


def test_pause_returns_eintr_after_a_handler(unix):
    run = unix({"main": """
        signal SIGUSR1, handler
        fork -> r1
        jz r1, child
        pause -> r2
        errno -> r3
        print "pause", r2, r3
        wait r1 -> r4
        exit 0
    handler:
        print "handler"
        ret
    child:
        sleep 10
        getppid -> r5
        kill r5, SIGUSR1
    """})
    assert run.out() == ["handler", "pause -1 4"]


def test_waitpid_restarts_after_a_handler(unix):
    run = unix({"main": """
        signal SIGUSR1, handler
        fork -> r1
        jz r1, child
        waitpid r1, 0 -> r2, r3      ; interrupted by USR1, then goes on waiting
        wexitstatus r3 -> r4
        print "waitpid", r2, r4
        exit 0
    handler:
        print "handler"
        ret
    child:
        sleep 10
        getppid -> r5
        kill r5, SIGUSR1
        sleep 10
        exit 3
    """})
    assert run.out() == ["handler", f"waitpid {run.proc('main', 1).pid} 3"]


def test_a_caught_signal_cuts_a_sleep_short(unix):
    run = unix({"main": """
        signal SIGUSR1, handler
        fork -> r1
        jz r1, child
        sleep 1000
        print "awake"
        kill r1, SIGKILL
        exit 0
    handler:
        ret
    child:
        sleep 10
        getppid -> r5
        kill r5, SIGUSR1
        pause
    """})
    assert run.out() == ["awake"]
    assert run.proc("main").acct.ended < 100


def test_a_stopped_process_keeps_other_signals_pending_until_sigcont(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 5
        kill r1, SIGSTOP
        sleep 5
        kill r1, SIGTERM             ; stays pending: the child is stopped
        sleep 20
        kill r1, SIGCONT             ; now the SIGTERM is delivered
        wait r1 -> r2
        print "child", r2
        exit 0
    child:
        cpu 100
    """}, until=25)
    child = run.proc("main", 1)
    assert child.state is STOPPED and child.state.letter == "T"
    assert child.platform.pending == {15}
    run.more()
    assert run.out() == ["child 143"]


def test_sigkill_kills_a_stopped_process(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 5
        kill r1, SIGSTOP
        sleep 5
        kill r1, SIGKILL
        wait r1 -> r2
        print "child", r2
        exit 0
    child:
        cpu 100
    """})
    assert run.out() == ["child 137"]


def test_sigstop_then_sigcont_resume_where_it_was(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 5
        kill r1, SIGSTOP
        sleep 50
        kill r1, SIGCONT
        wait r1 -> r2
        exit 0
    child:
        cpu 20
        print "done"
    """})
    child = run.proc("main", 1)
    assert run.out() == ["done"]
    assert child.acct.cpu >= 20 and child.acct.ended > 55
    states = [e.info["new"] for e in run.events("state") if e.pid == child.pid]
    assert "stopped" in states


def test_a_stop_signal_caught_by_a_handler_does_not_stop(unix):
    run = unix(self_signal("SIGTSTP", setup="signal SIGTSTP, h\n jmp go\n h: ret\n go:"))
    assert run.out() == ["alive", "status 0"]


def test_a_signal_waits_for_device_io_to_complete(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 5
        kill r1, SIGTERM
        wait r1 -> r2
        print "child", r2
        exit 0
    child:
        io 50                        ; uninterruptible (state D)
        print "never"
    """}, until=30)
    from osmodel.platforms.unix import render_tree

    child = run.proc("main", 1)
    line = next(ln for ln in render_tree(run.kernel) if ln.split()[0] == str(child.pid))
    assert " D" in line and child.platform.pending == {15}
    run.more()
    assert run.out() == ["child 143"]
    assert child.acct.ended >= 50


def test_signals_reach_a_process_running_on_another_cpu(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 3
        kill r1, SIGTERM
        wait r1 -> r2
        print "child", r2
        exit 0
    child:
        cpu 1000
    """}, cpus=2, quantum=0)
    assert run.out() == ["child 143"]
    assert run.proc("main", 1).acct.cpu < 20


def test_init_receives_only_signals_it_catches(scenario):
    run = scenario("""
[programs.main]
code = "sleep 5"

[[timeline]]
at = 1
kill = 1

[[timeline]]
at = 2
kill = "init"
signal = "TERM"
""")
    assert run.kernel.processes[1].exit is None
    assert [e.info["action"] for e in run.signals() if e.pid == 1] \
        == ["none (init is protected)"] * 2


def test_operator_kill_defaults_to_sigkill_and_names_signals_in_any_spelling(scenario):
    run = scenario("""
[programs.a]
code = "pause"
[programs.b]
code = "pause"

[[timeline]]
at = 0
user = "a"
background = true

[[timeline]]
at = 0
user = "b"
background = true

[[timeline]]
at = 5
kill = "a"

[[timeline]]
at = 5
kill = "b"
signal = "usr2"
""")
    assert run.proc("a").exit.reason == "SIGKILL"
    assert run.proc("b").exit.reason == "SIGUSR2"
    assert run.shell()[-2:] == [f"sh: process {run.proc('a').pid} ended, $? = 137",
                                f"sh: process {run.proc('b').pid} ended, $? = 140"]


def test_operator_kill_with_an_unknown_signal_is_a_clear_error(scenario):
    with pytest.raises(SourceError, match=r"^<string>:9:1: unknown signal 'SIGNOPE'"):
        scenario("""
[programs.a]
code = "pause"

[[timeline]]
at = 0
user = "a"

[[timeline]]
at = 1
kill = "a"
signal = "SIGNOPE"
""")


def test_alarm_sends_sigalrm_and_reports_what_was_left(unix):
    run = unix({"main": """
        signal SIGALRM, ring
        alarm 50
        alarm 10 -> r1
        print "left", r1
        pause
        print "after alarm"
        exit 0
    ring:
        print "ring"
        ret
    """})
    # two ticks passed between the two calls (each costs one)
    assert run.out() == ["left 48", "ring", "after alarm"]
    assert run.proc("main").acct.ended >= 10


def test_signal_takes_sig_ign_and_sig_dfl_as_well_as_a_handler(unix):
    ignored = unix(self_signal("SIGTERM", setup="signal SIGTERM, SIG_IGN -> r9"))
    assert ignored.out() == ["alive", "status 0"]
    default = unix(self_signal("SIGTERM", setup="signal SIGTERM, SIG_IGN -> r9\n"
                                                 "        signal SIGTERM, SIG_DFL -> r9"))
    assert default.out() == ["status 143"]


def test_a_signal_is_blocked_while_its_own_handler_runs(unix):
    # the handler sends itself the same signal: it stays pending until the handler
    # returns, then runs once more, instead of nesting inside the first run
    run = unix({"main": """
        signal SIGUSR1, on_usr1 -> r9
        getpid -> r3
        kill r3, SIGUSR1
        load runs -> r5
        print "done", r5
        exit 0
    on_usr1:
        load runs -> r5
        add r5, 1 -> r5
        store runs, r5
        print "enter"
        jgt r5, 1, leave
        kill r3, SIGUSR1
        print "leave"
    leave:
        ret
    """})
    assert run.out() == ["enter", "leave", "enter", "done 2"]

"""Console control: docs/windows.md, **Console control**."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

WAIT_FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"
CONTROL_C_EXIT = 0xC000013A


def toml(programs: Mapping[str, str], timeline: Sequence[Mapping[str, Any]]) -> str:
    """A scenario: the programs, then the timeline entries in order."""
    parts = ["[machine]\nscheduler = { name = \"rr\", quantum = 2 }\n"]
    for name, code in programs.items():
        parts.append(f"[programs.{name}]\ncode = '''\n{code}\n'''\n")
    for entry in timeline:
        fields = "\n".join(f"{k} = {v!r}".replace("'", '"').replace("True", "true")
                           for k, v in entry.items())
        parts.append(f"[[timeline]]\n{fields}\n")
    return "\n".join(parts)


def ended(run: Any, name: str, index: int = 0) -> tuple[str, int | None] | None:
    proc = run.proc(name, index)
    return None if proc.exit is None else (proc.exit.kind, proc.exit.code)


def test_ctrl_c_reaches_every_process_on_the_console_but_not_detached_ones(scenario):
    run = scenario(toml({
        "fg": "spawn child -> r1\n" + WAIT_FOREVER,
        "child": WAIT_FOREVER,
        "loner": "CreateProcess child, FALSE, DETACHED_PROCESS -> r1, r2\n" + WAIT_FOREVER,
        "job": WAIT_FOREVER,
    }, [{"at": 0, "user": "fg"}, {"at": 0, "user": "loner"}, {"at": 0, "batch": "job"},
        {"at": 50, "key": "ctrl-c"}]))
    assert ended(run, "fg") == ("killed", CONTROL_C_EXIT)
    assert ended(run, "loner") == ("killed", CONTROL_C_EXIT)
    assert ended(run, "child", 0) == ("killed", CONTROL_C_EXIT)   # inherited the console
    assert ended(run, "child", 1) is None                          # DETACHED_PROCESS
    assert ended(run, "job") is None                               # a batch job: no console
    assert all(p.exit is None for p in run.procs() if p.cause == "boot" and
               p.name in ("explorer.exe", "System", "csrss.exe"))
    reached = sorted(e.pid for e in run.events("ctrl") if e.pid is not None)
    assert reached == sorted(p.pid for p in (run.proc("fg"), run.proc("loner"),
                                             run.proc("child", 0)))


def test_a_handler_runs_and_the_process_goes_on_its_wait_resuming(scenario):
    run = scenario(toml({"main": """
            SetConsoleCtrlHandler on_ctrl, TRUE
            CreateEvent TRUE, FALSE -> r1
            WaitForSingleObject r1, 50 -> r2   ; interrupted at 20, resumes: times out at 50
            getpid -> r3
            print "timed out", r2
            ExitProcess 0
    on_ctrl: print "handler", r0
            ret
    """}, [{"at": 0, "user": "main"}, {"at": 20, "key": "ctrl-c"}]))
    assert run.out() == ["handler 0", "timed out 258"]
    main = run.proc("main")
    printed = [t for t, pid, text in run.kernel.output if text.startswith("timed out")]
    blocked = next(e.time for e in run.events("state") if e.pid == main.pid
                   and e.info["new"] == "blocked")
    assert printed[0] - blocked in (50, 51)
    assert main.exit is not None and main.exit.kind == "normal"


def test_the_last_added_handler_runs_and_removing_it_restores_the_one_before(scenario):
    run = scenario(toml({"main": """
            SetConsoleCtrlHandler first, TRUE
            SetConsoleCtrlHandler second, TRUE
            sleep 30
            SetConsoleCtrlHandler second, FALSE
            SetConsoleCtrlHandler nowhere, FALSE -> r5     ; not added: ERROR_INVALID_PARAMETER
            GetLastError -> r6
            print "removed", r5, r6
            sleep 30
            SetConsoleCtrlHandler first, FALSE
            sleep 30
            print "never"
    first:  print "first"
            ret
    second: print "second"
            ret
    nowhere: ret
    """}, [{"at": 0, "user": "main"}, {"at": 20, "key": "ctrl-c"}, {"at": 50, "key": "ctrl-c"},
           {"at": 80, "key": "ctrl-c"}]))
    assert run.out() == ["second", "removed 0 87", "first"]
    assert ended(run, "main") == ("killed", CONTROL_C_EXIT)


def test_ignoring_ctrl_c_is_inherited_and_ctrl_break_is_always_delivered(scenario):
    run = scenario(toml({
        "main": "SetConsoleCtrlHandler NULL, TRUE\n spawn child -> r1\n" + WAIT_FOREVER,
        "child": WAIT_FOREVER,
    }, [{"at": 0, "user": "main"}, {"at": 30, "key": "ctrl-c"},
        {"at": 60, "key": "ctrl-break"}]))
    assert [e.info["action"] for e in run.events("ctrl") if e.info.get("event") ==
            "CTRL_C_EVENT" and e.pid is not None] == ["ignored", "ignored"]
    assert ended(run, "main") == ("killed", CONTROL_C_EXIT)
    assert ended(run, "child") == ("killed", CONTROL_C_EXIT)
    main = run.proc("main")
    assert main.exit is not None and main.exit.reason.startswith("CTRL_BREAK_EVENT")


def test_a_new_process_group_has_ctrl_c_disabled_and_its_pid_as_group_id(scenario):
    run = scenario(toml({
        "main": "CreateProcess child, FALSE, CREATE_NEW_PROCESS_GROUP -> r1, r2\n"
                + WAIT_FOREVER,
        "child": "spawn grandchild -> r1\n" + WAIT_FOREVER,
        "grandchild": WAIT_FOREVER,
        "bg": WAIT_FOREVER,
    }, [{"at": 0, "user": "main"}, {"at": 0, "user": "bg", "background": True},
        {"at": 40, "key": "ctrl-c"}]))
    child, grandchild, bg = run.proc("child"), run.proc("grandchild"), run.proc("bg")
    assert run.data(child).group == child.pid
    assert run.data(grandchild).group == child.pid                 # the group is inherited
    assert run.data(bg).group == bg.pid                            # like start /b
    assert ended(run, "main") == ("killed", CONTROL_C_EXIT)
    assert ended(run, "child") is None and ended(run, "grandchild") is None
    assert ended(run, "bg") is None


def test_generate_ctrl_break_reaches_one_group_and_ctrl_c_to_a_group_reaches_nobody(win):
    run = win({"main": """
            CreateProcess child, FALSE, CREATE_NEW_PROCESS_GROUP -> r1, r2
            CreateProcess child, FALSE, CREATE_NEW_PROCESS_GROUP -> r3, r4
            GetProcessId r1 -> r5
            sleep 10
            GenerateConsoleCtrlEvent CTRL_C_EVENT, r5 -> r6    ; succeeds, nobody receives it
            sleep 10
            GetExitCodeProcess r1 -> r7
            GenerateConsoleCtrlEvent CTRL_BREAK_EVENT, r5 -> r8
            wait r1 -> r9
            GetExitCodeProcess r3 -> r10
            print r6, r7, r8, r9, r10
            TerminateProcess r3, 0
    """, "child": "spawn grandchild -> r1\n" + WAIT_FOREVER, "grandchild": WAIT_FOREVER},
        until=300)
    assert run.out() == [f"1 259 1 {CONTROL_C_EXIT} 259"]
    assert ended(run, "grandchild", 0) == ("killed", CONTROL_C_EXIT)  # in the first group
    assert ended(run, "grandchild", 1) is None
    assert run.proc("main").exit is not None and run.proc("main").exit.kind == "normal"


def test_ctrl_c_to_group_zero_reaches_the_whole_console_including_the_caller(win):
    run = win({"main": """
            spawn child -> r1
            sleep 5
            GenerateConsoleCtrlEvent CTRL_C_EVENT, 0
            sleep 5
            print "never"
    """, "child": WAIT_FOREVER})
    assert ended(run, "main") == ("killed", CONTROL_C_EXIT)
    assert ended(run, "child") == ("killed", CONTROL_C_EXIT)


def test_a_process_without_a_console_cannot_generate_events(scenario):
    run = scenario(toml({"job": """
            GenerateConsoleCtrlEvent CTRL_BREAK_EVENT, 0 -> r1
            GetLastError -> r2
            GenerateConsoleCtrlEvent 7, 0 -> r3
            GetLastError -> r4
            print r1, r2, r3, r4
    """}, [{"at": 0, "batch": "job"}]))
    assert run.out() == ["0 6 0 87"]


def test_ctrl_z_sends_no_event_on_windows(scenario):
    run = scenario(toml({"main": "sleep 30\n print \"still here\""},
                        [{"at": 0, "user": "main"}, {"at": 10, "key": "ctrl-z"}]))
    assert run.out() == ["still here"]
    assert any("no console event" in str(e.info.get("action")) for e in run.events("ctrl"))


def test_a_new_console_is_out_of_reach_of_the_users_keys(scenario):
    run = scenario(toml({
        "main": "CreateProcess child, FALSE, CREATE_NEW_CONSOLE -> r1, r2\n" + WAIT_FOREVER,
        "child": WAIT_FOREVER,
    }, [{"at": 0, "user": "main"}, {"at": 30, "key": "ctrl-c"}]))
    assert ended(run, "main") == ("killed", CONTROL_C_EXIT)
    assert ended(run, "child") is None
    assert run.data(run.proc("child")).console not in (None, 1)

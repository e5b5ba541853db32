"""Lifetime, exit codes and waiting: docs/windows.md, **Lifetime and exit** and
**No hierarchy, control by handle**."""

from __future__ import annotations

from osmodel.kernel.states import TERMINATED

WAIT_FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"


def test_exit_codes_are_32_bit_and_never_truncated(win):
    run = win({"main": """
            spawn child, 0 -> r1
            spawn child, 300 -> r2
            spawn child, -1 -> r3
            spawn child, 0x1FFFFFFFF -> r4
            wait r1 -> r5
            wait r2 -> r6
            wait r3 -> r7
            wait r4 -> r8
            print r5, r6, r7, r8
    """, "child": "ExitProcess r0"})
    assert run.out() == ["0 300 4294967295 4294967295"]
    kinds = [(p.exit.kind, p.exit.code) for p in run.procs("child") if p.exit is not None]
    assert sorted(kinds) == [("error", 300), ("error", 4294967295), ("error", 4294967295),
                             ("normal", 0)]


def test_still_active_while_running_then_the_code_any_number_of_times(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            GetExitCodeProcess r1 -> r3              ; 259: STILL_ACTIVE
            WaitForSingleObject r1, 5 -> r4          ; 258: WAIT_TIMEOUT
            WaitForSingleObject r1, INFINITE -> r5   ; 0: WAIT_OBJECT_0
            WaitForSingleObject r1, 0 -> r6          ; still 0: nothing is reaped
            GetExitCodeProcess r1 -> r7
            GetExitCodeProcess r1 -> r8
            WaitForSingleObject r2, 0 -> r9          ; the thread is signaled too
            print r3, r4, r5, r6, r7, r8, r9
    """, "child": "sleep 30\n ExitProcess 12"})
    assert run.out() == ["259 258 0 0 12 12 0"]


def test_a_timed_wait_ends_after_exactly_its_timeout(win):
    run = win({"main": """
            CreateEvent TRUE, FALSE -> r1
            WaitForSingleObject r1, 37 -> r2
            print r2
    """})
    wait = run.proc("main")
    [wake] = [e for e in run.events("state") if e.pid == wait.pid
              and e.info["reason"] == "wait timed out"]
    started = next(e.time for e in run.events("state") if e.pid == wait.pid
                   and e.info["new"] == "blocked")
    assert wake.time - started == 37
    assert run.out() == ["258"]


def test_waiting_needs_synchronize(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            GetCurrentProcess -> r3
            DuplicateHandle r3, r1, r3, PROCESS_TERMINATE, 0 -> r4
            WaitForSingleObject r4, INFINITE -> r5
            GetLastError -> r6
            wait r4 -> r7
            print r5, r6, r7
            TerminateProcess r4, 1
    """, "child": WAIT_FOREVER})
    assert run.out() == ["4294967295 5 -1"]


def test_any_holder_may_wait_and_every_waiter_wakes(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            GetCurrentProcess -> r3
            SetHandleInformation r1, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT
            CreateProcess waiter, TRUE, 0, r1 -> r4, r5
            CreateProcess waiter, TRUE, 0, r1 -> r6, r7
            wait r1 -> r8
            wait r4 -> r9
            wait r6 -> r10
            print "main", r8
    """, "child": "sleep 20\n ExitProcess 6", "waiter": """
            wait r0 -> r1                      ; the inherited handle, same value
            print "waiter", r1
    """})
    assert sorted(run.out()) == ["main 6", "waiter 6", "waiter 6"]


def test_the_object_and_pid_live_until_the_last_handle_closes(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            CloseHandle r2
            GetProcessId r1 -> r3
            wait r1 -> r4
            sleep 10
            OpenProcess SYNCHRONIZE|PROCESS_QUERY_LIMITED_INFORMATION, r3 -> r5  ; still there
            GetExitCodeProcess r5 -> r6
            CloseHandle r5
            CloseHandle r1                     ; the last handle: the pid is free
            OpenProcess SYNCHRONIZE, r3 -> r7
            GetLastError -> r8
            CreateProcess child, FALSE, 0 -> r9, r10
            GetProcessId r9 -> r11
            print r3, r6, r7, r8, r11
    """, "child": "ExitProcess 4"}, until=200)
    pid, code, gone, error, reused = run.ints()
    assert code == 4 and (gone, error) == (0, 87)
    assert reused == pid  # Windows reuses a freed id
    first = run.proc("child", 0)
    ended_at = first.acct.ended
    release = next(e for e in run.events("release") if e.pid == pid and e.time > ended_at)
    assert release.time >= ended_at + 10
    exited = next(e for e in run.events("exit") if e.pid == pid and e.time == ended_at)
    states = [e.info["new"] for e in run.events("state") if e.pid == pid
              and exited.seq < e.seq < release.seq]
    assert states == ["terminated"]  # signaled and kept, no zombie: then released


def test_an_open_thread_handle_alone_keeps_the_process_object(win):
    run = win({"main": f"""
            CreateProcess child, FALSE, 0 -> r1, r2
            CloseHandle r1
            WaitForSingleObject r2, INFINITE -> r3
            sleep 5
            CloseHandle r2
            {WAIT_FOREVER}
    """, "child": "ExitProcess 1"}, until=100)
    child = run.proc("child")
    release = next(e.time for e in run.events("release") if e.pid == child.pid
                   and e.time >= child.acct.ended)
    assert release >= child.acct.ended + 5
    assert run.released(child)


def test_closehandle_never_ends_a_process_and_an_unheld_one_is_released_at_once(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            CloseHandle r1
            CloseHandle r2
            print "main ends"
    """, "child": "sleep 20\n print \"child goes on\""})
    assert run.out() == ["main ends", "child goes on"]
    child = run.proc("child")
    assert child.exit is not None and child.exit.kind == "normal"
    release = next(e.time for e in run.events("release") if e.pid == child.pid
                   and e.time >= child.acct.ended)
    assert release == child.acct.ended


def test_terminateprocess_ends_at_once_with_the_code_and_no_handler_runs(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            sleep 5
            TerminateProcess r1, 0xDEADBEEF -> r3
            GetExitCodeProcess r1 -> r4
            TerminateProcess r1, 1 -> r5           ; it has ended: ERROR_ACCESS_DENIED
            GetLastError -> r6
            print r3, r4, r5, r6
    """, "child": """
            SetConsoleCtrlHandler on_ctrl, TRUE
            try except
            CreateEvent TRUE, FALSE -> r1
            WaitForSingleObject r1, INFINITE -> r2
    except: print "never: __except"
    on_ctrl: print "never: handler"
            ret
    """})
    assert run.out() == ["1 3735928559 0 5"]
    child = run.proc("child")
    assert child.exit is not None
    assert (child.exit.kind, child.exit.code) == ("killed", 0xDEADBEEF)


def test_a_process_may_terminate_itself(win):
    run = win({"main": """
            GetCurrentProcess -> r1
            TerminateProcess r1, 5
            print "never"
    """})
    main = run.proc("main")
    assert run.out() == []
    assert main.exit is not None and (main.exit.kind, main.exit.code) == ("error", 5)


def test_no_hierarchy_children_go_on_when_their_creator_ends(win):
    run = win({"main": """
            spawn child -> r1
            print "main ends"
            ExitProcess 0
    """, "child": """
            sleep 30
            print "child goes on"
            spawn grandchild -> r1
            wait r1 -> r2
    """, "grandchild": "print \"grandchild\""})
    assert run.out() == ["main ends", "child goes on", "grandchild"]
    main, child = run.proc("main"), run.proc("child")
    assert child.creator == main.pid           # recorded, never changed
    assert not [e for e in run.events("reparent")]
    hook = run.kernel.hook
    assert all(hook.osmodel_parent(kernel=run.kernel, process=p) is None for p in run.procs())


def test_a_creator_pid_goes_stale_and_may_be_reused(win):
    run = win({"main": f"""
            spawn middle -> r1
            wait r1 -> r2
            CloseHandle r1                          ; the middle's object goes: its pid is free
            spawn other -> r3                       ; and is taken again
            {WAIT_FOREVER}
    """, "middle": "spawn child -> r1\n ExitProcess 0", "child": WAIT_FOREVER,
        "other": WAIT_FOREVER}, until=100)
    from osmodel.platforms.windows.proc import creator_status

    middle, child, other = run.proc("middle"), run.proc("child"), run.proc("other")
    assert other.pid == middle.pid
    assert child.creator == middle.pid
    assert creator_status(run.kernel, child) == "reused"
    assert run.data(child).creator_serial != run.data(other).serial


def test_an_ended_process_has_no_zombie_state_only_terminated(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            wait r1 -> r3
    """, "child": "ExitProcess 2"}, until=20)
    child = run.proc("child")
    assert child.state is TERMINATED
    names = {e.info["new"] for e in run.events("state")}
    assert names <= {"idle", "ready", "running", "blocked", "terminated"}

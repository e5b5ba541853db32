"""Handles and rights: docs/windows.md, **No hierarchy, control by handle**."""

from __future__ import annotations

from osmodel.platforms.windows.constants import (
    PROCESS_ALL_ACCESS,
    PROCESS_QUERY_LIMITED_INFORMATION,
    PROCESS_TERMINATE,
    SYNCHRONIZE,
)

WAIT_FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"

# The monitor starts suspended with an empty table, so the first handle put into it is 4:
# that is how it is "told" the value here (a program normally passes it by other means).
DUP_RIGHTS = "SYNCHRONIZE|PROCESS_TERMINATE|PROCESS_QUERY_LIMITED_INFORMATION"
MONITOR = """
        GetExitCodeProcess 4 -> r1
        TerminateProcess 4, 77 -> r2
        WaitForSingleObject 4, INFINITE -> r3
        GetExitCodeProcess 4 -> r4
        print "monitor", r1, r2, r3, r4
"""


def test_a_duplicated_handle_passes_control_to_a_third_process(win):
    run = win({"main": f"""
            CreateProcess worker, FALSE, 0 -> r1, r2
            CreateProcess monitor, FALSE, CREATE_SUSPENDED -> r3, r4
            GetCurrentProcess -> r5
            DuplicateHandle r5, r1, r3, {DUP_RIGHTS}, 0 -> r6
            print "main", r1, r6
            ResumeThread r4
            wait r3 -> r7
            GetExitCodeProcess r1 -> r8
            print "main sees", r8
    """, "worker": WAIT_FOREVER, "monitor": MONITOR})
    assert run.out() == ["main 4 4", "monitor 259 1 0 77", "main sees 77"]
    worker = run.proc("worker")
    assert worker.exit is not None and worker.exit.kind == "killed"
    assert worker.exit.code == 77


def test_the_same_value_names_different_objects_in_different_tables(win):
    run = win({"main": f"""
            CreateProcess worker, FALSE, 0 -> r1, r2
            CreateProcess holder, FALSE, CREATE_SUSPENDED -> r3, r4
            GetCurrentProcess -> r5
            DuplicateHandle r5, r1, r3, SYNCHRONIZE, 0 -> r6
            {WAIT_FOREVER}
    """, "worker": WAIT_FOREVER, "holder": WAIT_FOREVER}, until=50)
    main, worker, holder = run.proc("main"), run.proc("worker"), run.proc("holder")
    # 4 in main is its full-access handle to the worker; 4 in holder its SYNCHRONIZE copy
    assert main.resources.slots[4].obj is run.data(worker).obj
    assert main.resources.slots[4].rights == PROCESS_ALL_ACCESS
    assert holder.resources.slots[4].obj is run.data(worker).obj
    assert holder.resources.slots[4].rights == SYNCHRONIZE
    assert run.data(worker).obj.refs == 2


def test_same_access_copies_the_rights_and_close_source_closes_the_original(win):
    run = win({"main": """
            CreateProcess worker, FALSE, 0 -> r1, r2
            GetCurrentProcess -> r5
            DuplicateHandle r5, r1, r5, SYNCHRONIZE, 0 -> r6            ; a weak copy
            DuplicateHandle r5, r6, r5, 0, DUPLICATE_SAME_ACCESS|DUPLICATE_CLOSE_SOURCE -> r7
            CloseHandle r6 -> r8                                          ; already closed
            GetLastError -> r9
            TerminateProcess r7, 1 -> r10                                 ; SYNCHRONIZE only
            GetLastError -> r11
            print r6, r7, r8, r9, r10, r11
            TerminateProcess r1, 1
    """, "worker": WAIT_FOREVER})
    weak, copy, closed, error, terminated, denied = run.ints()
    assert closed == 0 and error == 6         # ERROR_INVALID_HANDLE
    assert terminated == 0 and denied == 5    # ERROR_ACCESS_DENIED
    assert copy != 0 and weak != 0


def test_a_copy_cannot_have_more_rights_than_its_source(win):
    run = win({"main": """
            CreateProcess worker, FALSE, 0 -> r1, r2
            GetCurrentProcess -> r5
            DuplicateHandle r5, r1, r5, SYNCHRONIZE, 0 -> r6
            DuplicateHandle r5, r6, r5, PROCESS_TERMINATE, 0 -> r7
            GetLastError -> r8
            print r7, r8
            TerminateProcess r1, 1
    """, "worker": WAIT_FOREVER})
    assert run.out() == ["0 5"]


def test_both_process_handles_need_process_dup_handle(win):
    run = win({"main": """
            CreateProcess worker, FALSE, 0 -> r1, r2
            GetProcessId r1 -> r3
            OpenProcess SYNCHRONIZE, r3 -> r4                 ; no PROCESS_DUP_HANDLE
            GetCurrentProcess -> r5
            DuplicateHandle r5, r1, r4, 0, DUPLICATE_SAME_ACCESS -> r6
            GetLastError -> r7
            DuplicateHandle r4, 4, r5, 0, DUPLICATE_SAME_ACCESS -> r8
            GetLastError -> r9
            print r6, r7, r8, r9
            TerminateProcess r1, 1
    """, "worker": WAIT_FOREVER})
    assert run.out() == ["0 5 0 5"]


def test_duplicating_from_another_process_takes_the_value_from_its_table(win):
    run = win({"main": """
            CreateProcess worker, FALSE, 0 -> r1, r2
            sleep 10                                  ; the worker makes its event: value 4
            GetCurrentProcess -> r5
            DuplicateHandle r1, 4, r5, 0, DUPLICATE_SAME_ACCESS -> r6
            SetEvent r6                               ; the worker's own event
            wait r1 -> r7
            print r6, r7
    """, "worker": WAIT_FOREVER + "print \"worker woke\"\n ExitProcess 5"})
    assert run.out() == ["worker woke", "12 5"]


def test_bad_handles_give_error_invalid_handle_and_win32_failure_values(win):
    run = win({"main": """
            CloseHandle 40 -> r1
            GetLastError -> r2
            WaitForSingleObject 40, 0 -> r3
            GetExitCodeProcess 40 -> r4
            TerminateProcess 40, 1 -> r5
            ResumeThread 40 -> r6
            print r1, r2, r3, r4, r5, r6
            CreateEvent TRUE, FALSE -> r7
            TerminateProcess r7, 1 -> r8                   ; an event is not a process
            GetLastError -> r9
            CreateFileMapping "", 1 -> r10
            WaitForSingleObject r10, 0 -> r11              ; a section cannot be waited on
            GetLastError -> r12
            print r8, r9, r11, r12
    """})
    assert run.out() == ["0 6 4294967295 -1 0 4294967295", "0 6 4294967295 6"]


def test_openprocess_by_pid_with_access_checks(win):
    run = win({"main": """
            CreateProcess worker, FALSE, 0 -> r1, r2
            GetProcessId r1 -> r3
            OpenProcess PROCESS_TERMINATE|SYNCHRONIZE|PROCESS_QUERY_LIMITED_INFORMATION, r3 -> r4
            TerminateProcess r4, 8 -> r5
            OpenProcess PROCESS_TERMINATE, 4 -> r6           ; System runs as SYSTEM
            GetLastError -> r7
            OpenProcess PROCESS_QUERY_LIMITED_INFORMATION|SYNCHRONIZE, 4 -> r8
            OpenProcess SYNCHRONIZE, 0 -> r9                  ; the idle process
            GetLastError -> r10
            OpenProcess SYNCHRONIZE, 4000 -> r11              ; nobody
            GetLastError -> r12
            wait r4 -> r13
            print r5, r6, r7, r8, r9, r10, r11, r12, r13
    """, "worker": WAIT_FOREVER})
    killed, system_terminate, denied, system_query, idle, e1, nobody, e2, code = run.ints()
    assert killed == 1 and code == 8
    assert (system_terminate, denied) == (0, 5)
    assert system_query != 0
    assert (idle, e1, nobody, e2) == (0, 87, 0, 87)  # ERROR_INVALID_PARAMETER


def test_the_pseudo_handle_means_the_caller_and_can_be_made_real(win):
    run = win({"main": """
            GetCurrentProcess -> r1
            CloseHandle r1 -> r2                   ; closing a pseudo-handle does nothing
            DuplicateHandle r1, r1, r1, 0, DUPLICATE_SAME_ACCESS -> r3
            GetProcessId r3 -> r4
            getpid -> r5
            GetCurrentThreadId -> r6
            GetCurrentThread -> r7
            GetThreadId r7 -> r8
            print r1, r2, r3, r4, r5, r6, r8
    """})
    pseudo, closed, real, pid, getpid, tid, tid2 = run.ints()
    assert (pseudo, closed) == (-1, 1)
    assert real == 4 and pid == getpid and tid == tid2
    main = run.proc("main")
    assert main.exit is not None  # and its own handle to itself did not keep it alive
    assert run.released(main)


def test_sethandleinformation_and_gethandleinformation(win):
    run = win({"main": """
            CreateEvent TRUE, FALSE -> r1
            GetHandleInformation r1 -> r2
            SetHandleInformation r1, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT -> r3
            GetHandleInformation r1 -> r4
            SetHandleInformation r1, 2, 2 -> r5              ; PROTECT_FROM_CLOSE: not modelled
            GetLastError -> r6
            SetHandleInformation 44, 1, 1 -> r7
            GetLastError -> r8
            print r2, r3, r4, r5, r6, r7, r8
    """})
    assert run.out() == ["0 1 1 0 87 0 6"]


def test_core_file_errors_use_windows_codes(win):
    run = win({"main": """
            open "nosuch", "r" -> r1
            GetLastError -> r2
            read 400 -> r3
            errno -> r4
            CreateEvent TRUE, FALSE -> r5
            read r5 -> r6                          ; an event is not a file
            errno -> r7
            open "out", "w" -> r8
            read r8 -> r9                          ; not open for reading
            errno -> r10
            print r1, r2, r3, r4, r6, r7, r9, r10
    """})
    assert run.out() == ["-1 2 -1 6 -1 6 -1 5"]


def test_handle_values_are_multiples_of_four_and_reused_lowest_first(win):
    run = win({"main": """
            CreateEvent TRUE, FALSE -> r1
            CreateEvent TRUE, FALSE -> r2
            CreateEvent TRUE, FALSE -> r3
            CloseHandle r2
            CreateEvent TRUE, FALSE -> r4
            print r1, r2, r3, r4
    """})
    assert run.out() == ["4 8 12 8"]


def test_rights_are_shown_by_name(win):
    run = win({"main": f"""
            CreateProcess worker, FALSE, 0 -> r1, r2
            GetCurrentProcess -> r5
            DuplicateHandle r5, r1, r5, SYNCHRONIZE|PROCESS_QUERY_LIMITED_INFORMATION, 0 -> r6
            {WAIT_FOREVER}
    """, "worker": WAIT_FOREVER}, until=40)
    from osmodel.platforms.windows.handles import handle_list

    entries = {e["handle"]: e for e in handle_list(run.proc("main"))}
    assert entries[4]["rights"] == "PROCESS_ALL_ACCESS"
    assert entries[12]["rights"] == "PROCESS_QUERY_LIMITED_INFORMATION|SYNCHRONIZE"
    assert entries[12]["access"] == hex(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION)
    assert entries[4]["pid"] == run.proc("worker").pid
    assert PROCESS_TERMINATE & int(entries[4]["access"], 16)


def test_getexitcodeprocess_needs_query_rights_and_query_implies_limited(win):
    run = win({"main": """
            CreateProcess worker, FALSE, 0 -> r1, r2
            GetCurrentProcess -> r3
            DuplicateHandle r3, r1, r3, SYNCHRONIZE, 0 -> r4
            GetExitCodeProcess r4 -> r5
            GetLastError -> r6
            DuplicateHandle r3, r1, r3, PROCESS_QUERY_INFORMATION, 0 -> r7
            GetExitCodeProcess r7 -> r8
            GetProcessId r7 -> r9
            print r5, r6, r8, r9
            TerminateProcess r1, 1
    """, "worker": WAIT_FOREVER})
    denied, error, code, pid = run.ints()
    assert (denied, error, code) == (-1, 5, 259)
    assert pid == run.proc("worker").pid

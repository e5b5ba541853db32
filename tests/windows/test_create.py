"""CreateProcess: docs/windows.md, **CreateProcess**."""

from __future__ import annotations

from osmodel.kernel.asm import parse
from osmodel.kernel.boot import boot
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.platforms.windows import creation
from osmodel.platforms.windows.constants import (
    CREATE_NEW_CONSOLE,
    DETACHED_PROCESS,
    PROCESS_ALL_ACCESS,
    SYNCHRONIZE,
    THREAD_ALL_ACCESS,
    WinError,
)
from osmodel.platforms.windows.proc import system

WAIT_FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"


def test_the_child_reads_its_image_values_never_its_creators(win):
    run = win({"main": """
        data x = 5
        data buf[16]
            jnz r0, child
            store x, 1                   ; the creator's own x
            store buf+9, 7               ; and a second page of its own
            CreateProcess main, FALSE, 0, 1 -> r1, r2
            wait r1 -> r3
            load x -> r4
            print "creator", r4, r3
            ExitProcess 0
    child:  load x -> r4
            load buf+9 -> r5
            print "child", r4, r5
            store x, 2                   ; its own page: the creator never sees it
            ExitProcess 0
    """})
    assert run.out() == ["child 5 0", "creator 1 0"]
    # nothing was shared copy-on-write: the child's space came from the image
    assert run.kernel.pool.stats.cow_shares == 0
    creator, child = run.proc("main", 0), run.proc("main", 1)
    assert child.creator == creator.pid


def test_it_returns_a_process_and_a_thread_handle_with_full_access_and_the_ids(win):
    run = win({"main": f"""
            CreateProcess child, FALSE, 0 -> r1, r2
            GetProcessId r1 -> r3
            GetThreadId r2 -> r4
            print r1, r2, r3, r4
            {WAIT_FOREVER}
    """, "child": WAIT_FOREVER}, until=50)
    h_process, h_thread, pid, tid = run.ints()
    main, child = run.proc("main"), run.proc("child")
    assert (h_process, h_thread) == (4, 8)          # the first free handle values
    assert pid == child.pid and tid == run.data(child).thread.tid
    assert pid % 4 == 0 and tid % 4 == 0 and pid != tid
    slots = main.resources.slots
    assert slots[h_process].obj is run.data(child).obj
    assert slots[h_process].rights == PROCESS_ALL_ACCESS
    assert slots[h_thread].rights == THREAD_ALL_ACCESS
    assert not slots[h_process].inheritable and not slots[h_thread].inheritable


def test_a_failure_returns_zero_and_getlasterror_names_it(win):
    run = win({"main": """
            CreateProcess main, FALSE, DETACHED_PROCESS|CREATE_NEW_CONSOLE -> r1, r2
            GetLastError -> r3
            print r1, r2, r3
    """})
    assert run.out() == ["0 0 87"]  # ERROR_INVALID_PARAMETER
    assert run.errors("CreateProcess") == ["ERROR_INVALID_PARAMETER (87)"]
    assert len(run.procs("main")) == 1


def test_the_process_quota_makes_createprocess_fail_with_an_error_not_a_crash(win):
    run = win({"main": """
    again:  CreateProcess idle, FALSE, 0 -> r1, r2
            jz r1, full
            add r5, 1 -> r5
            jmp again
    full:   GetLastError -> r3
            print r5, r3
            ExitProcess 0
    """, "idle": WAIT_FOREVER}, limits=Limits(processes=20))
    made, error = run.ints()
    assert error == 1450  # ERROR_NO_SYSTEM_RESOURCES: the process table is full
    boot = sum(1 for p in run.kernel.processes.values() if p.cause == "boot")
    assert made == 20 - boot - 1  # main itself took one slot; it has ended since
    assert len(run.procs("idle")) == made


def test_the_per_user_quota_gives_error_not_enough_quota(win):
    # explorer and main run as the user: two of the three allowed
    run = win({"main": """
            CreateProcess idle, FALSE, 0 -> r1, r2
            CreateProcess idle, FALSE, 0 -> r3, r4
            GetLastError -> r5
            print r1, r3, r5
    """, "idle": WAIT_FOREVER}, limits=Limits(user_processes=3), until=100)
    first, second, error = run.ints()
    assert first != 0 and second == 0 and error == 1816  # ERROR_NOT_ENOUGH_QUOTA


def test_memory_exhaustion_makes_createprocess_fail_with_not_enough_memory(win):
    run = win({"main": """
            data big[32]                 ; zeros: no frame until written
            store big, 1
            store big+8, 1
            store big+16, 1
            store big+24, 1              ; the last free frame
            CreateProcess main, FALSE, 0 -> r1, r2
            GetLastError -> r3
            print r1, r3
    """}, frames=4)
    assert run.out() == ["0 8"]  # ERROR_NOT_ENOUGH_MEMORY


def test_only_inheritable_handles_pass_and_only_with_binherithandles_true(win):
    run = win({"main": f"""
            CreateEvent TRUE, FALSE -> r1          ; not inheritable
            CreateEvent TRUE, FALSE -> r2
            SetHandleInformation r2, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT
            GetCurrentProcess -> r3
            DuplicateHandle r3, r3, r3, SYNCHRONIZE, 0 -> r4
            SetHandleInformation r4, HANDLE_FLAG_INHERIT, 1
            CreateProcess child, TRUE, 0 -> r5, r6
            CreateProcess child, FALSE, 0 -> r7, r8
            {WAIT_FOREVER}
    """, "child": WAIT_FOREVER}, until=60)
    main = run.proc("main")
    inheriting, not_inheriting = run.procs("child")
    mine = main.resources.slots
    theirs = inheriting.resources.slots
    # the second event (8) and the SYNCHRONIZE handle to main (12): same values, rights
    # and objects; the first event (4) stays behind, and value 4 is the child's own event
    assert {v: (s.obj, s.rights) for v, s in theirs.items() if v != 4} == {
        8: (mine[8].obj, mine[8].rights), 12: (run.data(main).obj, SYNCHRONIZE)}
    assert theirs[4].obj is not mine[4].obj
    # bInheritHandles FALSE: nothing but what it made itself
    assert list(not_inheriting.resources.slots) == [4]
    assert not_inheriting.resources.slots[4].obj not in {s.obj for s in mine.values()}


def test_an_inherited_handle_keeps_its_rights_and_a_file_handle_shares_the_position(
        scenario):
    run = scenario('''
[programs.main]
code = """
        open "data.txt", "r" -> r1           ; not inheritable, as CreateFile makes it
        SetHandleInformation r1, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT
        read r1 -> r2                        ; 10: the position is now 1
        GetCurrentProcess -> r3
        DuplicateHandle r3, r3, r3, SYNCHRONIZE, 0 -> r4
        SetHandleInformation r4, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT
        CreateProcess child, TRUE, 0, r1, r4 -> r5, r6
        wait r5 -> r7
        read r1 -> r8                        ; 30: the child's read moved our position
        print "parent", r2, r8, r7
"""

[programs.child]
code = """
        read r0 -> r2                        ; the same value, the same open file: 20
        TerminateProcess r1, 9               ; SYNCHRONIZE only: access denied
        GetLastError -> r3
        WaitForSingleObject r1, 0 -> r4      ; allowed, and the parent still runs
        print "child", r2, r3, r4
        ExitProcess 3
"""

[files]
"data.txt" = [10, 20, 30]

[[timeline]]
at = 0
user = "main"
''')
    assert run.out() == ["child 20 5 258", "parent 10 30 3"]


def test_create_suspended_waits_for_resumethread(win):
    run = win({"main": """
            CreateProcess child, FALSE, CREATE_SUSPENDED -> r1, r2
            sleep 20                          ; time enough: the child does not run
            print "resuming"
            ResumeThread r2 -> r3             ; the previous suspend count
            ResumeThread r2 -> r4             ; already running: 0
            print r3, r4
            wait r1 -> r5
    """, "child": 'print "child runs"'})
    assert run.out() == ["resuming", "1 0", "child runs"]
    child = run.proc("child")
    assert child.acct.first_run is not None and child.acct.first_run >= 20


def test_console_and_ctrl_c_flag_are_inherited_priority_is_not():
    pm = make_plugin_manager(autoload=False)
    programs = {"idle": parse(WAIT_FOREVER, "idle")}
    kernel = boot(Machine(), "windows", pm, programs=programs)
    explorer = kernel.processes[system(kernel).shell]
    main, _, _ = creation.create_process(kernel, explorer, "idle", console=1, cause="user")
    main.priority = 7
    data = main.platform
    data.ignore_ctrl_c = True
    child, _, _ = creation.create_process(kernel, main, "idle")
    assert child.priority == 0
    assert (child.platform.console, child.platform.ignore_ctrl_c) == (1, True)
    detached, _, _ = creation.create_process(kernel, main, "idle", flags=DETACHED_PROCESS)
    assert detached.platform.console is None
    other, _, _ = creation.create_process(kernel, main, "idle", flags=CREATE_NEW_CONSOLE)
    assert other.platform.console not in (None, 1)


def test_a_missing_program_is_error_file_not_found():
    pm = make_plugin_manager(autoload=False)
    kernel = boot(Machine(), "windows", pm, programs={"idle": parse(WAIT_FOREVER, "idle")})
    explorer = kernel.processes[system(kernel).shell]
    before = dict(kernel.processes)
    try:
        creation.create_process(kernel, explorer, "nosuch")
    except WinError as error:
        assert error.code == 2
    else:  # pragma: no cover
        raise AssertionError("CreateProcess of a missing program succeeded")
    assert kernel.processes == before

"""Job objects: docs/windows.md, **Job objects**."""

from __future__ import annotations

WAIT_FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"
WORKER = "spawn helper -> r1\n" + WAIT_FOREVER   # a member whose child joins the job


def ended(run, name, index=0):
    proc = run.proc(name, index)
    return None if proc.exit is None else (proc.exit.kind, proc.exit.code)


def test_terminatejobobject_ends_every_member_and_their_children_with_one_code(win):
    run = win({"main": """
            CreateJobObject -> r1
            CreateProcess worker, FALSE, CREATE_SUSPENDED -> r2, r3   ; race-free:
            AssignProcessToJobObject r1, r2                           ; suspended, assign,
            ResumeThread r3                                           ; resume
            CreateProcess worker, FALSE, 0 -> r4, r5                  ; not in the job
            sleep 20
            TerminateJobObject r1, 99 -> r6
            wait r2 -> r7
            GetExitCodeProcess r4 -> r8
            print r6, r7, r8
            TerminateProcess r4, 0
    """, "worker": WORKER, "helper": WAIT_FOREVER})
    assert run.out() == ["1 99 259"]
    assert ended(run, "worker", 0) == ("killed", 99)
    assert ended(run, "helper", 0) == ("killed", 99)     # joined its creator's job
    assert ended(run, "main") == ("normal", 0)           # the job's creator is no member
    job = run.data(run.proc("worker", 0)).job
    assert job is not None and list(job.members) == [run.proc("worker", 0).pid,
                                                     run.proc("helper", 0).pid]
    assert run.data(run.proc("worker", 1)).job is None


def test_breakaway_needs_the_jobs_permission(win):
    run = win({"main": f"""
            CreateJobObject -> r1
            GetCurrentProcess -> r2
            AssignProcessToJobObject r1, r2
            CreateProcess helper, FALSE, CREATE_BREAKAWAY_FROM_JOB -> r3, r4
            GetLastError -> r5
            SetInformationJobObject r1, JOB_OBJECT_LIMIT_BREAKAWAY_OK
            CreateProcess helper, FALSE, CREATE_BREAKAWAY_FROM_JOB -> r6, r7
            CreateProcess helper, FALSE, 0 -> r8, r9
            SetInformationJobObject r1, JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK
            CreateProcess helper, FALSE, 0 -> r10, r11
            print r3, r5
            {WAIT_FOREVER}
    """, "helper": WAIT_FOREVER}, until=100)
    assert run.out() == ["0 5"]
    broke, joined, silent = run.procs("helper")
    job = run.data(run.proc("main")).job
    assert run.data(broke).job is None
    assert run.data(joined).job is job
    assert run.data(silent).job is None


def test_assignment_cannot_be_undone_or_changed(win):
    run = win({"main": """
            CreateJobObject -> r1
            CreateJobObject -> r2
            CreateProcess helper, FALSE, 0 -> r3, r4
            AssignProcessToJobObject r1, r3 -> r5
            AssignProcessToJobObject r1, r3 -> r6        ; the same job again: fine
            AssignProcessToJobObject r2, r3 -> r7        ; another job: no (no nesting here)
            GetLastError -> r8
            print r5, r6, r7, r8
            TerminateProcess r3, 0
    """, "helper": WAIT_FOREVER})
    assert run.out() == ["1 1 0 5"]


def test_kill_on_job_close_ends_the_members_when_the_last_handle_closes(win):
    run = win({"main": """
            CreateJobObject -> r1
            SetInformationJobObject r1, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
            CreateProcess worker, FALSE, CREATE_SUSPENDED -> r2, r3
            AssignProcessToJobObject r1, r2
            ResumeThread r3
            GetCurrentProcess -> r4
            DuplicateHandle r4, r1, r4, 0, DUPLICATE_SAME_ACCESS -> r5
            sleep 10
            CloseHandle r1
            GetExitCodeProcess r2 -> r6                  ; a second handle keeps the job
            CloseHandle r5
            wait r2 -> r7
            print r6, r7
    """, "worker": WORKER, "helper": WAIT_FOREVER})
    assert run.out() == ["259 0"]
    assert ended(run, "worker") == ("killed", 0)
    assert ended(run, "helper") == ("killed", 0)
    assert "KILL_ON_JOB_CLOSE" in run.proc("worker").exit.reason


def test_the_job_closes_when_its_holder_ends(win):
    run = win({"main": """
            CreateJobObject -> r1
            SetInformationJobObject r1, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
            CreateProcess helper, FALSE, 0 -> r2, r3
            AssignProcessToJobObject r1, r2
            sleep 5
            ExitProcess 0                                ; its handles close
    """, "helper": WAIT_FOREVER})
    assert ended(run, "helper") == ("killed", 0)


def test_job_rights_and_process_rights_are_checked(win):
    run = win({"main": """
            CreateJobObject -> r1
            GetCurrentProcess -> r2
            DuplicateHandle r2, r1, r2, JOB_OBJECT_QUERY, 0 -> r3
            CreateProcess helper, FALSE, 0 -> r4, r5
            AssignProcessToJobObject r3, r4 -> r6       ; no JOB_OBJECT_ASSIGN_PROCESS
            GetLastError -> r7
            DuplicateHandle r2, r4, r2, SYNCHRONIZE, 0 -> r8
            AssignProcessToJobObject r1, r8 -> r9       ; no PROCESS_SET_QUOTA
            GetLastError -> r10
            TerminateJobObject r3, 1 -> r11             ; no JOB_OBJECT_TERMINATE
            GetLastError -> r12
            SetInformationJobObject r1, 0x4 -> r13      ; a limit the model does not have
            GetLastError -> r14
            print r6, r7, r9, r10, r11, r12, r13, r14
            TerminateProcess r4, 0
    """, "helper": WAIT_FOREVER})
    assert run.out() == ["0 5 0 5 0 5 0 87"]


def test_a_member_that_terminates_its_own_job_ends_last(win):
    run = win({"main": """
            CreateJobObject -> r1
            GetCurrentProcess -> r2
            AssignProcessToJobObject r1, r2
            spawn helper -> r3
            sleep 5
            TerminateJobObject r1, 3
            print "never"
    """, "helper": WAIT_FOREVER})
    assert ended(run, "main") == ("killed", 3)
    assert ended(run, "helper") == ("killed", 3)
    terminated = [e.pid for e in run.events("exit") if e.info["code"] == 3]
    assert terminated == [run.proc("helper").pid, run.proc("main").pid]

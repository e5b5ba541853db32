"""fork(2): docs/unix.md, **fork**."""

from __future__ import annotations

from osmodel.kernel.machine import Limits


def test_child_write_is_never_seen_by_parent_and_one_page_is_copied(unix):
    run = unix({"main": """
        data big[64]                 ; eight pages of data: fork copies none of them
        store x, 1
        fork -> r1
        jz r1, child
        wait r1 -> r2
        load x -> r3
        print "parent", r3, r2
        exit 0
    child:
        store x, 2
        load x -> r3
        print "child", r3
        exit 0
    """})
    assert run.out() == ["child 2", "parent 1 0"]
    stats = run.kernel.pool.stats
    # the shell's fork of itself for the command, and main's fork
    assert stats.cow_shares == 2
    assert stats.pages_copied == 1  # only the page holding x, once


def test_parent_write_after_fork_is_not_seen_by_child(unix):
    run = unix({"main": """
        store x, 5
        fork -> r1
        jz r1, child
        store x, 6
        wait r1 -> r2
        exit 0
    child:
        sleep 5
        load x -> r3
        print "child sees", r3
    """})
    assert run.out() == ["child sees 5"]


def test_fork_returns_child_pid_to_parent_and_zero_to_child(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        print "parent got", r1
        wait r1 -> r2
        exit 0
    child:
        getpid -> r2
        getppid -> r3
        print "child", r1, r2, r3
    """})
    main = run.proc("main", 0)
    child = run.proc("main", 1)
    assert f"parent got {child.pid}" in run.out()
    assert f"child 0 {child.pid} {main.pid}" in run.out()
    assert child.cause == "syscall" and child.creator == main.pid


def test_registers_and_position_are_copied(unix):
    run = unix({"main": """
        mov 41 -> r5
        fork -> r1
        add r5, 1 -> r5
        print "r5", r5
        jz r1, out
        wait r1 -> r2
    out:
    """})
    assert run.out() == ["r5 42", "r5 42"]


def test_descriptors_share_the_open_file_description(unix):
    # docs/unix.md, fork: parent at 2, child reads 3, parent is now at 5
    run = unix({"main": """
        open "f", "w" -> r9
        write r9, 10
        write r9, 11
        write r9, 12
        write r9, 13
        write r9, 14
        write r9, 15
        close r9
        open "f" -> r1
        read r1 -> r2
        read r1 -> r2
        tell r1 -> r3
        print "parent at", r3
        fork -> r4
        jz r4, child
        wait r4 -> r5
        tell r1 -> r3
        print "parent now at", r3
        exit 0
    child:
        read r1 -> r2
        read r1 -> r2
        read r1 -> r2
        print "child read up to", r2
    """})
    assert run.out() == ["parent at 2", "child read up to 14", "parent now at 5"]


def test_dispositions_mask_group_and_session_are_inherited_pending_is_not(unix):
    run = unix({"main": """
        sigignore SIGUSR1
        signal SIGUSR2, handler
        sigblock SIGTERM
        getpid -> r9
        kill r9, SIGTERM             ; pending in the parent (blocked)
        sigpending -> r8
        print "parent pending", r8
        fork -> r1
        jz r1, child
        wait r1 -> r2
        print "child ended", r2
        exit 0
    child:
        sigpending -> r3
        print "child pending", r3
        getpid -> r4
        kill r4, SIGUSR1             ; ignored: inherited SIG_IGN
        kill r4, SIGUSR2             ; caught by the inherited handler
        kill r4, SIGTERM             ; blocked: inherited mask
        sigpending -> r3
        print "child pending now", r3
        getpgid 0 -> r5
        getsid 0 -> r6
        getppid -> r7
        getpgid r7 -> r8
        getsid r7 -> r10
        jne r5, r8, bad
        jne r6, r10, bad
        print "same group and session"
        exit 0
    bad:
        exit 1
    handler:
        print "USR2 caught"
        ret
    """})
    term = 1 << (15 - 1)
    assert run.out() == [f"parent pending {term}", "child pending 0", "USR2 caught",
                         f"child pending now {term}", "same group and session",
                         "child ended 0"]


def test_cpu_accounting_and_alarms_are_not_inherited(unix):
    run = unix({"main": """
        cpu 20
        alarm 10
        fork -> r1
        jz r1, child
        pause                        ; SIGALRM (default Term) ends the parent
    child:
        alarm 0 -> r2                ; no alarm was inherited: 0 ticks left
        print "child alarm left", r2
        sleep 30
    """})
    parent, child = run.proc("main", 0), run.proc("main", 1)
    assert run.out() == ["child alarm left 0"]
    assert parent.exit.reason == "SIGALRM" and parent.exit.code == 128 + 14
    assert child.exit.kind == "normal"
    assert parent.acct.cpu > 20 and child.acct.cpu < 10


def test_subreaper_flag_is_not_inherited(unix):
    run = unix({"main": """
        prctl_subreaper 1
        fork -> r1
        jz r1, middle
        wait r1 -> r2
        sleep 20
        exit 0
    middle:
        fork -> r3
        jz r3, low
        sleep 5
        exit 0                       ; low goes to main (the subreaper), not to middle's kin
    low:
        fork -> r4
        jz r4, lowest
        exit 0                       ; lowest: low did not inherit the flag, so main adopts it
    lowest:
        sleep 10
        getppid -> r5
        print "lowest parent", r5
    """})
    main = run.proc("main", 0)
    assert run.out() == [f"lowest parent {main.pid}"]


def test_map_shared_stays_shared_and_map_private_is_copy_on_write(unix):
    run = unix({"main": """
        mmap_shared 1 -> r1
        mmap_private 1 -> r2
        store [r1], 1
        store [r2], 1
        fork -> r3
        jz r3, child
        wait r3 -> r4
        load [r1] -> r5
        load [r2] -> r6
        print "shared", r5, "private", r6
        exit 0
    child:
        store [r1], 2
        store [r2], 2
    """})
    assert run.out() == ["shared 2 private 1"]


def test_program_text_is_shared_read_only(unix):
    # text starts at page 1; page_words is 8, so address 8 is the first instruction
    run = unix({"main": """
        fork -> r1
        jz r1, child
        wait r1 -> r2
        print "child status", r2
        exit 0
    child:
        store [8], 99                ; a write to text: SIGSEGV
    """})
    assert run.out() == ["child status 139"]
    child = run.proc("main", 1)
    assert child.exit.kind == "fatal" and child.exit.reason == "SIGSEGV"
    assert child.image.text is run.proc("main", 0).image.text


def test_fork_fails_with_eagain_at_the_user_limit(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        fork -> r2
        errno -> r3
        print "second fork", r2, "errno", r3
        wait r1 -> r4
        exit 0
    child:
        sleep 5
    """}, limits=Limits(user_processes=3))  # sh, main and one child
    assert run.out() == ["second fork -1 errno 11"]
    assert run.errors("fork") == ["EAGAIN"]
    assert len(run.procs("main")) == 2  # no child was made


def test_root_is_exempt_from_the_user_limit(unix):
    run = unix({"main": "exit 0"}, limits=Limits(user_processes=1))
    # sh (uid 1000) is the only user process, so the command's fork fails,
    # but boot made init, syslogd and atd as root regardless of the limit
    assert [p.name for p in run.procs() if p.platform.uid == 0] == ["init", "syslogd", "atd"]
    assert run.procs("main") == []
    assert run.errors("fork") == ["EAGAIN"]
    assert any("fork: EAGAIN" in text for text in run.shell())


def test_fork_fails_with_eagain_when_the_process_table_is_full(unix):
    run = unix({"main": """
        fork -> r1
        errno -> r2
        print "fork", r1, "errno", r2
    """}, limits=Limits(processes=6))  # init, syslogd, atd, sh, main: one slot left
    assert run.out()[0].startswith("fork ") and run.out()[0] != "fork -1 errno 11"
    run2 = unix({"main": """
        fork -> r1
        errno -> r2
        print "fork", r1, "errno", r2
    """}, limits=Limits(processes=5))
    assert run2.out() == ["fork -1 errno 11"]


def test_fork_fails_with_enomem_when_no_frame_is_left(unix):
    run = unix({"main": """
        mmap_private 5 -> r1
        mov 0 -> r4
    fill:
        store [r1], 1                ; touch five pages: every frame is now in use
        add r1, 8 -> r1
        add r4, 1 -> r4
        jlt r4, 5, fill
        fork -> r2
        errno -> r3
        print "fork", r2, "errno", r3
    """}, frames=5, page_words=8)
    assert run.out() == ["fork -1 errno 12"]
    assert run.errors("fork") == ["ENOMEM"]


def test_a_copy_on_write_fault_without_memory_kills_the_writer(unix):
    run = unix({"main": """
        data big[32]
        store big, 1
        store big+8, 1
        store big+16, 1
        fork -> r1
        jz r1, child
        wait r1 -> r2
        print "child", r2
        exit 0
    child:
        store big, 2                 ; copies a page into the last free frame
        store big+8, 2               ; needs another frame for its copy: none is left
        print "never"
    """}, frames=4, page_words=8)
    child = run.proc("main", 1)
    assert child.exit.kind == "fatal" and child.exit.signal == 9
    assert run.out() == ["child 137"]

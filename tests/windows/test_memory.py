"""Address spaces and file mappings: docs/windows.md, **States and memory**."""

from __future__ import annotations

from collections import defaultdict

WAIT_FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"


def test_a_named_section_is_shared_by_every_view(win):
    run = win({"main": """
            CreateFileMapping "shm", 2 -> r1
            MapViewOfFile r1, FILE_MAP_WRITE -> r2
            store [r2+9], 41                    ; the second page
            spawn peer -> r3
            wait r3 -> r4
            load [r2+9] -> r5
            print "main", r5
    """, "peer": """
            OpenFileMapping "shm" -> r1
            MapViewOfFile r1, FILE_MAP_WRITE -> r2
            load [r2+9] -> r3
            add r3, 1 -> r3
            store [r2+9], r3
            print "peer", r3
    """})
    assert run.out() == ["peer 42", "main 42"]


def test_a_copy_on_write_view_keeps_its_writes_and_sees_pages_it_has_not_written(win):
    run = win({"main": """
            CreateFileMapping "shm", 2 -> r1
            MapViewOfFile r1, FILE_MAP_WRITE -> r2
            store [r2], 1
            store [r2+8], 2
            spawn peer -> r3
            sleep 20
            store [r2+8], 3                     ; the peer has not written that page
            wait r3 -> r4
            load [r2] -> r5
            print "main", r5
    """, "peer": """
            OpenFileMapping "shm" -> r1
            MapViewOfFile r1, FILE_MAP_COPY -> r2
            store [r2], 100                     ; copies this page into the peer's view
            sleep 40
            load [r2] -> r3
            load [r2+8] -> r4
            print "peer", r3, r4
    """})
    assert run.out() == ["peer 100 3", "main 1"]
    assert run.kernel.pool.stats.pages_copied == 1


def test_create_on_an_existing_name_opens_it_and_open_of_a_missing_name_fails(win):
    run = win({"main": """
            CreateFileMapping "shm", 1 -> r1
            GetLastError -> r2
            CreateFileMapping "shm", 5 -> r3
            GetLastError -> r4
            OpenFileMapping "nosuch" -> r5
            GetLastError -> r6
            CreateFileMapping "bad", 0 -> r7
            GetLastError -> r8
            MapViewOfFile r1, FILE_MAP_WRITE -> r10
            MapViewOfFile r3, FILE_MAP_WRITE -> r11
            store [r10], 6
            load [r11] -> r12                    ; the same section, one page as created
            print r2, r3, r4, r5, r6, r7, r8, r12
    """})
    created, again, exists, missing, not_found, bad, invalid, same = run.ints()
    assert same == 6
    assert (created, exists) == (0, 183)                   # ERROR_ALREADY_EXISTS
    assert again == 8                                      # a second handle to it
    assert (missing, not_found, bad, invalid) == (0, 2, 0, 87)


def test_the_name_goes_with_the_last_handle_but_a_view_keeps_the_memory(win):
    run = win({"main": """
            CreateFileMapping "shm", 1 -> r1
            MapViewOfFile r1, FILE_MAP_WRITE -> r2
            store [r2], 5
            CloseHandle r1
            OpenFileMapping "shm" -> r3
            GetLastError -> r4
            load [r2] -> r5
            UnmapViewOfFile r2 -> r6
            UnmapViewOfFile r2 -> r7
            GetLastError -> r8
            print r3, r4, r5, r6, r7, r8
            load [r2] -> r9                      ; unmapped: an access violation
    """})
    assert run.out() == ["0 2 5 1 0 87"]
    main = run.proc("main")
    assert main.exit is not None and main.exit.code == 0xC0000005
    assert run.kernel.pool.stats.frames_used == 0


def test_an_unnamed_section_is_reached_by_inheritance_or_duplicatehandle(win):
    run = win({"main": """
            CreateFileMapping "", 1 -> r1
            MapViewOfFile r1, FILE_MAP_WRITE -> r2
            store [r2], 7
            SetHandleInformation r1, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT
            CreateProcess peer, TRUE, 0, r1 -> r3, r4
            wait r3 -> r5
            CreateProcess peer, FALSE, CREATE_SUSPENDED, 0 -> r6, r7
            GetCurrentProcess -> r8
            DuplicateHandle r8, r1, r6, 0, DUPLICATE_SAME_ACCESS -> r9   ; 4 in the peer
            ResumeThread r7
            wait r6 -> r10
            load [r2] -> r11
            print "main", r5, r10, r11
    """, "peer": """
            jnz r0, mapped
            mov 4 -> r0
    mapped: MapViewOfFile r0, FILE_MAP_WRITE -> r1
            load [r1] -> r2
            add r2, 1 -> r2
            store [r1], r2
            ExitProcess r2
    """})
    assert run.out() == ["main 8 9 9"]


def test_view_access_is_checked_against_the_handle(win):
    run = win({"main": """
            CreateFileMapping "", 1 -> r1
            GetCurrentProcess -> r2
            DuplicateHandle r2, r1, r2, SECTION_MAP_READ, 0 -> r3
            MapViewOfFile r3, FILE_MAP_WRITE -> r4
            GetLastError -> r5
            MapViewOfFile r3, FILE_MAP_READ -> r6
            MapViewOfFile r1, 0 -> r7
            GetLastError -> r8
            print r4, r5, r6, r7, r8
    """})
    denied, error, view, none, invalid = run.ints()
    assert (denied, error) == (0, 5)
    assert view > 0 and (none, invalid) == (0, 87)


def frames_by_owner(kernel):
    """Each frame any live process can see, with the processes and whether its holding
    object is anonymous (private memory) or named (an image or a section)."""
    seen = defaultdict(set)
    anonymous = {}
    for proc in kernel.live():
        for segment, index, frame in proc.space.frames():
            seen[id(frame)].add(proc.pid)
            obj = segment.obj
            while obj is not None and index not in obj.pages:
                obj = obj.backing
            anonymous[id(frame)] = obj is not None and obj.anonymous
    return seen, anonymous


def test_private_memory_is_never_shared(win):
    run = win({"main": f"""
            data x = 1
            store x, 2
            CreateFileMapping "shm", 1 -> r1
            MapViewOfFile r1, FILE_MAP_WRITE -> r2
            store [r2], 3
            spawn peer -> r3
            spawn peer -> r4
            {WAIT_FOREVER}
    """, "peer": """
            data x = 1
            store x, 4
            OpenFileMapping "shm" -> r1
            MapViewOfFile r1, FILE_MAP_WRITE -> r2
            store [r2+1], 5
    """ + WAIT_FOREVER}, until=100)
    seen, anonymous = frames_by_owner(run.kernel)
    shared = [f for f, pids in seen.items() if len(pids) > 1]
    assert shared                                        # the section's page
    assert not [f for f in shared if anonymous[f]]      # but no private page

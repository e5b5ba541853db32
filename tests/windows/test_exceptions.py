"""Structured exception handling: docs/windows.md, **Faults**."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("fault", "code", "name"), [
    ("load [0] -> r1", 0xC0000005, "EXCEPTION_ACCESS_VIOLATION"),
    ("mov 0 -> r2\n div 1, r2 -> r1", 0xC0000094, "EXCEPTION_INT_DIVIDE_BY_ZERO"),
    ("illegal", 0xC000001D, "EXCEPTION_ILLEGAL_INSTRUCTION"),
])
def test_an_unhandled_exception_ends_the_process_with_its_code(win, fault, code, name):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            wait r1 -> r3
            print r3
    """, "child": f"{fault}\n print \"never\""})
    assert run.out() == [str(code)]
    child = run.proc("child")
    assert child.exit is not None
    assert (child.exit.kind, child.exit.code) == ("fatal", code)
    assert child.exit.reason.startswith(name)


def test_a_write_to_a_read_only_view_is_an_access_violation(win):
    run = win({"main": """
            CreateFileMapping "", 1 -> r1
            MapViewOfFile r1, FILE_MAP_READ -> r2
            store [r2], 1
    """})
    main = run.proc("main")
    assert main.exit is not None and main.exit.code == 0xC0000005


def test_try_except_handles_the_fault_and_the_process_goes_on(win):
    run = win({"main": """
            push 7
            try handler
            push 8                      ; the stack is unwound to where try was
            load [0] -> r1
            print "never"
            endtry
    handler:
            GetExceptionCode -> r2
            pop -> r3
            print r2, r3
            try second
            mov 0 -> r4
            div 1, r4 -> r5
            endtry
    second: GetExceptionCode -> r2
            print r2
            ExitProcess 0
    """})
    assert run.out() == [f"{0xC0000005} 7", str(0xC0000094)]
    main = run.proc("main")
    assert main.exit is not None and main.exit.kind == "normal"
    assert [e.info["action"] for e in run.events("exception")] == ["__except at 6",
                                                                   "__except at 13"]


def test_after_endtry_a_fault_is_unhandled(win):
    run = win({"main": """
            try handler
            endtry
            illegal
            print "never"
    handler: print "never either"
    """})
    main = run.proc("main")
    assert run.out() == []
    assert main.exit is not None and main.exit.code == 0xC000001D


def test_nested_blocks_catch_innermost_first_and_a_fault_in_except_goes_outward(win):
    run = win({"main": """
            try outer
            try inner
            illegal
    inner:  print "inner"
            load [0] -> r1              ; inside the outer block still
            print "never"
    outer:  GetExceptionCode -> r2
            print "outer", r2
    """})
    assert run.out() == ["inner", f"outer {0xC0000005}"]


def test_a_fault_in_a_ctrl_handler_is_not_caught_by_the_programs_try(win):
    run = win({"main": """
            SetConsoleCtrlHandler on_ctrl, TRUE
            try outer
            GenerateConsoleCtrlEvent CTRL_C_EVENT, 0
            sleep 10
            print "never"
    outer:  print "never either"
    on_ctrl: illegal
            ret
    """})
    main = run.proc("main")
    assert run.out() == []
    assert main.exit is not None and main.exit.code == 0xC000001D

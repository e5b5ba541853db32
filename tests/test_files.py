"""Files: open file descriptions shared between slots, as fork and handle inheritance use them."""

from __future__ import annotations

import pytest
from conftest import toy_kernel
from hypothesis import given, settings
from hypothesis import strategies as st

from osmodel.kernel.files import FileSystem, ResourceError, ResourceTable


def test_slots_copied_to_another_table_share_the_offset() -> None:
    fs = FileSystem()
    fs.create("data", [10, 20, 30, 40, 50])
    parent = ResourceTable()
    fd = parent.add(fs.open("data", "r"))
    child = parent.copy(lambda slot: True)
    description = parent.get(fd).obj
    assert child.get(fd).obj is description and description.refs == 2
    assert [parent.get(fd).obj.read(), parent.get(fd).obj.read()] == [10, 20]
    assert child.get(fd).obj.read() == 30  # the parent moved the shared offset
    assert parent.get(fd).obj.offset == 3
    child.close(fd)
    assert description.refs == 1  # the parent's slot keeps it open


def test_unix_numbering_reuses_the_lowest_free_slot() -> None:
    fs = FileSystem()
    table = ResourceTable()
    numbers = [table.add(fs.open(name, "w")) for name in "abc"]
    table.close(1)
    assert numbers == [0, 1, 2]
    assert table.add(fs.open("d", "w")) == 1


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([(0, 1), (4, 4)]),
       st.lists(st.tuples(st.sampled_from(["add", "close", "at"]), st.integers(0, 40)),
                max_size=80))
def test_a_new_slot_takes_the_lowest_free_number(numbering, steps) -> None:
    # the heap-and-mark allocator against the rule it implements: a scan from ``first``
    first, step = numbering
    table = ResourceTable(first, step)
    for action, value in steps:
        if action == "add":
            expected = first
            while expected in table.slots:
                expected += step
            assert table.add(object()) == expected
        elif action == "at":  # dup2 / DuplicateHandle to a chosen number
            table.add(object(), number=first + value * step)
        elif table.slots:
            table.close(sorted(table.slots)[value % len(table.slots)])


def test_a_fork_copy_numbers_its_new_slots_from_the_lowest_free() -> None:
    table = ResourceTable()
    for _ in range(4):
        table.add(object())
    table.close(1)
    child = table.copy(lambda slot: True)
    assert [child.add(object()), child.add(object())] == [1, 4]


def test_errors_are_reasons_a_platform_can_number() -> None:
    fs = FileSystem()
    with pytest.raises(ResourceError) as missing:
        fs.open("nope", "r")
    assert missing.value.reason == "missing"
    with pytest.raises(ResourceError) as bad:
        ResourceTable().get(7)
    assert bad.value.reason == "bad"


def test_programs_read_and_write_through_the_core_instructions() -> None:
    code = """
        open "log", "w" -> r1
        write r1, 5
        write r1, 6
        tell r1 -> r2
        seek r1, 0
        close r1
        open "log", "r" -> r3
        read r3 -> r4
        read r3 -> r5
        read r3 -> r6
        read 42 -> r7
        print r1, r2, r4, r5, r6, r7
        exit 0
    """
    kernel = toy_kernel({"main": code})
    kernel.create("main", cause="user")
    kernel.run()
    assert [text for *_, text in kernel.output] == ["0 2 5 6 -1 -1"]
    assert kernel.fs.files["log"].words == [5, 6]

"""Address spaces: copy-on-write by shadow objects, shared segments, frame accounting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osmodel.kernel.memory import (
    AddressSpace,
    BadAddress,
    FramePool,
    MemoryObject,
    OutOfMemory,
)

WORDS = 8
DATA = 16  # first data page


def space(pool: FramePool, pages: int = 4) -> AddressSpace:
    s = AddressSpace(pool)
    s.map_private("data", DATA, pages)
    return s


def addr(page: int, offset: int = 0) -> int:
    return (DATA + page) * WORDS + offset


def test_fork_shares_everything_and_the_first_write_copies_one_page() -> None:
    pool = FramePool(100, WORDS)
    parent = space(pool)
    for page in range(4):
        parent.write(addr(page), page + 10)
    assert pool.stats.frames_used == 4
    child = parent.share_copy_on_write()
    assert pool.stats.frames_used == 4  # nothing copied at fork
    child.write(addr(2, 1), 99)
    assert pool.stats.pages_copied == 1
    assert pool.stats.frames_used == 5
    assert child.read(addr(2, 1)) == 99
    assert parent.read(addr(2, 1)) == 0
    assert child.read(addr(2)) == 12  # the copy carries the rest of the page
    parent.write(addr(0), 5)  # the parent's write is also private to it
    assert child.read(addr(0)) == 10


def test_fork_cost_does_not_depend_on_the_size_of_the_space() -> None:
    pool = FramePool(1 << 20, WORDS)
    big = space(pool, pages=65_536)
    for page in range(0, 65_536, 1):
        big.write(addr(page), 1)
    objects_before = len(big.segments[0].obj.pages)
    child = big.share_copy_on_write()
    # the fork made two empty shadow objects; no page table entry was touched
    assert len(child.segments[0].obj.pages) == 0
    assert len(big.segments[0].obj.pages) == 0
    assert big.segments[0].obj.backing is child.segments[0].obj.backing
    assert len(big.segments[0].obj.backing.pages) == objects_before  # type: ignore[union-attr]
    assert pool.stats.pages_copied == 0


def test_a_write_after_the_other_side_is_gone_reuses_the_page() -> None:
    pool = FramePool(100, WORDS)
    parent = space(pool)
    parent.write(addr(0), 1)
    child = parent.share_copy_on_write()
    child.release()
    parent.write(addr(0), 2)
    assert pool.stats.pages_copied == 0
    assert pool.stats.frames_used == 1
    assert parent.read(addr(0)) == 2


def test_releasing_both_sides_frees_every_frame() -> None:
    pool = FramePool(100, WORDS)
    parent = space(pool)
    for page in range(3):
        parent.write(addr(page), 7)
    child = parent.share_copy_on_write()
    child.write(addr(1), 8)
    parent.write(addr(2), 9)
    parent.release()
    child.release()
    assert pool.stats.frames_used == 0


def test_shared_segments_stay_shared_across_fork() -> None:
    pool = FramePool(100, WORDS)
    parent = space(pool)
    shared = MemoryObject(pool, anonymous=False, refs=1)
    parent.map_shared("shm", 64, 1, shared)
    child = parent.share_copy_on_write()
    child.write(64 * WORDS, 42)
    assert parent.read(64 * WORDS) == 42
    assert pool.stats.pages_copied == 0


def test_a_private_view_of_an_object_copies_on_write() -> None:
    pool = FramePool(100, WORDS)
    image = MemoryObject(pool, anonymous=False, refs=1)
    image.pages[0] = pool.allocate([5] * WORDS)
    a, b = AddressSpace(pool), AddressSpace(pool)
    a.map_private("data", DATA, 1, image)
    b.map_private("data", DATA, 1, image)
    a.write(addr(0), 6)
    assert (a.read(addr(0)), b.read(addr(0)), image.pages[0][0]) == (6, 5, 5)


def test_bad_addresses_and_read_only_segments_raise() -> None:
    pool = FramePool(10, WORDS)
    s = space(pool)
    s.map_shared("text", 1, 1, MemoryObject(pool, anonymous=False, refs=1), writable=False)
    with pytest.raises(BadAddress):
        s.read(0)
    with pytest.raises(BadAddress):
        s.write(WORDS, 1)  # text is read-only
    with pytest.raises(BadAddress):
        s.read(addr(4))  # one past the data segment


def test_running_out_of_frames_raises() -> None:
    pool = FramePool(2, WORDS)
    s = space(pool)
    s.write(addr(0), 1)
    s.write(addr(1), 1)
    with pytest.raises(OutOfMemory):
        s.write(addr(2), 1)


def test_an_eager_copy_gets_a_frame_for_every_page_at_once() -> None:
    pool = FramePool(100, WORDS)
    parent = space(pool)
    parent.write(addr(1), 7)
    parent.write(addr(3), 9)
    child = parent.copy_eagerly()
    assert pool.stats.pages_copied == 2
    assert pool.stats.frames_used == 4
    assert pool.stats.cow_shares == 0
    child.write(addr(1), 8)  # already its own frame: no fault, no copy
    assert (pool.stats.cow_faults, pool.stats.frames_used) == (0, 4)
    assert (parent.read(addr(1)), child.read(addr(1)), child.read(addr(3))) == (7, 8, 9)
    child.release()
    assert pool.stats.frames_used == 2


def test_an_eager_copy_that_runs_out_of_frames_leaves_nothing_allocated() -> None:
    pool = FramePool(3, WORDS)
    parent = space(pool)
    parent.write(addr(0), 1)
    parent.write(addr(1), 2)
    with pytest.raises(OutOfMemory):
        parent.copy_eagerly()
    assert pool.stats.frames_used == 2


def test_populate_gives_every_private_page_a_frame_holding_its_words() -> None:
    pool = FramePool(100, WORDS)
    image = MemoryObject(pool, pages={0: [5] * WORDS}, refs=1, anonymous=False)
    s = AddressSpace(pool)
    s.map_private("data", DATA, 3, image)
    s.map_shared("text", 0, 2, MemoryObject(pool))
    assert s.populate() == 3
    assert pool.stats.frames_used == 3
    assert s.read(addr(0)) == 5 and s.read(addr(2)) == 0
    assert s.populate() == 0  # nothing left to fill


def refs_consistent(spaces: list[AddressSpace]) -> None:
    """Every object's refs equals the segments and shadows that point at it."""
    seen: dict[int, MemoryObject] = {}
    pointing: dict[int, int] = {}
    stack = [seg.obj for s in spaces for seg in s.segments]
    for s in spaces:
        for seg in s.segments:
            pointing[id(seg.obj)] = pointing.get(id(seg.obj), 0) + 1
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen[id(obj)] = obj
        if obj.backing is not None:
            pointing[id(obj.backing)] = pointing.get(id(obj.backing), 0) + 1
            stack.append(obj.backing)
    for key, obj in seen.items():
        assert obj.refs == pointing[key]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["write", "fork", "exit"]),
                          st.integers(0, 7), st.integers(0, 3), st.integers(1, 9)),
                max_size=40))
def test_random_forks_and_writes_never_leak_between_spaces(ops: list[tuple[str, int, int, int]]
                                                           ) -> None:
    pool = FramePool(10_000, WORDS)
    spaces = [space(pool)]
    model: list[dict[int, int]] = [{}]  # what each space should read
    for op, who, page, value in ops:
        i = who % len(spaces)
        if op == "write":
            spaces[i].write(addr(page), value)
            model[i][page] = value
        elif op == "fork":
            spaces.append(spaces[i].share_copy_on_write())
            model.append(dict(model[i]))
        elif len(spaces) > 1:
            spaces.pop(i).release()
            model.pop(i)
        for s, expected in zip(spaces, model, strict=True):
            for p in range(4):
                assert s.read(addr(p)) == expected.get(p, 0)
        refs_consistent(spaces)
    visible = {id(frame) for s in spaces for _, _, frame in s.frames()}
    assert pool.stats.frames_used >= len(visible)
    for s in spaces:
        s.release()
    assert pool.stats.frames_used == 0

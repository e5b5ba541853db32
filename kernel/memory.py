"""Address spaces over a pool of frames, with copy-on-write by shadow objects.

The design follows the Mach/BSD virtual-memory objects: a segment maps a chain
of memory objects; a copy-on-write share gives parent and child each a new,
empty *shadow* object over the old one.  That costs O(segments), whatever the
size of the space.  A read walks the chain; the first write to a page that
lives deeper in the chain copies that one page into the writer's top object
(or moves it there when nobody else can see it).  When an object is left with
a single shadow above it, the two are merged, smaller into larger, so chains
stay short.  Pages never written are demand-zero and own no frame.

Addresses are word addresses; a page holds ``page_words`` words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen

from .errors import OsmodelError

if TYPE_CHECKING:
    from .link import Image

#: Layout, in pages.  Page 0 is never mapped, so address 0 is a bad address.
TEXT_PAGE = 1
STACK_TOP_PAGE = 1 << 24
MAP_BASE_PAGE = 1 << 23
#: Pages of stack every process gets, just below STACK_TOP_PAGE.
STACK_PAGES = 4


def initialised_frames(data: Mapping[str, Sequence[int]], page_words: int) -> int:
    """The frames a program's data image takes when it is linked: its pages that hold a
    non-zero initial word (variables laid out in order, each at least one word, as
    `osmodel.kernel.link.Linker.link` lays them out).  A scenario checks this against the
    machine's frames, so a program that could never be loaded is an error where it is given.
    """
    pages: set[int] = set()
    offset = 0
    for initial in data.values():
        pages.update((offset + index) // page_words for index, word in enumerate(initial) if word)
        offset += max(1, len(initial))
    return len(pages)


class OutOfMemory(OsmodelError):
    """No free frame: the platform turns this into ENOMEM or a fatal fault."""


class BadAddress(OsmodelError):
    """An access outside every segment, or a write to a read-only one."""

    def __init__(self, address: int, write: bool) -> None:
        self.address = address
        self.write = write
        super().__init__(f"bad address {address:#x} ({'write' if write else 'read'})")


@define(eq=False)
class MemoryStats:
    """Counters a user can watch: frames in use, faults, copies."""

    frames_used: int = 0
    frames_peak: int = 0
    cow_shares: int = 0
    cow_faults: int = 0
    pages_copied: int = 0
    pages_reused: int = 0
    zero_fills: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "frames_used": self.frames_used,
            "frames_peak": self.frames_peak,
            "cow_shares": self.cow_shares,
            "cow_faults": self.cow_faults,
            "pages_copied": self.pages_copied,
            "pages_reused": self.pages_reused,
            "zero_fills": self.zero_fills,
        }


@define(eq=False)
class FramePool:
    """A fixed number of physical frames; a frame is a list of ``page_words`` words."""

    capacity: int
    page_words: int = 8
    stats: MemoryStats = field(factory=MemoryStats)

    @property
    def free(self) -> int:
        return self.capacity - self.stats.frames_used

    def allocate(self, words: list[int] | None = None) -> list[int]:
        stats = self.stats
        if stats.frames_used >= self.capacity:
            raise OutOfMemory(f"all {self.capacity} frames are in use")
        stats.frames_used += 1
        if stats.frames_used > stats.frames_peak:
            stats.frames_peak = stats.frames_used
        return list(words) if words is not None else [0] * self.page_words

    def release(self, count: int) -> None:
        self.stats.frames_used -= count


@define(eq=False)
class MemoryObject:
    """Pages (index -> frame) plus an optional object they shadow.

    ``refs`` counts what points here: segments and shadow objects.  ``shadows``
    lists the shadow objects above this one, so a lone survivor can be merged.
    """

    pool: FramePool
    pages: dict[int, list[int]] = field(factory=dict)
    backing: MemoryObject | None = None
    refs: int = 0
    shadows: dict[MemoryObject, None] = field(factory=dict)  # an ordered set
    name: str = ""
    #: Anonymous objects exist only for their segments and may be merged away;
    #: named ones (a program image, a file mapping) hold a reference of their own.
    anonymous: bool = True

    def shadow(self) -> MemoryObject:
        top = MemoryObject(self.pool, backing=self)
        self.refs += 1
        self.shadows[top] = None
        return top

    def lookup(self, index: int) -> list[int] | None:
        obj: MemoryObject | None = self
        while obj is not None:
            frame = obj.pages.get(index)
            if frame is not None:
                return frame
            obj = obj.backing
        return None

    def drop(self) -> None:
        """One referent let go: free everything once nobody refers to this object."""
        self.refs -= 1
        if self.refs > 0:
            if self.refs == 1 and self.anonymous and len(self.shadows) == 1:
                next(iter(self.shadows)).absorb_backing()
            return
        self.pool.release(len(self.pages))
        self.pages = {}
        below = self.backing
        if below is not None:
            self.backing = None
            del below.shadows[self]
            below.drop()

    def absorb_backing(self) -> None:
        """Merge the backing object, of which this is the only user, into this one.

        The smaller page table moves into the larger one, so the cost is the
        size of the smaller; frames that this object had already replaced are
        freed.
        """
        below = self.backing
        assert below is not None and below.refs == 1
        small, large = (self.pages, below.pages)
        mine_win = True
        if len(small) > len(large):
            small, large, mine_win = large, small, False
        hidden = 0
        for index, frame in small.items():
            if index in large:
                hidden += 1
                if mine_win:
                    large[index] = frame
            else:
                large[index] = frame
        self.pool.release(hidden)
        self.pages = large
        self.backing = below.backing
        if below.backing is not None:
            siblings = below.backing.shadows
            del siblings[below]
            siblings[self] = None
        below.pages, below.backing, below.shadows, below.refs = {}, None, {}, 0


@define(eq=False)
class Segment:
    """A run of pages mapped to one memory object.

    A shared segment writes straight into its object and stays shared across
    a copy-on-write share; a private one gets a shadow object instead.
    """

    name: str
    start: int
    npages: int
    obj: MemoryObject
    writable: bool = True
    shared: bool = False

    @property
    def end(self) -> int:
        return self.start + self.npages


@frozen
class SegmentInfo:
    """A snapshot of one segment for traces and reports."""

    name: str
    start: int
    npages: int
    writable: bool
    shared: bool
    resident: int


@define(eq=False)
class AddressSpace:
    """The segments of one process, sorted by start page.

    A space may be made with its mappings ``deferred``: ``(load, arg)``, run
    as ``load(space, arg)`` the first time anything looks at the segments.  A
    job that only computes then never maps anything, and ending it costs
    nothing; mapping takes no frames, so nothing a user can count changes.
    """

    pool: FramePool
    _segments: list[Segment] | None = field(default=None, alias="segments")
    _deferred: tuple[Callable[[AddressSpace, Any], None], Any] | None = field(
        default=None, alias="deferred")

    @property
    def segments(self) -> list[Segment]:
        segments = self._segments
        if segments is None:  # the list, too, is made when first needed
            segments = self._segments = []
            deferred = self._deferred
            if deferred is not None:
                self._deferred = None
                deferred[0](self, deferred[1])
        return segments

    @segments.setter
    def segments(self, segments: list[Segment]) -> None:
        self._deferred = None
        self._segments = segments

    def _add(self, segment: Segment) -> Segment:
        segment.obj.refs += 1
        segments = self.segments
        segments.append(segment)
        if len(segments) > 1 and segments[-2].start > segment.start:
            segments.sort(key=lambda s: s.start)
        return segment

    def map_private(
        self,
        name: str,
        start: int,
        npages: int,
        backing: MemoryObject | None = None,
        *,
        writable: bool = True,
    ) -> Segment:
        """Map a private copy of ``backing`` (or of zeros): writes stay in this space."""
        top = backing.shadow() if backing is not None else MemoryObject(self.pool)
        return self._add(Segment(name, start, npages, top, writable, shared=False))

    def map_shared(
        self, name: str, start: int, npages: int, obj: MemoryObject, *, writable: bool = True
    ) -> Segment:
        """Map ``obj`` itself: every space that maps it sees every write."""
        return self._add(Segment(name, start, npages, obj, writable, shared=True))

    def unmap(self, segment: Segment) -> None:
        self.segments.remove(segment)
        segment.obj.drop()

    def free_region(self, npages: int) -> int:
        """The first start page at or above MAP_BASE_PAGE with room for ``npages``."""
        start = MAP_BASE_PAGE
        for seg in self.segments:
            if seg.end <= start or seg.start >= STACK_TOP_PAGE:
                continue
            if seg.start >= start + npages:
                break
            start = max(start, seg.end)
        return start

    def segment_at(self, page: int) -> Segment | None:
        for seg in self.segments:
            if seg.start <= page < seg.end:
                return seg
        return None

    def read(self, address: int) -> int:
        words = self.pool.page_words
        page, offset = divmod(address, words)
        seg = self.segment_at(page)
        if seg is None or address < 0:
            raise BadAddress(address, write=False)
        frame = seg.obj.lookup(page - seg.start)
        return 0 if frame is None else frame[offset]

    def write(self, address: int, value: int) -> None:
        words = self.pool.page_words
        page, offset = divmod(address, words)
        seg = self.segment_at(page)
        if seg is None or not seg.writable or address < 0:
            raise BadAddress(address, write=True)
        index = page - seg.start
        top = seg.obj
        frame = top.pages.get(index)
        if frame is None:
            frame = self._fault_in(top, index)
        frame[offset] = value

    def _fault_in(self, top: MemoryObject, index: int) -> list[int]:
        """First write to a page this object does not hold: copy, move or zero-fill it."""
        stats = self.pool.stats
        exclusive = True
        obj = top.backing
        while obj is not None:
            exclusive = exclusive and obj.refs == 1
            found = obj.pages.get(index)
            if found is not None:
                stats.cow_faults += 1
                if exclusive:
                    del obj.pages[index]
                    stats.pages_reused += 1
                    top.pages[index] = found
                    return found
                frame = self.pool.allocate(found)
                stats.pages_copied += 1
                top.pages[index] = frame
                return frame
            obj = obj.backing
        frame = self.pool.allocate()
        stats.zero_fills += 1
        top.pages[index] = frame
        return frame

    def share_copy_on_write(self) -> AddressSpace:
        """A copy for a child: private segments shadowed on both sides, shared ones shared.

        O(number of segments), whatever their size: no page is touched.
        """
        self.pool.stats.cow_shares += 1
        child = AddressSpace(self.pool)
        for seg in self.segments:
            if seg.shared or not seg.writable:
                child._add(
                    Segment(seg.name, seg.start, seg.npages, seg.obj, seg.writable, seg.shared)
                )
                continue
            old = seg.obj
            seg.obj = old.shadow()
            seg.obj.refs = 1
            old.refs -= 1  # the parent's segment now refers to its new shadow instead
            child._add(Segment(seg.name, seg.start, seg.npages, old.shadow(), True, False))
        return child

    def populate(self) -> int:
        """Give every page of every private segment a frame of its own, now.

        For platforms without demand paging (exec loads the whole image):
        an initialised page gets a copy of its words, any other page zeros.
        Returns the frames allocated; on OutOfMemory the caller releases.
        """
        allocated = 0
        for seg in self.segments:
            if seg.shared:
                continue
            top = seg.obj
            for index in range(seg.npages):
                if index not in top.pages:
                    top.pages[index] = self.pool.allocate(top.lookup(index))
                    allocated += 1
        return allocated

    def copy_eagerly(self) -> AddressSpace:
        """A copy for a child with a new frame for every page it can see (no copy-on-write).

        What fork costs without copy-on-write: time and frames in proportion
        to the space.  Shared segments stay shared.  Counted in
        ``pages_copied``; on OutOfMemory nothing stays allocated.
        """
        pool = self.pool
        child = AddressSpace(pool)
        private: dict[Segment, Segment] = {}
        for seg in self.segments:
            if seg.shared:
                child.map_shared(seg.name, seg.start, seg.npages, seg.obj, writable=seg.writable)
            else:
                private[seg] = child.map_private(seg.name, seg.start, seg.npages,
                                                 writable=seg.writable)
        copied = 0
        try:
            for seg, index, frame in self.frames():
                target = private.get(seg)
                if target is not None:
                    target.obj.pages[index] = pool.allocate(frame)
                    copied += 1
        except OutOfMemory:
            child.release()
            raise
        pool.stats.pages_copied += copied
        return child

    def release(self) -> None:
        """Unmap everything (exit or exec): frames no one else maps are freed."""
        for seg in self._segments or ():
            seg.obj.drop()
        self.segments = []

    def resident(self, segment: Segment) -> int:
        """Pages of ``segment`` that resolve to a frame (a slow walk, for reports)."""
        seen: set[int] = set()
        obj: MemoryObject | None = segment.obj
        while obj is not None:
            seen.update(i for i in obj.pages if i < segment.npages)
            obj = obj.backing
        return len(seen)

    def frames(self) -> Iterator[tuple[Segment, int, list[int]]]:
        """Every (segment, page index, frame) this space can see (a slow walk, for checks)."""
        for seg in self.segments:
            found: dict[int, list[int]] = {}
            obj: MemoryObject | None = seg.obj
            while obj is not None:
                for index, frame in obj.pages.items():
                    found.setdefault(index, frame)
                obj = obj.backing
            for index, frame in sorted(found.items()):
                yield seg, index, frame

    def describe(self) -> tuple[SegmentInfo, ...]:
        return tuple(
            SegmentInfo(s.name, s.start, s.npages, s.writable, s.shared, self.resident(s))
            for s in self.segments
        )


def load_image(space: AddressSpace, image: Image) -> None:
    """Map a linked program into a fresh space: text shared, data private, an empty stack."""
    space.map_shared("text", TEXT_PAGE, image.text_pages, image.text, writable=False)
    space.map_private("data", image.data_page, image.data_pages, image.data)
    space.map_private("stack", STACK_TOP_PAGE - STACK_PAGES, STACK_PAGES)


def image_space(image: Image) -> AddressSpace:
    """A space that maps ``image`` when first looked at (see `AddressSpace`)."""
    return AddressSpace(image.text.pool, deferred=(load_image, image))

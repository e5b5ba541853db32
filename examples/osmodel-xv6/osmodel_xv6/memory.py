"""xv6 memory: every page exists from the start, and fork copies every one of them.

xv6 has neither demand paging nor copy-on-write.  exec allocates and fills
each page of the new image (``uvmalloc`` + ``loadseg``), and fork allocates a
fresh frame for each page of the parent and copies it (``uvmcopy``), so fork
costs time and frames in proportion to the size of the address space.  The
counters show it: ``pages_copied`` grows at every fork while
``cow_shares``, ``cow_faults`` and ``zero_fills`` stay at 0.

The kernel gives a lazy space (``new_space``), and `AddressSpace` offers
both kinds of fork copy: ``share_copy_on_write`` (what UNIX does) and
``copy_eagerly`` (what xv6 does).  Program text holds no frames in osmodel,
so it stays mapped read-only in both (xv6 would copy it too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import AddressSpace, OutOfMemory

if TYPE_CHECKING:
    from osmodel.kernel import Kernel


def load(kernel: Kernel, program: str) -> tuple[AddressSpace, int]:
    """A new, fully resident space for ``program`` (exec): (space, pages allocated)."""
    space = kernel.new_space(kernel.image(program))
    try:
        pages = space.populate()
    except OutOfMemory:
        space.release()
        raise
    return space, pages


def copy(space: AddressSpace) -> tuple[AddressSpace, int]:
    """uvmcopy(): a child space with a copy of every page the parent sees.

    Returns (space, pages copied); on OutOfMemory nothing is left allocated
    and the error propagates (fork then returns -1).
    """
    before = space.pool.stats.pages_copied
    child = space.copy_eagerly()
    return child, space.pool.stats.pages_copied - before

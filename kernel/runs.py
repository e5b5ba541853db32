"""Who ran where and when, kept as run-length records rather than one object per slice.

A `RunLog` holds pieces ``(cpu, pid, start, end)`` in compact arrays: pid >= 0
ran, `SWITCHING` the CPU was switching.  A stretch of round robin that the
kernel fast-forwarded is one `Phase`: the processes by position, the quantum,
the switch cost and the few slices that ended a process; its thousands of
ordinary slices are not stored but replayed when a view asks for them.  A run
of a million one-tick slices is then a few arrays and a list of exits.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from attrs import define, field

#: The pid of a piece during which the CPU was switching from one process to the next.
SWITCHING = -1


class Alive:
    """Which positions of a phase are still in it: counts and k-th lookups in O(log n).

    A Fenwick tree over positions 0..n-1, each 1 while its process is in the cycle.
    """

    __slots__ = ("count", "flags", "size", "top", "tree")

    def __init__(self, size: int) -> None:
        self.size = size
        self.count = size
        self.flags = bytearray(b"\x01") * size
        tree = [0] * (size + 1)
        for i in range(1, size + 1):
            tree[i] = i & -i  # every position starts alive
        self.tree = tree
        self.top = 1 << (size.bit_length() - 1) if size else 0

    def below(self, position: int) -> int:
        """How many alive positions are < ``position``."""
        tree, total, i = self.tree, 0, position
        while i > 0:
            total += tree[i]
            i &= i - 1
        return total

    def remove(self, position: int) -> None:
        self.flags[position] = 0
        self.count -= 1
        tree, i, size = self.tree, position + 1, self.size
        while i <= size:
            tree[i] -= 1
            i += i & -i

    def kth(self, rank: int) -> int:
        """The position of the alive process with ``rank`` alive ones before it."""
        tree, pos, step, size = self.tree, 0, self.top, self.size
        while step:
            nxt = pos + step
            if nxt <= size and tree[nxt] <= rank:
                pos = nxt
                rank -= tree[nxt]
            step >>= 1
        return pos


@define(eq=False)
class Phase:
    """Round robin over a fixed cycle of processes, fast-forwarded by the kernel.

    Slot ``(round, position)`` is the position's turn in that round; turns
    go by position within a round, skipping positions that have left.  Each
    turn is a switch of ``cost`` ticks, then ``quantum`` ticks of running,
    except a turn in `exits`, which runs the given ticks and ends the
    process's part in the phase.  The phase ends at ``end`` with slot
    ``(end_round, end_position)`` next.
    """

    cpu: int
    start: int
    pids: tuple[int, ...]
    quantum: int
    cost: int
    #: (round, position, ticks run) of each turn that took a process out, in order.
    exits: list[tuple[int, int, int]] = field(factory=list)
    end: int = 0
    end_round: int = 0
    end_position: int = 0

    def turns(self) -> Iterator[tuple[int, int, int]]:
        """Every turn in order: (pid, when its switch began, ticks it ran)."""
        n = len(self.pids)
        alive = bytearray(b"\x01") * n
        pids, quantum, cost = self.pids, self.quantum, self.cost
        period = quantum + cost
        time, rnd, pos = self.start, 0, 0
        for stop_round, stop_position, ran in (*self.exits, (self.end_round, self.end_position, 0)):
            while rnd < stop_round or (rnd == stop_round and pos < stop_position):
                if alive[pos]:
                    yield pids[pos], time, quantum
                    time += period
                pos += 1
                if pos == n:
                    pos, rnd = 0, rnd + 1
            if ran:  # an exit turn (the end of the phase is none)
                yield pids[stop_position], time, ran
                time += cost + ran
                alive[stop_position] = 0
                pos += 1
                if pos == n:
                    pos, rnd = 0, rnd + 1

    def who_at(self, times: list[int]) -> list[int | None]:
        """Who had the CPU at each of ``times`` (ascending, inside the phase): a pid, or
        None while it was switching.  Costs O(log n) a time and per exit, not per turn."""
        left = Alive(len(self.pids))
        period = self.quantum + self.cost
        out: list[int | None] = []
        it = iter(times)
        pending = next(it, None)
        time, rnd, pos = self.start, 0, 0
        for stop_round, stop_position, ran in (*self.exits, (self.end_round, self.end_position, 0)):
            count = ((stop_round - rnd) * left.count + left.below(stop_position)
                     - left.below(pos))
            first = left.below(pos)
            stretch_end = time + count * period
            while pending is not None and pending < stretch_end:
                turn, offset = divmod(pending - time, period)
                rank = (first + turn) % left.count
                out.append(None if offset < self.cost else self.pids[left.kth(rank)])
                pending = next(it, None)
            time = stretch_end
            if not ran:
                break
            turn_end = time + self.cost + ran
            while pending is not None and pending < turn_end:
                out.append(None if pending - time < self.cost else self.pids[stop_position])
                pending = next(it, None)
            time = turn_end
            left.remove(stop_position)
            rnd, pos = stop_round, stop_position + 1
            if pos == len(self.pids):
                rnd, pos = rnd + 1, 0
        return out

    def slices(self) -> int:
        """How many turns the phase holds, counted without replaying them."""
        left = Alive(len(self.pids))
        count = rnd = pos = 0
        for stop_round, stop_position, _ in self.exits:
            count += (stop_round - rnd) * left.count + left.below(stop_position) - left.below(pos)
            count += 1
            left.remove(stop_position)
            rnd, pos = stop_round, stop_position + 1
        return (count + (self.end_round - rnd) * left.count + left.below(self.end_position)
                - left.below(pos))


@define(eq=False)
class RunLog:
    """Pieces of CPU time in the order they ended on each CPU, and the fast-forwarded phases."""

    cpus: array[int] = field(factory=lambda: array("l"))
    pids: array[int] = field(factory=lambda: array("q"))
    starts: array[int] = field(factory=lambda: array("q"))
    ends: array[int] = field(factory=lambda: array("q"))
    phases: list[Phase] = field(factory=list)
    #: The process each `SWITCHING` piece switched to, in the order of those pieces.
    switched_to: array[int] = field(factory=lambda: array("q"))
    #: Stretches a process spent blocked (pid, start, end), in the order they ended: with
    #: the pieces, what a tick-by-tick view needs, without a trace.
    block_pids: array[int] = field(factory=lambda: array("q"))
    block_starts: array[int] = field(factory=lambda: array("q"))
    block_ends: array[int] = field(factory=lambda: array("q"))

    def ran(self, cpu: int, pid: int, start: int, end: int) -> None:
        self.cpus.append(cpu)
        self.pids.append(pid)
        self.starts.append(start)
        self.ends.append(end)

    def switch(self, cpu: int, pid: int, start: int, end: int) -> None:
        """``cpu`` was switching to ``pid`` from ``start`` to ``end``."""
        self.ran(cpu, SWITCHING, start, end)
        self.switched_to.append(pid)

    def blocked(self, pid: int, start: int, end: int) -> None:
        self.block_pids.append(pid)
        self.block_starts.append(start)
        self.block_ends.append(end)

    def phase(self, phase: Phase) -> None:
        """Note a phase where it begins; its pieces come from `Phase.turns`."""
        self.ran(phase.cpu, -2 - len(self.phases), phase.start, phase.start)
        self.phases.append(phase)

    def pieces(self) -> Iterator[tuple[int, int | None, int, int]]:
        """Every piece in order, phases replayed: (cpu, pid or None while switching, start, end)."""
        phases = self.phases
        for cpu, pid, start, end in zip(self.cpus, self.pids, self.starts, self.ends,
                                        strict=True):
            if pid >= 0:
                yield cpu, pid, start, end
            elif pid == SWITCHING:
                yield cpu, None, start, end
            else:
                phase = phases[-2 - pid]
                cost = phase.cost
                for who, begin, ran in phase.turns():
                    if cost:
                        yield cpu, None, begin, begin + cost
                    yield cpu, who, begin + cost, begin + cost + ran

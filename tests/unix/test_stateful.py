"""Random fork / exec / exit / wait / kill / setpgid / signal sequences keep the invariants.

Driven through the platform's functions (the same ones its system calls use)
on a booted kernel, with the kernel running for a while between steps so that
programs block, wake, wait and get signals on their own.  Invariants (issue 3):
every live process has a live parent (init has none) and the tree is rooted at
init; pids are unique among live and zombie processes and the hierarchy's
indexes agree; a write is never visible in another process unless the region
is shared; memory reference counts equal the references that exist; no zombie
outlives a waiting parent.
"""

from __future__ import annotations

import contextlib
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from osmodel.kernel.asm import parse
from osmodel.kernel.boot import boot
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.memory import MemoryObject
from osmodel.kernel.process import ExitStatus, Process
from osmodel.kernel.states import BLOCKED, READY
from osmodel.platforms.unix import boot as unix_boot
from osmodel.platforms.unix import creation, groups, waiting
from osmodel.platforms.unix.constants import (
    SIGCHLD,
    SIGCONT,
    SIGHUP,
    SIGINT,
    SIGKILL,
    SIGSTOP,
    SIGTERM,
    SIGUSR1,
    WNOHANG,
    ZOMBIE,
    UnixError,
)
from osmodel.platforms.unix.proc import system, unix

PROGRAMS = {
    "idle": "data x = 0\nloop: pause\n jmp loop",
    "reaper": "data x = 0\nloop: waitpid -1, 0 -> r1, r2\n jge r1, 0, loop\n pause\n jmp loop",
    "spin": "data x = 0\nloop: cpu 3\n jmp loop",
}
SIGS = [SIGTERM, SIGKILL, SIGSTOP, SIGCONT, SIGINT, SIGUSR1, SIGCHLD, SIGHUP, 0]


def new_kernel() -> Kernel:
    pm = make_plugin_manager(autoload=False)
    machine = Machine(scheduler_options={"quantum": 3},
                      limits=Limits(processes=60, user_processes=40, time=None))
    programs = {name: parse(text, name) for name, text in PROGRAMS.items()}
    return boot(machine, "unix", pm, programs=programs)


class UnixMachine(RuleBasedStateMachine):
    """The model: the value of ``x`` each process should read, and the shared page's."""

    @initialize()
    def start(self) -> None:
        self.k = new_kernel()
        root = unix_boot.user_command(self.k, "reaper", False, [])
        self.k.run(until=5)
        words = self.k.pool.page_words
        page = root.space.free_region(1)
        self.shared = MemoryObject(self.k.pool, name="shm")
        root.space.map_shared("shared", page, 1, self.shared)
        self.shared_address = page * words
        self.shared_value = 0
        self.x: dict[int, int] = {root.pid: 0}

    # --- helpers ------------------------------------------------------------------

    def users(self) -> list[Process]:
        return [p for p in self.k.live() if p.cause != "boot"]

    def pick(self, index: int) -> Process | None:
        """A live user process, after letting the machine run on a little."""
        self.advance()
        users = self.users()
        return users[index % len(users)] if users else None

    def address(self, proc: Process) -> int:
        return int(proc.image.addresses["x"])

    def has_shared(self, proc: Process) -> bool:
        return any(seg.obj is self.shared for seg in proc.space.segments)

    def advance(self, ticks: int = 3) -> None:
        self.k.run(until=self.k.now + ticks)

    # --- rules --------------------------------------------------------------------

    @rule(i=st.integers(0, 100))
    def fork(self, i: int) -> None:
        proc = self.pick(i)
        if proc is None:
            return
        try:
            child = creation.fork(self.k, proc)
        except UnixError:
            return
        self.k.ready(child, "forked")
        self.x[child.pid] = self.x[proc.pid]

    @rule(i=st.integers(0, 100), program=st.sampled_from(sorted(PROGRAMS)))
    def exec(self, i: int, program: str) -> None:
        proc = self.pick(i)
        if proc is None or proc.state is not READY:
            return
        creation.exec_image(self.k, proc, program)
        self.x[proc.pid] = 0

    @rule(i=st.integers(0, 100), code=st.integers(-300, 300))
    def exit(self, i: int, code: int) -> None:
        proc = self.pick(i)
        if proc is not None:
            self.k.exit(proc, ExitStatus("normal" if code & 0xFF == 0 else "error",
                                         code & 0xFF))

    @rule(i=st.integers(0, 100), pid=st.integers(-3, 3))
    def reap(self, i: int, pid: int) -> None:
        proc = self.pick(i)
        if proc is None:
            return
        target = pid if pid <= 0 else next(iter(unix(proc).children), pid)
        with contextlib.suppress(UnixError):
            waiting.wait_now(self.k, proc, target, WNOHANG)

    @rule(i=st.integers(0, 100), j=st.integers(0, 100), sig=st.sampled_from(SIGS),
          group=st.booleans())
    def kill(self, i: int, j: int, sig: int, group: bool) -> None:
        sender = self.pick(i)
        everyone = sorted(self.k.processes)
        if sender is None or not everyone:
            return
        target = everyone[j % len(everyone)]
        pid = -unix(self.k.processes[target]).pgid if group else target
        with contextlib.suppress(UnixError):
            groups.kill(self.k, sender, pid, sig)

    @rule(i=st.integers(0, 100), child=st.booleans(), j=st.integers(0, 100))
    def setpgid(self, i: int, child: bool, j: int) -> None:
        proc = self.pick(i)
        if proc is None:
            return
        kids = list(unix(proc).children)
        target = kids[j % len(kids)] if child and kids else 0
        pgids = sorted(system(self.k).groups)
        pgid = pgids[j % len(pgids)] if j % 3 else 0
        with contextlib.suppress(UnixError):
            groups.setpgid(self.k, proc, target, pgid)

    @rule(i=st.integers(0, 100), sig=st.sampled_from([SIGCHLD, SIGUSR1, SIGINT, SIGHUP]),
          ignore=st.booleans())
    def disposition(self, i: int, sig: int, ignore: bool) -> None:
        proc = self.pick(i)
        if proc is None:
            return
        u = unix(proc)
        if ignore:
            u.ignored.add(sig)
            u.pending.discard(sig)
        else:
            u.ignored.discard(sig)

    @rule(i=st.integers(0, 100), on=st.booleans())
    def subreaper(self, i: int, on: bool) -> None:
        proc = self.pick(i)
        if proc is not None:
            unix(proc).subreaper = on

    @rule(i=st.integers(0, 100), value=st.integers(1, 1000))
    def write_private(self, i: int, value: int) -> None:
        proc = self.pick(i)
        if proc is not None:
            proc.space.write(self.address(proc), value)
            self.x[proc.pid] = value

    @rule(i=st.integers(0, 100), value=st.integers(1, 1000))
    def write_shared(self, i: int, value: int) -> None:
        proc = self.pick(i)
        if proc is not None and self.has_shared(proc):
            proc.space.write(self.shared_address, value)
            self.shared_value = value

    @precondition(lambda self: hasattr(self, "k"))
    @rule(ticks=st.integers(1, 40))
    def run(self, ticks: int) -> None:
        self.k.run(until=self.k.now + ticks)

    # --- invariants ---------------------------------------------------------------

    @invariant()
    def tree_is_rooted_at_init(self) -> None:
        table = self.k.processes
        init = table[1]
        assert init.exit is None and unix(init).ppid is None
        for proc in table.values():
            u = unix(proc)
            if proc.pid != 1:
                assert u.ppid in table, f"{proc} has no parent"
                if proc.exit is None:
                    assert table[u.ppid].exit is None, f"{proc}'s parent is dead"
                assert proc.pid in unix(table[u.ppid]).children
            for child in u.children:
                assert unix(table[child]).ppid == proc.pid
            seen, walk = set(), proc
            while walk.pid != 1:
                assert walk.pid not in seen, "a cycle in the tree"
                seen.add(walk.pid)
                walk = table[unix(walk).ppid]  # type: ignore[index]

    @invariant()
    def indexes_agree(self) -> None:
        table = self.k.processes
        sysm = system(self.k)
        members = {(pid, pgid) for pgid, pids in sysm.groups.items() for pid in pids}
        assert members == {(pid, unix(p).pgid) for pid, p in table.items()}
        assert all(sysm.groups.values())
        assert dict(sysm.users) == dict(Counter(unix(p).uid for p in table.values()))
        for proc in table.values():
            assert (proc.state is ZOMBIE) == (proc.exit is not None)

    @invariant()
    def writes_stay_private_unless_shared(self) -> None:
        for proc in self.k.live():
            if proc.pid in self.x:
                assert proc.space.read(self.address(proc)) == self.x[proc.pid]
            if self.has_shared(proc):
                assert proc.space.read(self.shared_address) == self.shared_value

    @invariant()
    def memory_references_are_exact(self) -> None:
        reachable: dict[int, MemoryObject] = {}
        refs: Counter[int] = Counter()
        roots: list[MemoryObject] = []
        for proc in self.k.processes.values():
            for seg in proc.space.segments:
                refs[id(seg.obj)] += 1
                roots.append(seg.obj)
        for image in self.k.images.values():
            for named in (image.text, image.data):
                refs[id(named)] += 1  # a named object holds a reference of its own
                roots.append(named)
        for obj in roots:
            walk: MemoryObject | None = obj
            while walk is not None and id(walk) not in reachable:
                reachable[id(walk)] = walk
                walk = walk.backing
        frames: set[int] = set()
        for obj in reachable.values():
            if obj.backing is not None:
                refs[id(obj.backing)] += 1
                assert obj in obj.backing.shadows
            for frame in obj.pages.values():
                assert id(frame) not in frames, "a frame held by two objects"
                frames.add(id(frame))
        for key, obj in reachable.items():
            assert obj.refs == refs[key], f"{obj.name or 'anonymous'}: {obj.refs} != {refs[key]}"
        assert len(frames) == self.k.pool.stats.frames_used

    @invariant()
    def no_zombie_outlives_a_waiting_parent(self) -> None:
        for proc in self.k.processes.values():
            if proc.state is BLOCKED and proc.blocked_on.split("(")[0] in waiting.WAIT_CALLS:
                call = unix(proc).call
                assert call is not None, f"{proc} waits, but not in a call of its own"
                assert waiting.find(self.k, proc, call.pid, call.options)[0] == waiting.NONE

    def teardown(self) -> None:
        if hasattr(self, "k"):
            self.k.run(until=self.k.now + 200)
            self.no_zombie_outlives_a_waiting_parent()


UnixMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=50, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestUnixInvariants = UnixMachine.TestCase

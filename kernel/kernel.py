"""The kernel core: process table, CPUs, the event loop and state transitions.

It knows nothing of UNIX or Windows.  Time is an integer number of ticks and
jumps from one event to the next: events sit in a heap keyed by (time,
sequence), so ties break in the order they were scheduled and a run with the
same inputs is the same run.  A CPU runs a process's instructions in a tight
loop for as long as no other event comes first, so cost grows with events,
not with ticks or with idle processes.

Platforms and other plugins act through the methods here (the kernel
services, documented in docs/plugins.md) and through the hooks in hookspecs.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from attrs import define, field

from .console import Console
from .cpu import CPU
from .errors import ConfigError, LimitExceeded
from .events import Event, TraceSink
from .files import FileSystem, ResourceTable
from .hookcalls import caller, first
from .link import Image, Linker, OpSpec
from .machine import Machine
from .memory import STACK_TOP_PAGE, AddressSpace, FramePool, image_space
from .process import RETIRED_CONTEXT, ExitStatus, Frame, Process
from .program import Program
from .runs import Alive, Phase, RunLog
from .states import BLOCKED, READY, RUNNING, TERMINATED, State

if TYPE_CHECKING:
    from .manager import PluginManager
    from .platform import Platform
    from .scheduler import Cycler, Scheduler

INF = float("inf")
#: A budget that never runs out (an int, so the hot path compares ints only).
_UNLIMITED = 1 << 62


def _budget(limit: int | None) -> int:
    return _UNLIMITED if limit is None else limit


class _Halted(Exception):
    """Raised by the halt event that `Kernel.stop` queues: it ends `Kernel.run` there."""


def _describe(obj: object) -> str:
    describe = getattr(obj, "describe", None)
    return str(describe()) if describe is not None else type(obj).__name__


def _call_with(function: Callable[..., Any], names: list[str], **kwargs: Any) -> None:
    function(*[kwargs[name] for name in names])


def _call_each(calls: list[tuple[Callable[..., Any], list[str]]], **kwargs: Any) -> None:
    for function, names in calls:
        function(*[kwargs[name] for name in names])


class _Launching:
    """The context of `Kernel.launching`: the fields set on entry, the old ones back on exit."""

    __slots__ = ("attributes", "kernel", "saved")

    def __init__(self, kernel: Kernel, attributes: tuple[tuple[str, Any], ...]) -> None:
        self.kernel = kernel
        self.attributes = attributes
        self.saved: tuple[tuple[str, Any], ...] = ()

    def __enter__(self) -> None:
        kernel = self.kernel
        self.saved, kernel._launch = kernel._launch, self.attributes

    def __exit__(self, *exc_info: object) -> None:
        self.kernel._launch = self.saved


class ProcessLimit(LimitExceeded):
    """The process table is full: the platform reports EAGAIN or its own error."""


@define(eq=False)
class Timer:
    """A scheduled callback; cancel() makes it do nothing when its time comes."""

    time: int
    fn: Callable[[Any], None]
    arg: Any
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@define(eq=False)
class PidAllocator:
    """Increasing pids from ``first``, wrapping at ``limit`` and skipping those in use.

    A platform may replace it (Windows hands out multiples of four and reuses).
    """

    first: int = 1
    limit: int = 4_194_304
    step: int = 1
    next: int = field(init=False)

    def __attrs_post_init__(self) -> None:
        self.next = self.first

    def allocate(self, in_use: Mapping[int, Any]) -> int:
        start = pid = self.next
        while pid in in_use:
            pid += self.step
            if pid >= self.limit:
                pid = self.first
            if pid == start:
                raise ProcessLimit("no free process id")
        nxt = pid + self.step
        self.next = self.first if nxt >= self.limit else nxt
        return pid


@define(eq=False)
class Counters:
    """Whole-run counters for the summary."""

    switches: int = 0
    preemptions: int = 0
    created: int = 0
    ended: int = 0
    io_busy: int = 0
    io_inflight: int = 0
    io_since: int = 0
    io_requests: int = 0
    instructions: int = 0
    refused: int = 0
    #: Sums over ended processes, so the averages hold when not every one is kept.
    turnaround: int = 0
    wait: int = 0
    response: int = 0
    responded: int = 0  # ended processes that ran at least once (response is theirs)
    #: Released processes not kept in ``history`` (it holds at most ``history_kept``).
    unlisted: int = 0


class Kernel:
    """One simulated machine running one platform."""

    #: Let a scheduler with a ``cycle`` have its rounds fast-forwarded (see `_forward`);
    #: off, every slice is taken one by one, each through the scheduler's calls (what the
    #: equivalence tests compare against, and what a test spying on those calls needs).
    fast_forward = True
    #: Released processes kept in ``history`` at most: a run may create processes without
    #: limit, its memory may not grow with them; the rest are counted (``Counters.unlisted``).
    history_kept = 10_000

    def __init__(
        self,
        machine: Machine,
        *,
        pm: PluginManager,
        programs: Mapping[str, Program] | None = None,
        seed: int = 0,
    ) -> None:
        import random

        from .isa import op_io_issue

        self.machine = machine
        self.pm = pm
        self.hook = pm.hook
        self.seed = seed
        self.random = random.Random(seed)
        self.now = 0
        self.programs: dict[str, Program] = dict(programs or {})
        self.images: dict[str, Image] = {}
        self.processes: dict[int, Process] = {}
        self.pids = PidAllocator()
        self.pool = FramePool(machine.frames, machine.page_words)
        self.fs = FileSystem()
        self.cpus = [CPU(i) for i in range(machine.cpus)]
        self.counters = Counters()
        self.stop_reason: str | None = None
        #: Released processes, kept for reports when a list is set here (None keeps none).
        self.history: list[Process] | None = None
        #: What programs printed: (time, pid, text).
        self.output: list[tuple[int, int, str]] = []
        #: Where every line of output is written (``console.write(pid, text)``): it keeps
        #: the line in ``output`` and traces it as a ``print`` event.
        self.console = Console(self)
        self.platform: Platform = None  # type: ignore[assignment]  # set by boot()
        self._scheduler: Scheduler = None  # type: ignore[assignment]  # set by boot()
        self.ops: dict[str, OpSpec] = {}
        self.linker: Linker = None  # type: ignore[assignment]
        self.sinks: tuple[TraceSink, ...] = ()
        #: Who ran where and when, recorded when a log is set here (None records nothing).
        self.runs: RunLog | None = None
        self._heap: list[tuple[float, int, Callable[[Any], None], Any]] = []
        self._seq = 0
        self._evseq = 0
        self._idle: list[CPU] = list(self.cpus)
        self._horizon = INF
        self._preemptive = False
        self._announce: dict[str, bool] = {}
        #: The callers of the announcement hooks (see `_announcer`), resolved on first use.
        self._announcers: dict[str, Callable[..., Any] | None] = {}
        # The three announcements, resolved by `run` (before it, as each call comes).
        self._created: Callable[..., Any] | None = partial(self._announce_now,
                                                           "osmodel_process_created")
        self._ended: Callable[..., Any] | None = partial(self._announce_now,
                                                         "osmodel_process_ended")
        self._released: Callable[..., Any] | None = partial(self._announce_now,
                                                            "osmodel_process_released")
        self._stack_top = STACK_TOP_PAGE * self.pool.page_words
        #: PCB fields given to every process created now (see `launching`).
        self._launch: tuple[tuple[str, Any], ...] = ()
        #: The scheduler, when it can have its rounds fast-forwarded: see `_forward`.
        self._cycler: Cycler | None = None
        #: The handler of the platform's exit call: a cycle member about to run it may
        #: end inside a fast-forward.
        self._exit_handler: Any = None
        #: Fast-forward attempts to skip (after one that found nothing to gain).
        self._cooldown = 0
        #: Processes made ready so far, so a fast-forward sees that someone else arrived.
        self._readied = 0
        #: ``osmodel_process_exit``, resolved when the run starts (see `resolve`).
        self._on_exit: Callable[..., Any] | None = None
        #: True when nothing but the platform's inherited default answers that hook (it
        #: answers None: release the record), so an exit calls nothing.
        self._exit_quiet = False
        #: The process whose instruction is running, and the one running when an error escaped.
        self.current: Process | None = None
        self.failed_in: Process | None = None
        #: Instructions the run may still execute before its budget stops it.
        self._instructions_left = _budget(machine.limits.instructions)
        #: The trace event number at which the events budget stops the run.
        self._events_limit = _budget(machine.limits.events)
        self._halted = False
        #: The issue step of an ``io`` when it costs no tick (else None): at the end of a
        #: slice it still runs, so the request is made at that instant (see `_run`).
        self._free_issue = None if machine.io_issue_cost else op_io_issue

    @property
    def scheduler(self) -> Scheduler:
        """The run's scheduler, a decision object called directly (never through pluggy)."""
        return self._scheduler

    @scheduler.setter
    def scheduler(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        self._cycler = cast("Cycler", scheduler) if hasattr(scheduler, "cycle") else None

    # ------------------------------------------------------------------ events

    def at(self, time: int, fn: Callable[[Any], None], arg: Any = None) -> Timer:
        """Call ``fn(arg)`` at simulated ``time`` (not before now)."""
        timer = Timer(max(time, self.now), fn, arg)
        self._push(timer.time, self._fire, timer)
        return timer

    def after(self, delay: int, fn: Callable[[Any], None], arg: Any = None) -> Timer:
        return self.at(self.now + delay, fn, arg)

    def _fire(self, timer: Timer) -> None:
        if not timer.cancelled:
            timer.fn(timer.arg)

    def _push(self, time: float, fn: Callable[[Any], None], arg: Any) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (time, self._seq, fn, arg))

    def resolve(self, hook: str) -> Callable[..., Any]:
        """A caller for the *first result* ``hook`` to use on a hot path, taking the same
        keyword arguments, its answer checked (see `hookcalls.caller`).

        When exactly one plain implementation answers the hook and hook calls
        are not traced, that function itself (the same result without pluggy's
        dispatch on every call); otherwise each implementation through pluggy.
        Resolve after boot: a plugin registered later is not seen by a caller
        resolved before.
        """
        return caller(self.pm, hook)

    def trace(self, kind: str, pid: int | None = None, cpu: int | None = None, /,
              **info: Any) -> None:
        """Send an event to every sink; free when no sink is attached."""
        if self.sinks:
            self._evseq += 1
            event = Event(self.now, self._evseq, kind, pid, cpu, info)
            for sink in self.sinks:
                sink.emit(event)
            if self._evseq >= self._events_limit:
                self._events_limit = _UNLIMITED  # the events on the way out are kept
                self.stop(self._spent("events", "{} trace events"))

    # ----------------------------------------------------------------- budgets

    def stop(self, reason: str, *, after: int = 0) -> None:
        """End the run ``after`` ticks from now, at an event boundary, with ``reason``
        (a budget ran out).

        What is under way completes and the state stays consistent: the run
        ends as it does at the time limit, and can be reported.
        """
        if not self._halted:
            self._mark_stopped(reason)
            self._push(self.now + after, self._halt, None)

    def _mark_stopped(self, reason: str) -> None:
        self._halted = True
        self.stop_reason = reason
        self.trace("limit", reason=reason)

    @staticmethod
    def _halt(_: object) -> None:
        raise _Halted

    def _spent(self, key: str, what: str) -> str:
        """The stop reason for budget ``key``: what ran out, and how to raise it."""
        limit = getattr(self.machine.limits, key)
        return (f"{key} limit reached: {what.format(f'{limit:,}')}; raise it with "
                f"[machine.limits] {key} = N, or {key} = false for no limit")

    def refuse(self, because: str) -> None:
        """Count a creation turned away (``because`` says why, as a clause); a workload
        that keeps being turned away (a fork bomb retrying EAGAIN) is a runaway: stopped."""
        self.counters.refused += 1
        limit = self.machine.limits.refused
        if limit is not None and self.counters.refused >= limit:
            self.stop(self._spent(
                "refused", f"{{}} process creations refused, the last because {because}"))

    def _out_of_instructions(self, left: int) -> None:
        self.stop(self._spent("instructions", "{} instructions executed"), after=left)

    def run(self, until: int | None = None, *,
            progress: Callable[[Kernel], None] | None = None, every: int = 50_000) -> None:
        """Process events until none are left, or up to simulated time ``until``.

        The machine's time limit stops a runaway workload cleanly: the run
        ends with ``stop_reason`` set, and the state is whatever it was.
        ``progress(kernel)``, when given, is called every ``every`` events
        (for a progress display); the plain loop pays nothing for it.
        """
        if self._halted:
            return
        limit = self.machine.limits.time
        horizon = INF if until is None else until
        if limit is not None and limit < horizon:
            horizon = limit
        self._horizon = horizon + 1
        impls = self.hook.osmodel_process_exit.get_hookimpls()
        self._exit_quiet = (not self.pm.tracing and len(impls) == 1
                            and self._inherited(impls[0].plugin, "osmodel_process_exit"))
        self._on_exit = None if self._exit_quiet else self.resolve("osmodel_process_exit")
        self._announcers.clear()  # plugins registered since are seen
        self._created = self._announcer("osmodel_process_created")
        self._ended = self._announcer("osmodel_process_ended")
        self._released = self._announcer("osmodel_process_released")
        heap = self._heap
        pop = heapq.heappop
        count = 0
        try:
            while heap:
                entry = heap[0]
                if entry[0] > horizon:
                    if limit is not None and horizon == limit:
                        self._mark_stopped(self._spent("time", "{} simulated ticks"))
                    self.now = int(horizon)
                    break
                pop(heap)
                arg = entry[3]
                if arg.__class__ is Timer and arg.cancelled:
                    continue  # a cancelled timer is not an event: the clock does not move
                self.now = int(entry[0])
                entry[2](arg)
                if progress is not None:
                    count += 1
                    if count >= every:
                        count = 0
                        progress(self)
        except _Halted:
            pass
        self._close_io()

    def settle(self) -> None:
        """Bring accounting up to now without changing anything (for reports mid-run)."""
        now = self.now
        for cpu in self.cpus:
            proc = cpu.proc
            if proc is not None and now > cpu.run_start:
                ran = now - cpu.run_start
                proc.acct.cpu += ran
                cpu.busy += ran
                cpu.run_start = now
        for proc in self.processes.values():
            acct = proc.acct
            if proc.state is READY:
                acct.ready += now - acct.since
            elif proc.state is BLOCKED:
                acct.blocked += now - acct.since
                if self.runs is not None and now > acct.since:
                    self.runs.blocked(proc.pid, acct.since, now)
            acct.since = now
        self._close_io()

    def close(self) -> None:
        """Take this run's platform instance out of the plugin manager (idempotent)."""
        platform = self.platform
        if platform is not None and self.pm.is_registered(platform):
            self.pm.unregister(platform)

    def pending(self) -> bool:
        return bool(self._heap)

    # --------------------------------------------------------------- programs

    def image(self, program: str | Program) -> Image:
        """The linked image of a program, linked once per run and shared by its processes."""
        name = program if isinstance(program, str) else program.name
        image = self.images.get(name)
        if image is None:
            if isinstance(program, Program):
                self.programs.setdefault(name, program)
            if name not in self.programs:
                raise ConfigError(f"no program {name!r}")
            image = self.images[name] = self.linker.link(self.programs[name], self.pool)
        return image

    def new_space(self, image: Image) -> AddressSpace:
        """A fresh address space loaded from ``image``: text shared, data private, stack empty.

        Mapped when first used (see `AddressSpace`), so a job that never touches
        memory costs no mappings.
        """
        return image_space(image)

    def stack_top(self) -> int:
        return self._stack_top

    # -------------------------------------------------------------- processes

    def create(
        self,
        program: str | Program,
        *,
        cause: str,
        creator: Process | None = None,
        space: AddressSpace | None = None,
        resources: ResourceTable | None = None,
        name: str | None = None,
        platform: Any = None,
        start: bool = True,
        pid: int | None = None,
    ) -> Process:
        """Make a process: allocate a pid, fill the PCB, announce it, make it ready.

        ``space`` defaults to a fresh one from the program's image (a platform
        passes a copy-on-write copy for fork); ``resources`` to an empty
        table.  Raises ProcessLimit when the table is full.
        """
        limits = self.machine.limits
        if limits.processes is not None or limits.created is not None:
            self.check_room()
        image = self.images.get(program) if isinstance(program, str) else None
        if image is None:
            image = self.image(program)
        if pid is None:
            pid = self.pids.allocate(self.processes)
        proc = Process(pid, name or image.program.name, image.program, image, cause,
                       creator.pid if creator is not None else None, space, resources,
                       platform=platform)
        proc.context.sp = self._stack_top
        for field_name, value in self._launch:
            setattr(proc, field_name, value)
        acct = proc.acct
        acct.created = acct.since = self.now
        self.processes[pid] = proc
        self.counters.created += 1
        if self.sinks:
            self.trace("create", pid, name=proc.name, program=image.program.name, cause=cause,
                       creator=proc.creator)
        announce = self._created
        if announce is not None:
            announce(kernel=self, process=proc, creator=creator)
        if start:
            self.ready(proc, "created")
        return proc

    def _announcer(self, hook: str) -> Callable[..., Any] | None:
        """How to call announcement ``hook`` (a process created, ended, released), or None
        when nobody listens: its implementations called in turn, directly, when hook
        calls are not traced and none wraps; else pluggy.  A platform's inherited
        do-nothing method is no listener, so a run pays no hook call per process."""
        found = self._announcers.get(hook, self)
        if found is not self:
            return found  # type: ignore[return-value]
        announce: Callable[..., Any] | None = None
        caller = getattr(self.hook, hook)
        impls = caller.get_hookimpls() if self._announce.get(hook) else []
        if self.pm.tracing or any(impl.hookwrapper or impl.wrapper for impl in impls):
            announce = caller
        else:
            calls = [(impl.function, impl.argnames) for impl in reversed(impls)
                     if not self._inherited(impl.plugin, hook)]
            if len(calls) == 1:
                function, names = calls[0]
                announce = partial(_call_with, function, names)
            elif calls:
                announce = partial(_call_each, calls)
        self._announcers[hook] = announce
        return announce

    def _announce_now(self, hook: str, **kwargs: Any) -> None:
        announce = self._announcer(hook)
        if announce is not None:
            announce(**kwargs)

    def _inherited(self, plugin: object, hook: str) -> bool:
        """True when ``plugin`` is the run's platform and answers ``hook`` with the base
        class's method, which only forwards to a method it does not override."""
        from .platform import Platform

        method = hook.removeprefix("osmodel_")
        return (plugin is self.platform and hasattr(Platform, method)
                and getattr(type(plugin), method) is getattr(Platform, method)
                and getattr(type(plugin), hook) is getattr(Platform, hook))

    def check_room(self) -> None:
        """Raise ProcessLimit when a new process would not fit in the table or the run's
        creation budget; a platform calls it before building what a child needs (a
        copy-on-write space, say), so a refused creation leaves no trace."""
        limits = self.machine.limits
        limit = limits.processes
        if limit is not None and len(self.processes) >= limit:
            self.refuse("the process table was full")
            raise ProcessLimit(f"process table full ({limit} processes)")
        if limits.created is not None and self.counters.created >= limits.created:
            self.stop(self._spent("created", "{} processes created"))
            raise ProcessLimit(f"creation budget used up ({limits.created} processes)")

    def replace_image(self, proc: Process, program: str | Program) -> None:
        """Load a new program into ``proc`` (exec): new space, fresh context, same pid."""
        image = self.image(program)
        old = proc._space
        proc._space = None  # the new image is mapped when first used
        if old is not None:
            old.release()
        proc.image = image
        proc.program = image.program
        proc.name = image.program.name
        ctx = proc.context
        ctx.pc = ctx.burst_left = 0
        ctx.registers[:] = [0] * len(ctx.registers)
        ctx.sp = self.stack_top()
        ctx.frames.clear()

    def launching(self, attributes: Iterable[tuple[str, Any]]) -> _Launching:
        """Processes created inside (``with kernel.launching(fields):``) start with these
        scheduling fields set.

        How an outside event gives the job it starts a priority, nice value,
        tickets, expected length or affinity, whichever platform creates it:
        the scheduler sees them from the first ``admit``.  A plain object rather
        than a generator, as a batch of jobs enters one per job.
        """
        return _Launching(self, tuple(attributes))

    def live(self) -> Iterator[Process]:
        """Processes that have not ended, by pid."""
        for pid in sorted(self.processes):
            proc = self.processes[pid]
            if proc.exit is None:
                yield proc

    # ------------------------------------------------------- state transitions

    def _enter(self, proc: Process, state: State, reason: str) -> None:
        old = proc.state
        now = self.now
        acct = proc.acct
        if old is READY:
            acct.ready += now - acct.since
        elif old is BLOCKED:
            acct.blocked += now - acct.since
            if self.runs is not None and now > acct.since:
                self.runs.blocked(proc.pid, acct.since, now)
        acct.since = now
        proc.state = state
        if self.sinks:
            self.trace("state", proc.pid, proc.cpu.index if proc.cpu else None,
                       old=old.name, new=state.name, reason=reason)

    def ready(self, proc: Process, reason: str) -> None:
        """Make ``proc`` ready and hand it to the scheduler; an idle CPU picks it up now."""
        self._enter(proc, READY, reason)
        self._readied += 1
        self._scheduler.admit(proc, reason)
        self.offer(proc)

    def offer(self, proc: Process) -> None:
        """Offer a ready ``proc`` to the CPUs: an idle one it may run on picks, or else a
        preemptive scheduler may name a victim (a scheduler that deferred a preemption
        calls this again when the time has come)."""
        if self._idle and self._wake_idle_cpu(proc):
            return
        if self._preemptive:
            running = [c for c in self.cpus if c.proc is not None]
            victim = self._scheduler.victim(proc, running)
            if victim is not None and victim.proc is not None:
                self.counters.preemptions += 1
                victim.proc.acct.preemptions += 1
                displaced = victim.proc
                self._leave(victim, READY, "preempted", "preempted")
                self._scheduler.admit(displaced, "preempted")

    def _wake_idle_cpu(self, proc: Process) -> bool:
        """Have an idle CPU that ``proc`` may run on dispatch now; False if there is none."""
        allowed = proc.affinity
        for cpu in self._idle:
            # an idle CPU already dispatching was claimed by an earlier offer this tick
            if not cpu.dispatching and (allowed is None or cpu.index in allowed):
                cpu.dispatching = True
                self._push(self.now, self._dispatch, cpu)
                return True
        return False

    def block(self, proc: Process, reason: str, result: int | None = None) -> None:
        """Block ``proc`` (it leaves its CPU); ``result`` is the register wake() fills."""
        proc.blocked_on = reason
        proc.context.result = result
        if proc.state is RUNNING:
            assert proc.cpu is not None
            self._leave(proc.cpu, BLOCKED, reason, "blocked")
        else:
            if proc.state is READY:
                self._scheduler.remove(proc)
            self._enter(proc, BLOCKED, reason)

    def wake(self, proc: Process, reason: str, value: int | None = None) -> None:
        """End a block: write ``value`` into the waiting register, then make it ready."""
        if proc.state is not BLOCKED:
            return
        ctx = proc.context
        if value is not None and ctx.result is not None:
            ctx.registers[ctx.result] = value
        ctx.result = None
        self._drop_wakeup(proc)
        proc.blocked_on = ""
        self.ready(proc, reason)

    def sleep(self, proc: Process, ticks: int, reason: str = "sleep") -> None:
        """Block ``proc`` for ``ticks``; a timer wakes it unless something else does first."""
        self.block(proc, reason)
        proc.wakeup = self.after(ticks, self._sleep_done, proc)

    def _sleep_done(self, proc: Process) -> None:
        proc.wakeup = None
        self.wake(proc, "timer")

    def _drop_wakeup(self, proc: Process) -> None:
        """Whatever ended the wait first: a pending sleep timer must not move the clock."""
        wakeup = proc.wakeup
        if isinstance(wakeup, Timer):
            wakeup.cancel()
        proc.wakeup = None

    def start_io(self, proc: Process, ticks: int, device: str = "disk") -> None:
        """Block ``proc`` on a device request that completes after ``ticks``."""
        counters = self.counters
        if counters.io_inflight == 0:
            counters.io_since = self.now
        counters.io_inflight += 1
        counters.io_requests += 1
        self.block(proc, f"io:{device}")
        token = proc.wakeup = object()
        if self.sinks:
            self.trace("io", proc.pid, device=device, ticks=ticks, phase="start")
        self.after(ticks, self._io_done, (proc, token, device))

    def _io_done(self, arg: tuple[Process, object, str]) -> None:
        proc, token, device = arg
        counters = self.counters
        counters.io_inflight -= 1
        if counters.io_inflight == 0:
            counters.io_busy += self.now - counters.io_since
        if self.sinks:
            self.trace("io", proc.pid, device=device, phase="done")
        if proc.wakeup is token:
            self.wake(proc, f"io:{device} done")

    def _close_io(self) -> None:
        counters = self.counters
        if counters.io_inflight:
            counters.io_busy += self.now - counters.io_since
            counters.io_since = self.now

    def set_state(self, proc: Process, state: State, reason: str) -> None:
        """Move ``proc`` into a platform state (stopped ...): it leaves its CPU or queue."""
        if proc.state is RUNNING:
            assert proc.cpu is not None
            self._leave(proc.cpu, state, reason, "blocked")
            return
        if proc.state is READY:
            self._scheduler.remove(proc)
        self._enter(proc, state, reason)

    def interrupt(self, proc: Process, action: Callable[[Process], None]) -> None:
        """Run ``action(proc)`` at the process's next instruction boundary.

        A running process is cut short (its current burst keeps what is left)
        so the action happens now; a ready one gets it when next dispatched;
        a blocked one when it wakes (the platform decides whether to wake it).
        """
        proc.pending = (*proc.pending, action)
        cpu = proc.cpu
        if cpu is not None and cpu.stepping and self.current is not proc:
            self._cut(cpu)
            cpu.gen += 1
            cpu.stepping = True
            cpu.burst_from = self.now
            self._push(self.now, self._step, (cpu, cpu.gen))

    def divert(self, proc: Process, pc: int,
               on_return: Callable[[Process], None] | None = None) -> None:
        """Run a handler at ``pc``; its ``ret`` resumes the interrupted code where it was,
        then calls ``on_return(proc)``."""
        ctx = proc.context
        ctx.frames.append(Frame(ctx.pc, ctx.sp, ctx.burst_left, list(ctx.registers), on_return))
        ctx.pc = pc
        ctx.burst_left = 0

    def exit(self, proc: Process, status: ExitStatus) -> None:
        """End ``proc`` for one of the four reasons; the platform decides what remains.

        The process leaves its CPU or queue, its memory and resource slots are
        released, and ``osmodel_process_exit`` names the state it stays in (a
        zombie, say).  If no platform claims the record, it is released now.
        """
        if proc.exit is not None:
            return
        if proc.state is RUNNING:
            assert proc.cpu is not None
            self._leave(proc.cpu, None, status.kind, "exit")
        elif proc.state is READY:
            self._scheduler.remove(proc)
        self._drop_wakeup(proc)
        proc.pending = ()
        proc.acct.ended = self.now
        proc.exit = status
        self.counters.ended += 1
        if self.sinks:
            self.trace("exit", proc.pid, end=status.kind, code=status.code,
                       signal=status.signal, reason=status.reason)
        proc.release_memory()
        remains = None if self._exit_quiet else (
            self._on_exit or self.resolve("osmodel_process_exit"))(kernel=self, process=proc)
        self._enter(proc, remains if remains is not None else TERMINATED, f"exit: {status.kind}")
        counters, acct = self.counters, proc.acct
        counters.turnaround += self.now - acct.created
        counters.wait += acct.ready
        if acct.first_run is not None:
            counters.response += acct.first_run - acct.created
            counters.responded += 1
        announce = self._ended
        if announce is not None:
            announce(kernel=self, process=proc)
        if remains is None:
            self.release(proc)

    def release(self, proc: Process) -> None:
        """Drop the record of an ended process: its pid is free again."""
        if self.processes.pop(proc.pid, None) is None:
            return
        if proc.state is not TERMINATED:
            self._enter(proc, TERMINATED, "released")
        history = self.history
        if history is not None:
            if len(history) < self.history_kept:
                history.append(proc)
                proc.retire(keep_context=any(cpu.last is proc for cpu in self.cpus))
            else:
                self.counters.unlisted += 1
        if self.sinks:
            self.trace("release", proc.pid)
        announce = self._released
        if announce is not None:
            announce(kernel=self, process=proc)

    def fault(self, proc: Process, kind: str, **detail: Any) -> None:
        """A hardware fault in ``proc`` (``divide_by_zero``, ``bad_address``,
        ``illegal_instruction``, ``out_of_memory``): the platform turns it into a
        signal or an exception; unhandled, the process dies of it.
        """
        if self.sinks:
            self.trace("fault", proc.pid, fault=kind, pc=proc.context.pc - 1, **detail)
        handled = first(self.pm, "osmodel_fault", kernel=self, process=proc, fault=kind,
                        detail=detail)
        if not handled and proc.exit is None:
            self.exit(proc, ExitStatus("fatal", None, reason=kind))

    # --------------------------------------------------------------- the CPUs

    def _dispatch(self, cpu: CPU) -> None:
        if self._take(cpu):
            self._run(cpu)

    def _take(self, cpu: CPU) -> bool:
        """The dispatch event's work: ``cpu`` picks its next process; True when that one
        runs now (`_run` is the caller's to start)."""
        cpu.dispatching = False
        if cpu.proc is not None:
            return False
        proc = self._scheduler.pick(cpu)
        if proc is None:
            if cpu not in self._idle:
                self._idle.append(cpu)
                self._idle.sort(key=lambda c: c.index)
            return False
        if cpu in self._idle:
            self._idle.remove(cpu)
        return self._start(cpu, proc)

    def _chain(self, cpu: CPU) -> bool:
        """The process on ``cpu`` has just left it (ended, blocked): when the dispatch it
        asked for is the next event due, take it here instead of through the heap (it
        would come next anyway); True when the CPU has a process to run now."""
        heap = self._heap
        if not heap:
            return False
        entry = heap[0]
        if entry[3] is not cpu or entry[2] != self._dispatch:
            return False
        heapq.heappop(heap)
        return self._take(cpu)

    def _start(self, cpu: CPU, proc: Process) -> bool:
        """Put ``proc`` on ``cpu``; True when it runs now (no switch cost to pay first)."""
        now = self.now
        acct = proc.acct
        acct.ready += now - acct.since
        acct.since = now
        old = proc.state
        proc.state = RUNNING
        proc.cpu = cpu
        cpu.proc = proc
        acct.switches_in += 1
        cost = 0
        last = cpu.last
        if last is not proc:
            self.counters.switches += 1
            cpu.switches += 1
            if last is not None:
                cost = self.machine.switch_cost
            if self.sinks:
                self._trace_switch(cpu, last, proc, cost)
            if last is not None and last.context is not RETIRED_CONTEXT and last.exit is not None \
                    and self.history is not None and self.processes.get(last.pid) is not last:
                last.context = RETIRED_CONTEXT  # released: this CPU was the last to show it
        if self.sinks:
            self.trace("state", proc.pid, cpu.index, old=old.name, new="running",
                       reason="dispatched")
        cpu.last = proc
        ticks = self._scheduler.slice(proc, cpu)
        begin = now + cost
        if ticks is None:
            cpu.slice_end = INF
        elif ticks > 0:
            cpu.slice_end = begin + ticks
        else:  # a slice of nothing would expire at once, forever, with the clock standing still
            raise ConfigError(f"scheduler {self.machine.scheduler!r} gave pid {proc.pid} a "
                              f"slice of {ticks!r} ticks at time {now}; a slice is at least "
                              f"1 tick (None: until the process blocks or ends)")
        cpu.run_start = begin
        if acct.first_run is None:
            acct.first_run = begin
        if cost:
            cpu.switching += cost
            if self.runs is not None:
                self.runs.switch(cpu.index, proc.pid, now, begin)
            cpu.gen += 1
            cpu.stepping = False
            self._push(begin, self._begin, (cpu, cpu.gen))
            return False
        return True

    def _begin(self, arg: tuple[CPU, int]) -> None:
        cpu, gen = arg
        if cpu.gen == gen and cpu.proc is not None:
            self._run(cpu)

    def _trace_switch(self, cpu: CPU, old: Process | None, new: Process, cost: int) -> None:
        saved = None
        if old is not None:
            # an ended process's space and resources were released: empty, not made again
            ended = old.exit is not None
            segments = [] if ended and old._space is None else old.space.segments
            resources = [] if ended and old._resources is None else list(old.resources)
            saved = {
                **old.context.snapshot(),
                "memory": [f"{s.name}:{s.start:#x}+{s.npages}{' shared' if s.shared else ''}"
                           for s in segments],
                "resources": [f"{n}:{_describe(slot.obj)}" for n, slot in resources],
                "accounting": old.acct.as_dict(),
                "scheduling": {"priority": old.priority, "level": old.level,
                               "tickets": old.tickets, "vruntime": old.vruntime},
            }
        self.trace("switch", new.pid, cpu.index, old=old.pid if old else None, cost=cost,
                   saved=saved, loaded={"pc": new.context.pc, "sp": new.context.sp})

    def _cut(self, cpu: CPU) -> None:
        """The process on ``cpu`` stops mid-burst: keep what is left of the burst."""
        if cpu.stepping:
            proc = cpu.proc
            assert proc is not None
            done = self.now - cpu.burst_from
            if done > 0:
                proc.context.burst_left -= done
                cpu.burst_from = self.now
            cpu.stepping = False

    def _leave(self, cpu: CPU, state: State | None, reason: str, why: str,
               redispatch: bool = True) -> None:
        """Take the process off ``cpu`` into ``state`` and let the CPU pick another."""
        proc = cpu.proc
        assert proc is not None
        self._cut(cpu)
        now = self.now
        ran = now - cpu.run_start
        if ran > 0:
            proc.acct.cpu += ran
            cpu.busy += ran
            if self.runs is not None:
                self.runs.ran(cpu.index, proc.pid, cpu.run_start, now)
        else:
            ran = 0
        self._scheduler.ran(proc, ran, why)
        cpu.gen += 1
        cpu.proc = None
        proc.cpu = None
        if state is not None:
            self._enter(proc, state, reason)
        if redispatch and not cpu.dispatching:
            cpu.dispatching = True
            self._push(now, self._dispatch, cpu)

    def _step(self, arg: tuple[CPU, int]) -> None:
        cpu, gen = arg
        if cpu.gen != gen:
            return
        proc = cpu.proc
        assert proc is not None
        now = self.now
        proc.context.burst_left -= now - cpu.burst_from
        cpu.burst_from = now
        cpu.stepping = False
        self._run(cpu)

    def _expire(self, cpu: CPU) -> bool:
        """The quantum is used up: back to the ready queue, and the CPU picks again;
        True when the CPU has a process to run now.

        The hottest path of a time-sliced run, so `_leave`, `_enter` and
        `_dispatch` are written out here (no burst is in flight at this point).
        """
        proc = cpu.proc
        assert proc is not None
        now = self.now
        acct = proc.acct
        ran = now - cpu.run_start
        if ran > 0:
            acct.cpu += ran
            cpu.busy += ran
            if self.runs is not None:
                self.runs.ran(cpu.index, proc.pid, cpu.run_start, now)
        else:
            ran = 0
        scheduler = self._scheduler
        scheduler.ran(proc, ran, "expired")
        cpu.gen += 1
        cpu.proc = proc.cpu = None
        proc.state = READY
        acct.since = now
        if self.sinks:
            self.trace("state", proc.pid, cpu.index, old="running", new="ready",
                       reason="quantum expired")
        scheduler.admit(proc, "quantum expired")
        following = scheduler.pick(cpu)
        if following is not proc and self._idle and proc.state is READY:
            self._wake_idle_cpu(proc)  # a CPU left idle (affinity, per-CPU queues) may take it
        if following is None:
            self._dispatch(cpu)
            return False
        if self._cycler is not None and self.fast_forward and not self.sinks:
            if following is proc:
                self._renew(cpu, proc)
            elif len(self.cpus) == 1:
                forwarded = self._forward(cpu, following)
                if forwarded is not None:
                    return forwarded
        return self._start(cpu, following)

    # ----------------------------------------------------------- fast-forward

    def _renew(self, cpu: CPU, proc: Process) -> None:
        """``proc`` is alone and will be given quantum after quantum: grant at once all the
        quanta that end before anything else is due and before its burst does."""
        cycler = self._cycler
        plan = cycler.cycle(cpu, proc) if cycler is not None else None
        if plan is None or cycler is None:
            return
        quantum = plan[1]
        ctx = proc.context
        now = self.now
        bound = self._bound()
        count = min((ctx.burst_left - 1) // quantum, (bound - 1 - now) // quantum)
        if count < 1 or proc.pending:
            return
        ticks = count * quantum
        acct = proc.acct
        acct.cpu += ticks
        acct.switches_in += count
        acct.since = now + ticks
        ctx.burst_left -= ticks
        cpu.busy += ticks
        if self.runs is not None:
            self.runs.ran(cpu.index, proc.pid, now, now + ticks)
        self.now = now + ticks
        cycler.forwarded(proc, count)

    def _bound(self) -> int:
        """The time before which the CPU loop may run on without an event coming first."""
        heap = self._heap
        bound = heap[0][0] if heap else INF
        return int(min(bound, self._horizon, 1 << 62))

    def _forward(self, cpu: CPU, first: Process) -> bool | None:
        """Run a round-robin cycle in whole stretches instead of slice by slice.

        Called when ``first`` has just been picked after another process's
        quantum expired, on a one-CPU machine with no trace sinks.  The
        scheduler's ``cycle`` names the round (``first``, then the ready
        queue) and the quantum; as long as nothing arrives and no member's
        burst ends, the turns repeat, so the kernel counts them instead of
        taking them: each member's accounting is brought up to date once, at
        the end, from how many turns it had.  A member whose burst ends in a
        turn and whose next instruction is the exit call ends inside the
        forward, through the ordinary `exit`; one with anything else next
        ends the forward before its turn.  The slices come out exactly as
        step by step (a property test compares the two); the log keeps them
        as one `Phase`.  Returns None when there was nothing to forward (the
        caller starts ``first``), else what `_expire` returns.
        """
        if self._cooldown:
            self._cooldown -= 1
            return None
        cycler = self._cycler
        assert cycler is not None
        plan = cycler.cycle(cpu, first)
        if plan is None:
            self._cooldown = 64
            return None
        members, quantum = plan
        n = len(members)
        cost = self.machine.switch_cost
        period = quantum + cost
        start = self.now
        bound = self._bound()
        if n < 2 or start + n * period >= bound:
            self._cooldown = n
            return None
        exit_handler = self._exit_handler
        if exit_handler is None:
            spec = self.ops.get(self.linker.exit_op)
            exit_handler = self._exit_handler = spec.handler if spec is not None else False
        events: list[tuple[int, int, bool]] = []
        for position, proc in enumerate(members):
            ctx = proc.context
            left = ctx.burst_left
            if left <= 0 or proc.pending or proc.state is not READY:
                self._cooldown = n
                return None
            ends = proc.image.code[ctx.pc][0] is exit_handler
            events.append(((left - 1) // quantum, position, not ends))
        heapq.heapify(events)
        if events[0][0] == 0 and events[0][1] == 0 and events[0][2]:
            self._cooldown = n
            return None

        heap = self._heap
        counters = self.counters
        scheduler = cycler
        alive = Alive(n)
        phase = Phase(cpu.index, start, tuple(p.pid for p in members), quantum, cost)
        runs, self.runs = self.runs, None  # the phase records its turns itself
        if runs is not None:
            runs.phase(phase)
        #: (round, position) -> ticks of each exit turn, for the backward walk at the end
        exits: dict[tuple[int, int], int] = {}
        rnd = rank = 0  # the next turn: round, and how many alive positions precede it
        time = start
        dispatch_pending = False
        running: Process | None = None
        turns = 0

        def advance(count: int) -> None:
            nonlocal rnd, rank, time, turns
            total = rank + count
            rnd += total // alive.count
            rank = total % alive.count
            time += count * period
            turns += count
            counters.switches += count
            cpu.switches += count
            cpu.busy += count * quantum
            cpu.switching += count * cost

        try:
            while True:
                when, position, stops = events[0]
                before = (when - rnd) * alive.count + alive.below(position) - rank
                fit = (bound - 1 - time) // period
                proc = members[position]
                ran = proc.context.burst_left - when * quantum
                if stops or fit < before or time + before * period + cost + ran >= bound:
                    advance(min(fit, before))
                    break
                advance(before)
                heapq.heappop(events)
                # the member's last turn: it runs what is left of its burst, then exits
                acct = proc.acct
                acct.cpu += when * quantum
                acct.switches_in += when + 1
                acct.ready += time - acct.since - when * period
                acct.since = time
                scheduler.forwarded(proc, when)
                proc.state = RUNNING
                proc.cpu = cpu
                cpu.proc = cpu.last = proc
                cpu.run_start = time + cost
                cpu.slice_end = time + period
                counters.switches += 1
                cpu.switches += 1
                cpu.switching += cost
                turns += 1
                ctx = proc.context
                ctx.burst_left = 0
                time += cost + ran
                self.now = time
                exits[(rnd, position)] = ran
                phase.exits.append((rnd, position, ran))
                alive.remove(position)
                entry = proc.image.code[ctx.pc]
                ctx.pc += 1
                self.counters.instructions += 1
                self._instructions_left -= 1
                queued, readied = len(heap), self._readied
                self.current = proc
                entry[0](self, proc, entry[1], entry[2])
                self.current = None
                if proc.cpu is cpu:  # an exit call that did not end it: it runs on
                    running = proc
                    break
                if (len(heap) != queued + 1 or self._readied != readied
                        or heap[0][2] != self._dispatch or heap[0][3] is not cpu):
                    dispatch_pending = True  # something else happened: events take over
                    break
                heapq.heappop(heap)  # the dispatch the exit asked for: done here instead
                cpu.dispatching = False
                if alive.count < 2:
                    break
        finally:
            self.runs = runs
            self.current = None
            self.now = time
            phase.end = time
            phase.end_round, phase.end_position = self._cursor(alive, rnd, rank)
            self._settle_members(members, alive, phase, exits, time)
        if turns < n:
            self._cooldown = n
        if running is not None:
            return True
        if dispatch_pending:
            return False
        following = scheduler.pick(cpu)
        if following is None:
            self._dispatch(cpu)
            return False
        return self._start(cpu, following)

    @staticmethod
    def _cursor(alive: Alive, rnd: int, rank: int) -> tuple[int, int]:
        """(round, position) of the next turn."""
        if rank >= alive.count:
            return rnd + 1, 0
        return rnd, alive.kth(rank)

    def _settle_members(self, members: list[Process], alive: Alive, phase: Phase,
                        exits: dict[tuple[int, int], int], now: int) -> None:
        """Bring the members still in the cycle up to date and give them back to the
        scheduler in the order they would run next."""
        rnd, position = phase.end_round, phase.end_position
        quantum, cost = phase.quantum, phase.cost
        period = quantum + cost
        flags = alive.flags
        n = len(members)
        order = [i for i in range(position, n) if flags[i]] + \
                [i for i in range(position) if flags[i]]
        # when each one's last turn ended: walk back through the last round's turns
        since: dict[int, int] = {}
        time = now
        latest: Process | None = None  # who had the CPU last
        slots = [(rnd, i) for i in range(position - 1, -1, -1)] + \
                [(rnd - 1, i) for i in range(n - 1, position - 1, -1)]
        for slot_round, i in slots:
            if slot_round < 0:
                break
            if flags[i]:
                since[i] = time
                time -= period
            else:
                ran = exits.get((slot_round, i))
                if ran is None:
                    continue
                time -= cost + ran
            if latest is None:
                latest = members[i]
        if latest is not None and self.cpus[phase.cpu].proc is None:
            self.cpus[phase.cpu].last = latest
        scheduler = self._cycler
        assert scheduler is not None
        for i in order:
            proc = members[i]
            turns = rnd + (1 if i < position else 0)
            if not turns:
                continue
            acct = proc.acct
            acct.cpu += turns * quantum
            acct.switches_in += turns
            acct.ready += since[i] - acct.since - turns * period
            acct.since = since[i]
            proc.context.burst_left -= turns * quantum
            scheduler.forwarded(proc, turns)
        scheduler.requeue([members[i] for i in order], members)

    def _run(self, cpu: CPU) -> None:
        """Execute the process on ``cpu`` until another event must come first.

        A slice that ends before any other event is due ends here, and the
        next process starts in the same loop: a time-sliced CPU-bound run
        costs no heap event per slice.
        """
        heap = self._heap
        budget = self._instructions_left
        executed = 0
        try:
            while True:  # one round per process this CPU runs without an event
                proc = cpu.proc
                assert proc is not None
                ctx = proc.context
                limit = cpu.slice_end
                now = self.now
                self.current = proc
                while True:
                    if proc.pending:
                        actions, proc.pending = proc.pending, ()
                        for action in actions:
                            action(proc)
                            if proc.cpu is not cpu:
                                return
                    left = ctx.burst_left
                    if not left:
                        code = proc.image.code
                        pc = ctx.pc
                        entry = code[pc]
                        # the rest of an instruction under way (an I/O's start after its
                        # issue) is not cut off by the end of the slice, nor is an I/O
                        # whose issue costs no tick: it is made at the instant the slice
                        # ends, and the process blocks instead of waiting ready with it
                        if now >= limit and not entry[4] and not (
                                pc and code[pc - 1][3] == entry[3]) and (
                                entry[0] is not self._free_issue):
                            break
                        ctx.pc += 1
                        executed += 1
                        left = entry[0](self, proc, entry[1], entry[2])
                        if executed >= budget:
                            self._out_of_instructions(left)
                        if proc.cpu is not cpu:
                            if self._chain(cpu):
                                break  # the next process runs in this same loop
                            return
                        if not left:
                            continue
                        ctx.burst_left = left
                    elif now >= limit:
                        break
                    end = now + left
                    bound = heap[0][0] if heap else INF
                    if bound > self._horizon:
                        bound = self._horizon
                    if end < bound and end < limit:
                        now = self.now = end
                        ctx.burst_left = 0
                        continue
                    if limit < bound:  # the slice ends first, and nothing else happens till then
                        stop = int(limit)
                        ctx.burst_left = end - stop
                        now = self.now = stop
                        continue
                    if end == bound and end <= limit and bound < self._horizon:
                        code = proc.image.code
                        pc = ctx.pc
                        if pc and code[pc][3] == code[pc - 1][3]:
                            # the burst ends as another event is due and the rest of its
                            # instruction follows (an I/O issued in this tick starts now):
                            # that happens first, so nothing can come between the two
                            now = self.now = end
                            ctx.burst_left = 0
                            continue
                    cpu.burst_from = now
                    cpu.stepping = True
                    cpu.gen += 1
                    self._push(end if end < limit else limit, self._step, (cpu, cpu.gen))
                    return
                if proc.cpu is cpu and not self._expire(cpu):
                    return
        except BaseException:
            self.failed_in = self.current  # so an error report can name the process
            raise
        finally:
            self.current = None
            self._instructions_left -= executed
            self.counters.instructions += executed

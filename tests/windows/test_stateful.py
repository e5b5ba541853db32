"""Random CreateProcess / DuplicateHandle / CloseHandle / Wait / TerminateProcess /
ExitProcess sequences keep the invariants of issue 4.

Driven through the platform's own system-call handlers (called for a chosen
process, with integer operands and r14/r15 as result registers) on a booted
kernel, with the kernel running between steps so that programs wait, wake
and end on their own.  Invariants: a handle is valid only in its owner's
table; an object exists exactly while it is live or a handle to it (or to its
thread) is open; no address-space frame is shared between processes except
through a mapping object; exit codes are never truncated.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from osmodel.kernel.asm import parse
from osmodel.kernel.boot import boot
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.process import Process
from osmodel.platforms.windows import boot as win_boot
from osmodel.platforms.windows import lifetime, syscalls
from osmodel.platforms.windows.constants import (
    CREATE_SUSPENDED,
    DUPLICATE_CLOSE_SOURCE,
    DUPLICATE_SAME_ACCESS,
    HANDLE_FLAG_INHERIT,
    INFINITE,
    PROCESS_DUP_HANDLE,
    PROCESS_QUERY_LIMITED_INFORMATION,
    PROCESS_TERMINATE,
    SYNCHRONIZE,
    dword,
)
from osmodel.platforms.windows.objects import ProcessObject, ThreadObject
from osmodel.platforms.windows.proc import WinProc

FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"
PROGRAMS = {
    "idle": "data x = 0\n store x, 1\n" + FOREVER,
    "spin": "data x = 0\nloop: store x, r0\n cpu 3\n jmp loop",
    "exiter": "data x = 0\n store x, 2\n sleep 4\n ExitProcess r0",
    "waiter": "data x = 0\n WaitForSingleObject r0, r1 -> r2\n GetExitCodeProcess r0 -> r3\n"
              " store x, r3\n" + FOREVER,
}
RIGHTS = [SYNCHRONIZE, PROCESS_TERMINATE, PROCESS_DUP_HANDLE,
          SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, 0x1FFFFF, 0]
CODES = st.one_of(st.integers(-(2**40), 2**40), st.sampled_from([0, -1, 300, 259, 2**32]))
PICK = st.integers(0, 1000)


def new_kernel(cpus: int) -> Kernel:
    pm = make_plugin_manager(autoload=False)
    machine = Machine(cpus=cpus, scheduler_options={"quantum": 3},
                      limits=Limits(processes=40, user_processes=30, time=None))
    programs = {name: parse(text, name) for name, text in PROGRAMS.items()}
    return boot(machine, "windows", pm, programs=programs)


def data(proc: Process) -> WinProc:
    assert isinstance(proc.platform, WinProc)
    return proc.platform


class WindowsMachine(RuleBasedStateMachine):
    """The model: every process made, and the exit code each should end with."""

    cpus = 1

    @initialize()
    def start(self) -> None:
        self.k = new_kernel(self.cpus)
        root = win_boot.user_command(self.k, "idle", False, [])
        assert root is not None
        self.made: list[Process] = [root]
        self.codes: dict[int, int] = {}
        self.k.run(until=self.k.now + 5)

    # --- helpers ------------------------------------------------------------------

    def live(self) -> list[Process]:
        return [p for p in self.made if p.exit is None]

    def pick(self, n: int) -> Process | None:
        live = self.live()
        return live[n % len(live)] if live else None

    def values(self, proc: Process) -> list[int]:
        return [-1, *sorted(proc.resources.slots), 4000]

    def call(self, handler: syscalls.Handler, proc: Process, *args: int | str) -> int:
        handler(self.k, proc, tuple(args), (15,))
        return proc.context.registers[15]

    def adopt(self) -> None:
        """Note processes the last step created."""
        known = {id(p) for p in self.made}
        for proc in self.k.processes.values():
            if id(proc) not in known and proc.cause != "boot":
                self.made.append(proc)
                if proc.program.name == "exiter":
                    self.codes.setdefault(id(proc), dword(proc.context.registers[0]))

    def end(self, proc: Process, code: int) -> None:
        if proc.exit is None:
            self.codes[id(proc)] = dword(code)

    # --- rules --------------------------------------------------------------------

    @rule(n=PICK, program=st.sampled_from(sorted(PROGRAMS)), inherit=st.booleans(),
          suspended=st.booleans(), arg=CODES, timeout=st.sampled_from([0, 3, INFINITE]))
    def create(self, n: int, program: str, inherit: bool, suspended: bool, arg: int,
               timeout: int) -> None:
        creator = self.pick(n)
        if creator is None:
            return
        if program == "waiter":
            inheritable = [v for v, s in creator.resources if s.inheritable]
            arg = inheritable[arg % len(inheritable)] if inherit and inheritable else -1
        before = set(creator.resources.slots)
        flags = CREATE_SUSPENDED if suspended else 0
        syscalls.sys_create_process(self.k, creator, (program, int(inherit), flags, arg, timeout),
                                    (14, 15))
        hprocess, hthread = creator.context.registers[14], creator.context.registers[15]
        event("CreateProcess " + ("succeeded" if hprocess else "failed"))
        if hprocess:
            assert {hprocess, hthread} == set(creator.resources.slots) - before
            child = creator.resources.slots[hprocess].obj.proc
            assert creator.resources.slots[hthread].obj.proc is child
            assert child.creator == creator.pid
            if suspended:
                assert self.call(syscalls.sys_resume_thread, creator, hthread) == 1
        else:
            assert set(creator.resources.slots) == before
        self.adopt()

    @rule(n=PICK, src=PICK, value=PICK, dst=PICK, rights=st.sampled_from(RIGHTS),
          same=st.booleans(), close_source=st.booleans())
    def duplicate(self, n: int, src: int, value: int, dst: int, rights: int, same: bool,
                  close_source: bool) -> None:
        caller = self.pick(n)
        if caller is None:
            return
        choices = self.values(caller)
        src_h, dst_h = choices[src % len(choices)], choices[dst % len(choices)]
        options = (DUPLICATE_SAME_ACCESS if same else 0) | (
            DUPLICATE_CLOSE_SOURCE if close_source else 0)
        tables = {id(p): dict(p.resources.slots) for p in self.k.processes.values()}
        try:
            target_obj = caller.resources.slots[dst_h].obj if dst_h != -1 else data(caller).obj
            source_obj = caller.resources.slots[src_h].obj if src_h != -1 else data(caller).obj
        except KeyError:
            target_obj = source_obj = None
        source = getattr(source_obj, "proc", None)
        target = getattr(target_obj, "proc", None)
        values = self.values(source) if isinstance(source, Process) else [4]
        value_h = values[value % len(values)]
        new = self.call(syscalls.sys_duplicate_handle, caller, src_h, value_h, dst_h, rights,
                        options)
        event("DuplicateHandle " + ("succeeded" if new else "failed"))
        if new:
            assert isinstance(target, Process) and isinstance(source, Process)
            obj = target.resources.slots[new].obj
            expected = (data(source).obj if value_h == -1
                        else tables[id(source)][value_h].obj)
            assert obj is expected
            # the value means nothing new anywhere else: other tables are as they were,
            # except the source's when the source handle was closed
            for proc in self.k.processes.values():
                if proc is target:
                    continue
                now = dict(proc.resources.slots)
                was = tables.get(id(proc), {})
                if proc is source and close_source:
                    was = {v: s for v, s in was.items() if v != value_h}
                assert {v: s.obj for v, s in now.items()} == {v: s.obj for v, s in was.items()}

    @rule(n=PICK, value=PICK)
    def close(self, n: int, value: int) -> None:
        holder = self.pick(n)
        if holder is None:
            return
        choices = self.values(holder)
        self.call(syscalls.sys_close_handle, holder, choices[value % len(choices)])

    @rule(n=PICK, value=PICK, code=CODES)
    def terminate(self, n: int, value: int, code: int) -> None:
        caller = self.pick(n)
        if caller is None:
            return
        choices = self.values(caller)
        h = choices[value % len(choices)]
        slot = caller.resources.slots.get(h)
        target = caller if h == -1 else getattr(slot.obj, "proc", None) if slot else None
        was_live = isinstance(target, Process) and target.exit is None
        ok = self.call(syscalls.sys_terminate_process, caller, h, code)
        ended_itself = target is caller and caller.exit is not None  # it gets no result
        if was_live and (ok or ended_itself):
            assert isinstance(target, Process)
            self.codes[id(target)] = dword(code)
            assert target.exit is not None and target.exit.code == dword(code)

    @rule(n=PICK, code=CODES)
    def exit_process(self, n: int, code: int) -> None:
        proc = self.pick(n)
        if proc is None or proc is self.made[0]:
            return
        self.end(proc, code)
        lifetime.exit_process(self.k, proc, code)

    @rule(n=PICK, value=PICK)
    def inheritable(self, n: int, value: int) -> None:
        holder = self.pick(n)
        if holder is None:
            return
        choices = self.values(holder)
        h = choices[value % len(choices)]
        flag = self.call(syscalls.sys_get_handle_information, holder, h)
        self.call(syscalls.sys_set_handle_information, holder, h, HANDLE_FLAG_INHERIT,
                  flag ^ HANDLE_FLAG_INHERIT)

    @rule(ticks=st.integers(1, 30))
    def run(self, ticks: int) -> None:
        self.k.run(until=self.k.now + ticks)
        self.adopt()

    # --- invariants ---------------------------------------------------------------

    @invariant()
    def handles_belong_to_their_owner(self) -> None:
        tables = [id(p.resources) for p in self.k.processes.values()]
        assert len(tables) == len(set(tables))  # no table is shared
        for proc in self.k.processes.values():
            if proc.exit is not None:
                assert not proc.resources.slots  # an ended process has no handles
            assert all(v % 4 == 0 and v > 0 for v in proc.resources.slots)

    @invariant()
    def objects_exist_exactly_while_live_or_held(self) -> None:
        held: Counter[int] = Counter()
        for proc in self.k.processes.values():
            for _, slot in proc.resources:
                if isinstance(slot.obj, ProcessObject | ThreadObject):
                    held[id(slot.obj)] += 1
                    assert self.k.processes.get(slot.obj.proc.pid) is slot.obj.proc
        for proc in self.made:
            d = data(proc)
            assert d.obj.refs == held[id(d.obj)] and d.thread.refs == held[id(d.thread)]
            exists = self.k.processes.get(proc.pid) is proc
            assert exists == (proc.exit is None or d.obj.refs + d.thread.refs > 0)
            if exists and proc.exit is not None:
                event("an ended process kept by a handle")
        pids = list(self.k.processes)
        assert all(pid % 4 == 0 for pid in pids)

    @invariant()
    def private_frames_are_never_shared(self) -> None:
        seen: defaultdict[int, set[int]] = defaultdict(set)
        anonymous: dict[int, bool] = {}
        for proc in self.k.live():
            for segment, index, frame in proc.space.frames():
                seen[id(frame)].add(proc.pid)
                obj = segment.obj
                while obj is not None and index not in obj.pages:
                    obj = obj.backing
                anonymous[id(frame)] = obj is not None and obj.anonymous
        assert not [f for f, pids in seen.items() if len(pids) > 1 and anonymous[f]]

    @invariant()
    def exit_codes_are_never_truncated(self) -> None:
        for proc in self.made:
            if proc.exit is None:
                assert lifetime.exit_code(proc) == 259
                continue
            assert proc.exit.code == lifetime.exit_code(proc)
            if id(proc) in self.codes:
                assert proc.exit.code == self.codes[id(proc)]


class TwoCpuMachine(WindowsMachine):
    """The same on two CPUs: processes run while others call into the platform."""

    cpus = 2


SETTINGS = settings(max_examples=150, stateful_step_count=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
WindowsMachine.TestCase.settings = SETTINGS
TwoCpuMachine.TestCase.settings = SETTINGS
TestWindows = WindowsMachine.TestCase
TestWindowsTwoCpus = TwoCpuMachine.TestCase

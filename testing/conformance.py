"""A conformance suite any platform plugin runs against itself.

A plugin's test module subclasses `PlatformConformance` (pytest collects the
subclass by its ``Test`` name) and gives its platform's name, its plugin
modules and, where its syntax differs, the four program snippets::

    from osmodel.testing import PlatformConformance
    import osmodel_mine

    class TestMineConforms(PlatformConformance):
        platform = "mine"
        plugins = (osmodel_mine,)
        crash = "poke 0, 1"          # the platform's way to fault

The suite runs one scenario: a user command ``parent`` that creates ``child``
by a system call, a batch job ``crash`` that faults, and a user command
``victim`` that an operator kills.  It checks the process table's invariants
at every tick, that each cause of creation and each way to end appears, that
every state change is one the textbook's diagram allows between the
platform's declared states, and that two fresh interpreters print the same
bytes for the run.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import ClassVar

from osmodel.kernel.process import CAUSES, EXIT_KINDS, Process
from osmodel.kernel.simulation import Simulation
from osmodel.kernel.states import CORE_STATES, RUNNING, TERMINATED, State

from .cli import run_in_subprocess
from .runs import run_scenario

#: The textbook's diagram, by textbook name: where a process may go from each state.
#: ``terminated -> terminated`` is a zombie being reaped; nothing leaves the core's
#: final ``terminated`` state (checked by name).
LEGAL_MOVES: dict[str, frozenset[str]] = {
    "new": frozenset({"ready", "suspended", "terminated"}),
    "ready": frozenset({"running", "suspended", "terminated"}),
    "running": frozenset({"ready", "blocked", "suspended", "terminated"}),
    "blocked": frozenset({"ready", "suspended", "terminated"}),
    "suspended": frozenset({"ready", "blocked", "terminated"}),
    "terminated": frozenset({"terminated"}),
}

#: The way each program of the scenario ends.
ENDINGS = {"parent": "normal", "child": "error", "crash": "fatal", "victim": "killed"}


class PlatformConformance:
    """The checks; subclass it as ``Test...`` with the platform's settings."""

    #: The platform's name, as ``--platform`` takes it.
    platform: ClassVar[str] = ""
    #: Plugin modules to register (and pass as ``-p`` to the command line).
    plugins: ClassVar[tuple[ModuleType, ...]] = ()
    #: Extra import paths the ``-p`` modules need in a fresh interpreter.
    pythonpath: ClassVar[tuple[str, ...]] = ()
    #: The causes of creation the platform has (a platform without process
    #: creation by system call leaves out ``syscall``; one without a boot, ``boot``).
    causes: ClassVar[tuple[str, ...]] = CAUSES
    #: Creates ``child`` by a system call, waits for it, ends normally.  Without
    #: ``syscall`` in ``causes``, ``child`` is a batch job and this just ends normally.
    parent: ClassVar[str] = "spawn child -> r1\nwait r1 -> r2\nexit 0"
    #: Ends with an error status.
    child: ClassVar[str] = "exit 3"
    #: Ends by a fatal fault.
    crash: ClassVar[str] = "load [0] -> r1"
    #: Runs until an operator kills it at ``kill_at``.
    victim: ClassVar[str] = "sleep 1000"
    kill_at: ClassVar[int] = 40
    #: TOML tables added to the scenario (a ``[machine]`` table, say).
    extra: ClassVar[str] = ""

    _finished: ClassVar[Simulation | None] = None

    # --- the scenario -------------------------------------------------------------------

    @classmethod
    def scenario(cls) -> str:
        """The scenario's TOML text."""
        programs = {"parent": cls.parent, "child": cls.child, "crash": cls.crash,
                    "victim": cls.victim}
        text = [f'[scenario]\ntitle = "conformance of {cls.platform}"\n', cls.extra]
        for name, code in programs.items():
            text.append(f"[programs.{name}]\ncode = '''\n{code}\n'''\n")
        timeline = [(0, "user", "parent"), (1, "batch", "crash"), (2, "user", "victim")]
        if "syscall" not in cls.causes:
            timeline.append((3, "batch", "child"))
        for at, kind, program in timeline:
            text.append(f'[[timeline]]\nat = {at}\n{kind} = "{program}"\n')
        text.append(f'[[timeline]]\nat = {cls.kill_at}\nkill = "victim"\n')
        return "\n".join(text)

    @classmethod
    def start(cls, until: int | None = None) -> Simulation:
        assert cls.platform, f"{cls.__name__} names no platform"
        return run_scenario(cls.scenario(), platform=cls.platform, plugins=cls.plugins,
                            until=until)

    @classmethod
    def finished(cls) -> Simulation:
        """The run to its end (once per class: the checks only read it)."""
        if cls.__dict__.get("_finished") is None:
            cls._finished = cls.start()
        assert cls._finished is not None
        return cls._finished

    @classmethod
    def declared_states(cls) -> dict[str, State]:
        platform = type(cls.finished().kernel.platform)
        return {state.name: state for state in (*CORE_STATES, *platform.states)}

    def ours(self) -> list[Process]:
        """The scenario's processes (not the ones the platform booted)."""
        return [p for p in self.finished().processes() if p.name in ENDINGS]

    # --- the checks ---------------------------------------------------------------------

    def test_every_cause_of_creation_appears(self) -> None:
        assert set(self.causes) <= set(CAUSES), f"unknown causes in {self.causes}"
        seen = {p.cause for p in self.finished().processes()}
        assert seen == set(self.causes), f"causes seen {sorted(seen)}, declared {self.causes}"
        by_name = {p.name: p.cause for p in self.ours()}
        expected = {"parent": "user", "crash": "batch", "victim": "user",
                    "child": "syscall" if "syscall" in self.causes else "batch"}
        assert by_name == expected, f"created as {by_name}, expected {expected}"

    def test_every_way_to_end_appears(self) -> None:
        assert set(ENDINGS.values()) == set(EXIT_KINDS)
        ours = self.ours()
        assert sorted(p.name for p in ours) == sorted(ENDINGS), [p.name for p in ours]
        ended = {p.name: p.exit.kind if p.exit else None for p in ours}
        assert ended == ENDINGS, f"ended as {ended}, expected {ENDINGS}"

    def test_the_process_table_keeps_its_invariants_at_every_tick(self) -> None:
        end = self.finished().kernel.now
        sim = self.start(until=0)
        checked = 0
        for now in range(end + 1):
            sim.run(now)
            for problem in self.table_problems(sim):
                raise AssertionError(f"at time {now}: {problem}")
            checked += 1
        assert checked > self.kill_at, f"the run ended at {end}, before the kill at {self.kill_at}"

    def table_problems(self, sim: Simulation) -> Iterator[str]:
        """What is wrong with the process table now, if anything."""
        states = self.declared_states()
        on_cpu = Counter(id(cpu.proc) for cpu in sim.kernel.cpus if cpu.proc is not None)
        live = [p for p in sim.processes() if p.exit is None]
        pids = Counter(p.pid for p in live)
        for pid, count in pids.items():
            if count > 1:
                yield f"{count} live processes have pid {pid}"
        for proc in live:
            if states.get(proc.state.name) is not proc.state:
                yield f"{proc.name} ({proc.pid}) is in undeclared state {proc.state}"
            elif proc.state is TERMINATED:
                yield f"{proc.name} ({proc.pid}) is terminated but has no exit status"
            running = proc.state is RUNNING
            if on_cpu[id(proc)] != running or (proc.cpu is not None) != running:
                yield (f"{proc.name} ({proc.pid}) is {proc.state} on {on_cpu[id(proc)]} "
                       f"CPUs (its cpu field: {proc.cpu})")
            if running and proc.cpu is not None and proc.cpu.proc is not proc:
                yield f"{proc.name} ({proc.pid}) says it runs on a CPU that runs another"
        for proc in sim.processes():
            if proc.exit is not None and (proc.cpu is not None or on_cpu[id(proc)]):
                yield f"{proc.name} ({proc.pid}) ended but holds a CPU"
            if proc.exit is not None and proc.state.textbook != "terminated":
                yield f"{proc.name} ({proc.pid}) ended but is {proc.state}"

    def test_state_changes_follow_the_textbook_diagram(self) -> None:
        states = self.declared_states()
        current: dict[int, str] = {}
        changes = self.finished().recorder.of_kind("state")
        assert changes, "the run traced no state change"
        for event in changes:
            old, new, pid = event.info["old"], event.info["new"], event.pid
            where = f"at {event.time}, pid {pid}: {old} -> {new}"
            assert old in states and new in states, f"{where}: a state the platform lacks"
            assert pid is not None, f"{where}: no pid"
            if old != "new":
                assert current.get(pid) == old, f"{where}: it was {current.get(pid)}"
            assert old != new and old != TERMINATED.name, f"{where}: not a change"
            moves = LEGAL_MOVES[states[old].textbook]
            assert states[new].textbook in moves, f"{where}: not a move the diagram has"
            current[pid] = new

    def test_two_interpreters_print_the_same_bytes(self, tmp_path: Path) -> None:
        path = tmp_path / "conformance.toml"
        path.write_text(self.scenario(), encoding="utf-8")
        args = [*(a for m in self.plugins for a in ("-p", m.__name__)),
                "--platform", self.platform, "run", str(path), "--format", "json"]
        first = run_in_subprocess(args, hash_seed="1", pythonpath=self.pythonpath)
        second = run_in_subprocess(args, hash_seed="2", pythonpath=self.pythonpath)
        assert first.code == 0 and first.stdout, f"osmodel {' '.join(args)}: {first.stderr}"
        assert first == second, "two interpreters printed different bytes:\n" + "\n".join(
            difflib.unified_diff(first.stdout.splitlines(), second.stdout.splitlines(),
                                 "PYTHONHASHSEED=1", "PYTHONHASHSEED=2", lineterm=""))

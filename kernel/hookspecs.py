"""The hook contract: every hook a plugin of osmodel may implement.

Hooks come in six groups: set-up, creation, termination, scheduling,
hierarchy and reporting.  Each docstring names every parameter and says what
the return value means; hooks marked *first result* stop at the first
implementation that returns something other than None, and the built-in
implementations of those are ``trylast`` so that a third-party plugin wins.
Each answer is checked against its docstring where osmodel collects it
(``EXPECTED`` in kernel/hookcalls.py), and a wrong one names its plugin.

Plugins implement hooks with ``osmodel.kernel.hookimpl``.  A platform's
implementations are methods of its `Platform` instance, taking part only in
runs on that platform: the base class implements the hooks every platform
answers by calling plain methods (`Platform.boot`, `Platform.user_command`
...), so a platform overrides those, or writes an ``osmodel_...`` method of
its own that replaces the base's.  What the trace events these hooks cause
carry is documented in kernel/events.py (`CORE_EVENTS`, `Platform.events`).

No hook is called per instruction or per tick: decision objects (the
scheduler, the syscall table, trace sinks) are obtained once at boot and
called directly.

Compatibility: adding a hook, or an argument to a hook, is compatible
(pluggy passes each implementation only the arguments it names).  Removing or
renaming either is announced in docs/changelog.md; ``HOOK_CONTRACT_VERSION``
changes with it and tests/test_hookspecs.py lists every signature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import typer

    from .events import TraceSink
    from .kernel import Kernel
    from .link import OpSpec
    from .platform import Platform
    from .process import Process
    from .scheduler import SchedulerFactory
    from .states import State

PROJECT = "osmodel"
HOOK_CONTRACT_VERSION = 2

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --------------------------------------------------------------------------- set-up


@hookspec(historic=True)
def osmodel_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications of a plugin's own, for plugins that extend plugins.

    :param pluginmanager: the run's plugin manager; call ``add_hookspecs`` on it.
    :return: nothing.
    """


@hookspec
def osmodel_platforms() -> Mapping[str, type[Platform]]:
    """Offer platforms.

    A platform may be named by where it lives, ``"package.module:Class"``,
    so that registering the plugin imports nothing of it: osmodel imports
    the class when a run uses that platform (or a command asks for every
    class), and checks it then.

    :return: a mapping from the name users pass to ``--platform`` to a
        `Platform` subclass or such a reference to one.  Two plugins
        offering one name is an error that names both.
    """
    raise NotImplementedError


@hookspec
def osmodel_schedulers() -> Mapping[str, SchedulerFactory]:
    """Offer scheduling policies.

    A factory may be named by where it lives, ``"package.module:Class"``,
    imported when a run uses that policy.

    :return: a mapping from the name a scenario or ``--scheduler`` uses to a
        factory ``factory(kernel, options) -> Scheduler`` (see
        kernel/scheduler.py) or such a reference to one.  Called once per
        run; the scheduler it makes is then called directly.
    """
    raise NotImplementedError


@hookspec
def osmodel_syscalls(kernel: Kernel, platform: str) -> Mapping[str, OpSpec] | None:
    """Add instructions or system calls to a run, beyond the core's and the platform's.

    :param kernel: the kernel being booted.
    :param platform: the name of the platform the run uses, so a plugin can
        add calls to one platform only.
    :return: a mapping from instruction name to `OpSpec`, or None.  Read once
        at boot; handlers are then called directly.
    """


@hookspec
def osmodel_trace_sinks(kernel: Kernel) -> Sequence[TraceSink] | None:
    """Attach trace sinks to a run.

    :param kernel: the kernel being booted.
    :return: sinks whose ``emit(event)`` receives every event in order and
        whose ``close()`` is called when the run ends, or None.
    """


@hookspec
def osmodel_commands(app: typer.Typer) -> None:
    """Add commands to the ``osmodel`` command line.

    A command added with ``app.lazy_command(NAME, "package.module:function")``
    is imported only when it runs or a listing of the commands (``--help``,
    shell completion) needs it; ``app.command()`` adds one at once.

    :param app: the typer application, with one method more than typer's:
        declare commands on it with ``app.lazy_command()``, or register them
        with ``app.command()``.
    :return: nothing.
    """


@hookspec
def osmodel_configure(kernel: Kernel) -> None:
    """The kernel is built (platform, scheduler, ops, sinks) but nothing runs yet.

    :param kernel: the kernel; plugins may read ``kernel.machine`` and set up
        state of their own.
    :return: nothing.
    """


@hookspec
def osmodel_boot(kernel: Kernel) -> None:
    """System initialisation: create what runs before any user asks for anything.

    The platform creates its first processes here (init and daemons, or the
    Windows session processes), with cause ``boot``.

    :param kernel: the kernel, at time 0.
    :return: nothing.
    """


@hookspec
def osmodel_finish(kernel: Kernel) -> None:
    """The run ended (no events left, or a time bound reached).

    :param kernel: the kernel, in its final state.
    :return: nothing.
    """


# ------------------------------------------------------------------------- creation


@hookspec(firstresult=True)
def osmodel_user_command(
    kernel: Kernel, program: str, background: bool, args: Sequence[int]
) -> Process | None:
    """A user asks the shell to run a program (interactive creation, cause ``user``).

    *First result.*

    :param kernel: the kernel, at the time of the request.
    :param program: the name of the program to run.
    :param background: True for a background job (``&``), False for the foreground.
    :param args: integer arguments, placed in the new process's r0, r1, ...
    :return: the process created for the command, or None to leave it to another plugin.
    """


@hookspec(firstresult=True)
def osmodel_batch_job(kernel: Kernel, program: str, args: Sequence[int]) -> Process | None:
    """A batch job is submitted (cause ``batch``).

    *First result.*

    :param kernel: the kernel, at the time of submission.
    :param program: the name of the program to run.
    :param args: integer arguments, placed in r0, r1, ...
    :return: the process created for the job, or None to leave it to another plugin.
    """


@hookspec
def osmodel_process_created(kernel: Kernel, process: Process, creator: Process | None) -> None:
    """Announce a new process, after its PCB is filled and before it first runs.

    :param kernel: the kernel.
    :param process: the new process (state ``new``).
    :param creator: the process whose call created it, or None (boot, user, batch).
    :return: nothing.
    """


# ---------------------------------------------------------------------- termination


@hookspec(firstresult=True)
def osmodel_process_exit(kernel: Kernel, process: Process) -> State | None:
    """Decide what remains of a process that has just ended.

    Called after the process has left the CPU and its memory and resource
    slots are released, with ``process.exit`` set.  The platform does its
    hierarchy work here (re-parenting, notifying a parent).  *First result.*

    :param kernel: the kernel.
    :param process: the process that ended.
    :return: the state the process stays in while its record is kept (a
        zombie; or ``terminated`` for an object that open handles keep), in
        which case the platform calls ``kernel.release(process)`` when the
        record goes; or None to release it at once.
    """


@hookspec
def osmodel_process_ended(kernel: Kernel, process: Process) -> None:
    """Announce that a process ended (after ``osmodel_process_exit``).

    :param kernel: the kernel.
    :param process: the process; ``process.exit`` says how it ended.
    :return: nothing.
    """


@hookspec
def osmodel_process_released(kernel: Kernel, process: Process) -> None:
    """Announce that the record of an ended process is gone and its pid is free.

    :param kernel: the kernel.
    :param process: the released process.
    :return: nothing.
    """


@hookspec(firstresult=True)
def osmodel_fault(kernel: Kernel, process: Process, fault: str,
                  detail: Mapping[str, Any]) -> bool | None:
    """A hardware fault: turn it into the platform's signal or exception.

    *First result.*

    :param kernel: the kernel.
    :param process: the running process that faulted; its pc is past the
        faulting instruction.
    :param fault: ``divide_by_zero``, ``bad_address``, ``illegal_instruction``
        or ``out_of_memory``.
    :param detail: more about it (``address``, ``write`` for a bad address).
    :return: True once handled (a handler runs, or the platform ended the
        process its own way); None to let the kernel end the process as a
        fatal error.
    """


@hookspec(firstresult=True)
def osmodel_operator_kill(kernel: Kernel, target: Process, signal: str | None) -> bool | None:
    """An operator (the scenario's timeline) kills a process from outside.

    *First result.*

    :param kernel: the kernel.
    :param target: the process to kill.
    :param signal: the signal or method named in the scenario, or None for the
        platform's forced kill.
    :return: True once done; None to leave it to another plugin.
    """


# ----------------------------------------------------------------------- scheduling

# The scheduler itself is a decision object: see osmodel_schedulers above and
# kernel/scheduler.py for the methods the kernel calls (admit, pick, remove,
# slice, ran, victim).


# ------------------------------------------------------------------------ hierarchy


@hookspec(firstresult=True)
def osmodel_parent(kernel: Kernel, process: Process) -> int | None:
    """Who is the parent of a process.

    *First result.*

    :param kernel: the kernel.
    :param process: the process asked about.
    :return: the parent's pid, or None where the platform has no hierarchy
        (or the process is the root).
    """


@hookspec(firstresult=True)
def osmodel_interrupt(kernel: Kernel, key: str) -> Sequence[int] | bool | None:
    """A key press at the terminal or console (``ctrl-c``, ``ctrl-break``, ``ctrl-z``).

    The platform decides who receives it: the foreground process group, or
    every process attached to the console.  *First result.*

    :param kernel: the kernel.
    :param key: the key, lower case.
    :return: the pids of the processes the key reached, in delivery order
        (those that ignore it left out; empty when it reached nobody), which
        ``osmodel compare`` reads; True (contract 1's answer) still means
        delivered, to processes not said; None if this plugin does not
        handle keys.
    """


@hookspec
def osmodel_process_info(kernel: Kernel, process: Process) -> Mapping[str, Any] | None:
    """Platform fields of a process for reports and JSON (``pgid``, ``sid``, ``handles``).

    :param kernel: the kernel.
    :param process: the process described.
    :return: a JSON-ready mapping merged into the process's entry, or None.
    """


@hookspec(firstresult=True)
def osmodel_structure(kernel: Kernel) -> Sequence[str] | None:
    """Draw how processes are arranged: the UNIX tree, the Windows handle graph.

    *First result.*

    :param kernel: the kernel at the time of the drawing.
    :return: the drawing as lines of text, or None.
    """


# ------------------------------------------------------------------------ reporting


@hookspec
def osmodel_report(kernel: Kernel, report: dict[str, Any]) -> None:
    """Add to the report of a run (the ``--format json`` document).

    :param kernel: the kernel after the run.
    :param report: the report so far; add keys of the plugin's own.
    :return: nothing.
    """

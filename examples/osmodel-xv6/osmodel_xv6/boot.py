"""System initialisation, the shell and batch jobs, as xv6's user/init.c and user/sh.c.

Boot makes init (pid 1, cause ``boot``) as userinit() does, and init forks
and execs the first sh.  A typed command reaches sh: the console hands over
the line and sh forks and execs it (cause ``user``), then waits for it; a
background command (``&``) is forked twice, as sh.c does, so the job is an
orphan that init adopts.  A batch job is forked by init (cause ``batch``),
which reaps it like any orphan.  init and sh are real programs below; every
one of them ends up asleep, never polling, so a run ends when the work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from osmodel.kernel import BLOCKED, ConfigError, OutOfMemory, parse

from . import creation
from .lifecycle import exit_status
from .proc import say, system

if TYPE_CHECKING:
    from osmodel.kernel import Kernel, Process, Program

INIT = """\
; init: pid 1, as xv6's user/init.c.  Boot forked and exec'd the first sh for it
; (r1 holds its pid).  init reaps every child, its own and the orphans given to
; it, and starts a new sh whenever the shell ends.
reap:   wait -> r2, r3               ; sleep until some child exits, and reap it
        jlt r2, 0, start             ; no child at all: start a shell
        jne r2, r1, reap             ; an orphan or a batch job: nothing more to do
start:  print "init: starting sh"
        fork -> r1
        jlt r1, 0, failed
        jnz r1, reap
        exec sh                      ; the child becomes the shell
        exit 1
failed: print "init: fork failed"
        sleep 10                     ; xv6 would exit and panic; the model tries again
        jmp reap
"""

SH = """\
; sh: the main loop of xv6's user/sh.c.  The console hands sh each typed line;
; sh forks and execs the command in the child at that moment, and getcmd gives
; sh the child's pid.  Then sh waits for it, as sh.c's wait(0) does.
prompt: getcmd -> r1                 ; sleep until a command line is typed
        wait -> r2, r3               ; reap the child
        jmp prompt
"""

SOURCES = {"init": INIT, "sh": SH}


def programs() -> dict[str, Program]:
    return {name: parse(text, name, file=f"<xv6 {name}>") for name, text in SOURCES.items()}


def boot(kernel: Kernel) -> None:
    """userinit(): init in slot 0; init forks and execs sh."""
    sysm = system(kernel)
    built = programs()
    kernel.image(built["sh"])  # known before init's `exec sh` is linked
    try:
        init = creation.start(kernel, built["init"], cause="boot")
    except creation.ForkFailed as error:
        raise ConfigError(f"xv6 cannot boot: no room for init ({error})") from None
    sysm.init = init.pid
    say(kernel, init, "init: starting sh")
    kernel.ready(init, "boot")
    shell = _fork_exec(kernel, init, "sh", (), cause="boot")
    if shell is not None:
        init.context.registers[1] = shell.pid  # init's fork returned the shell's pid
    if kernel.sinks:
        kernel.trace("boot", None, init=init.pid, shell=shell.pid if shell else None,
                     nproc=sysm.nproc)


def _fork_exec(kernel: Kernel, parent: Process, program: str, args: Sequence[int], *,
               cause: str) -> Process | None:
    """fork ``parent`` and exec ``program`` in the child; None (said) if fork fails."""
    try:
        child, _ = creation.fork(kernel, parent, cause=cause)
    except creation.ForkFailed:
        say(kernel, parent, f"{parent.name}: fork failed")
        return None
    _exec_in_child(kernel, child, program, args)
    return child


def _exec_in_child(kernel: Kernel, child: Process, program: str, args: Sequence[int]) -> None:
    try:
        creation.exec_image(kernel, child, program, args)
    except OutOfMemory:
        say(kernel, child, f"exec {program} failed")  # sh.c's runcmd, then exit(0)
        kernel.exit(child, exit_status(0))
        return
    kernel.ready(child, "forked")


def _alive(kernel: Kernel, pid: int | None) -> Process | None:
    proc = kernel.processes.get(pid) if pid is not None else None
    return proc if proc is not None and proc.exit is None else None


def user_command(kernel: Kernel, program: str, background: bool,
                 args: Sequence[int]) -> Process:
    """sh runs a typed command: fork, exec in the child, then sh's wait.

    A background command is forked twice (sh.c's BACK case): the first child
    forks the job and exits at once, so sh reaps it and the job, an orphan,
    goes to init.  If fork fails, sh panics as sh.c does: it prints ``fork``
    and exits 1, and init starts a new sh.  With no shell at that moment
    (between one sh and the next), init runs the command.
    """
    sysm = system(kernel)
    sh = _alive(kernel, sysm.shell)
    if sh is None:
        return run_by_init(kernel, program, args, cause="user")
    try:
        child, _ = creation.fork(kernel, sh, cause="user")
    except creation.ForkFailed:
        say(kernel, sh, "fork")
        kernel.exit(sh, exit_status(1))
        return sh
    job = child
    if background:
        try:
            job, _ = creation.fork(kernel, child, cause="user")
        except creation.ForkFailed:
            say(kernel, child, "fork")
            kernel.exit(child, exit_status(1))
        else:
            _exec_in_child(kernel, job, program, args)
            kernel.exit(child, exit_status(0))
    else:
        _exec_in_child(kernel, job, program, args)
    sysm.console.append(child.pid)
    if sh.state is BLOCKED and sh.blocked_on == "getcmd":
        kernel.wake(sh, "command typed")
    return job


def run_by_init(kernel: Kernel, program: str, args: Sequence[int], *, cause: str) -> Process:
    """init forks and execs ``program``; init reaps it when it ends."""
    sysm = system(kernel)
    init = kernel.processes.get(sysm.init) if sysm.init is not None else None
    if init is None or init.exit is not None:
        raise ConfigError("xv6: init is gone, nobody can start a job")
    return _fork_exec(kernel, init, program, args, cause=cause) or init


def batch_job(kernel: Kernel, program: str, args: Sequence[int]) -> Process:
    """A batch job: init forks it (cause ``batch``) and reaps it."""
    return run_by_init(kernel, program, args, cause="batch")

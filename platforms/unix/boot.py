"""System initialisation and the processes that serve the outside world.

Boot makes init (pid 1), two daemons and a login shell, all with cause
``boot``; they are real programs in the assembly language below.  A user's
command is forked by the shell (cause ``user``) into a job of its own; a
batch job is forked by atd (cause ``batch``).  Every one of them ends up
blocked, never polling, so a run ends when the users' work is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from osmodel.kernel.asm import parse
from osmodel.kernel.errors import LimitTooSmall
from osmodel.kernel.states import BLOCKED

from . import creation, groups, syscalls
from .constants import ROOT, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, USER, UnixError
from .proc import UnixProc, system, unix

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.program import Program

INIT = """\
; init: pid 1, the root of the tree.  It reaps every child, its own and adopted ones.
        signal SIGCHLD, child        ; so that a child's end interrupts pause
reap:   waitpid -1, 0 -> r1, r2      ; block until some child ends, then collect it
        jge r1, 0, reap
        pause                        ; ECHILD: no child at all, wait for one
        jmp reap
child:  ret
"""

SYSLOGD = """\
; syslogd: a daemon.  Its own session, no terminal; it sleeps until a signal.
idle:   pause
        jmp idle
"""

ATD = """\
; atd: the batch daemon.  Each submitted job is forked as its child; it reaps them.
        signal SIGCHLD, reap
idle:   pause
        jmp idle
reap:   waitpid -1, WNOHANG -> r1, r2
        jgt r1, 0, reap
        ret
"""

SH = """\
; sh: the login shell, session leader on tty1.  Each command is its child, in a
; process group of its own (a job); a foreground job gets the terminal and sh
; waits for every process of it.  Ended background jobs are collected at the prompt.
prompt: readcmd -> r1                 ; block until a command is typed (r1 = its group)
        jgt r1, 0, job                ; or a background job can be collected (r1 = 0)
        waitpid -1, WNOHANG|WUNTRACED -> r3, r4
        jle r3, 0, prompt
        call report
        jmp prompt
job:    sub 0, r1 -> r7               ; -pgid: any process of the job
fg:     waitpid r7, WUNTRACED -> r3, r4
        jle r3, 0, done               ; ECHILD: every process of the job is collected
        call report
        wifstopped r4 -> r5
        jz r5, fg                     ; a stopped job gives the terminal back at once
done:   tcgetpgrp -> r6
        jne r6, r1, prompt            ; a newer job already has the terminal
        getpgid 0 -> r6
        tcsetpgrp r6                  ; take the terminal back
        jmp prompt
report: wifstopped r4 -> r5
        jnz r5, stopped
        wshell r4 -> r5               ; $?: the exit code, or 128+N for signal N
        print "sh: process", r3, "ended, $? =", r5
        ret
stopped: print "sh: process", r3, "stopped"
        ret
"""

#: name -> source of every built-in program.
SOURCES = {"init": INIT, "syslogd": SYSLOGD, "atd": ATD, "sh": SH}
#: What an interactive shell ignores (and resets to default in its children).
SHELL_IGNORES = frozenset({SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU})


def programs() -> dict[str, Program]:
    return {name: parse(text, name, file=f"<unix {name}>") for name, text in SOURCES.items()}


def _start(kernel: Kernel, program: Program, *, ppid: int | None, uid: int,
           ignored: frozenset[int] = frozenset()) -> Process:
    """A boot process: a fresh image, leading a session of its own (cause boot)."""
    creator = kernel.processes.get(ppid) if ppid is not None else None
    # a scenario program with the same name replaces the built-in one
    chosen: str | Program = program.name if program.name in kernel.programs else program
    data = UnixProc(ppid, 0, 0, uid=uid, ignored=set(ignored))
    proc = kernel.create(chosen, cause="boot", creator=creator, platform=data, start=False)
    data.pgid = data.sid = proc.pid
    creation.register(kernel, proc)
    kernel.ready(proc, "boot")
    return proc


def check_room(kernel: Kernel) -> None:
    """Refuse a process table too small for the boot itself, naming the limit, rather than
    fail half-way through creating the system."""
    limit = kernel.machine.limits.processes
    if limit is not None and limit < len(SOURCES):
        raise LimitTooSmall(
            f"[machine.limits] processes = {limit} is too small for unix: its boot creates "
            f"{len(SOURCES)} processes ({', '.join(SOURCES)}); allow at least {len(SOURCES)}, "
            "plus the scenario's own", "processes")


def boot(kernel: Kernel) -> None:
    """init, then syslogd and atd in sessions of their own, then a login shell on tty1."""
    check_room(kernel)
    sysm = system(kernel)
    built = programs()
    init = _start(kernel, built["init"], ppid=None, uid=ROOT)
    sysm.init = init.pid
    syslogd = _start(kernel, built["syslogd"], ppid=init.pid, uid=ROOT)
    sysm.batchd = _start(kernel, built["atd"], ppid=init.pid, uid=ROOT).pid
    sh = _start(kernel, built["sh"], ppid=init.pid, uid=USER, ignored=SHELL_IGNORES)
    unix(sh).tty = sysm.terminal.name
    sysm.terminal.session = sysm.terminal.foreground = sh.pid
    sysm.shell = sh.pid
    kernel.trace("boot", None, init=init.pid, daemons=[syslogd.pid, sysm.batchd],
                 shell=sh.pid, tty=sysm.terminal.name)


def _alive(kernel: Kernel, pid: int | None) -> Process | None:
    proc = kernel.processes.get(pid) if pid is not None else None
    return proc if proc is not None and proc.exit is None else None


def _fork_job(kernel: Kernel, creator: Process, cause: str) -> Process | None:
    """fork for the shell or atd; on EAGAIN/ENOMEM the creator says so, as bash does."""
    try:
        child = creation.fork(kernel, creator, cause=cause, uid=USER)
    except UnixError as error:
        kernel.console.write(creator.pid, f"{creator.name}: fork: {error.name} ({error.detail})")
        syscalls.trace_error(kernel, creator.pid, "fork", error)
        return None
    cu = unix(child)
    cu.ignored.clear()  # the shell restores default signals and mask in the child
    cu.mask.clear()
    return child


def user_command(kernel: Kernel, program: str, background: bool,
                 args: Sequence[int]) -> Process:
    """The shell runs a command: fork, a job's group, exec; a foreground job gets the
    terminal and the shell waits for it.  A foreground command typed while another
    foreground job runs joins that job, like the next stage of a pipeline."""
    sysm = system(kernel)
    term = sysm.terminal
    sh = _alive(kernel, sysm.shell)
    creator = sh if sh is not None else kernel.processes[sysm.init]
    child = _fork_job(kernel, creator, "user")
    if child is None:
        return creator
    running: int | None = None
    if sh is not None and not background:
        fg = term.foreground
        if fg is not None and fg != unix(sh).pgid and groups.live_members(kernel, fg):
            running = fg
    if sh is None:
        groups.setsid(kernel, child)  # no login shell left: a detached job
    else:
        groups.move(kernel, child, running or child.pid, creator.pid)
    creation.exec_or_127(kernel, child, program, args)
    if sh is not None and not background and running is None:
        groups.give_terminal(kernel, child.pid, sh.pid)
        term.commands.append(child.pid)
        su = unix(sh)
        if sh.state is BLOCKED and su.call is not None and su.call.name == "readcmd":
            su.call = None
            kernel.wake(sh, "command typed")
    return child


def batch_job(kernel: Kernel, program: str, args: Sequence[int]) -> Process:
    """atd forks the job (cause batch) into a group of its own, without a terminal."""
    sysm = system(kernel)
    atd = _alive(kernel, sysm.batchd) or kernel.processes[sysm.init]
    child = _fork_job(kernel, atd, "batch")
    if child is None:
        return atd
    groups.move(kernel, child, child.pid, atd.pid)
    creation.exec_or_127(kernel, child, program, args)
    return child

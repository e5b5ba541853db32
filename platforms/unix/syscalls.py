"""The UNIX system calls as instructions: thin handlers over the modules that hold the rules.

Each handler runs at the current time and returns its cost in ticks (0 when
the caller blocked or ended).  A failing call returns -1 in its first result
register and sets errno (read with the core ``errno`` instruction).  A call
that blocks rewinds its pc, so the wake-up runs it again: that is how waitpid
finds the zombie that woke it, and how a call restarts after a handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from osmodel.kernel.files import ResourceError
from osmodel.kernel.isa import put, val
from osmodel.kernel.link import Args, Choice, Handler, Label, OpSpec, Res
from osmodel.kernel.memory import MemoryObject
from osmodel.kernel.process import ExitStatus

from . import creation, groups, signals, tree, waiting
from .constants import (
    EBADF,
    EINVAL,
    ENOMEM,
    ESRCH,
    MAX_MAP_COUNT,
    ORPHAN_RULES,
    SIG_DFL,
    SIG_IGN,
    SIGKILL,
    SIGNAL_NUMBERS,
    SIGNALS,
    UNCATCHABLE,
    WCONTINUED,
    WNOHANG,
    WUNTRACED,
    UnixError,
    signal_name,
)
from .proc import BlockedCall, system, unix

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

#: What a signal, a handler and waitpid's options may be written as (checked at load time:
#: ``kill pid, WNOHANG`` would send SIGHUP, ``signal SIGINT, 5`` fail with EINVAL).
SIGNAL = Choice("a signal", frozenset(SIGNAL_NUMBERS),
                expected="a signal name such as SIGTERM, a number or a register")
HANDLER = Choice("a handler", frozenset({"SIG_IGN", "SIG_DFL"}), exact=True,
                 expected="a label, SIG_IGN or SIG_DFL")
WAIT_OPTIONS = Choice("a waitpid option", frozenset({"WNOHANG", "WUNTRACED", "WCONTINUED"}))


def trace_error(kernel: Kernel, pid: int, call: str, error: UnixError) -> None:
    kernel.trace("error", pid, call=call, errno=error.name, detail=error.detail)


def fail(kernel: Kernel, proc: Process, res: Res, error: UnixError, call: str) -> int:
    """-1 in the first result register, errno set, and an ``error`` event in the trace."""
    proc.context.error = error.errno
    put(proc, res, -1)
    trace_error(kernel, proc.pid, call, error)
    return 1


def syscall(name: str) -> Callable[[Handler], Handler]:
    """Turn UnixError raised by a handler into the -1/errno convention."""

    def wrap(fn: Handler) -> Handler:
        def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
            try:
                return fn(k, p, a, r)
            except UnixError as error:
                return fail(k, p, r, error, name)

        handler.__name__ = fn.__name__
        handler.__doc__ = fn.__doc__
        return handler

    return wrap


def block_call(k: Kernel, p: Process, name: str, r: Res, *, restart: bool,
               pid: int = 0, options: int = 0) -> int:
    """Block in ``name``; waking runs the instruction again (see BlockedCall).

    Every call that may block starts by clearing ``call`` (``begin``), so a
    record left by a stop never outlives the call's next run.
    """
    p.context.pc -= 1
    unix(p).call = BlockedCall(name, tuple(r), restart, pid, options)
    k.block(p, name if not pid else f"{name}({pid})")
    return 0


def begin(p: Process) -> None:
    unix(p).call = None


def _signal(value: int) -> int:
    if value not in SIGNALS:
        raise UnixError(EINVAL, f"no signal {value}")
    return value


def _values(p: Process, args: Args) -> list[int]:
    return [val(p, x) for x in args]


# --- processes -------------------------------------------------------------------------


@syscall("fork")
def sys_fork(k: Kernel, p: Process, a: Args, r: Res) -> int:
    child = creation.fork(k, p)
    if r:
        child.context.registers[r[0]] = 0
    k.ready(child, "forked")
    put(p, r, child.pid)
    return 1


@syscall("spawn")
def sys_spawn(k: Kernel, p: Process, a: Args, r: Res) -> int:
    child = creation.spawn(k, p, a[0], _values(p, a[1:]))
    put(p, r, child.pid)
    return 1


@syscall("exec")
def sys_exec(k: Kernel, p: Process, a: Args, r: Res) -> int:
    creation.exec_image(k, p, str(a[0]), _values(p, a[1:]))
    return 1


def sys_exit(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        waiting.check_leaf_exit(k, p)
    except UnixError as error:  # the leaf-only departure: the caller goes on
        return fail(k, p, r, error, "exit")
    code = val(p, a[0]) if a else 0
    low = code & 0xFF  # only the low 8 bits reach the parent
    k.exit(p, ExitStatus("normal" if low == 0 else "error", low,
                         reason="exit" if low == code else f"exit({code})"))
    return 0


@syscall("wait")
def sys_wait(k: Kernel, p: Process, a: Args, r: Res) -> int:
    begin(p)
    pid = val(p, a[0])
    got = waiting.wait_now(k, p, pid, 0)
    if got is None:
        return block_call(k, p, "wait", r, restart=True, pid=pid)
    put(p, r, waiting.shell_status(got[1]))
    return 1


@syscall("waitpid")
def sys_waitpid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    begin(p)
    pid = val(p, a[0])
    options = val(p, a[1]) if len(a) > 1 else 0
    if options & ~(WNOHANG | WUNTRACED | WCONTINUED):
        raise UnixError(EINVAL, f"unknown waitpid options {options:#x}")
    got = waiting.wait_now(k, p, pid, options)
    if got is None:
        if options & WNOHANG:
            got = (0, 0)
        else:
            return block_call(k, p, "waitpid", r, restart=True, pid=pid, options=options)
    put(p, r, got[0])
    if len(r) > 1:
        p.context.registers[r[1]] = got[1]
    return 1


@syscall("kill")
def sys_kill(k: Kernel, p: Process, a: Args, r: Res) -> int:
    sig = val(p, a[1]) if len(a) > 1 else SIGKILL
    groups.kill(k, p, val(p, a[0]), sig)
    put(p, r, 0)
    return 1


def sys_getppid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, unix(p).ppid or 0)
    return 1


def sys_getuid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, unix(p).uid)
    return 1


def _process(k: Kernel, p: Process, a: Args) -> Process:
    pid = val(p, a[0]) if a else 0
    target = p if pid == 0 else k.processes.get(pid)
    if target is None:
        raise UnixError(ESRCH, f"no process {pid}")
    return target


@syscall("getpgid")
def sys_getpgid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, unix(_process(k, p, a)).pgid)
    return 1


@syscall("getsid")
def sys_getsid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, unix(_process(k, p, a)).sid)
    return 1


@syscall("setpgid")
def sys_setpgid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    groups.setpgid(k, p, val(p, a[0]), val(p, a[1]))
    put(p, r, 0)
    return 1


@syscall("setsid")
def sys_setsid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, groups.setsid(k, p))
    return 1


@syscall("tcsetpgrp")
def sys_tcsetpgrp(k: Kernel, p: Process, a: Args, r: Res) -> int:
    groups.tcsetpgrp(k, p, val(p, a[0]))
    put(p, r, 0)
    return 1


@syscall("tcgetpgrp")
def sys_tcgetpgrp(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, groups.tcgetpgrp(k, p))
    return 1


def sys_subreaper(k: Kernel, p: Process, a: Args, r: Res) -> int:
    unix(p).subreaper = bool(val(p, a[0]))
    put(p, r, 0)
    return 1


@syscall("prctl_orphans")
def sys_orphans(k: Kernel, p: Process, a: Args, r: Res) -> int:
    rule = val(p, a[0])
    if rule not in ORPHAN_RULES:
        raise UnixError(EINVAL, f"no orphan rule {rule} (ORPHANS_UNIX, ORPHANS_TO_ROOT, "
                        "ORPHANS_TO_PARENT)")
    unix(p).orphans = rule
    put(p, r, 0)
    return 1


def sys_leaf_exit(k: Kernel, p: Process, a: Args, r: Res) -> int:
    unix(p).leaf_exit = bool(val(p, a[0]))
    put(p, r, 0)
    return 1


def sys_pstree(k: Kernel, p: Process, a: Args, r: Res) -> int:
    k.console.write_lines(p.pid, tree.render_tree(k))
    return 1


def sys_readcmd(k: Kernel, p: Process, a: Args, r: Res) -> int:
    begin(p)
    commands = system(k).terminal.commands
    if commands:
        put(p, r, commands.popleft())
        return 1
    if waiting.collectable(k, p):
        put(p, r, 0)
        return 1
    return block_call(k, p, "readcmd", r, restart=True)


# --- signals ---------------------------------------------------------------------------


def _disposition(k: Kernel, p: Process, sig: int, action: str) -> None:
    k.trace("disposition", p.pid, sig=signal_name(sig), action=action)


@syscall("signal")
def sys_signal(k: Kernel, p: Process, a: Args, r: Res) -> int:
    if not isinstance(a[1], Label):  # signal SIG, SIG_IGN / SIG_DFL
        if a[1] == SIG_IGN:
            return sys_sigignore(k, p, a[:1], r)
        if a[1] == SIG_DFL:
            return sys_sigdefault(k, p, a[:1], r)
        raise UnixError(EINVAL, f"{a[1]} is neither a handler, SIG_IGN nor SIG_DFL")
    sig = _signal(val(p, a[0]))
    if sig in UNCATCHABLE:
        raise UnixError(EINVAL, f"{signal_name(sig)} cannot be caught")
    u = unix(p)
    u.caught[sig] = a[1].pc
    u.ignored.discard(sig)
    _disposition(k, p, sig, f"handler at pc {a[1].pc}")
    put(p, r, 0)
    return 1


@syscall("sigignore")
def sys_sigignore(k: Kernel, p: Process, a: Args, r: Res) -> int:
    sig = _signal(val(p, a[0]))
    if sig in UNCATCHABLE:
        raise UnixError(EINVAL, f"{signal_name(sig)} cannot be ignored")
    u = unix(p)
    u.caught.pop(sig, None)
    u.ignored.add(sig)
    u.pending.discard(sig)  # setting SIG_IGN discards a pending instance
    _disposition(k, p, sig, "ignore")
    put(p, r, 0)
    return 1


@syscall("sigdefault")
def sys_sigdefault(k: Kernel, p: Process, a: Args, r: Res) -> int:
    sig = _signal(val(p, a[0]))
    u = unix(p)
    u.caught.pop(sig, None)
    u.ignored.discard(sig)
    if signals.action_of(u, sig) in ("ign", "cont"):
        u.pending.discard(sig)
    _disposition(k, p, sig, "default")
    put(p, r, 0)
    return 1


@syscall("sigblock")
def sys_sigblock(k: Kernel, p: Process, a: Args, r: Res) -> int:
    sig = _signal(val(p, a[0]))
    if sig not in UNCATCHABLE:  # silently refused, as sigprocmask does
        unix(p).mask.add(sig)
    put(p, r, 0)
    return 1


@syscall("sigunblock")
def sys_sigunblock(k: Kernel, p: Process, a: Args, r: Res) -> int:
    sig = _signal(val(p, a[0]))
    unix(p).mask.discard(sig)
    signals.schedule(k, p)  # a pending one is delivered as the call returns
    put(p, r, 0)
    return 1


def sys_sigpending(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, sum(1 << (s - 1) for s in unix(p).pending))
    return 1


def sys_pause(k: Kernel, p: Process, a: Args, r: Res) -> int:
    begin(p)
    return block_call(k, p, "pause", r, restart=False)


def sys_alarm(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, signals.alarm(k, p, val(p, a[0])))
    return 1


# --- memory and descriptors ------------------------------------------------------------


def _mmap(shared: bool) -> Handler:
    @syscall("mmap_shared" if shared else "mmap_private")
    def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
        pages = val(p, a[0])
        if pages <= 0:
            raise UnixError(EINVAL, "a mapping needs at least one page")
        if len(p.space.segments) >= MAX_MAP_COUNT:
            raise UnixError(ENOMEM, f"{MAX_MAP_COUNT} mappings already (vm.max_map_count)")
        start = p.space.free_region(pages)
        if shared:
            obj = MemoryObject(k.pool, name=f"shm:{p.pid}@{start:#x}")
            p.space.map_shared("shared", start, pages, obj)
        else:
            p.space.map_private("anon", start, pages)
        put(p, r, start * k.pool.page_words)
        return 1

    return handler


def _slot_error(error: ResourceError) -> UnixError:
    return UnixError(EBADF, str(error))


@syscall("dup")
def sys_dup(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        slot = p.resources.get(val(p, a[0]))
    except ResourceError as error:
        raise _slot_error(error) from None
    put(p, r, p.resources.add(slot.obj, rights=slot.rights))
    return 1


@syscall("dup2")
def sys_dup2(k: Kernel, p: Process, a: Args, r: Res) -> int:
    old, new = val(p, a[0]), val(p, a[1])
    try:
        slot = p.resources.get(old)
    except ResourceError as error:
        raise _slot_error(error) from None
    if new < 0:
        raise UnixError(EBADF, f"bad descriptor {new}")
    if new != old:
        p.resources.add(slot.obj, rights=slot.rights, number=new)
    put(p, r, new)
    return 1


@syscall("cloexec")
def sys_cloexec(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        p.resources.get(val(p, a[0])).close_on_exec = True
    except ResourceError as error:
        raise _slot_error(error) from None
    put(p, r, 0)
    return 1


# --- status macros ---------------------------------------------------------------------


def _macro(name: str, fn: Callable[[int], bool | int], doc: str) -> OpSpec:
    def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
        put(p, r, int(fn(val(p, a[0]))))
        return 1

    handler.__name__ = f"op_{name}"
    return OpSpec(name, "v", 1, handler, doc, group="unix wait", min_results=1)


MACROS = (
    _macro("wifexited", waiting.wifexited, "1 if the status says the child exited."),
    _macro("wexitstatus", waiting.wexitstatus, "The exit code (low 8 bits) in the status."),
    _macro("wifsignaled", waiting.wifsignaled, "1 if a signal ended the child."),
    _macro("wtermsig", waiting.wtermsig, "The signal that ended the child."),
    _macro("wcoredump", waiting.wcoredump, "1 if the ending signal's action was Core."),
    _macro("wifstopped", waiting.wifstopped, "1 if the status reports a stop."),
    _macro("wstopsig", waiting.wstopsig, "The signal that stopped the child."),
    _macro("wifcontinued", waiting.wifcontinued, "1 if the status reports a SIGCONT."),
    _macro("wshell", waiting.shell_status, "What a shell shows as $?: the code, or 128+N."),
)


def table() -> dict[str, OpSpec]:
    """Every unix instruction, read once at boot."""
    P, S, W, G, M, F = ("unix process", "unix signals", "unix wait", "unix groups",
                        "unix memory", "unix files")
    specs = [
        OpSpec("spawn", "p,v?,v?,v?", 1, sys_spawn, "Portable: fork, then exec PROG in the "
               "child (args in its r0..); the child's pid, or -1 (EAGAIN, ENOMEM).", group=P),
        OpSpec("wait", "v", 1, sys_wait, "Portable: waitpid(pid, 0) and the status as a shell "
               "shows it (the code, or 128+N for signal N); -1 with ECHILD.", group=W),
        OpSpec("kill", "v,v?", 1, sys_kill, "kill(pid, SIG): SIGKILL when SIG is left out; "
               "pid > 0 one process, 0 my group, -1 all I may signal, < -1 group -pid. "
               "0, or -1 with EINVAL, ESRCH, EPERM.", group=S, choices=(None, SIGNAL)),
        OpSpec("exit", "v?", 0, sys_exit, "End the caller; the parent sees the low 8 bits.",
               group=P),
        OpSpec("fork", "", 1, sys_fork, "Copy the caller (copy-on-write): the child's pid in "
               "the parent, 0 in the child, -1 with EAGAIN or ENOMEM.", group=P),
        OpSpec("exec", "p,v?,v?,v?", 1, sys_exec, "Replace the caller's image with PROG "
               "(args in r0..); same pid; returns only on failure.", group=P),
        OpSpec("execve", "s,v?,v?,v?", 1, sys_exec, 'exec a program named at run time '
               '("name"); -1 with ENOENT if there is none.', group=P),
        OpSpec("waitpid", "v,v?", 2, sys_waitpid, "waitpid(pid, options) -> pid, raw status: "
               "pid > 0, -1 any child, 0 my group, < -1 group -pid; WNOHANG (0 while "
               "running), WUNTRACED, WCONTINUED; -1 with ECHILD or EINVAL.", group=W,
               choices=(None, WAIT_OPTIONS)),
        OpSpec("getppid", "", 1, sys_getppid, "The parent's pid (0 for init).", group=P,
               min_results=1),
        OpSpec("getuid", "", 1, sys_getuid, "The caller's user id (0 is root).", group=P,
               min_results=1),
        OpSpec("getpgid", "v?", 1, sys_getpgid, "The process group of pid (0: the caller); "
               "ESRCH.", group=G, min_results=1),
        OpSpec("getsid", "v?", 1, sys_getsid, "The session of pid (0: the caller); ESRCH.",
               group=G, min_results=1),
        OpSpec("setpgid", "v,v", 1, sys_setpgid, "setpgid(pid, pgid), 0 meaning the caller / "
               "the pid; EACCES after the child's exec, EPERM across sessions or for a "
               "session leader, ESRCH.", group=G),
        OpSpec("setsid", "", 1, sys_setsid, "A new session and group led by the caller, with no "
               "terminal; EPERM for a group leader.", group=G),
        OpSpec("tcsetpgrp", "v", 1, sys_tcsetpgrp, "Give the terminal's foreground to a group "
               "of the caller's session; ENOTTY, EPERM.", group=G),
        OpSpec("tcgetpgrp", "", 1, sys_tcgetpgrp, "The terminal's foreground group; ENOTTY.",
               group=G, min_results=1),
        OpSpec("prctl_subreaper", "v", 1, sys_subreaper, "PR_SET_CHILD_SUBREAPER: orphaned "
               "descendants come to the caller instead of init (not inherited).", group=P),
        OpSpec("prctl_orphans", "v", 1, sys_orphans, "A departure from UNIX: where the "
               "caller's children go when it exits: ORPHANS_UNIX (0, the nearest subreaper "
               "or init), ORPHANS_TO_ROOT (every descendant, flattened, to that reaper) or "
               "ORPHANS_TO_PARENT (to the caller's parent); inherited by fork. EINVAL.",
               group=P),
        OpSpec("prctl_leaf_exit", "v", 1, sys_leaf_exit, "A departure from UNIX: with 1, "
               "exit fails with -1/EBUSY while the caller has a living child (and it goes "
               "on); 0 is UNIX. Inherited by fork.", group=P),
        OpSpec("pstree", "", 0, sys_pstree, "Print the process tree now, as ps -ejH would "
               "(pid, ppid, pgid, sid, tty, state).", group=P),
        OpSpec("readcmd", "", 1, sys_readcmd, "Used by the login shell: block until the user "
               "types a foreground command (its process group) or a child can be collected "
               "with waitpid(-1, WNOHANG|WUNTRACED) (0).", group=G, min_results=1),
        OpSpec("signal", "v,h", 1, sys_signal, "Catch SIG with the handler at LABEL (its ret "
               "resumes the program), or set SIG_IGN / SIG_DFL; EINVAL for SIGKILL and SIGSTOP.",
               group=S, choices=(SIGNAL, HANDLER)),
        OpSpec("sigignore", "v", 1, sys_sigignore, "Set SIG to SIG_IGN; EINVAL for SIGKILL and "
               "SIGSTOP.", group=S, choices=(SIGNAL,)),
        OpSpec("sigdefault", "v", 1, sys_sigdefault, "Set SIG back to SIG_DFL.", group=S,
               choices=(SIGNAL,)),
        OpSpec("sigblock", "v", 1, sys_sigblock, "Add SIG to the mask: it stays pending "
               "(SIGKILL and SIGSTOP cannot be blocked).", group=S, choices=(SIGNAL,)),
        OpSpec("sigunblock", "v", 1, sys_sigunblock, "Remove SIG from the mask; a pending one "
               "is delivered now.", group=S, choices=(SIGNAL,)),
        OpSpec("sigpending", "", 1, sys_sigpending, "The pending set (bit N-1 for signal N).",
               group=S, min_results=1),
        OpSpec("pause", "", 1, sys_pause, "Block until a signal is caught (-1, EINTR) or ends "
               "the process.", group=S),
        OpSpec("alarm", "v", 1, sys_alarm, "SIGALRM after N ticks (0 cancels); the ticks left "
               "of the previous alarm. Not inherited by fork; kept by exec.", group=S),
        OpSpec("mmap_shared", "v", 1, _mmap(True), "Map N pages MAP_SHARED|MAP_ANONYMOUS: "
               "stays shared with children forked later. Its address.", group=M),
        OpSpec("mmap_private", "v", 1, _mmap(False), "Map N pages MAP_PRIVATE|MAP_ANONYMOUS: "
               "copy-on-write across fork. Its address.", group=M),
        OpSpec("dup", "v", 1, sys_dup, "A new descriptor (lowest free) for the same open file "
               "description; EBADF.", group=F),
        OpSpec("dup2", "v,v", 1, sys_dup2, "Make descriptor NEW refer to OLD's description "
               "(closing NEW first); EBADF.", group=F),
        OpSpec("cloexec", "v", 1, sys_cloexec, "Mark a descriptor close-on-exec (FD_CLOEXEC); "
               "EBADF.", group=F),
        *MACROS,
    ]
    return {spec.name: spec for spec in specs}

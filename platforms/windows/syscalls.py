"""The Win32 calls as instructions: thin handlers over the modules that hold the rules.

Each handler runs at the current time and returns its cost in ticks (0 when
the caller blocked or ended).  A failing call puts the value Win32 returns
on failure in its result registers (0 / FALSE / NULL for most calls,
WAIT_FAILED for a wait, (DWORD)-1 for ResumeThread) and sets the error that
GetLastError (or the core ``errno``) reads; the trace shows it as an
``error`` event.  Instruction names are case-insensitive, so the table is
keyed in lower case and keeps the Win32 spelling for messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel.isa import put, val
from osmodel.kernel.link import Args, Choice, Handler, Label, OpSpec, Res

from . import console, creation, handles, jobs, lifetime, report, sections, seh, sync
from .constants import (
    DWORD,
    ERROR_ACCESS_DENIED,
    ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
    ERROR_NOT_ENOUGH_MEMORY,
    EVENT_MODIFY_STATE,
    HANDLE_FLAG_INHERIT,
    INFINITE,
    JOB_OBJECT_ASSIGN_PROCESS,
    JOB_OBJECT_SET_ATTRIBUTES,
    JOB_OBJECT_TERMINATE,
    MAX_VIEWS,
    PROCESS_QUERY_LIMITED_INFORMATION,
    PROCESS_SET_QUOTA,
    PROCESS_TERMINATE,
    SYNCHRONIZE,
    SYSTEM_ACCOUNT,
    THREAD_QUERY_LIMITED_INFORMATION,
    THREAD_SUSPEND_RESUME,
    USER_ACCOUNT,
    WAIT_FAILED,
    WAIT_OBJECT_0,
    WinError,
    constants,
    error_name,
)
from .proc import trace, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

    from .objects import EventObject, JobObject, ThreadObject


#: What a user's process may get on a SYSTEM process (Process Security and Access Rights).
USER_ON_SYSTEM = PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE
WAITABLE = ("process", "thread", "event", "job", "file")


def _named(*prefixes: str) -> frozenset[str]:
    """This platform's constants whose names start with one of ``prefixes``."""
    return frozenset(name for name in constants() if name.startswith(prefixes))


# What an operand may name where Win32 expects one kind of constant (checked at load time:
# ``CreateProcess child, FALSE, INFINITE`` would otherwise pass every flag bit there is).
_STANDARD = ("SYNCHRONIZE", "DELETE", "READ_CONTROL", "WRITE_DAC", "WRITE_OWNER",
             "STANDARD_RIGHTS_REQUIRED")
BOOL = Choice("a boolean", frozenset({"TRUE", "FALSE"}))
CREATION = Choice("a creation flag", _named("CREATE_", "DETACHED_PROCESS"))
TIMEOUT = Choice("a timeout", frozenset({"INFINITE"}), expected="a number of ticks or INFINITE")
JOB_LIMITS = Choice("a job limit flag", _named("JOB_OBJECT_LIMIT_"))
PROCESS_RIGHTS = Choice("a process access right", _named("PROCESS_", *_STANDARD))
RIGHTS = Choice("an access right", _named("PROCESS_", "THREAD_", "EVENT_", "SECTION_",
                                          "JOB_OBJECT_", "FILE_GENERIC_", *_STANDARD)
                - JOB_LIMITS.names)
DUPLICATE = Choice("an option", _named("DUPLICATE_"))
HANDLE_FLAGS = Choice("a handle flag", _named("HANDLE_FLAG_"))
MAP_ACCESS = Choice("a view access", _named("FILE_MAP_"))
CONSOLE_HANDLER = Choice("a handler", frozenset({"NULL"}), exact=True, expected="a label or NULL")
CTRL_EVENT = Choice("a console event", _named("CTRL_"))


def syscall(name: str, failed: int = 0) -> Callable[[Handler], Handler]:
    """Turn a WinError raised by a handler into Win32's failure value and GetLastError."""

    def wrap(fn: Handler) -> Handler:
        def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
            try:
                return fn(k, p, a, r)
            except WinError as error:
                p.context.error = error.code
                for register in r:
                    p.context.registers[register] = failed
                trace(k, "error", p.pid, call=name, error=f"{error_name(error.code)} "
                      f"({error.code})", detail=error.detail)
                return 1

        handler.__name__ = fn.__name__
        handler.__doc__ = fn.__doc__
        return handler

    return wrap


def _ms(value: int) -> int | None:
    ms = value & DWORD
    return None if ms == INFINITE else ms


def _bool(p: Process, r: Res) -> int:
    put(p, r, 1)
    return 1


# --- processes -----------------------------------------------------------------------


@syscall("CreateProcess")
def sys_create_process(k: Kernel, p: Process, a: Args, r: Res) -> int:
    args = [val(p, x) for x in a[3:]]
    _, hprocess, hthread = creation.create_process(
        k, p, a[0], inherit=bool(val(p, a[1])), flags=val(p, a[2]), args=args)
    put(p, r, hprocess)
    if len(r) > 1:
        p.context.registers[r[1]] = hthread
    return 1


@syscall("spawn")
def sys_spawn(k: Kernel, p: Process, a: Args, r: Res) -> int:
    _, hprocess, hthread = creation.create_process(k, p, a[0], args=[val(p, x) for x in a[1:]])
    handles.close(k, p, hthread, quiet=True)
    put(p, r, hprocess)
    return 1


@syscall("wait", failed=-1)
def sys_wait(k: Kernel, p: Process, a: Args, r: Res) -> int:
    obj = handles.resolve(p, val(p, a[0]), "process",
                          SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION)
    done = lifetime.wait(k, p, obj, None, r[0] if r else None, exit_code=True)
    if done is None:
        return 0
    put(p, r, done)
    return 1


@syscall("WaitForSingleObject", failed=WAIT_FAILED)
def sys_wait_for_single_object(k: Kernel, p: Process, a: Args, r: Res) -> int:
    value = val(p, a[0])
    obj = handles.resolve(p, value, WAITABLE, SYNCHRONIZE)
    if not getattr(obj, "waitable", False):  # an open file: its I/O is always complete
        put(p, r, WAIT_OBJECT_0)
        return 1
    done = lifetime.wait(k, p, obj, _ms(val(p, a[1])), r[0] if r else None)
    if done is None:
        return 0
    put(p, r, done)
    return 1


@syscall("GetExitCodeProcess", failed=-1)
def sys_get_exit_code_process(k: Kernel, p: Process, a: Args, r: Res) -> int:
    target = handles.process_at(p, val(p, a[0]), PROCESS_QUERY_LIMITED_INFORMATION)
    put(p, r, lifetime.exit_code(target))
    return 1


@syscall("TerminateProcess")
def sys_terminate_process(k: Kernel, p: Process, a: Args, r: Res) -> int:
    target = handles.process_at(p, val(p, a[0]), PROCESS_TERMINATE)
    lifetime.terminate(k, target, val(p, a[1]), by=str(p.pid), caller=p)
    if p.exit is not None:
        return 0
    return _bool(p, r)


@syscall("kill")
def sys_kill(k: Kernel, p: Process, a: Args, r: Res) -> int:
    target = handles.process_at(p, val(p, a[0]), PROCESS_TERMINATE)
    lifetime.terminate(k, target, 1, by=str(p.pid), caller=p)
    if p.exit is not None:
        return 0
    return _bool(p, r)


def sys_exit_process(k: Kernel, p: Process, a: Args, r: Res) -> int:
    lifetime.exit_process(k, p, val(p, a[0]) if a else 0)
    return 0


@syscall("GetCurrentProcess")
def sys_get_current_process(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, -1)
    return 1


@syscall("GetCurrentThread")
def sys_get_current_thread(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, -2)
    return 1


@syscall("GetCurrentThreadId")
def sys_get_current_thread_id(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, win(p).thread.tid)
    return 1


@syscall("GetProcessId")
def sys_get_process_id(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, handles.process_at(p, val(p, a[0]), PROCESS_QUERY_LIMITED_INFORMATION).pid)
    return 1


@syscall("GetThreadId")
def sys_get_thread_id(k: Kernel, p: Process, a: Args, r: Res) -> int:
    thread: ThreadObject = handles.resolve(p, val(p, a[0]), "thread",
                                           THREAD_QUERY_LIMITED_INFORMATION)
    put(p, r, thread.tid)
    return 1


@syscall("OpenProcess")
def sys_open_process(k: Kernel, p: Process, a: Args, r: Res) -> int:
    rights, pid = val(p, a[0]), val(p, a[1])
    target = k.processes.get(pid) if pid != 0 else None
    if target is None:
        raise WinError(ERROR_INVALID_PARAMETER, f"no process {pid}")
    caller, owner = win(p).account, win(target).account
    if caller == USER_ACCOUNT and owner == SYSTEM_ACCOUNT and rights & ~USER_ON_SYSTEM:
        raise WinError(ERROR_ACCESS_DENIED, f"process {pid} runs as SYSTEM")
    value = handles.add(p, win(target).obj, rights)
    trace(k, "OpenProcess", p.pid, target=pid, handle=value, state=target.state.name)
    put(p, r, value)
    return 1


@syscall("ResumeThread", failed=DWORD)
def sys_resume_thread(k: Kernel, p: Process, a: Args, r: Res) -> int:
    thread: ThreadObject = handles.resolve(p, val(p, a[0]), "thread", THREAD_SUSPEND_RESUME)
    previous = thread.suspend_count
    if previous:
        thread.suspend_count -= 1
        target = thread.proc
        if thread.suspend_count == 0 and target.exit is None:
            k.wake(target, "ResumeThread")
    put(p, r, previous)
    return 1


# --- handles -------------------------------------------------------------------------


@syscall("CloseHandle")
def sys_close_handle(k: Kernel, p: Process, a: Args, r: Res) -> int:
    handles.close(k, p, val(p, a[0]))
    return _bool(p, r)


@syscall("DuplicateHandle")
def sys_duplicate_handle(k: Kernel, p: Process, a: Args, r: Res) -> int:
    source, value, target, rights, options = (val(p, x) for x in a)
    _, new = handles.duplicate(k, p, source, value, target, rights, options)
    put(p, r, new)
    return 1


def _slot(p: Process, value: int) -> Any:
    slot = p.resources.slots.get(value)
    if slot is None:
        raise WinError(ERROR_INVALID_HANDLE, f"{value} is not a handle in process {p.pid}")
    return slot


@syscall("SetHandleInformation")
def sys_set_handle_information(k: Kernel, p: Process, a: Args, r: Res) -> int:
    slot = _slot(p, val(p, a[0]))
    mask, flags = val(p, a[1]), val(p, a[2])
    if mask & ~HANDLE_FLAG_INHERIT:
        raise WinError(ERROR_INVALID_PARAMETER, "only HANDLE_FLAG_INHERIT is modelled")
    if mask & HANDLE_FLAG_INHERIT:
        slot.inheritable = bool(flags & HANDLE_FLAG_INHERIT)
    return _bool(p, r)


@syscall("GetHandleInformation", failed=0)
def sys_get_handle_information(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, HANDLE_FLAG_INHERIT if _slot(p, val(p, a[0])).inheritable else 0)
    return 1


# --- events and sections ---------------------------------------------------------------


@syscall("CreateEvent")
def sys_create_event(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, sync.create(k, p, bool(val(p, a[0])), bool(val(p, a[1]))))
    return 1


@syscall("SetEvent")
def sys_set_event(k: Kernel, p: Process, a: Args, r: Res) -> int:
    event: EventObject = handles.resolve(p, val(p, a[0]), "event", EVENT_MODIFY_STATE)
    sync.set_event(k, event)
    return _bool(p, r)


@syscall("ResetEvent")
def sys_reset_event(k: Kernel, p: Process, a: Args, r: Res) -> int:
    event: EventObject = handles.resolve(p, val(p, a[0]), "event", EVENT_MODIFY_STATE)
    sync.reset_event(event)
    return _bool(p, r)


@syscall("CreateFileMapping")
def sys_create_file_mapping(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, sections.create(k, p, a[0], val(p, a[1])))
    return 1


@syscall("OpenFileMapping")
def sys_open_file_mapping(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, sections.open_named(k, p, a[0]))
    return 1


@syscall("MapViewOfFile")
def sys_map_view_of_file(k: Kernel, p: Process, a: Args, r: Res) -> int:
    if len(p.space.segments) >= MAX_VIEWS:
        raise WinError(ERROR_NOT_ENOUGH_MEMORY, f"{MAX_VIEWS} mappings already")
    put(p, r, sections.map_view(k, p, val(p, a[0]), val(p, a[1])))
    return 1


@syscall("UnmapViewOfFile")
def sys_unmap_view_of_file(k: Kernel, p: Process, a: Args, r: Res) -> int:
    sections.unmap_view(k, p, val(p, a[0]))
    return _bool(p, r)


# --- console control -------------------------------------------------------------------


@syscall("SetConsoleCtrlHandler")
def sys_set_console_ctrl_handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
    routine = a[0]
    if isinstance(routine, Label):
        handler: int | None = routine.pc
    elif int(routine) == 0:
        handler = None
    else:
        raise WinError(ERROR_INVALID_PARAMETER, "the handler must be a label or NULL")
    console.set_handler(p, handler, bool(val(p, a[1])))
    return _bool(p, r)


@syscall("GenerateConsoleCtrlEvent")
def sys_generate_console_ctrl_event(k: Kernel, p: Process, a: Args, r: Res) -> int:
    console.generate(k, p, val(p, a[0]), val(p, a[1]))
    if p.exit is not None:
        return 0
    return _bool(p, r)


# --- jobs ----------------------------------------------------------------------------


@syscall("CreateJobObject")
def sys_create_job_object(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, jobs.create(k, p))
    return 1


@syscall("AssignProcessToJobObject")
def sys_assign_process_to_job_object(k: Kernel, p: Process, a: Args, r: Res) -> int:
    job: JobObject = handles.resolve(p, val(p, a[0]), "job", JOB_OBJECT_ASSIGN_PROCESS)
    target = handles.process_at(p, val(p, a[1]), PROCESS_SET_QUOTA | PROCESS_TERMINATE)
    jobs.assign(k, p, job, target)
    return _bool(p, r)


@syscall("TerminateJobObject")
def sys_terminate_job_object(k: Kernel, p: Process, a: Args, r: Res) -> int:
    job: JobObject = handles.resolve(p, val(p, a[0]), "job", JOB_OBJECT_TERMINATE)
    jobs.terminate(k, job, val(p, a[1]), reason=f"TerminateJobObject by {p.pid}", caller=p)
    if p.exit is not None:
        return 0
    return _bool(p, r)


@syscall("SetInformationJobObject")
def sys_set_information_job_object(k: Kernel, p: Process, a: Args, r: Res) -> int:
    job: JobObject = handles.resolve(p, val(p, a[0]), "job", JOB_OBJECT_SET_ATTRIBUTES)
    jobs.set_limits(k, p, job, val(p, a[1]))
    return _bool(p, r)


# --- structured exceptions and errors ------------------------------------------------------


def sys_try(k: Kernel, p: Process, a: Args, r: Res) -> int:
    seh.begin(p, a[0])
    return 1


def sys_endtry(k: Kernel, p: Process, a: Args, r: Res) -> int:
    seh.end(p)
    return 1


def sys_get_exception_code(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, win(p).exception)
    return 1


def sys_get_last_error(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, p.context.error)
    return 1


def sys_set_last_error(k: Kernel, p: Process, a: Args, r: Res) -> int:
    p.context.error = val(p, a[0]) & DWORD
    return 1


def sys_tasklist(k: Kernel, p: Process, a: Args, r: Res) -> int:
    k.console.write_lines(p.pid, report.tasklist(k))
    return 0


PROCESSES = "processes"
HANDLES = "handles"
OBJECTS = "events and sections"
CONSOLE = "console control"
JOBS = "job objects"
SEH = "structured exceptions"


def _spec(name: str, operands: str, results: int, handler: Handler, doc: str, group: str,
          *, min_results: int = 0, instant: bool = False,
          choices: tuple[Choice | None, ...] = ()) -> OpSpec:
    return OpSpec(name, operands, results, handler, doc, group=group, min_results=min_results,
                  instant=instant, choices=choices)


def table() -> Mapping[str, OpSpec]:
    """Every Windows instruction, keyed by its lower-case name."""
    p, h, o, c, j, s = PROCESSES, HANDLES, OBJECTS, CONSOLE, JOBS, SEH
    specs = [
        _spec("spawn", "p,*", 1, sys_spawn, "Portable: CreateProcess(PROG, FALSE, 0) with the "
              "values as r0, r1 ...; the thread handle is closed; a process handle with full "
              "access, or 0.", "portable"),
        _spec("wait", "v", 1, sys_wait, "Portable: WaitForSingleObject(h, INFINITE), then "
              "GetExitCodeProcess: the 32-bit exit code (-1 on failure).", "portable"),
        _spec("kill", "v", 1, sys_kill, "Portable: TerminateProcess(h, 1).", "portable"),
        _spec("exit", "v?", 0, sys_exit_process, "Portable: ExitProcess(CODE); 32 bits are "
              "kept.", "portable", instant=True),
        _spec("CreateProcess", "p,v,v,*", 2, sys_create_process, "CreateProcess(PROG, "
              "bInheritHandles, FLAGS) with the values as r0, r1 ...: a new process from the "
              "image -> hProcess, hThread (full access), or 0, 0.", p,
              choices=(None, BOOL, CREATION)),
        _spec("ExitProcess", "v", 0, sys_exit_process, "End the caller with a 32-bit exit "
              "code (0: normal, else an error exit).", p, instant=True),
        _spec("TerminateProcess", "v,v", 1, sys_terminate_process, "End the process of a "
              "handle with PROCESS_TERMINATE at once with CODE; no handler runs; 5 if it has "
              "ended.", p),
        _spec("GetExitCodeProcess", "v", 1, sys_get_exit_code_process, "STILL_ACTIVE (259) "
              "while the process runs, then its 32-bit code (-1 on failure).", p,
              min_results=1),
        _spec("WaitForSingleObject", "v,v", 1, sys_wait_for_single_object, "Wait up to MS "
              "ticks (INFINITE) for a process, thread, event or job (SYNCHRONIZE): "
              "WAIT_OBJECT_0, WAIT_TIMEOUT or WAIT_FAILED.", p, choices=(None, TIMEOUT)),
        _spec("OpenProcess", "v,v", 1, sys_open_process, "A handle with RIGHTS to the process "
              "PID (while its object exists); 87 for no such pid, 5 for a SYSTEM process.", p,
              choices=(PROCESS_RIGHTS,)),
        _spec("GetProcessId", "v", 1, sys_get_process_id, "The pid of a process handle.", p,
              min_results=1),
        _spec("GetCurrentProcess", "", 1, sys_get_current_process, "The pseudo-handle -1: "
              "the caller, with PROCESS_ALL_ACCESS, valid only in the caller.", p,
              min_results=1),
        _spec("GetCurrentThread", "", 1, sys_get_current_thread, "The pseudo-handle -2: the "
              "caller's thread.", p, min_results=1),
        _spec("GetCurrentThreadId", "", 1, sys_get_current_thread_id, "The caller's thread "
              "id.", p, min_results=1),
        _spec("GetThreadId", "v", 1, sys_get_thread_id, "The thread id of a thread handle.", p,
              min_results=1),
        _spec("ResumeThread", "v", 1, sys_resume_thread, "Decrement the suspend count of a "
              "CREATE_SUSPENDED thread; at 0 it runs. The previous count.", p),
        _spec("tasklist", "", 0, sys_tasklist, "Print the users' processes now: creator "
              "(stale or not), state, exit code, handles to each.", p),
        _spec("CloseHandle", "v", 1, sys_close_handle, "Close a handle; the object lives on "
              "while other handles keep it; never ends a process.", h),
        _spec("DuplicateHandle", "v,v,v,v,v", 1, sys_duplicate_handle, "DuplicateHandle("
              "hSrcProc, h, hDstProc, RIGHTS, OPTIONS): the value of the copy, valid only in "
              "the target; both process handles need PROCESS_DUP_HANDLE.", h,
              choices=(None, None, None, RIGHTS, DUPLICATE)),
        _spec("SetHandleInformation", "v,v,v", 1, sys_set_handle_information, "Set "
              "(MASK) the inheritable flag (FLAGS & HANDLE_FLAG_INHERIT) of a handle.", h,
              choices=(None, HANDLE_FLAGS, HANDLE_FLAGS)),
        _spec("GetHandleInformation", "v", 1, sys_get_handle_information, "The flags of a "
              "handle (HANDLE_FLAG_INHERIT).", h, min_results=1),
        _spec("CreateEvent", "v,v", 1, sys_create_event, "CreateEvent(bManualReset, "
              "bInitialState): an unnamed event.", o, choices=(BOOL, BOOL)),
        _spec("SetEvent", "v", 1, sys_set_event, "Signal an event.", o),
        _spec("ResetEvent", "v", 1, sys_reset_event, "Reset an event.", o),
        _spec("CreateFileMapping", "s,v", 1, sys_create_file_mapping, "A section of N pages "
              'named NAME ("" unnamed); an existing name gives a handle to it and '
              "ERROR_ALREADY_EXISTS.", o),
        _spec("OpenFileMapping", "s", 1, sys_open_file_mapping, "A handle to the section "
              "named NAME; 2 if there is none.", o),
        _spec("MapViewOfFile", "v,v", 1, sys_map_view_of_file, "Map a section: FILE_MAP_WRITE "
              "shared, FILE_MAP_READ read-only, FILE_MAP_COPY copy-on-write; its address.", o,
              choices=(None, MAP_ACCESS)),
        _spec("UnmapViewOfFile", "v", 1, sys_unmap_view_of_file, "Unmap the view at an "
              "address.", o),
        _spec("SetConsoleCtrlHandler", "h,v", 1, sys_set_console_ctrl_handler, "Add (TRUE) "
              "or remove (FALSE) a handler at LABEL; NULL, TRUE ignores Ctrl+C (inherited).",
              c, choices=(CONSOLE_HANDLER, BOOL)),
        _spec("GenerateConsoleCtrlEvent", "v,v", 1, sys_generate_console_ctrl_event, "Send "
              "CTRL_C_EVENT or CTRL_BREAK_EVENT to a group on the caller's console (0: all).",
              c, choices=(CTRL_EVENT,)),
        _spec("CreateJobObject", "", 1, sys_create_job_object, "A new job object.", j),
        _spec("AssignProcessToJobObject", "v,v", 1, sys_assign_process_to_job_object, "Make a "
              "process a member of a job for good.", j),
        _spec("TerminateJobObject", "v,v", 1, sys_terminate_job_object, "End every process in "
              "the job with CODE.", j),
        _spec("SetInformationJobObject", "v,v", 1, sys_set_information_job_object, "Set the "
              "job's limit flags (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, _BREAKAWAY_OK, "
              "_SILENT_BREAKAWAY_OK).", j, choices=(None, JOB_LIMITS)),
        _spec("try", "l", 0, sys_try, "__try: a fault until endtry jumps to LABEL (the "
              "__except block) and the process goes on.", s),
        _spec("endtry", "", 0, sys_endtry, "End the innermost __try block.", s),
        _spec("GetExceptionCode", "", 1, sys_get_exception_code, "The code of the exception "
              "an __except block handles.", s, min_results=1),
        _spec("GetLastError", "", 1, sys_get_last_error, "The error code of the last failed "
              "call.", s, min_results=1),
        _spec("SetLastError", "v", 0, sys_set_last_error, "Set the last-error code.", s),
    ]
    return {spec.name.lower(): spec for spec in specs}

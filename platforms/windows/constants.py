"""Win32 numbers: access rights, flags, wait results, exception codes and error codes.

The values are Microsoft's (Process Security and Access Rights, Process
Creation Flags, WaitForSingleObject, winnt.h, System Error Codes), so a
program written from the Win32 documentation reads the same here.  Programs
write them by name (``PROCESS_TERMINATE|SYNCHRONIZE``); `constants` is the
table the linker reads.
"""

from __future__ import annotations

from collections.abc import Mapping

from osmodel.kernel.states import State

#: Exit codes and every DWORD a program sees are 32-bit unsigned.
DWORD = 0xFFFFFFFF

# --- standard and process access rights ------------------------------------------------
DELETE = 0x00010000
READ_CONTROL = 0x00020000
WRITE_DAC = 0x00040000
WRITE_OWNER = 0x00080000
SYNCHRONIZE = 0x00100000
STANDARD_RIGHTS_REQUIRED = 0x000F0000

PROCESS_TERMINATE = 0x0001
PROCESS_CREATE_THREAD = 0x0002
PROCESS_VM_OPERATION = 0x0008
PROCESS_VM_READ = 0x0010
PROCESS_VM_WRITE = 0x0020
PROCESS_DUP_HANDLE = 0x0040
PROCESS_CREATE_PROCESS = 0x0080
PROCESS_SET_QUOTA = 0x0100
PROCESS_SET_INFORMATION = 0x0200
PROCESS_QUERY_INFORMATION = 0x0400
PROCESS_SUSPEND_RESUME = 0x0800
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
PROCESS_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF

THREAD_TERMINATE = 0x0001
THREAD_SUSPEND_RESUME = 0x0002
THREAD_QUERY_INFORMATION = 0x0040
THREAD_QUERY_LIMITED_INFORMATION = 0x0800
THREAD_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF

EVENT_MODIFY_STATE = 0x0002
EVENT_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3

SECTION_QUERY = 0x0001
SECTION_MAP_WRITE = 0x0002
SECTION_MAP_READ = 0x0004
SECTION_MAP_EXECUTE = 0x0008
SECTION_EXTEND_SIZE = 0x0010
SECTION_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | 0x1F
FILE_MAP_COPY = 0x0001
FILE_MAP_WRITE = 0x0002
FILE_MAP_READ = 0x0004
FILE_MAP_ALL_ACCESS = SECTION_ALL_ACCESS

JOB_OBJECT_ASSIGN_PROCESS = 0x0001
JOB_OBJECT_SET_ATTRIBUTES = 0x0002
JOB_OBJECT_QUERY = 0x0004
JOB_OBJECT_TERMINATE = 0x0008
JOB_OBJECT_ALL_ACCESS = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3F
JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x00000800
JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK = 0x00001000
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
JOB_LIMITS = (JOB_OBJECT_LIMIT_BREAKAWAY_OK | JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK
              | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)

FILE_GENERIC_READ = 0x00120089
FILE_GENERIC_WRITE = 0x00120116

# --- flags -----------------------------------------------------------------------------
CREATE_SUSPENDED = 0x00000004
DETACHED_PROCESS = 0x00000008
CREATE_NEW_CONSOLE = 0x00000010
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_BREAKAWAY_FROM_JOB = 0x01000000
CREATION_FLAGS = {
    "CREATE_SUSPENDED": CREATE_SUSPENDED,
    "DETACHED_PROCESS": DETACHED_PROCESS,
    "CREATE_NEW_CONSOLE": CREATE_NEW_CONSOLE,
    "CREATE_NEW_PROCESS_GROUP": CREATE_NEW_PROCESS_GROUP,
    "CREATE_BREAKAWAY_FROM_JOB": CREATE_BREAKAWAY_FROM_JOB,
}

DUPLICATE_CLOSE_SOURCE = 0x1
DUPLICATE_SAME_ACCESS = 0x2
HANDLE_FLAG_INHERIT = 0x1

TRUE = 1
FALSE = 0
NULL = 0

#: Pseudo-handles: GetCurrentProcess() and GetCurrentThread(), valid only in the caller.
CURRENT_PROCESS = -1
CURRENT_THREAD = -2

# --- waiting and exit codes ------------------------------------------------------------
INFINITE = 0xFFFFFFFF
WAIT_OBJECT_0 = 0x000
WAIT_ABANDONED = 0x080
WAIT_TIMEOUT = 0x102
WAIT_FAILED = 0xFFFFFFFF
STILL_ACTIVE = 259

CTRL_C_EVENT = 0
CTRL_BREAK_EVENT = 1
CTRL_EVENTS = {CTRL_C_EVENT: "CTRL_C_EVENT", CTRL_BREAK_EVENT: "CTRL_BREAK_EVENT"}

EXCEPTION_ACCESS_VIOLATION = 0xC0000005
EXCEPTION_INT_DIVIDE_BY_ZERO = 0xC0000094
EXCEPTION_ILLEGAL_INSTRUCTION = 0xC000001D
STATUS_NO_MEMORY = 0xC0000017
STATUS_CONTROL_C_EXIT = 0xC000013A
#: A hardware fault as the kernel names it -> the structured exception it raises.
FAULT_EXCEPTIONS = {
    "bad_address": EXCEPTION_ACCESS_VIOLATION,
    "divide_by_zero": EXCEPTION_INT_DIVIDE_BY_ZERO,
    "illegal_instruction": EXCEPTION_ILLEGAL_INSTRUCTION,
    "out_of_memory": STATUS_NO_MEMORY,
}
EXCEPTION_NAMES = {
    EXCEPTION_ACCESS_VIOLATION: "EXCEPTION_ACCESS_VIOLATION",
    EXCEPTION_INT_DIVIDE_BY_ZERO: "EXCEPTION_INT_DIVIDE_BY_ZERO",
    EXCEPTION_ILLEGAL_INSTRUCTION: "EXCEPTION_ILLEGAL_INSTRUCTION",
    STATUS_NO_MEMORY: "STATUS_NO_MEMORY",
    STATUS_CONTROL_C_EXIT: "STATUS_CONTROL_C_EXIT",
}

# --- System Error Codes (GetLastError) -------------------------------------------------
ERROR_SUCCESS = 0
ERROR_FILE_NOT_FOUND = 2
ERROR_ACCESS_DENIED = 5
ERROR_INVALID_HANDLE = 6
ERROR_NOT_ENOUGH_MEMORY = 8
ERROR_INVALID_PARAMETER = 87
ERROR_ALREADY_EXISTS = 183
ERROR_NO_SYSTEM_RESOURCES = 1450
ERROR_NOT_ENOUGH_QUOTA = 1816
ERROR_NAMES = {
    ERROR_SUCCESS: "ERROR_SUCCESS",
    ERROR_FILE_NOT_FOUND: "ERROR_FILE_NOT_FOUND",
    ERROR_ACCESS_DENIED: "ERROR_ACCESS_DENIED",
    ERROR_INVALID_HANDLE: "ERROR_INVALID_HANDLE",
    ERROR_NOT_ENOUGH_MEMORY: "ERROR_NOT_ENOUGH_MEMORY",
    ERROR_INVALID_PARAMETER: "ERROR_INVALID_PARAMETER",
    ERROR_ALREADY_EXISTS: "ERROR_ALREADY_EXISTS",
    ERROR_NO_SYSTEM_RESOURCES: "ERROR_NO_SYSTEM_RESOURCES",
    ERROR_NOT_ENOUGH_QUOTA: "ERROR_NOT_ENOUGH_QUOTA",
}

#: Views (and other mappings) an address space may hold: one more MapViewOfFile fails with
#: ERROR_NOT_ENOUGH_MEMORY.  Finding room scans the mappings, so a loop of views
#: without it took minutes.
MAX_VIEWS = 256

#: The System Idle Process: a record only; its "thread" is each CPU's idle loop.
IDLE = State("idle", "ready", "I")

#: Accounts: services run as SYSTEM, the logged-on user's programs as the user.
SYSTEM_ACCOUNT = "SYSTEM"
USER_ACCOUNT = "user"
#: The console window of the user's session: key presses arrive here.
USER_CONSOLE = 1


class WinError(Exception):
    """A failing Win32 call: the code GetLastError returns and what went wrong."""

    def __init__(self, code: int, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{error_name(code)}: {detail}")


def error_name(code: int) -> str:
    return ERROR_NAMES.get(code, f"error {code}")


def dword(value: int) -> int:
    """A value as the 32-bit unsigned DWORD Windows keeps (-1 -> 4294967295)."""
    return value & DWORD


def exception_text(code: int) -> str:
    return f"{EXCEPTION_NAMES.get(code, 'exception')} ({code:#010X})".replace("0X", "0x")


#: Rights by object kind, most specific (combined) names first, for showing a mask.
RIGHT_NAMES: Mapping[str, tuple[tuple[str, int], ...]] = {
    "process": (
        ("PROCESS_ALL_ACCESS", PROCESS_ALL_ACCESS),
        ("PROCESS_TERMINATE", PROCESS_TERMINATE),
        ("PROCESS_CREATE_THREAD", PROCESS_CREATE_THREAD),
        ("PROCESS_VM_OPERATION", PROCESS_VM_OPERATION),
        ("PROCESS_VM_READ", PROCESS_VM_READ),
        ("PROCESS_VM_WRITE", PROCESS_VM_WRITE),
        ("PROCESS_DUP_HANDLE", PROCESS_DUP_HANDLE),
        ("PROCESS_CREATE_PROCESS", PROCESS_CREATE_PROCESS),
        ("PROCESS_SET_QUOTA", PROCESS_SET_QUOTA),
        ("PROCESS_SET_INFORMATION", PROCESS_SET_INFORMATION),
        ("PROCESS_QUERY_INFORMATION", PROCESS_QUERY_INFORMATION),
        ("PROCESS_SUSPEND_RESUME", PROCESS_SUSPEND_RESUME),
        ("PROCESS_QUERY_LIMITED_INFORMATION", PROCESS_QUERY_LIMITED_INFORMATION),
    ),
    "thread": (
        ("THREAD_ALL_ACCESS", THREAD_ALL_ACCESS),
        ("THREAD_TERMINATE", THREAD_TERMINATE),
        ("THREAD_SUSPEND_RESUME", THREAD_SUSPEND_RESUME),
        ("THREAD_QUERY_INFORMATION", THREAD_QUERY_INFORMATION),
        ("THREAD_QUERY_LIMITED_INFORMATION", THREAD_QUERY_LIMITED_INFORMATION),
    ),
    "event": (
        ("EVENT_ALL_ACCESS", EVENT_ALL_ACCESS),
        ("EVENT_MODIFY_STATE", EVENT_MODIFY_STATE),
    ),
    "section": (
        ("SECTION_ALL_ACCESS", SECTION_ALL_ACCESS),
        ("SECTION_QUERY", SECTION_QUERY),
        ("SECTION_MAP_WRITE", SECTION_MAP_WRITE),
        ("SECTION_MAP_READ", SECTION_MAP_READ),
        ("SECTION_MAP_EXECUTE", SECTION_MAP_EXECUTE),
        ("SECTION_EXTEND_SIZE", SECTION_EXTEND_SIZE),
    ),
    "job": (
        ("JOB_OBJECT_ALL_ACCESS", JOB_OBJECT_ALL_ACCESS),
        ("JOB_OBJECT_ASSIGN_PROCESS", JOB_OBJECT_ASSIGN_PROCESS),
        ("JOB_OBJECT_SET_ATTRIBUTES", JOB_OBJECT_SET_ATTRIBUTES),
        ("JOB_OBJECT_QUERY", JOB_OBJECT_QUERY),
        ("JOB_OBJECT_TERMINATE", JOB_OBJECT_TERMINATE),
    ),
    "file": (
        ("FILE_GENERIC_READ", FILE_GENERIC_READ),
        ("FILE_GENERIC_WRITE", FILE_GENERIC_WRITE),
    ),
}
_STANDARD = (("SYNCHRONIZE", SYNCHRONIZE), ("DELETE", DELETE), ("READ_CONTROL", READ_CONTROL),
             ("WRITE_DAC", WRITE_DAC), ("WRITE_OWNER", WRITE_OWNER))


def rights_text(kind: str, mask: int) -> str:
    """A mask as names joined by ``|`` (``PROCESS_TERMINATE|SYNCHRONIZE``), or ``0``."""
    names: list[str] = []
    left = mask
    for name, bits in (*RIGHT_NAMES.get(kind, ()), *_STANDARD):
        if bits and left & bits == bits:
            names.append(name)
            left &= ~bits
    if left:
        names.append(f"{left:#x}")
    return "|".join(names) or "0"


def flags_text(flags: int) -> list[str]:
    return [name for name, bit in CREATION_FLAGS.items() if flags & bit]


def constants() -> dict[str, int]:
    """Every name programs may write, with its value."""
    table: dict[str, int] = {}
    for name, value in globals().items():
        if name.isupper() and isinstance(value, int) and not name.startswith("_") and name not in (
                "DWORD", "USER_CONSOLE", "CURRENT_PROCESS", "CURRENT_THREAD", "MAX_VIEWS"):
            table[name] = value
    return dict(sorted(table.items()))

"""The core instruction set: what every platform runs the same way.

Computation, registers, jumps, memory, the stack, device I/O, timers, files
and faults.  Process operations (``spawn``, ``wait``, ``kill``, ``exit``) and
each platform's own system calls come from the platform's table instead.
Each handler runs at the current time and returns the instruction's cost in
ticks; the CPU loop calls them directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .files import MODES, ResourceError
from .link import Args, Choice, OpSpec, Reg, Res
from .memory import BadAddress, OutOfMemory
from .program import WORD_BITS

if TYPE_CHECKING:
    from .kernel import Kernel
    from .process import Process


def val(proc: Process, operand: Any) -> int:
    """The value of a linked value operand: a register's content or the constant."""
    return proc.context.registers[operand.n] if operand.__class__ is Reg else int(operand)


_HALF = 1 << (WORD_BITS - 1)
_MASK = (1 << WORD_BITS) - 1


def wrap(value: int) -> int:
    """``value`` as a word (two's complement), as the machine's arithmetic leaves it.

    Without it a loop of ``mul r1, r1 -> r1`` squares its way to gigabytes.
    """
    return ((value + _HALF) & _MASK) - _HALF


def put(proc: Process, res: Res, value: int) -> None:
    if res:
        proc.context.registers[res[0]] = value


def address(proc: Process, mem: tuple[int | None, int]) -> int:
    base, offset = mem
    return offset if base is None else proc.context.registers[base] + offset


# --- computation -----------------------------------------------------------------


def op_nop(k: Kernel, p: Process, a: Args, r: Res) -> int:
    return 1


def op_cpu(k: Kernel, p: Process, a: Args, r: Res) -> int:
    return max(0, val(p, a[0]))


def op_mov(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, val(p, a[0]))
    return 1


def _arith(name: str, fn: Any, doc: str) -> OpSpec:
    low, high = -_HALF, _HALF

    def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
        value = fn(val(p, a[0]), val(p, a[1]))
        put(p, r, value if low <= value < high else wrap(value))
        return 1

    handler.__name__ = f"op_{name}"
    return OpSpec(name, "v,v", 1, handler, doc, min_results=1)


def _divide(name: str, fn: Any, doc: str) -> OpSpec:
    low, high = -_HALF, _HALF

    def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
        divisor = val(p, a[1])
        if divisor == 0:
            k.fault(p, "divide_by_zero")
            return 1 if p.cpu is not None else 0
        value = fn(val(p, a[0]), divisor)
        put(p, r, value if low <= value < high else wrap(value))  # MIN / -1
        return 1

    handler.__name__ = f"op_{name}"
    return OpSpec(name, "v,v", 1, handler, doc, min_results=1)


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _trunc_mod(a: int, b: int) -> int:
    return a - b * _trunc_div(a, b)


def op_illegal(k: Kernel, p: Process, a: Args, r: Res) -> int:
    k.fault(p, "illegal_instruction")
    return 1 if p.cpu is not None else 0


# --- control flow ------------------------------------------------------------------
# Jumps, branches, calls and handlers go to labels, which linking keeps inside the code.
# Only a return address is data (``push 33`` / ``ret``), so ``ret`` alone checks its target:
# the instruction fetch in the CPU loop never has to.


def op_jmp(k: Kernel, p: Process, a: Args, r: Res) -> int:
    p.context.pc = a[0]
    return 1


def _branch(name: str, test: Any, operands: str, doc: str) -> OpSpec:
    two = operands == "v,v,l"

    def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
        taken = test(val(p, a[0]), val(p, a[1])) if two else test(val(p, a[0]), 0)
        if taken:
            p.context.pc = a[-1]
        return 1

    handler.__name__ = f"op_{name}"
    return OpSpec(name, operands, 0, handler, doc)


# --- memory and stack --------------------------------------------------------------


def _memory_fault(k: Kernel, p: Process, error: Exception) -> int:
    if isinstance(error, OutOfMemory):
        k.fault(p, "out_of_memory")
    else:
        assert isinstance(error, BadAddress)
        k.fault(p, "bad_address", address=error.address, write=error.write)
    return 1 if p.cpu is not None else 0


def op_load(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        put(p, r, p.space.read(address(p, a[0])))
    except BadAddress as error:
        return _memory_fault(k, p, error)
    return 1


def op_store(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        p.space.write(address(p, a[0]), val(p, a[1]))
    except (BadAddress, OutOfMemory) as error:
        return _memory_fault(k, p, error)
    return 1


def op_push(k: Kernel, p: Process, a: Args, r: Res) -> int:
    ctx = p.context
    try:
        p.space.write(ctx.sp - 1, val(p, a[0]))
    except (BadAddress, OutOfMemory) as error:
        return _memory_fault(k, p, error)
    ctx.sp -= 1
    return 1


def op_pop(k: Kernel, p: Process, a: Args, r: Res) -> int:
    ctx = p.context
    try:
        put(p, r, p.space.read(ctx.sp))
    except BadAddress as error:
        return _memory_fault(k, p, error)
    ctx.sp += 1
    return 1


def op_call(k: Kernel, p: Process, a: Args, r: Res) -> int:
    ctx = p.context
    try:
        p.space.write(ctx.sp - 1, ctx.pc)
    except (BadAddress, OutOfMemory) as error:
        return _memory_fault(k, p, error)
    ctx.sp -= 1
    ctx.pc = a[0]
    return 1


def op_ret(k: Kernel, p: Process, a: Args, r: Res) -> int:
    ctx = p.context
    frames = ctx.frames
    if frames and ctx.sp >= frames[-1].sp:
        # the end of a handler: resume exactly where the interruption happened
        frame = frames.pop()
        ctx.pc, ctx.sp, ctx.burst_left = frame.pc, frame.sp, frame.burst_left
        ctx.registers[:] = frame.registers
        if k.sinks:
            k.trace("return", p.pid, pc=frame.pc)
        if frame.on_return is not None:
            frame.on_return(p)
        return 0  # free, so the interrupted burst resumes with exactly what it had left
    try:
        target = p.space.read(ctx.sp)
    except BadAddress as error:
        return _memory_fault(k, p, error)
    if not 0 <= target < len(p.image.code):
        return _outside_code(k, p, target)
    ctx.sp += 1
    ctx.pc = target
    return 1


def _outside_code(k: Kernel, p: Process, target: int) -> int:
    """Control sent outside the program: fetching there is a bad address, the process's
    fault (SIGSEGV, an access violation), with the stack as it was before the ``ret``."""
    k.fault(p, "bad_address", address=target, write=False)
    return 1 if p.cpu is not None else 0


# --- time and devices -------------------------------------------------------------


def op_io_issue(k: Kernel, p: Process, a: Args, r: Res) -> int:
    return k.machine.io_issue_cost


def op_io_wait(k: Kernel, p: Process, a: Args, r: Res) -> int:
    k.start_io(p, max(1, val(p, a[0])), a[1] if len(a) > 1 else "disk")
    return 0


def op_io_done(k: Kernel, p: Process, a: Args, r: Res) -> int:
    return k.machine.io_done_cost


def op_sleep(k: Kernel, p: Process, a: Args, r: Res) -> int:
    k.sleep(p, max(1, val(p, a[0])))
    return 0


def op_print(k: Kernel, p: Process, a: Args, r: Res) -> int:
    text = " ".join(x if isinstance(x, str) else str(val(p, x)) for x in a)
    k.console.write(p.pid, text)
    return 0


def op_getpid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, p.pid)
    return 1


def op_errno(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, p.context.error)
    return 1


# --- files ------------------------------------------------------------------------

#: Words a file may hold: a write past it fails with the platform's error for "size"
#: (EINVAL, ERROR_INVALID_PARAMETER), as a real one fails with EFBIG.  Without it
#: ``seek fd, 1000000000000`` then ``write`` filled memory with the zeros before it.
MAX_FILE_WORDS = 1 << 20


def _file_error(k: Kernel, p: Process, r: Res, error: ResourceError) -> int:
    p.context.error = k.platform.error_code(error.reason)
    put(p, r, -1)
    return 1


def op_open(k: Kernel, p: Process, a: Args, r: Res) -> int:
    mode = a[1] if len(a) > 1 else "r"
    try:
        description = k.fs.open(a[0], mode)
    except ResourceError as error:
        return _file_error(k, p, r, error)
    put(p, r, p.resources.add(description, rights=k.platform.file_rights,
                              inheritable=k.platform.file_inheritable))
    return 1


def _slot_file(p: Process, number: int) -> Any:
    obj = p.resources.get(number).obj
    if not hasattr(obj, "read"):
        raise ResourceError("bad", f"{number} is not a file")
    return obj


def op_read(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        value = _slot_file(p, val(p, a[0])).read()
    except ResourceError as error:
        return _file_error(k, p, r, error)
    put(p, r, -1 if value is None else value)
    return 1


def op_write(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        file = _slot_file(p, val(p, a[0]))
        if file.offset >= MAX_FILE_WORDS:
            raise ResourceError("size", f"a file holds at most {MAX_FILE_WORDS} words")
        file.write(val(p, a[1]))
    except ResourceError as error:
        return _file_error(k, p, r, error)
    put(p, r, 1)
    return 1


def op_seek(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        _slot_file(p, val(p, a[0])).offset = max(0, val(p, a[1]))
    except ResourceError as error:
        return _file_error(k, p, r, error)
    put(p, r, 0)
    return 1


def op_tell(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        put(p, r, _slot_file(p, val(p, a[0])).offset)
    except ResourceError as error:
        return _file_error(k, p, r, error)
    return 1


def op_close(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        p.resources.close(val(p, a[0]))
    except ResourceError as error:
        return _file_error(k, p, r, error)
    put(p, r, 0)
    return 1


CORE_OPS: tuple[OpSpec, ...] = (
    OpSpec("nop", "", 0, op_nop, "Do nothing for one tick."),
    OpSpec("cpu", "n", 0, op_cpu, "Compute for N ticks (a CPU burst; preemptible)."),
    OpSpec("mov", "v", 1, op_mov, "Copy a value into a register.", min_results=1),
    _arith("add", lambda a, b: a + b, "Add."),
    _arith("sub", lambda a, b: a - b, "Subtract."),
    _arith("mul", lambda a, b: a * b, "Multiply."),
    _divide("div", _trunc_div, "Divide, truncating; dividing by zero is a fault."),
    _divide("mod", _trunc_mod, "Remainder; by zero is a fault."),
    _arith("and", lambda a, b: a & b, "Bitwise and."),
    _arith("or", lambda a, b: a | b, "Bitwise or."),
    _arith("xor", lambda a, b: a ^ b, "Bitwise exclusive or."),
    OpSpec("jmp", "l", 0, op_jmp, "Jump to a label."),
    _branch("jz", lambda a, b: a == 0, "v,l", "Jump if the value is zero."),
    _branch("jnz", lambda a, b: a != 0, "v,l", "Jump if the value is not zero."),
    _branch("jeq", lambda a, b: a == b, "v,v,l", "Jump if equal."),
    _branch("jne", lambda a, b: a != b, "v,v,l", "Jump if not equal."),
    _branch("jlt", lambda a, b: a < b, "v,v,l", "Jump if less."),
    _branch("jle", lambda a, b: a <= b, "v,v,l", "Jump if less or equal."),
    _branch("jgt", lambda a, b: a > b, "v,v,l", "Jump if greater."),
    _branch("jge", lambda a, b: a >= b, "v,v,l", "Jump if greater or equal."),
    OpSpec("load", "m", 1, op_load, "Read a word of memory; a bad address is a fault.",
           min_results=1),
    OpSpec("store", "m,v", 0, op_store, "Write a word of memory (a copy-on-write fault may copy "
           "the page); a bad or read-only address is a fault."),
    OpSpec("push", "v", 0, op_push, "Push a value on the stack."),
    OpSpec("pop", "", 1, op_pop, "Pop the stack into a register.", min_results=1),
    OpSpec("call", "l", 0, op_call, "Push the return address and jump."),
    OpSpec("ret", "", 0, op_ret, "Return from a call, or from a signal or exception handler."),
    OpSpec("illegal", "", 0, op_illegal, "An illegal instruction: always a fault."),
    OpSpec("io", "n,s?", 0, op_io_issue, "Device I/O of N ticks: issuing it takes io_issue_cost "
           "ticks of CPU, the process is then blocked for N ticks, and completing it takes "
           "io_done_cost ticks.", micro=(op_io_issue, op_io_wait, op_io_done)),
    OpSpec("sleep", "n", 0, op_sleep, "Block for N ticks (a timer wakes the process)."),
    OpSpec("print", "t*", 0, op_print, "Write strings and values to the run's output (no cost).",
           instant=True),
    OpSpec("getpid", "", 1, op_getpid, "The caller's process id.", min_results=1),
    OpSpec("errno", "", 1, op_errno, "The error code of the last failed call, in the "
           "platform's numbering (errno, GetLastError).", min_results=1),
    OpSpec("open", "s,s?", 1, op_open, 'Open a file ("r", "w", "rw", "a"): a new open file '
           "description in the next free slot; -1 on error.", group="files",
           choices=(None, Choice("a file mode", frozenset(MODES),
                                 expected='"r", "w", "rw" or "a"'))),
    OpSpec("read", "v", 1, op_read, "Read one word at the shared offset (-1 at end of file).",
           group="files"),
    OpSpec("write", "v,v", 1, op_write, "Write one word at the shared offset.", group="files"),
    OpSpec("seek", "v,v", 1, op_seek, "Set the shared offset.", group="files"),
    OpSpec("tell", "v", 1, op_tell, "The shared offset.", group="files", min_results=1),
    OpSpec("close", "v", 1, op_close, "Close a slot; the description lives while others "
           "refer to it.", group="files"),
)

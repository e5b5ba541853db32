"""The osmodel kernel core: processes, CPUs, memory, time and the hook contract."""

if __name__ != "osmodel.kernel":  # pragma: no cover - guards the python -m pytest trap
    raise ImportError(
        f"imported as {__name__!r}: import osmodel.kernel from the installed package "
        "(run the `pytest` command, not `python -m pytest`, from the source tree)"
    )

from .hookspecs import HOOK_CONTRACT_VERSION, hookimpl, hookspec

__all__ = ["HOOK_CONTRACT_VERSION", "hookimpl", "hookspec"]

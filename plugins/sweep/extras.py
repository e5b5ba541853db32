"""Optional dependencies: a command that needs one that is missing says which extra brings it.

The base install is pluggy, attrs and typer; Dask, matplotlib and pyarrow
come with ``pip install 'osmodel[dask]'``, ``[plot]`` and ``[parquet]``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from osmodel.kernel.errors import OsmodelError


class MissingExtra(OsmodelError):
    """An optional dependency that is not installed, with the extra that installs it."""


def need(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` for ``what``, or say to install ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(f"{what} needs {module.split('.')[0]}, which is not installed: "
                           f"pip install 'osmodel[{extra}]'") from None

"""osmodel.testing: what a plugin author needs to test a plugin.

`run_programs` and `run_scenario` run on a platform with the plugins a test
names; `Run` answers what a run printed, which processes it had and what it
traced; `run_cli` and `run_in_subprocess` run the command line;
`PlatformConformance` checks a platform against what every platform must do.
The fixtures ``osmodel_run`` and ``osmodel_scenario`` come with the pytest
plugin (osmodel.testing.plugin, loaded through the ``pytest11`` entry point).

pytest imports that plugin at every start, in every project where osmodel is
installed, so each name here is imported when first read: the kernel loads
only for a test that runs something.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cli import CliResult, run_cli, run_in_subprocess
    from .conformance import PlatformConformance
    from .runs import Run, machine_with, run_programs, run_scenario

#: Each public name and the submodule that defines it.
_HOMES = {
    "CliResult": "cli", "run_cli": "cli", "run_in_subprocess": "cli",
    "PlatformConformance": "conformance",
    "Run": "runs", "machine_with": "runs", "run_programs": "runs", "run_scenario": "runs",
}

__all__ = ["CliResult", "PlatformConformance", "Run", "machine_with", "run_cli",
           "run_in_subprocess", "run_programs", "run_scenario"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{home}", __name__), name)

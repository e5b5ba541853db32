"""osmodel.testing: what a plugin author needs to test a plugin.

`run_programs` and `run_scenario` run on a platform with the plugins a test
names; `Run` answers what a run printed, which processes it had and what it
traced; `run_cli` and `run_in_subprocess` run the command line;
`PlatformConformance` checks a platform against what every platform must do.
The fixtures ``osmodel_run`` and ``osmodel_scenario`` come with the pytest
plugin (osmodel.testing.plugin, loaded through the ``pytest11`` entry point).
"""

from .cli import CliResult, run_cli, run_in_subprocess
from .conformance import PlatformConformance
from .runs import Run, machine_with, run_programs, run_scenario

__all__ = ["CliResult", "PlatformConformance", "Run", "machine_with", "run_cli",
           "run_in_subprocess", "run_programs", "run_scenario"]

"""Where osmodel's pytest plugin used to live; it is osmodel.testing.plugin now.

Kept so that ``-p osmodel.kernel.testing`` and imports of ``run_programs``
from here go on working.
"""

from osmodel.testing.plugin import osmodel_run, osmodel_scenario
from osmodel.testing.runs import run_programs

__all__ = ["osmodel_run", "osmodel_scenario", "run_programs"]

"""What a sweep checks before its first run: each cell's policy, options and platform.

A mistake that every run of a cell would meet (an option the policy does
not take, a platform that cannot boot the scenario) is a mistake in the
spec, so it is reported as one, at the grid value that caused it, before
thousands of rows repeat it.  A plugin that fails is left to the runs: its
failure may depend on the seed, and a failed run is a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from osmodel.kernel.boot import UnknownChoice
from osmodel.kernel.errors import ConfigError, Location, PluginError, SourceError
from osmodel.plugins.schedule.workload import WorkloadError

from .spec import Cell, Generated, Spec
from .work import scenario_machine, schedule_setup

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager
    from osmodel.kernel.scenario import Scenario


def check_cells(pm: PluginManager, cells: Sequence[Cell], spec: Spec,
                workload: Generated | Scenario) -> None:
    """Boot each distinct setup of ``cells`` once with the spec's first seed; a refusal is a
    SourceError at the grid value it came from."""
    seen: set[object] = set()
    for cell in cells:
        key = (cell.policy, cell.options, cell.cpus, cell.platform)
        if key in seen:
            continue
        seen.add(key)
        try:
            _boot(pm, workload, cell, spec.seeds[0])
        except SourceError:
            raise  # the scenario file's own mistake, at its place in that file
        except PluginError:
            continue
        except UnknownChoice as error:
            where = cell.place("platform" if error.kind == "platform" else "policy")
            raise SourceError(str(error), where or spec.location) from None
        except ConfigError as error:
            raise SourceError(str(error), _place(cell, error, spec.location)) from None
        except WorkloadError as error:  # drawing the workload failed: [workload] is at fault
            raise SourceError(str(error), spec.location) from None


def _place(cell: Cell, error: ConfigError, fallback: Location) -> Location:
    option = getattr(error, "option", None)  # a scheduler's OptionError names its option
    if isinstance(option, str):
        found = cell.place(option)
        if found is not None:
            return found
    return cell.place("policy") or fallback


def _boot(pm: PluginManager, workload: Generated | Scenario, cell: Cell, seed: int) -> None:
    if isinstance(workload, Generated):
        from osmodel.plugins.schedule import engine

        built, setup = schedule_setup(workload, cell, seed)
        engine.check(pm, built, setup)
        return
    from osmodel.kernel.simulation import simulate

    sim = simulate(workload, platform=cell.platform, pm=pm,
                   machine=scenario_machine(workload, cell), seed=seed, run=False,
                   record=False)
    sim.close()

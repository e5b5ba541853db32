"""The cyclic policy reads its options like every other policy: a bad one is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from osmodel.kernel.boot import boot
from osmodel.kernel.machine import Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.schedulers.options import OptionError
from osmodel.plugins.schedulers.policy import Policy


def boot_cyclic(options: dict[str, Any], cpus: int = 1) -> Any:
    spec = Machine(cpus=cpus, scheduler="cyclic", scheduler_options=options)
    return boot(spec, "bare", make_plugin_manager(autoload=False))


def test_cyclic_is_a_policy_with_its_defaults() -> None:
    scheduler = boot_cyclic({}).scheduler
    assert isinstance(scheduler, Policy) and scheduler.name == "cyclic"
    assert (scheduler.hold, scheduler.immediate, scheduler.preemptive) == (False, False, False)
    switched = boot_cyclic({"switch": "on-end", "io_done": "immediate"}).scheduler
    assert (switched.hold, switched.immediate, switched.preemptive) == (True, True, True)


@pytest.mark.parametrize(("options", "cpus", "option", "message"), [
    ({"speed": 3}, 1, "speed", "scheduler 'cyclic' has no option 'speed' (options: io_done, "
                               "switch)"),
    ({"switch": "never"}, 1, "switch",
     "scheduler 'cyclic': option 'switch' must be one of 'on-io', 'on-end', not 'never'"),
    ({"io_done": 1}, 1, "io_done",
     "scheduler 'cyclic': option 'io_done' must be one of 'later', 'immediate', not 1"),
    ({"switch": "on-end"}, 2, "switch",
     "scheduler 'cyclic': option 'switch' must be 'on-io' on a machine of 2 CPUs (on-end "
     "models one CPU that waits for its process), not 'on-end'"),
])
def test_a_bad_option_is_an_option_error_naming_it(options: dict[str, Any], cpus: int,
                                                  option: str, message: str) -> None:
    with pytest.raises(OptionError) as error:
        boot_cyclic(options, cpus)
    assert (error.value.scheduler, error.value.option, str(error.value)) == (
        "cyclic", option, message)


@pytest.mark.parametrize(("option", "value"), [("io_done", '"soon"'), ("switch", '"on-end"')])
def test_a_bad_option_in_a_scenario_points_at_its_value(tmp_path: Path, option: str,
                                                        value: str) -> None:
    line = f'scheduler = {{ name = "cyclic", {option} = {value} }}'
    column = line.index(value) + 1
    path = tmp_path / "s.toml"
    path.write_text(f'[scenario]\nplatform = "bare"\n[machine]\ncpus = 2\n{line}\n'
                    '[programs.m]\ncode = "exit 0"\n')
    result = run_cli("run", str(path))
    assert result.code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"osmodel: error: {path}:5:{column}: scheduler 'cyclic'")

"""Every policy is a built-in plugin, and every option is checked when the scheduler is made."""

from __future__ import annotations

from typing import Any

import pytest
from scheduling.policy_harness import POLICIES, Workload, boot_toy

from osmodel.kernel.boot import schedulers
from osmodel.kernel.errors import ConfigError
from osmodel.kernel.manager import BUILTIN_PLUGINS, make_plugin_manager


def test_every_policy_is_a_built_in_plugin_of_its_own_name() -> None:
    builtins = dict(BUILTIN_PLUGINS)
    assert all(builtins[name] == f"osmodel.plugins.schedulers.{name}" for name in POLICIES)
    assert set(POLICIES) <= set(schedulers(make_plugin_manager(autoload=False)))


def test_a_policy_can_be_blocked_like_any_plugin() -> None:
    pm = make_plugin_manager(["no:mlfq"], autoload=False)
    assert "mlfq" not in schedulers(pm) and "cfs" in schedulers(pm)


@pytest.mark.parametrize("scheduler", POLICIES)
def test_defaults_are_accepted_and_an_unknown_option_is_named_with_the_known_ones(
        scheduler: str) -> None:
    kernel = boot_toy(scheduler)
    known = sorted(type(kernel.scheduler).options)  # type: ignore[attr-defined]
    assert "queues" in known
    with pytest.raises(ConfigError) as error:
        boot_toy(scheduler, {"speed": 3})
    assert str(error.value) == (f"scheduler {scheduler!r} has no option 'speed' "
                                f"(options: {', '.join(known)})")


#: The bound on every option that is a time in ticks.
TICKS = "1,000,000,000,000"

BAD: list[tuple[str, dict[str, Any], str]] = [
    ("fifo", {"quantum": 2}, "scheduler 'fifo' has no option 'quantum' (options: queues)"),
    ("rr", {"quantum": -1},
     f"scheduler 'rr': option 'quantum' must be an integer from 0 to {TICKS}, not -1"),
    ("rr", {"quantum": True}, f"option 'quantum' must be an integer from 0 to {TICKS}, not True"),
    ("rr", {"quantum": 2.5}, f"option 'quantum' must be an integer from 0 to {TICKS}, not 2.5"),
    ("rr", {"queues": "both"},
     "scheduler 'rr': option 'queues' must be one of 'shared', 'per-cpu', not 'both'"),
    ("sjf", {"queues": 1}, "option 'queues' must be one of 'shared', 'per-cpu', not 1"),
    ("priority", {"preemptive": "yes"},
     "scheduler 'priority': option 'preemptive' must be true or false, not 'yes'"),
    ("priority", {"aging": -1}, f"option 'aging' must be an integer from 0 to {TICKS}, not -1"),
    ("priority", {"order": "up"},
     "option 'order' must be one of 'low-first', 'high-first', not 'up'"),
    ("mlfq", {"levels": 0},
     "scheduler 'mlfq': option 'levels' must be an integer from 1 to 64, not 0"),
    ("mlfq", {"quantum": [1, 2]}, f"option 'quantum' must be an integer from 1 to {TICKS} or a "
                                  "list of 3 such integers (one per level), not [1, 2]"),
    ("mlfq", {"levels": 2, "allotment": [4, 0]}, f"option 'allotment' must be an integer from 1 "
                                                 f"to {TICKS} or a list of 2 such integers"),
    ("mlfq", {"quantum": 0}, f"option 'quantum' must be an integer from 1 to {TICKS}"),
    ("mlfq", {"boost": -5}, f"option 'boost' must be an integer from 0 to {TICKS}, not -5"),
    ("mlfq", {"io_to_front": 1}, "option 'io_to_front' must be true or false, not 1"),
    ("mlfq", {"io_resets_allotment": "no"}, "option 'io_resets_allotment' must be true or"),
    ("lottery", {"quantum": -1}, "scheduler 'lottery': option 'quantum' must be an integer"),
    ("stride", {"big": 0},
     "scheduler 'stride': option 'big' must be an integer from 1 to 1,000,000,000, not 0"),
    ("cfs", {"sched_latency": 0}, "scheduler 'cfs': option 'sched_latency' must be an integer "
                                  f"from 1 to {TICKS}, not 0"),
    ("cfs", {"min_granularity": "6"}, "option 'min_granularity' must be an integer from 1 to "
                                      f"{TICKS}, not '6'"),
]


@pytest.mark.parametrize(("scheduler", "options", "message"), BAD,
                         ids=[f"{s}-{'-'.join(o)}" for s, o, _ in BAD])
def test_a_bad_option_is_a_config_error_naming_scheduler_option_and_what_is_allowed(
        scheduler: str, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        boot_toy(scheduler, options)
    assert message in str(error.value)


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("rr", {"quantum": 0, "queues": "per-cpu"}),
    ("priority", {"preemptive": True, "aging": 5, "order": "high-first"}),
    ("mlfq", {"levels": 4, "quantum": [1, 2, 4, 8], "allotment": 8, "boost": 100,
              "io_resets_allotment": True, "io_to_front": True}),
    ("lottery", {"quantum": 0}),
    ("stride", {"quantum": 3, "big": 1 << 20}),
    ("cfs", {"sched_latency": 20, "min_granularity": 1}),
]


@pytest.mark.parametrize(("scheduler", "options"), GOOD, ids=[s for s, _ in GOOD])
def test_good_options_are_accepted_and_run(scheduler: str, options: dict[str, Any]) -> None:
    w = Workload(scheduler, options, cpus=2).job(7).job(5, at=3).job(9, at=4).run()
    assert [p.acct.cpu for p in w.procs] == [7, 5, 9]


def test_round_robin_is_unchanged_by_the_refactoring() -> None:
    # the classic homework: quantum 3 on jobs 5, 2, 7
    w = Workload("rr", {"quantum": 3}).job(5).job(2).job(7).run()
    assert w.metrics() == [(0, 10, 5), (3, 5, 3), (5, 14, 7)]
    assert boot_toy("rr").scheduler.slice(None, None) == 2  # type: ignore[arg-type]

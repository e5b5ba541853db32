"""Every run's summary counts its state transitions; a preemption is what the word means.

Issue 15: "preemptions 0" stood beside a trace full of "running -> ready (quantum
expired)", because the count was of arrivals that took a CPU only.
"""

from __future__ import annotations

from conftest import run_cli

from osmodel.kernel.render import transition_lines
from osmodel.kernel.report import SCHEMA_VERSION, build_report
from osmodel.kernel.scenario import loads_scenario
from osmodel.kernel.simulation import simulate

TWO_JOBS = """\
[scenario]
platform = "bare"
[machine]
scheduler = { name = "rr", quantum = 2 }
[programs.long]
code = "cpu 5\\nexit 0"
[programs.wait]
code = "io 3\\nexit 0"
[[timeline]]
at = 0
batch = "long"
[[timeline]]
at = 0
batch = "long"
[[timeline]]
at = 1
batch = "wait"
"""


def summary(source: str) -> dict[str, object]:
    report = build_report(simulate(loads_scenario(source), record=False))
    assert report["schema"] == SCHEMA_VERSION == 2
    return report["summary"]  # type: ignore[no-any-return]


def test_preemptions_count_every_running_process_made_ready() -> None:
    found = summary(TWO_JOBS)
    transitions = {(t["from"], t["to"]): t["count"] for t in found["transitions"]}  # type: ignore[attr-defined]
    # the trace, counted by hand
    sim = simulate(loads_scenario(TWO_JOBS))
    states = [e.info for e in sim.recorder.events if e.kind == "state"]
    made_ready = [s for s in states if s["old"] == "running" and s["new"] == "ready"]
    assert made_ready and found["preemptions"] == len(made_ready)
    assert found["preemption_reasons"] == {"quantum expired": len(made_ready)}
    for (old, new), count in transitions.items():
        assert count == sum(1 for s in states if (s["old"], s["new"]) == (old, new))
    assert transitions[("running", "blocked")] == 1 and transitions[("blocked", "ready")] == 1


def test_the_summary_names_the_four_transitions_in_the_textbooks_states() -> None:
    found = summary(TWO_JOBS)
    lines = transition_lines(found)  # type: ignore[arg-type]
    assert lines[0] == "the three states' four transitions:"
    counts = {line.split()[0] + line.split()[2]: int(line.split()[3]) for line in lines[1:5]}
    assert counts == {"ready" "running": found["transitions"][1]["count"],  # type: ignore[index]
                      "running" "ready": found["preemptions"],
                      "running" "blocked": 1, "blocked" "ready": 1}


def test_a_zombie_is_terminated_in_the_textbooks_terms() -> None:
    out = run_cli("--platform", "unix", "demo", "--format", "json").stdout
    import json

    transitions = json.loads(out)["summary"]["transitions"]
    zombie = [t for t in transitions if t["to"] == "zombie"]
    assert zombie and all(t["textbook"][1] == "terminated" for t in zombie)
    assert any(t["from"] == "running" and t["to"] == "ready" for t in transitions)


def test_the_demo_shows_the_same_work_on_more_cpus() -> None:
    out = run_cli("--platform", "unix", "demo", "--no-trace").stdout
    assert "== trace" not in out
    section = out.split("== the same work on 4 CPUs")[1].splitlines()
    one, many = (line.split() for line in section[2:4])
    assert one[:2] == ["1", "CPU"] and many[:2] == ["4", "CPUs"]
    assert one[3] == "1" and int(many[3]) > 1  # most running at once
    assert int(many[2]) <= int(one[2])  # the clock

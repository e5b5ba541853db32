"""Boot, the outside world, reports and the demo: issue 4's boot, creation causes and output."""

from __future__ import annotations

import json

import pytest

from osmodel.kernel.errors import SourceError
from osmodel.kernel.render import trace_lines
from osmodel.kernel.report import build_report
from osmodel.platforms.windows import WindowsPlatform, syscalls
from osmodel.platforms.windows.constants import IDLE

WAIT_FOREVER = "CreateEvent TRUE, FALSE -> r9\n WaitForSingleObject r9, INFINITE -> r9\n"

BOOT = [("System Idle Process", None), ("System", None), ("smss.exe", "System"),
        ("csrss.exe", "smss.exe"), ("wininit.exe", "smss.exe"),
        ("services.exe", "wininit.exe"), ("svchost.exe", "services.exe"),
        ("svchost.exe", "services.exe"), ("lsass.exe", "wininit.exe"),
        ("smss.exe", "smss.exe"), ("winlogon.exe", "smss.exe"),
        ("userinit.exe", "winlogon.exe"), ("explorer.exe", "userinit.exe")]


def test_boot_makes_a_recognisable_windows_and_then_the_run_ends(win):
    run = win({"main": "nop"})
    boot = sorted((p for p in run.procs() if p.cause == "boot"), key=lambda p: p.acct.created)
    by_pid = {p.pid: p for p in boot}
    assert [(p.name, by_pid[p.creator].name if p.creator is not None else None)
            for p in sorted(boot, key=lambda p: (p.acct.created, p.pid))] == BOOT
    assert [p.pid for p in boot[:2]] == [0, 4]
    assert all(p.pid % 4 == 0 for p in boot)
    idle = by_pid[0]
    assert idle.state is IDLE and idle.acct.cpu == 0 and idle.acct.first_run is None
    # smss's session copy and userinit end at once: winlogon's and explorer's creators
    ended = sorted(p.name for p in boot if p.exit is not None)
    assert ended == ["smss.exe", "userinit.exe"]
    others = [p for p in boot if p.exit is None and p.pid != 0]
    assert all(p.state.name == "blocked" for p in others)
    assert run.kernel.now < 30 and not run.kernel.pending()


def test_stale_creators_are_shown_as_such(win):
    run = win({"main": "nop"})
    info = {p.name: run.kernel.hook.osmodel_process_info(kernel=run.kernel, process=p)
            for p in run.kernel.processes.values()}
    merged = {name: {k: v for d in found for k, v in d.items()} for name, found in info.items()}
    assert merged["explorer.exe"]["creator_alive"] is False
    assert merged["winlogon.exe"]["creator_alive"] is False
    assert merged["services.exe"]["creator_alive"] is True
    assert merged["System"]["creator_alive"] is None
    lines = run.kernel.hook.osmodel_structure(kernel=run.kernel)
    assert any("explorer.exe" in line and "stale" in line for line in lines)


def test_a_user_command_is_created_by_explorer_on_the_console(win):
    run = win({"main": WAIT_FOREVER}, until=40)
    main = run.proc("main")
    explorer = run.proc("explorer.exe")
    assert (main.cause, main.creator) == ("user", explorer.pid)
    assert run.data(main).console == 1 and run.data(main).account == "user"
    # like ShellExecute, explorer keeps no handle: nothing keeps main's object
    assert all(slot.obj is not run.data(main).obj for _, slot in explorer.resources)


def test_a_batch_job_is_created_by_the_task_scheduler_without_a_console(scenario):
    run = scenario("""
[programs.job]
code = "print 1"

[[timeline]]
at = 5
batch = "job"
""")
    job = run.proc("job")
    scheduler = next(p for p in run.procs("svchost.exe") if p.pid == job.creator)
    assert job.cause == "batch" and run.data(job).console is None
    assert scheduler.pid == run.data(job).creator


@pytest.mark.parametrize(("signal", "code"), [(None, 1), ("7", 7), ("SIGTERM", 1)])
def test_the_operator_terminates_a_process_from_outside(scenario, signal, code):
    extra = f'signal = "{signal}"\n' if signal else ""
    run = scenario(f"""
[programs.main]
code = '''
{WAIT_FOREVER}
'''

[[timeline]]
at = 0
user = "main"

[[timeline]]
at = 20
kill = "main"
{extra}""")
    main = run.proc("main")
    assert main.exit is not None and (main.exit.kind, main.exit.code) == ("killed", code)
    assert "operator" in main.exit.reason


def test_the_operator_cannot_end_system(scenario):
    run = scenario("""
[programs.main]
code = "nop"

[[timeline]]
at = 5
kill = 4
""")
    assert run.proc("System").exit is None


def test_the_json_report_has_no_parent_and_carries_creator_and_handles(win):
    run = win({"main": """
            CreateProcess child, FALSE, 0 -> r1, r2
            wait r1 -> r3
    """ + WAIT_FOREVER, "child": "ExitProcess 300"}, until=60)
    report = json.loads(json.dumps(build_report(run.sim)))
    entries = {(p["pid"], p["name"]): p for p in report["processes"]}
    assert all(p["parent"] is None for p in report["processes"])
    main = next(p for (pid, name), p in entries.items() if name == "main")
    child = next(p for (pid, name), p in entries.items() if name == "child")
    assert child["creator"] == main["pid"] and child["exit_code"] == 300
    assert child["exit"] == {"kind": "error", "code": 300, "signal": None,
                             "reason": "ExitProcess"}
    assert main["exit_code"] == 259
    assert [h["handle"] for h in main["handles"]] == [4, 8, 12]
    assert main["handles"][0] == {"handle": 4, "type": "process",
                                  "object": f"process {child['pid']} child",
                                  "rights": "PROCESS_ALL_ACCESS", "access": "0x1fffff",
                                  "inheritable": False, "pid": child["pid"]}
    assert child["handles_to_it"] == 2  # kept by main's process and thread handles
    assert main["thread"]["state"] == "Waiting"
    edges = report["windows"]["handle_graph"]
    assert {"holder": main["pid"], "handle": 4, "object": f"process {child['pid']} child",
            "rights": "PROCESS_ALL_ACCESS", "pid": child["pid"]} in edges


def test_the_structure_lists_processes_and_the_handle_graph(win):
    run = win({"main": "spawn child -> r1\n" + WAIT_FOREVER, "child": "ExitProcess 1"},
              until=60)
    lines = run.kernel.hook.osmodel_structure(kernel=run.kernel)
    text = "\n".join(lines)
    assert "no tree" in text and "who holds which handle" in text
    child = run.proc("child")
    assert any(line.split()[:3] == [str(child.pid), "child", "terminated"] for line in
               (row.strip() for row in lines))
    assert any("main" in line and f"process {child.pid} child" in line and
               "PROCESS_ALL_ACCESS" in line for line in lines)


def test_tasklist_prints_the_users_processes(win):
    run = win({"main": "spawn child -> r1\n wait r1 -> r2\n tasklist",
               "child": "ExitProcess 9"})
    out = run.out()
    assert out[0].split()[:2] == ["PID", "NAME"]
    child = run.proc("child")
    assert any(line.split()[:4] == [str(child.pid), "child", "terminated",
                                    str(run.proc("main").pid)] for line in out)
    explorer = str(run.proc("explorer.exe").pid)
    assert not any(line.split()[0] == explorer for line in out[1:])  # no boot process


def test_who_holds_a_handle_is_known_without_reading_any_handle_table(win, monkeypatch):
    # a list of n processes with the handles to each, and every exit's trace of who keeps
    # the record, must not scan all tables (a chain of 4096 processes was quadratic)
    from osmodel.kernel.files import ResourceTable
    from osmodel.platforms.windows import report
    from osmodel.platforms.windows.lifetime import held_by

    run = win({"main": "spawn child -> r1\n spawn child -> r2\n spawn child -> r3\n"
                       " DuplicateHandle -1, r1, -1, 0, DUPLICATE_SAME_ACCESS -> r4\n"
                       " CloseHandle r2\n sleep 100",
               "child": "sleep 200"}, until=60)
    reads = []
    original = ResourceTable.__iter__
    monkeypatch.setattr(ResourceTable, "__iter__",
                        lambda self: reads.append(self) or original(self))
    lines = report.tasklist(run.kernel)
    assert len(lines) == 1 + 4  # the header, main and its three children
    assert reads == []
    main = run.proc("main")
    first, second, third = sorted(run.procs("child"), key=lambda p: p.pid)
    handles = {value: slot.obj for value, slot in original(main.resources)}
    to_first = sorted(v for v, obj in handles.items() if obj is run.data(first).obj)
    assert len(to_first) == 2  # the handle CreateProcess gave, and its duplicate
    assert held_by(first) == [f"{main.pid}:{v}" for v in to_first]
    assert held_by(second) == []  # closed
    assert held_by(third) == [f"{main.pid}:{v}" for v, obj in handles.items()
                              if obj is run.data(third).obj]
    row = next(line for line in lines if line.split()[0] == str(first.pid))
    assert row.endswith(", ".join(held_by(first)))


def test_a_unix_call_names_its_windows_equivalent(win):
    with pytest.raises(SourceError) as error:
        win({"main": "fork -> r1"})
    assert "fork is not a windows system call; windows has CreateProcess" in str(error.value)


def test_core_error_reasons_map_to_win32_codes(win):
    run = win({"main": "nop"})
    platform = run.kernel.platform
    assert [platform.error_code(r) for r in ("bad", "missing", "mode", "other")] == [6, 2, 5,
                                                                                     87]


def test_every_instruction_is_in_the_reference():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "windows.md").read_text()
    for spec in syscalls.table().values():
        assert f"`{spec.signature}`" in text, spec.name


def test_the_demo_shows_what_issue_4_asks_for(osmodel_scenario):
    sim = osmodel_scenario(WindowsPlatform.demo())
    out = [text for _, _, text in sim.kernel.output]
    procs = sim.processes()
    causes = {p.cause for p in procs}
    kinds = {p.exit.kind for p in procs if p.exit is not None}
    assert causes == {"boot", "syscall", "user", "batch"}
    assert kinds == {"normal", "error", "fatal", "killed"}
    assert "copy: x = 5 - my image's value, not my creator's 1" in out
    assert "launcher: the copy ended with exit code 300" in out
    assert "monitor: wait gave 258 and the exit code is 259" in out
    assert "monitor: now the wait gives 0 and the exit code is 42" in out
    assert any(p.name == "report" and p.exit is not None and p.exit.code == 4294967295
               for p in procs)
    assert any("Ctrl+C" in line or "CTRL_C_EVENT" in line for line in out)
    kept = [e for e in sim.recorder.events if e.kind == "signaled"]
    assert kept and kept[0].info["kept_by_handles"]
    assert len(trace_lines(sim.recorder.events)) < 300
    assert sim.kernel.stop_reason is None

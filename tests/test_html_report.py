"""``osmodel report``: one self-contained HTML page, checked as text and in a real browser.

The browser test drives Debian's chromium (``/usr/bin/chromium``) headless
through the Chrome DevTools Protocol over ``--remote-debugging-pipe``: the
browser reads JSON commands on fd 3 and writes answers and events on fd 4,
each message ended by a NUL byte, so no websocket, port or extra package is
needed.  The page is opened with the Runtime, Log and Page domains enabled;
every console call, uncaught exception and error or warning log entry
(including a Content-Security-Policy violation, which is what any attempt to
load something from outside the file would cause) is collected.  After the
load event the test reads, from the live page, the attribute the page's own
script sets as its last act (``data-osmodel-ready``: so the script ran to the
end without throwing) and the rendered text (``innerText``, so hidden text
does not count), which must name every process of every run.

A negative test feeds the same helper a broken page, so a helper that stopped
noticing problems would fail too.  Without /usr/bin/chromium the browser
tests are skipped, saying so; CI installs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from test_cli import osmodel

from osmodel.plugins.gallery.catalog import SCENARIOS

DATA = SCENARIOS
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="no /usr/bin/chromium (CI installs it: apt-get "
                                    "install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe"]


class Browser:
    """Chromium driven over its DevTools pipe: commands, answers and events as JSON."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.deadline = time.monotonic() + timeout
        self.profile = tempfile.TemporaryDirectory(prefix="osmodel-chromium-")
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # A Python trampoline puts our pipe ends on the browser's fds 3 and 4, then
        # becomes the browser (no preexec_fn, which is unsafe with threads).
        trampoline = (
            "import fcntl, os, sys\n"
            "a, b = (fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3])\n"
            "os.dup2(a, 3); os.dup2(b, 4)\n"
            "[os.close(fd) for fd in {a, b, int(sys.argv[1]), int(sys.argv[2])} - {3, 4}]\n"
            "os.execv(sys.argv[3], sys.argv[3:])\n")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", trampoline, str(to_browser_r), str(from_browser_w),
             str(CHROMIUM), *FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            pass_fds=(to_browser_r, from_browser_w))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.events: list[dict[str, Any]] = []
        self.next_id = 0

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            os.write(self.to_browser, b'{"id": 999999, "method": "Browser.close"}\0')
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)
        self.log.close()
        self.profile.cleanup()

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"chromium did not answer; its log:\n{self.stderr()}")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if ready:
                chunk = os.read(self.from_browser, 1 << 16)
                if not chunk:
                    raise RuntimeError(f"chromium closed the pipe; its log:\n{self.stderr()}")
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        command: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self.to_browser, json.dumps(command).encode() + b"\0")
        while True:
            message = self._message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait(self, method: str, session: str | None = None) -> dict[str, Any]:
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            message = self._message()
            if "method" in message:
                self.events.append(message)


def load_page(path: Path, expression: str) -> tuple[Any, list[str]]:
    """Open ``path``; the value of ``expression`` after load, and every problem reported."""
    with Browser() as browser:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            browser.call(f"{domain}.enable", session=session)
        browser.call("Page.navigate", {"url": path.resolve().as_uri()}, session)
        browser.wait("Page.loadEventFired", session)
        value = browser.call("Runtime.evaluate", {"expression": expression,
                                                  "returnByValue": True}, session)
        problems = []
        for event in browser.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled":
                problems.append(f"console.{params.get('type')}: "
                                f"{[a.get('value') for a in params.get('args', [])]}")
            elif event["method"] == "Runtime.exceptionThrown":
                problems.append(f"exception: {params['exceptionDetails']}")
            elif event["method"] == "Log.entryAdded" and \
                    params["entry"]["level"] in ("error", "warning"):
                problems.append(f"log {params['entry']['level']}: {params['entry']['text']}")
        return value["result"].get("value"), problems


PAGE_STATE = ("JSON.stringify({ready: document.documentElement.getAttribute('data-osmodel-ready'),"
              " text: document.body.innerText})")


def report(*args: str) -> Any:
    return osmodel("report", *args)


# ------------------------------------------------------------------ the page as a file


def test_one_platform_report_has_timeline_structures_and_table(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = report("--platforms", "unix", str(DATA / "orphans.toml"), "-o", str(out))
    assert result.code == 0, result.stderr
    assert result.stdout == f"wrote {out} (unix)\n"
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<svg class="timeline"') == 1
    # the fullest moment (parent and child both exist) and the end
    assert page.count('<svg class="structure"') == 2
    assert 'id="comparison"' not in page  # one platform: nothing to compare
    runs = json.loads(osmodel("run", "--platform", "unix", str(DATA / "orphans.toml"),
                              "--format", "json").stdout)
    assert page.count("<tr data-proc=") == len(runs["processes"]) == 6
    assert "<td>parent</td>" in page and "<td>child</td>" in page


def test_several_platforms_give_the_side_by_side_view_and_differences(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = report("unix", "windows", str(DATA / "orphans.toml"), "-o", str(out), "--at", "12")
    assert result.code == 0, result.stderr
    page = out.read_text()
    assert 'id="comparison"' in page
    assert '<li data-kind="orphan">' in page
    assert "adopted by init (pid 1) on unix; keeps running with no parent on windows" in page
    # --at replaces the default moments: one structure per platform, at 12
    assert page.count('<svg class="structure"') == 2
    assert page.count('data-time="12"') == 2


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert report("unix", "windows", str(DATA / "ctrl-c.toml"), "-o", str(out)).code == 0
    page = out.read_text()
    assert "default-src 'none'" in page  # the browser may load nothing else
    for outside in ("<link", " src=", "@import", "@font-face", "//fonts", "https:"):
        assert outside not in page
    assert page.replace('xmlns="http://www.w3.org/2000/svg"', "").count("http:") == 0
    assert "url(" not in page.replace("url(#", "")


def test_all_text_is_escaped(tmp_path: Path) -> None:
    scenario = tmp_path / "evil.toml"
    scenario.write_text((DATA / "orphans.toml").read_text()
                        .replace('title = "orphans"', 'title = "<script>alert(1)</script>"')
                        .replace('"child: still running"', '"<img src=x onerror=alert(2)>"'))
    out = tmp_path / "r.html"
    assert report("unix", str(scenario), "-o", str(out)).code == 0
    page = out.read_text()
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_the_same_runs_give_the_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    for out in (a, b):
        assert report("unix", "windows", str(DATA / "kill.toml"), "-o", str(out)).code == 0
    assert a.read_bytes() == b.read_bytes()


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("the old report")
    bad = tmp_path / "bad.toml"
    bad.write_text("[machine]\ncpus = 0\n")
    result = report("unix", str(bad), "-o", str(out))
    assert result.code == 2 and f"{bad}:2:8:" in result.stderr
    assert out.read_text() == "the old report"
    missing = report("unix", str(DATA / "orphans.toml"), "-o", str(tmp_path / "no" / "r.html"))
    assert missing.code == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "no").exists()
    unknown = report("unix", "nope", str(DATA / "orphans.toml"), "-o", str(out))
    assert unknown.code == 2 and "unknown platform 'nope'" in unknown.stderr
    assert out.read_text() == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "r.html"]  # no temp file


def test_default_platform_is_the_root_one_then_the_scenarios(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = osmodel("--platform", "windows", "report", str(DATA / "exit-width.toml"),
                     "-o", str(out))
    assert result.code == 0 and result.stdout.endswith("(windows)\n")
    assert osmodel("report", str(DATA / "exit-width.toml"), "-o", str(out)).stdout.endswith(
        "(unix, windows)\n")


# ---------------------------------------------------------------------- in a browser


@needs_chromium
@pytest.mark.parametrize(("platforms", "scenario"), [
    (("unix", "toy", "windows"), "exit-width.toml"),  # toy: a platform from outside the package
    (("unix", "windows"), "ctrl-c.toml"),
])
def test_the_report_loads_without_console_errors_and_shows_every_process(
        tmp_path: Path, platforms: tuple[str, ...], scenario: str) -> None:
    out = tmp_path / "r.html"
    result = report(*platforms, str(DATA / scenario), "-o", str(out))
    assert result.code == 0, result.stderr
    state, problems = load_page(out, PAGE_STATE)
    assert problems == []
    shown = json.loads(state)
    text = shown["text"]
    rows = 0
    for platform in platforms:
        runs = json.loads(osmodel("run", "--platform", platform, str(DATA / scenario),
                                  "--format", "json").stdout)
        rows += len(runs["processes"])
        for proc in runs["processes"]:
            assert f"{proc['pid']} {proc['name']}" in text, (platform, proc["pid"])
    assert shown["ready"] == str(rows)  # the script ran to its end and counted every row


@needs_chromium
def test_the_browser_check_notices_a_broken_page(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><meta http-equiv="
        "'Content-Security-Policy' content=\"default-src 'none'; script-src 'unsafe-inline'\">"
        "</head><body><p>1 init</p><img src='http://192.0.2.1/x.png'>"
        "<script>undefinedFunction();"
        "document.documentElement.setAttribute('data-osmodel-ready', '1');</script>"
        "</body></html>")
    state, problems = load_page(page, PAGE_STATE)
    assert json.loads(state)["ready"] is None  # the script stopped at its error
    assert any("undefinedFunction" in p for p in problems)
    assert any("Content Security Policy" in p for p in problems)

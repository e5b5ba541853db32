"""The command line, run the way a user runs it: in this process or in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from osmodel.kernel.manager import DISABLE_AUTOLOAD_ENV


@frozen
class CliResult:
    """What one command printed, and its exit status."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.code == 0, self.stderr
        return json.loads(self.stdout)

    def lines(self) -> list[str]:
        assert self.code == 0, self.stderr
        return self.stdout.splitlines()


def run_cli(*args: str) -> CliResult:
    """The command line as ``main`` runs it (-p read first), with the built-in plugins
    and ``-p`` modules only: installed third-party plugins stay out."""
    from typer.testing import CliRunner

    from osmodel.kernel.cli import build_app, plugin_options, with_default_command
    from osmodel.kernel.manager import make_plugin_manager

    argv = list(args)
    pm = make_plugin_manager(plugin_options(argv), autoload=False)
    result = CliRunner(env={DISABLE_AUTOLOAD_ENV: "1"}).invoke(build_app(pm),
                                                              with_default_command(argv))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


def run_in_subprocess(args: Iterable[str], *, hash_seed: str,
                      pythonpath: Iterable[str] = (),
                      env: Mapping[str, str] | None = None) -> CliResult:
    """``osmodel ARGS`` in a fresh interpreter under ``PYTHONHASHSEED=hash_seed``.

    Only a new interpreter has a new hash seed: two runs in one process share
    set and dict-of-str orders, so they cannot show an order that depends on it.
    Installed plugins stay out (``-p`` loads the ones a test names).
    """
    paths = [*pythonpath, *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, **(env or {}), "PYTHONHASHSEED": hash_seed,
                   DISABLE_AUTOLOAD_ENV: "1", "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-c", "from osmodel.kernel.cli import main; main()", *args],
        capture_output=True, text=True, env=environment, check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)

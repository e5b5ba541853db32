"""Rebuild fork_expected.json: ``python fork_make.py PATH/TO/fork.py``.

Needs the original at hand (CI only reads the JSON).  Every non-comment line of
fork_cases.txt is a set of flags; fork.py runs once with each, and its stdout
and exit status are stored under the command line that produced them.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path


def record(script: str, flags: str) -> dict[str, object]:
    argv = shlex.split(flags)
    ran = subprocess.run([sys.executable, script, *argv], capture_output=True, text=True,
                         check=False)
    return {"command": f"fork.py {flags}", "argv": argv, "status": ran.returncode,
            "output": ran.stdout}


if __name__ == "__main__":
    here = Path(__file__).parent
    lines = (here / "fork_cases.txt").read_text().splitlines()
    runs = [record(sys.argv[1], line.strip()) for line in lines
            if line.strip() and not line.startswith("#")]
    (here / "fork_expected.json").write_text(json.dumps(runs, indent=1) + "\n")

"""Record fork.py's answers for the cases of fork_cases.txt.

Run by hand where the original is at hand (CI has no copy, and reads only the
recorded file): ``python fork_make.py PATH/TO/fork.py``.  Each
case is one line of flags; the original is run with them and its output kept
beside the exact command line, in fork_expected.json.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(original: str) -> None:
    cases = [line.strip() for line in (HERE / "fork_cases.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    out = []
    for flags in cases:
        argv = shlex.split(flags)
        done = subprocess.run([sys.executable, original, *argv], capture_output=True,
                              text=True, check=False)
        out.append({"command": f"fork.py {flags}", "argv": argv,
                    "status": done.returncode, "output": done.stdout})
    (HERE / "fork_expected.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])

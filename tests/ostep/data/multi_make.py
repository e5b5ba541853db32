"""Record multi.py's output (its question: the jobs and the queues) for multi_cases.txt,
and its one-CPU cache traces (-T -C) for multi_cache_cases.txt.

CI has no copy of the original and reads only multi_expected.json; whoever
changes the cases runs ``python multi_make.py PATH/TO/multi.py`` where the
original is at hand.  Every entry keeps the exact command line beside the
output it printed.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path


def record(original: str, flags: str) -> dict[str, object]:
    argv = shlex.split(flags)
    done = subprocess.run([sys.executable, original, *argv], capture_output=True, text=True,
                          check=False)
    return {"command": f"multi.py {flags}", "argv": argv, "status": done.returncode,
            "output": done.stdout}


if __name__ == "__main__":
    here = Path(__file__).parent
    for cases, expected in (("multi_cases.txt", "multi_expected.json"),
                            ("multi_cache_cases.txt", "multi_cache_expected.json")):
        lines = (here / cases).read_text().splitlines()
        runs = [record(sys.argv[1], line.strip()) for line in lines
                if line.strip() and not line.startswith("#")]
        (here / expected).write_text(json.dumps(runs, indent=1) + "\n")

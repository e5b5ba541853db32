"""Record what the OSTEP originals print for the scheduler and lottery test cases.

    python tests/ostep/record_scheduling.py DIR

DIR holds the original ``scheduler.py`` and ``lottery.py``.  Each case is
run with the Python running this script, and its exact command line, exit
status and output go to tests/ostep/data/{scheduler,lottery}.json, which the
tests read (CI has no originals).  A case's ``argv`` is what ``osmodel ostep``
is given; ``original`` is what the original was given when it differs (the
original knows only upper-case policy names).
"""

from __future__ import annotations

import json
import platform
import shlex
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"

SCHEDULER: list[tuple[list[str], list[str] | None]] = [
    ([], None),
    (["-c"], None),
    (["-s", "100", "-c"], None),
    (["-s", "1", "-c"], None),
    (["-s", "2", "-p", "SJF", "-c"], None),
    (["-s", "3", "-p", "RR", "-c"], None),
    (["-s", "4", "-p", "RR", "-q", "2", "-c"], None),
    (["-s", "5", "-j", "5", "-m", "20", "-p", "SJF", "-c"], None),
    (["-s", "6", "-j", "6", "-m", "15", "-p", "RR", "-q", "3", "-c"], None),
    (["-s", "42", "-j", "10", "-m", "100", "-p", "RR", "-q", "7", "-c"], None),
    (["-l", "10,15,20", "-c"], None),
    (["-l", "300,100,200", "-p", "SJF", "-c"], None),
    (["-l", "300,100,200", "-p", "RR", "-q", "100", "-c"], None),
    (["-l", "3,3,3", "-p", "SJF", "-c"], None),
    (["-l", "5,1,5,1", "-p", "sjf", "-c"], ["-l", "5,1,5,1", "-p", "SJF", "-c"]),
    (["-l", "4,2,6", "-p", "rr", "-q", "4", "-c"], ["-l", "4,2,6", "-p", "RR", "-q", "4", "-c"]),
    (["-l", "2.5,3,1", "-p", "RR", "-q", "2", "-c"], None),
    (["-l", "0.5,1.25,2", "-p", "SJF", "-c"], None),
    (["--seed=7", "--jobs=4", "--maxlen=8", "--policy=RR", "--quantum=2", "-c"], None),
    (["--se", "8", "--po", "SJF", "--jo", "5", "-c"], None),
    (["-cs5", "-pRR", "-q3"], None),
    (["-s", "0x10", "-j", "010", "-c"], None),
    (["-s", "-3", "-p", "FIFO", "-c"], None),
    (["-s", "9", "-j", "7", "-m", "1", "-p", "RR", "-c"], None),
    (["-s", "11", "-j", "4"], None),
    (["-l", "10,20,30", "-p", "RR"], None),
    (["-s", "12", "-j", "8", "-m", "30", "-p", "SJF", "-c"], None),
    (["-s", "13", "-j", "5", "-m", "9", "-p", "RR", "-q", "5", "-c"], None),
    # float sums that round otherwise than the exact ones (58.825 prints as 58.82)
    (["-p", "SJF", "-l", "15.7,11.0,12,11,29.8,18,17,11.0", "-c"], None),
    (["-p", "RR", "-q", "3", "-l", "29.1,14,1.1,27", "-c"], None),
]

LOTTERY: list[tuple[list[str], list[str] | None]] = [
    ([], None),
    (["-c"], None),
    (["-s", "1", "-c"], None),
    (["-s", "2", "-c"], None),
    (["-s", "3", "-j", "2", "-c"], None),
    (["-s", "1", "-j", "2", "-m", "4", "-T", "10", "-q", "2", "-c"], None),
    (["-s", "4", "-j", "5", "-m", "20", "-T", "50", "-c"], None),
    (["-s", "5", "-j", "4", "-q", "3", "-c"], None),
    (["-s", "6", "-j", "3", "-m", "12", "-q", "5", "-c"], None),
    (["-l", "10:100,20:100", "-c"], None),
    (["-l", "10:1,10:100", "-s", "7", "-c"], None),
    (["-l", "5:300,3:20,8:1", "-s", "8", "-q", "2", "-c"], None),
    (["-l", "1:1,1:1,1:1", "-c"], None),
    (["--seed=9", "--jobs=4", "--maxlen=6", "--maxticket=30", "--quantum=2", "--compute"],
     None),
    (["--se", "10", "--maxt", "5", "--comp"], None),
    (["-cs11", "-j3", "-T20"], None),
    (["-s", "0x0c", "-j", "03", "-c"], None),
    (["-s", "-5", "-c"], None),
    (["-s", "13", "-j", "10", "-m", "30", "-q", "4", "-c"], None),
    (["-s", "14", "-j", "6", "-m", "5", "-T", "1000", "-c"], None),
    (["-s", "15", "-j", "2", "-m", "40", "-T", "2", "-c"], None),
    (["-s", "16"], None),
    (["-s", "17", "-j", "4", "-q", "2"], None),
    (["-l", "4:10,6:20"], None),
    (["-s", "18", "-j", "8", "-m", "15", "-T", "200", "-q", "3", "-c"], None),
]


def record(directory: Path, program: str, cases: list[tuple[list[str], list[str] | None]]) -> None:
    out = []
    for argv, original in cases:
        given = original if original is not None else argv
        done = subprocess.run([sys.executable, str(directory / program), *given],
                              capture_output=True, text=True, timeout=60, check=False)
        case = {"argv": argv, "command": shlex.join(["python3", program, *given]),
                "status": done.returncode, "stdout": done.stdout}
        out.append(case)
    document = {"program": program, "python": platform.python_version(), "cases": out}
    (DATA / f"{program.removesuffix('.py')}.json").write_text(
        json.dumps(document, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    directory = Path(sys.argv[1])
    record(directory, "scheduler.py", SCHEDULER)
    record(directory, "lottery.py", LOTTERY)


if __name__ == "__main__":
    main()

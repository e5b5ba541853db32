"""CPU time of small commands, best of N interleaved runs: start-up cost without the noise
of wall time on a shared machine.

Each command is a child of this interpreter; its CPU time (user + system) is read from
``RUSAGE_CHILDREN`` around it.  The default compares ``osmodel schedule --policy fifo
--jobs 1,2,3`` with ``scheduler.py -l 1,2,3 -c`` (when the peers are found), a bare
interpreter and the import of osmodel's three dependencies alone.

Run: python benchmarks/bench_startup.py [--repeats 5] [--peers DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_PEERS = Path(__file__).resolve().parent.parent.parent / "shared" / "peers" / "ostep"


def cpu_ms(argv: list[str], workdir: str) -> float:
    """The CPU milliseconds one run of ``argv`` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, stdout=subprocess.DEVNULL, cwd=workdir, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return 1000 * (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peers", type=Path,
                        default=Path(os.environ.get("OSMODEL_PEERS", DEFAULT_PEERS)))
    args = parser.parse_args()
    py = sys.executable
    commands = {
        "osmodel schedule --policy fifo --jobs 1,2,3":
            [py, "-c", "import sys; from osmodel.kernel.cli import main; sys.argv = "
             "['osmodel', 'schedule', '--policy', 'fifo', '--jobs', '1,2,3']; sys.exit(main())"],
        "python -c pass": [py, "-c", "pass"],
        "import typer, attrs, pluggy": [py, "-c", "import typer, attrs, pluggy"],
    }
    peer = args.peers / "scheduler.py"
    if peer.exists():
        commands["scheduler.py -l 1,2,3 -c"] = [py, str(peer), "-l", "1,2,3", "-c"]
    best = dict.fromkeys(commands, float("inf"))
    with tempfile.TemporaryDirectory() as workdir:
        for _ in range(args.repeats):
            for name, argv in commands.items():
                best[name] = min(best[name], cpu_ms(argv, workdir))
    for name, ms in best.items():
        print(f"{ms:8.1f} ms CPU  {name}")
    print(f"load average {os.getloadavg()[0]:.2f}, best of {args.repeats}")


if __name__ == "__main__":
    main()

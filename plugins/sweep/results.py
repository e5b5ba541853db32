"""The results file: one row per run, sorted by cell then seed, written whole or not at all.

Rows are kept as strings, exactly as the CSV writes them, so a file read
back for ``--resume`` and written again gives the same bytes.  CSV is
always available; a name ending in ``.parquet`` writes Parquet through
pyarrow (the ``parquet`` extra), with integer and floating-point columns
where the CSV has numbers.  Either is written to a temporary file beside
the target and renamed over it (`osmodel.plugins.output`), so a reader, or
an interrupted sweep, never sees half a file.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from osmodel.kernel.errors import OsmodelError
from osmodel.plugins.output import Kind, OutputError, resolve, write_output

from .work import PLACES

Row = tuple[str, ...]
OPTION = "-o"
#: Metrics that are whole numbers (the others are fractions with `PLACES` decimals).
FRACTIONS = frozenset(PLACES)


class ResultsError(OsmodelError):
    """A results file that cannot be resumed from, with the line at fault."""


def is_parquet(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(".parquet")


def check_target(path: str | os.PathLike[str]) -> None:
    """The output must be a file that can be replaced (a checkpoint rewrites it)."""
    from osmodel.plugins.output import check_output

    target = check_output(OPTION, path)
    if target.kind is not Kind.file:
        raise OutputError(OPTION, path, "a sweep writes its results to a regular file "
                          "(it rewrites the file as runs finish)")


def csv_line(row: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue()[:-1]


def csv_lines(columns: Sequence[str], rows: Sequence[Row]) -> Iterator[str]:
    yield csv_line(columns)
    for row in rows:
        yield csv_line(row)


def write(path: str | os.PathLike[str], columns: Sequence[str], rows: Sequence[Row],
          metrics: Sequence[str]) -> None:
    if is_parquet(path):
        _write_parquet(path, columns, rows, metrics)
    else:
        write_output(OPTION, path, csv_lines(columns, rows))


def read(path: str | os.PathLike[str], metrics: Sequence[str]) -> tuple[list[str], list[Row]]:
    """The columns and rows of a results file written by a sweep, as strings."""
    if is_parquet(path):
        return _read_parquet(path, metrics)
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8", newline="") as file:
            records = list(csv.reader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ResultsError(f"--resume: cannot read {name}: {error}") from None
    if not records:
        return [], []
    return records[0], [tuple(record) for record in records[1:]]


# ------------------------------------------------------------------------------ Parquet


def _kind(column: str, metrics: Sequence[str]) -> str:
    if column == "seed":
        return "int"
    if column in metrics:
        return "float" if column in FRACTIONS else "int"
    return "str"


def _write_parquet(path: str | os.PathLike[str], columns: Sequence[str], rows: Sequence[Row],
                   metrics: Sequence[str]) -> None:
    from .extras import need

    pa = need("pyarrow", "parquet", "a .parquet output")
    pq = need("pyarrow.parquet", "parquet", "a .parquet output")

    arrays = []
    for index, column in enumerate(columns):
        kind = _kind(column, metrics)
        values = [row[index] for row in rows]
        if kind == "int":
            arrays.append(pa.array([int(v) if v else None for v in values], pa.int64()))
        elif kind == "float":
            arrays.append(pa.array([float(v) if v else None for v in values], pa.float64()))
        else:
            arrays.append(pa.array(values, pa.string()))
    table = pa.table(arrays, names=list(columns))
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    replace(OPTION, path, buffer.getvalue().to_pybytes())


def _text(value: Any, kind: str, column: str) -> str:
    if value is None:
        return ""
    if kind == "float":
        return f"{value:.{PLACES[column]}f}"
    return str(value)


def _read_parquet(path: str | os.PathLike[str],
                  metrics: Sequence[str]) -> tuple[list[str], list[Row]]:
    from .extras import need

    pq = need("pyarrow.parquet", "parquet", "a .parquet output")

    try:
        table = pq.read_table(os.fspath(path))
    except Exception as error:  # pyarrow's errors are many kinds
        raise ResultsError(f"--resume: cannot read {os.fspath(path)}: {error}") from None
    columns = list(table.column_names)
    data = [[_text(value, _kind(column, metrics), column) for value in table[column].to_pylist()]
            for column in columns]
    return columns, [tuple(row) for row in zip(*data, strict=True)] if data else []


def replace(option: str, path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` beside the target under a temporary name, then rename it over the
    target (the temporary name is the one `osmodel.plugins.output` cleans up after)."""
    target = resolve(option, path)
    if target.kind is not Kind.file:
        raise OutputError(option, path, "it must be a regular file")
    final = Path(target.path)
    temp = final.parent / f".{final.name[:200]}.osmodel-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with open(temp, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if target.existing is not None:
            os.chmod(temp, target.existing.st_mode & 0o7777)
        os.replace(temp, final)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise OutputError(option, path, error.strerror or str(error)) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise

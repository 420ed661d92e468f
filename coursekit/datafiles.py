"""Load the course's small CSV data files, with errors that name file, line and problem."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

Parser = Callable[[str], Any]


class DataFileError(ValueError):
    """A data file is missing or malformed. The message names the file, line and problem."""


def data_path(name: str) -> Path:
    """Return the path of a data file shipped in ``coursekit/data``.

    >>> data_path("ism-timeline.csv").name
    'ism-timeline.csv'
    """
    path = Path(str(resources.files("coursekit") / "data" / name))
    if not path.is_file():
        raise DataFileError(f"{path}: no such data file")
    return path


def load_table(path: str | Path, columns: Mapping[str, Parser]) -> list[dict[str, Any]]:
    """Read a CSV file with a header row, parsing each column with its parser.

    ``columns`` maps every expected header name to a function that turns the
    cell text into a value (and raises ``ValueError`` if it cannot). The header
    must hold exactly these names, in any order. Blank lines are not allowed.

    Raises :class:`DataFileError` naming the file, the line number and the
    problem for a missing file, a directory, an empty file, a wrong header, a
    row of the wrong length or a cell its parser rejects.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"{path}: no such file")
    if path.is_dir():
        raise DataFileError(f"{path}: is a directory, not a CSV file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataFileError(f"{path}: not UTF-8 text ({err.reason})") from err
    if not text.strip():
        raise DataFileError(f"{path}: the file is empty (a header row is required)")

    reader = csv.reader(text.splitlines())
    header = next(reader)
    expected = list(columns)
    if sorted(header) != sorted(expected):
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise DataFileError(
            f"{path}:1: header {header} does not match the expected columns {expected}"
            + (f"; missing {missing}" if missing else "")
            + (f"; unexpected {extra}" if extra else "")
        )
    rows: list[dict[str, Any]] = []
    for lineno, cells in enumerate(reader, start=2):
        if not cells:
            raise DataFileError(f"{path}:{lineno}: blank line")
        if len(cells) != len(header):
            raise DataFileError(
                f"{path}:{lineno}: expected {len(header)} cells, found {len(cells)}"
            )
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=True):
            try:
                row[name] = columns[name](cell.strip())
            except (ValueError, TypeError) as err:
                raise DataFileError(
                    f"{path}:{lineno}: column '{name}': {cell!r} is not valid ({err})"
                ) from err
        rows.append(row)
    if not rows:
        raise DataFileError(f"{path}: has a header but no data rows")
    return rows


def non_empty(text: str) -> str:
    """Parser for a required text cell."""
    if not text:
        raise ValueError("the cell is empty")
    return text


def source_keys(text: str) -> tuple[str, ...]:
    """Parser for a cell of citation keys separated by ``;`` (at least one)."""
    keys = tuple(k.strip() for k in text.split(";") if k.strip())
    if not keys:
        raise ValueError("at least one source key is required")
    return keys

"""The two file formats of the command line, chosen by extension: CSV with a header row, and
JSON lines (one object a line). Both hold the columns of `app/cli/columns.py`."""

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from app.cli.columns import COLUMN_NAMES, CellProblem


class FileFormat(StrEnum):
    """How a file holds its rows."""

    CSV = "csv"
    JSONL = "jsonl"


_EXTENSIONS = {".csv": FileFormat.CSV, ".jsonl": FileFormat.JSONL, ".ndjson": FileFormat.JSONL}


class UnreadableFileError(ValueError):
    """A file that holds no rows the import can read; the message says why."""


@dataclass(frozen=True)
class Row:
    """One row of a file: the line it starts on (a CSV header is line 1), its non-empty
    cells by column, stripped, and what is wrong with its shape."""

    line: int
    cells: dict[str, str]
    problems: list[CellProblem] = field(default_factory=list)


def format_of(path: Path) -> FileFormat:
    """The format a file's extension names."""
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise UnreadableFileError(
            f"{path}: the name must end in {', '.join(_EXTENSIONS)} to say the file's format."
        ) from None


def read_rows(path: Path) -> list[Row]:
    """Every row of a CSV or JSON lines file."""
    file_format = format_of(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            if file_format is FileFormat.CSV:
                return list(_csv_rows(path, file))
            return list(_json_rows(file))
    except OSError as error:
        raise UnreadableFileError(f"{path}: {error.strerror or error}.") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise UnreadableFileError(f"{path}: {error}.") from None


def _cells(values: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name: value.strip() for name, value in values if value.strip()}


def _csv_rows(path: Path, file: IO[str]) -> Iterator[Row]:
    reader = csv.reader(file)
    header = [name.strip().lower() for name in next(reader, [])]
    if not any(header):
        raise UnreadableFileError(f"{path}: the first line must name the columns.")
    unknown = [name for name in header if name not in COLUMN_NAMES]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if unknown or repeated:
        reasons = [f"unknown columns {', '.join(unknown)}"] if unknown else []
        reasons += [f"columns named twice: {', '.join(repeated)}"] if repeated else []
        raise UnreadableFileError(
            f"{path}: {'; '.join(reasons)} (`leads import --help` lists the columns)."
        )
    ended = reader.line_num
    for record in reader:
        # A record starts on the line after the last one read; a quoted cell may span lines.
        start, ended = ended + 1, reader.line_num
        if not record:
            continue
        problems: list[CellProblem] = []
        if len(record) > len(header):
            problems.append(
                (None, f"The row has {len(record)} cells; the header names {len(header)}.")
            )
        yield Row(start, _cells(zip(header, record, strict=False)), problems)


def _json_rows(file: IO[str]) -> Iterator[Row]:
    for line, text in enumerate(file, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield Row(line, {}, [(None, f"The line is not JSON: {error.msg}.")])
            continue
        if not isinstance(value, dict):
            yield Row(line, {}, [(None, "The line must hold one JSON object.")])
            continue
        yield _json_row(line, value)


def _json_row(line: int, value: Mapping[str, Any]) -> Row:
    texts: list[tuple[str, str]] = []
    problems: list[CellProblem] = []
    for name, cell in value.items():
        if name not in COLUMN_NAMES:
            problems.append((name, "not a column (`leads import --help` lists them)."))
        elif isinstance(cell, str):
            texts.append((name, cell))
        elif isinstance(cell, int | float) and not isinstance(cell, bool):
            texts.append((name, str(cell)))
        elif cell is not None:
            problems.append((name, "give text, a number or null."))
    return Row(line, _cells(texts), problems)


class RowWriter:
    """Writes rows of values by column (None for an empty cell) in one of the formats."""

    def __init__(self, output: IO[str], file_format: FileFormat, columns: list[str]) -> None:
        self.output = output
        self.columns = columns
        self.csv = (
            csv.writer(output, lineterminator="\n") if file_format is FileFormat.CSV else None
        )
        if self.csv is not None:
            self.csv.writerow(columns)

    def write(self, row: Mapping[str, Any]) -> None:
        """One row: a CSV record, or a JSON object without its empty cells."""
        if self.csv is not None:
            self.csv.writerow(["" if row.get(name) is None else row[name] for name in self.columns])
            return
        present = {name: row[name] for name in self.columns if row.get(name) is not None}
        self.output.write(json.dumps(present, ensure_ascii=False) + "\n")

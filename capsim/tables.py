"""Tables a planner already keeps, read from CSV or Excel: one reader for every table capsim
takes in (a facility list, monthly statistics as reported), with every bad cell named by its
row and column.

A table is a header row and rows of cells. Columns are known by a key and by headers in
English and in Chinese: a header may be the key (``ward_beds``), the English label
(``ward beds``), the Chinese one (``产科床位``) or both as the templates write them
(``ward beds / 产科床位``). Rows are numbered as a spreadsheet shows them: the header is row 1.
Blank rows are skipped. The cells are parsed by a `RowReader`, which records each
problem and goes on, so that one `TableError` lists every bad cell at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capsim import limits
from capsim.errors import LINE_CHARS, CapsimError, clipped, shown

#: File kinds a table may come in, by suffix.
TABLE_SUFFIXES = (".csv", ".xlsx")
#: Rows a table may hold below its header.
MAX_ROWS = limits.MAX_TABLE_ROWS
#: Problems listed in one error; the count says how many more there were.
MAX_PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class Column:
    """A column of a table: its key, its English and Chinese headers, whether a table must
    have it, and what it holds (for the templates' notes)."""

    key: str
    en: str
    zh: str
    required: bool = False
    note: str = ""

    @property
    def header(self) -> str:
        """The header a template writes: English, then Chinese (text)."""
        return f"{self.en} / {self.zh}"

    def names(self) -> set[str]:
        """Every header that names this column, normalised (`normalised`)."""
        return {normalised(self.key), normalised(self.en), normalised(self.zh)}


def normalised(header: str) -> str:
    """A header as headers are compared: lower case, underscores and runs of spaces as one
    space, no surrounding spaces, full-width brackets as plain ones (text)."""
    text = str(header).replace("（", "(").replace("）", ")").replace("_", " ").lower()
    return re.sub(r"\s+", " ", text).strip()


def _header_parts(header: str) -> list[str]:
    """The names a written header may give: itself, and each part of "English / 中文" or
    "English (中文)"."""
    text = normalised(header)
    parts = [text, *re.split(r"\s*[/|]\s*|\s*\(\s*|\s*\)\s*", text)]
    return [p for p in parts if p]


@dataclass(frozen=True)
class Problem:
    """A bad cell, or a problem of the whole table (row 0 when none applies)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"row {self.row}" if self.row else "",
                                      f"column {shown(self.column)}" if self.column else "") if p)
        reason = clipped(self.reason, LINE_CHARS)
        return f"{where}: {reason}" if where else reason


class TableError(CapsimError):
    """A table that cannot be used, with every problem found in it: ``problems`` is a list of
    `Problem`; ``str()`` gives one line each, prefixed by the file name."""

    def __init__(self, source: str | Path, problems: Sequence[Problem]):
        self.source = str(source)
        self.problems = list(problems)
        name = clipped(self.source, LINE_CHARS)
        lines = [f"{name}: {p}" for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"{name}: and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems")
        super().__init__("\n".join(lines))


@dataclass
class Table:
    """A table read from a file: ``rows`` maps each column key to the raw cell (None when
    blank), with the spreadsheet row number of each in ``numbers``; ``headers`` the header
    each key was found under."""

    source: str
    headers: dict[str, str]
    rows: list[dict[str, Any]]
    numbers: list[int]

    def readers(self) -> Iterator[RowReader]:
        """A `RowReader` per row, all recording problems in one list
        (`problems`)."""
        for number, cells in zip(self.numbers, self.rows, strict=True):
            yield RowReader(self, number, cells, self.problems)

    problems: list[Problem] = field(default_factory=list)

    def check(self) -> None:
        """Raise `TableError` listing every problem recorded so far, if any."""
        if self.problems:
            raise TableError(self.source, sorted(self.problems, key=lambda p: p.row))


def read_table(path: str | Path, columns: Sequence[Column]) -> Table:
    """Read the table in ``path`` (.csv in UTF-8, or the first sheet of an .xlsx workbook)
    with the given columns; return a `Table` of raw cells. Unknown headers, missing
    required columns, a file too large or with too many rows, and a file that is not a
    table are refused with a `TableError` naming each problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise TableError(path, [Problem(0, "", "a table must be a .csv or .xlsx file, not "
                                        f"{shown(path.suffix or 'a file without a suffix')}")])
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableError(path, [Problem(0, "", f"cannot read ({exc.strerror or exc})")]) from None
    if size > limits.MAX_FILE_BYTES:
        raise TableError(path, [Problem(0, "", f"the file has {size:,} bytes, more than the "
                                        f"{limits.MAX_FILE_BYTES // 2**20} MiB a table may have")])
    grid = _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path)
    return _table(str(path), grid, columns)


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(path, [Problem(0, "", "a CSV table must be UTF-8 text (save it as "
                                        f"'CSV UTF-8'); byte {exc.start} is not")]) from None
    except OSError as exc:
        raise TableError(path, [Problem(0, "", f"cannot read ({exc.strerror or exc})")]) from None
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise TableError(path, [Problem(0, "", f"not a CSV table ({exc})")]) from None


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(path, [Problem(0, "", f"not an Excel workbook ({type(exc).__name__})")]
                         ) from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _table(source: str, grid: Iterator[list[Any]], columns: Sequence[Column]) -> Table:
    problems: list[Problem] = []
    header: list[Any] | None = None
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    keys: list[str | None] = []
    for number, cells in enumerate(grid, start=1):
        cells = [_blank_to_none(c) for c in cells]
        if header is None:
            if all(c is None for c in cells):
                continue
            header = cells
            keys = _keys(header, columns, number, problems)
            continue
        if all(c is None for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise TableError(source, [Problem(number, "", f"more than the {MAX_ROWS:,} rows "
                                              "a table may have")])
        row: dict[str, Any] = {}
        for k, c in enumerate(cells):
            key = keys[k] if k < len(keys) else None
            if key is not None:
                row[key] = c
            elif c is not None:
                problems.append(Problem(number, f"column {k + 1}",
                                        f"a value, {shown(c)}, under no header"))
        rows.append(row)
        numbers.append(number)
    if header is None:
        raise TableError(source, [Problem(0, "", "the table is empty: it needs a header row")])
    found = {key for key in keys if key is not None}
    for col in columns:
        if col.required and col.key not in found:
            problems.append(Problem(1, col.header, "a required column is missing"))
    if problems:
        raise TableError(source, problems)
    if not rows:
        raise TableError(source, [Problem(0, "", "the table has a header but no rows")])
    headers = {key: str(header[k]) for k, key in enumerate(keys) if key is not None}
    return Table(source, headers, rows, numbers)


def _blank_to_none(cell: Any) -> Any:
    if isinstance(cell, str):
        cell = cell.strip()
        return cell or None
    return cell


def _keys(header: list[Any], columns: Sequence[Column], number: int,
          problems: list[Problem]) -> list[str | None]:
    by_name: dict[str, str] = {}
    for col in columns:
        for name in col.names():
            by_name[name] = col.key
    keys: list[str | None] = []
    seen: dict[str, int] = {}
    for k, cell in enumerate(header):
        if cell is None:
            keys.append(None)
            continue
        key = next((by_name[p] for p in _header_parts(str(cell)) if p in by_name), None)
        if key is None:
            problems.append(Problem(number, str(cell), "unknown column; known: "
                                    + ", ".join(c.en for c in columns)))
        elif key in seen:
            problems.append(Problem(number, str(cell), f"the same column as column {seen[key]}"))
            key = None
        else:
            seen[key] = k + 1
        keys.append(key)
    return keys


class RowReader:
    """Reads the cells of one row, each as what its column holds; a bad cell is recorded as
    a `Problem` (its row, its column's header and the reason) and read as None, so that
    every bad cell of a table is found in one pass."""

    def __init__(self, table: Table, number: int, cells: Mapping[str, Any],
                 problems: list[Problem]):
        self.table, self.row, self.cells, self.problems = table, number, cells, problems

    def has(self, key: str) -> bool:
        """Whether the row gives a value for column ``key``."""
        return self.cells.get(key) is not None

    def refuse(self, key: str, reason: str) -> None:
        """Record that the cell of column ``key`` is bad, for ``reason``."""
        self.problems.append(Problem(self.row, self.table.headers.get(key, key), reason))

    def _read(self, key: str, required: bool, parse: Callable[[Any], Any]) -> Any:
        raw = self.cells.get(key)
        if raw is None:
            if required:
                self.refuse(key, "a value is needed")
            return None
        try:
            return parse(raw)
        except ValueError as exc:
            self.refuse(key, f"{exc}, got {shown(raw)}")
            return None

    def text(self, key: str, required: bool = False, max_chars: int = limits.MAX_NAME_CHARS,
             pattern: str | None = None, pattern_words: str = "") -> str | None:
        """The cell as text (None when blank or bad)."""
        def parse(raw: Any) -> str:
            value = _number_text(raw) if isinstance(raw, (int, float)) else str(raw)
            if len(value) > max_chars:
                raise ValueError(f"at most {max_chars} characters")
            if pattern is not None and not re.fullmatch(pattern, value):
                raise ValueError(pattern_words or f"must match {pattern}")
            return value
        return self._read(key, required, parse)

    def number(self, key: str, required: bool = False, low: float = 0.0,
               high: float = math.inf) -> float | None:
        """The cell as a finite number from ``low`` to ``high`` (None when blank or bad)."""
        def parse(raw: Any) -> float:
            value = _as_number(raw)
            if not low <= value <= high:
                raise ValueError(f"must be from {_number_text(low)} to {_number_text(high)}")
            return value
        return self._read(key, required, parse)

    def whole(self, key: str, required: bool = False, low: int = 0,
              high: int = limits.MAX_CAPACITY) -> int | None:
        """The cell as a whole number from ``low`` to ``high`` (None when blank or bad)."""
        def parse(raw: Any) -> int:
            value = _as_number(raw)
            if value != int(value):
                raise ValueError("must be a whole number")
            if not low <= value <= high:
                raise ValueError(f"must be from {low:,} to {high:,}")
            return int(value)
        return self._read(key, required, parse)

    def hour(self, key: str, required: bool = False) -> int | None:
        """The cell as a whole hour of the day, 0-23, given as a number (8), as a time of day
        (``08:00``, or an Excel time cell) or as ``8点`` (None when blank or bad)."""
        def parse(raw: Any) -> int:
            if isinstance(raw, dt.time):
                hour, minute = raw.hour, raw.minute
            elif isinstance(raw, (int, float)) or re.fullmatch(r"\s*\d+(\.\d*)?\s*",
                                                                 str(raw)):
                value = _as_number(raw)
                if value != int(value):
                    raise ValueError("must be a whole hour from 0 to 23, or a time such as "
                                     "08:00")
                hour, minute = int(value), 0
            else:
                match = re.fullmatch(r"\s*(\d{1,2})\s*(?:[:：]\s*(\d{2})|点)\s*", str(raw))
                if match is None:
                    raise ValueError("must be an hour from 0 to 23, or a time such as 08:00")
                hour, minute = int(match[1]), int(match[2] or 0)
            if minute:
                raise ValueError("a shift starts on the hour (08:00, not 08:30)")
            if not 0 <= hour <= 23:
                raise ValueError("must be an hour from 0 to 23")
            return hour
        return self._read(key, required, parse)

    def share(self, key: str, required: bool = False) -> float | None:
        """The cell as a share from 0 to 1, given as such (0.38) or as a percentage (38%)
        (None when blank or bad)."""
        def parse(raw: Any) -> float:
            text = str(raw).strip()
            percent = text.endswith(("%", "％"))
            value = _as_number(text.rstrip("%％") if percent else raw)
            if percent:
                value /= 100.0
            if not 0.0 <= value <= 1.0:
                raise ValueError("must be a share from 0 to 1, or a percentage such as 38%")
            return value
        return self._read(key, required, parse)

    def choice(self, key: str, choices: Mapping[str, str], required: bool = False) -> str | None:
        """The cell as one of ``choices`` (a mapping of every accepted spelling, normalised,
        to its value), None when blank or bad."""
        def parse(raw: Any) -> str:
            value = choices.get(normalised(str(raw)))
            if value is None:
                raise ValueError("must be one of " + ", ".join(sorted(set(choices.values()))))
            return value
        return self._read(key, required, parse)

    def items(self, key: str, choices: Mapping[str, str]) -> tuple[str, ...]:
        """The cell as a list of ``choices`` separated by commas, semicolons or the Chinese
        enumeration comma (empty when blank; bad items refuse the cell)."""
        def parse(raw: Any) -> tuple[str, ...]:
            out: list[str] = []
            for part in re.split(r"[,;，；、]", str(raw)):
                part = normalised(part)
                if not part:
                    continue
                value = choices.get(part)
                if value is None:
                    raise ValueError(f"{shown(part)} is not one of "
                                     + ", ".join(sorted(set(choices.values()))))
                if value not in out:
                    out.append(value)
            return tuple(out)
        return self._read(key, False, parse) or ()


def _as_number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("must be a number")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        try:
            value = float(str(raw).replace(",", "").strip())
        except ValueError:
            raise ValueError("must be a number") from None
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _number_text(value: float) -> str:
    """A number as a cell shows it: whole numbers without a decimal point (text)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def write_xlsx(path: str | Path, sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> Path:
    """Write a workbook of the given sheets (title, rows) to ``path`` atomically, the first
    row of each sheet in bold as its header; return the path. Text cells that a spreadsheet
    would run as a formula are written as text."""
    import openpyxl
    from openpyxl.styles import Font

    from capsim.output import atomic_path

    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for letter, width in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                 _widths(rows), strict=False):
            sheet.column_dimensions[letter].width = width
    with atomic_path(path) as tmp:
        book.save(tmp)
    return Path(path)


def _widths(rows: Sequence[Sequence[Any]]) -> list[float]:
    widths: list[float] = []
    for row in rows[:50]:
        for k, cell in enumerate(row):
            text = "" if cell is None else str(cell)
            # Chinese characters take about two columns of a spreadsheet's width.
            w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) + 2
            if k >= len(widths):
                widths.append(w)
            else:
                widths[k] = max(widths[k], w)
    return [min(w, 60) for w in widths]

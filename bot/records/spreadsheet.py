"""Records as spreadsheet rows (.xlsx or .csv), the way a city's staff keep a catalogue.

One row per record, one column per field (the field names of docs/records-format.md). List
fields hold their items separated by "；" or ";" (or one per line); booleans are 是/否 or
true/false; dates are YYYY-MM-DD. Plan items are not imported this way: they are quotations of
the article and are edited in plan.yml.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any, Iterator

from bot.records.schema import TABLES, nonempty_text_list, text_list

IMPORTABLE = ("services", "offices", "districts", "faq")
LIST_FIELDS = {
    name for table in IMPORTABLE for name, check in TABLES[table].items() if check in (text_list, nonempty_text_list)
}
BOOL_FIELDS = {"demo"}
NULLABLE_FIELDS = {"address", "hours", "phone"}
_SPLIT = re.compile(r"[；;\n]+")
TRUE = {"是", "true", "yes", "y", "1", "对"}
FALSE = {"否", "false", "no", "n", "0", "不是"}


class SpreadsheetError(Exception):
    """The file itself cannot be read as a table (wrong format, no header, missing columns)."""


def columns(table: str) -> list[str]:
    return list(TABLES[table])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_to_value(field: str, raw: Any) -> Any:
    """Spreadsheet cell -> record value; leaves invalid values for the schema to name."""
    text = _cell_text(raw)
    if field in LIST_FIELDS:
        return [part.strip() for part in _SPLIT.split(text) if part.strip()]
    if field in BOOL_FIELDS:
        lowered = text.lower()
        return True if lowered in TRUE else False if lowered in FALSE else text
    if field in NULLABLE_FIELDS and text == "":
        return None
    return text


def value_to_cell(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in LIST_FIELDS:
        return "；".join(value)
    if field in BOOL_FIELDS:
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(spreadsheet row number, {column: cell}) for every non-empty row after the header."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(f"{path.name}: not UTF-8 text (save the CSV as UTF-8): {exc.reason}") from exc
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise SpreadsheetError(f"{path.name}: not a readable .xlsx workbook ({exc.__class__.__name__})") from exc
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        raise SpreadsheetError(f"{path.name}: unsupported file type '{suffix}'; use .xlsx or .csv")
    if not rows:
        raise SpreadsheetError(f"{path.name}: the file is empty; the first row must name the columns")
    header = [_cell_text(c) for c in rows[0]]
    for number, row in enumerate(rows[1:], start=2):
        cells = {header[i]: row[i] for i in range(min(len(header), len(row))) if header[i]}
        if all(_cell_text(v) == "" for v in cells.values()):
            continue
        yield number, cells


def header_of(path: Path) -> list[str]:
    for _, cells in read_rows(path):
        return list(cells)
    return []


def write_rows(path: Path, table: str, records: list[dict[str, Any]]) -> None:
    cols = columns(table)
    rows = [[value_to_cell(c, r.get(c)) for c in cols] for r in records]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(cols)
            writer.writerows(rows)
    elif path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = table
        sheet.append(cols)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    else:
        raise SpreadsheetError(f"{path.name}: unsupported file type; use .xlsx or .csv")

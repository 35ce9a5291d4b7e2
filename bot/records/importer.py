"""Import a spreadsheet into the records: all-or-nothing, with every bad row named and a summary.

The spreadsheet is the whole catalogue of one table: rows whose id is new are added, rows whose
content differs are changed, and records of that table missing from the sheet are removed. The
record file `data/records/<table>.yml` is rewritten and the database rebuilt in one transaction;
if anything fails, both stay as they were.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from sqlalchemy.engine import Engine

from bot.records.build import digest, write_records
from bot.records.loader import RecordSet, load_records
from bot.records.schema import RecordProblem, RecordsInvalid
from bot.records.spreadsheet import IMPORTABLE, SpreadsheetError, cell_to_value, columns, read_rows

PROGRESS_FROM_ROWS = 200
_RECORD_INDEX = re.compile(r"^#(\d+)")


@dataclass
class ImportPlan:
    table: str
    source: str
    records: RecordSet
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        lines = [
            f"{self.source} -> {self.table}: {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {len(self.records[self.table])} in total"
        ]
        lines += [f"  + {rid}" for rid in self.added]
        lines += [f"  ~ {rid}: {', '.join(fields)}" for rid, fields in self.changed.items()]
        lines += [f"  - {rid}" for rid in self.removed]
        return "\n".join(lines)


def _progress(items: list[Any], label: str, force: Optional[bool] = None) -> Iterable[Any]:
    show = force if force is not None else len(items) >= PROGRESS_FROM_ROWS
    if not show:
        return items
    from tqdm import tqdm

    bar: Iterable[Any] = tqdm(items, desc=label, unit="row", file=sys.stderr)
    return bar


def _table_file(records_dir: Path, table: str) -> Path:
    return records_dir / f"{table}.yml"


def _dump(table: str, records: list[dict[str, Any]], note: str) -> str:
    body = yaml.safe_dump({table: records}, allow_unicode=True, sort_keys=False, width=1000)
    return f"# {note}\n{body}"


def plan_import(path: Path, table: str, records_dir: Path, progress: Optional[bool] = None) -> ImportPlan:
    """Read and validate the spreadsheet against all other records; raise RecordsInvalid or SpreadsheetError."""
    if table not in IMPORTABLE:
        raise SpreadsheetError(
            f"table '{table}' cannot be imported from a spreadsheet; choose one of {', '.join(IMPORTABLE)}"
        )
    if not path.exists():
        raise SpreadsheetError(f"{path}: no such file")
    rows = list(read_rows(path))
    if not rows:
        raise SpreadsheetError(f"{path.name}: no data rows under the header")
    header = set().union(*(cells.keys() for _, cells in rows))
    expected = columns(table)
    missing = [c for c in expected if c not in header]
    unknown = sorted(c for c in header if c not in expected)
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unknown:
            parts.append("unknown columns: " + ", ".join(unknown))
        raise SpreadsheetError(f"{path.name}: {'; '.join(parts)} (expected: {', '.join(expected)})")

    new_records = []
    row_numbers = []
    for number, cells in _progress(rows, f"reading {path.name}", progress):
        new_records.append({c: cell_to_value(c, cells.get(c)) for c in expected})
        row_numbers.append(number)

    current = load_records(records_dir)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        for f in list(records_dir.glob("*.yml")) + list(records_dir.glob("*.yaml")):
            shutil.copy2(f, staging / f.name)
        target = _table_file(staging, table)
        others = [
            f.name
            for f in staging.iterdir()
            if f != target and table in (yaml.safe_load(f.read_text(encoding="utf-8")) or {})
        ]
        if others:
            raise SpreadsheetError(
                f"table '{table}' is also kept in {', '.join(others)}; keep it in {target.name} only to import it"
            )
        target.write_text(_dump(table, new_records, "staged import"), encoding="utf-8")
        try:
            records = load_records(staging)
        except RecordsInvalid as exc:
            raise RecordsInvalid(_as_rows(exc.problems, target.name, path.name, row_numbers)) from None

    plan = ImportPlan(table=table, source=path.name, records=records)
    old = {r["id"]: r for r in current[table]}
    new = {r["id"]: r for r in records[table]}
    plan.added = [rid for rid in new if rid not in old]
    plan.removed = [rid for rid in old if rid not in new]
    for rid in new:
        if rid in old:
            fields = [c for c in expected if _comparable(old[rid].get(c)) != _comparable(new[rid].get(c))]
            if fields:
                plan.changed[rid] = fields
    return plan


def _comparable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _as_rows(
    problems: list[RecordProblem], staged_name: str, source_name: str, row_numbers: list[int]
) -> list[RecordProblem]:
    """Problems in the staged table refer to spreadsheet rows, the way staff will look for them."""
    out = []
    for p in problems:
        match = _RECORD_INDEX.match(p.record)
        if p.file == staged_name and match:
            row = row_numbers[int(match.group(1)) - 1]
            rest = p.record[match.end() :]
            out.append(RecordProblem(source_name, f"row {row}{rest}", p.field, p.reason))
        else:
            out.append(p)
    return out


def apply_import(plan: ImportPlan, records_dir: Path, engine: Engine) -> dict[str, int]:
    """Rewrite the table's record file and rebuild the database; on failure restore the file."""
    target = _table_file(records_dir, plan.table)
    previous = target.read_bytes() if target.exists() else None
    note = (
        f"Imported from {plan.source} on {dt.date.today().isoformat()} by `python -m bot.records import`; "
        "format: docs/records-format.md"
    )
    tmp = target.with_suffix(".yml.tmp")
    tmp.write_text(_dump(plan.table, plan.records[plan.table], note), encoding="utf-8")
    os.replace(tmp, target)
    try:
        return write_records(engine, plan.records, digest(records_dir))
    except Exception:
        if previous is None:
            target.unlink()
        else:
            target.write_bytes(previous)
        raise

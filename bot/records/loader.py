"""Read and validate the record files; returns plain dicts, never touches a database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from bot.records.schema import TABLES, RecordProblem, RecordsInvalid, check_record, describe

RecordSet = dict[str, list[dict[str, Any]]]


def _read_yaml(path: Path, display: str) -> tuple[Any, list[RecordProblem]]:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle), []
    except UnicodeDecodeError as exc:
        return None, [RecordProblem(display, "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [RecordProblem(display, "-", "-", f"not valid YAML: {where}{problem}")]


def load_records(records_dir: Path | str) -> RecordSet:
    """Load every `*.yml` file of the folder; raise RecordsInvalid listing every problem."""
    folder = Path(records_dir)
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if not files:
        raise RecordsInvalid([RecordProblem(str(folder), "-", "-", "no record files (*.yml) found")])
    records: RecordSet = {table: [] for table in TABLES}
    origin: dict[tuple[str, int], tuple[str, int]] = {}
    problems: list[RecordProblem] = []
    for path in files:
        display = path.name
        content, read_problems = _read_yaml(path, display)
        problems += read_problems
        if read_problems:
            continue
        if not isinstance(content, dict) or not content:
            problems.append(
                RecordProblem(display, "-", "-", f"must be a mapping with one of the keys: {', '.join(TABLES)}")
            )
            continue
        for table, items in content.items():
            if table not in TABLES:
                problems.append(
                    RecordProblem(display, "-", str(table), f"unknown table; expected one of: {', '.join(TABLES)}")
                )
                continue
            if not isinstance(items, list):
                problems.append(RecordProblem(display, "-", table, "must be a list of records"))
                continue
            for index, record in enumerate(items, start=1):
                found = check_record(display, table, index, record)
                problems += found
                if not found:
                    origin[(table, len(records[table]))] = (display, index)
                    records[table].append(_typed(record))
    problems += _cross_check(records, origin)
    if problems:
        raise RecordsInvalid(problems)
    return records


def _typed(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    if "verified_on" in out and isinstance(out["verified_on"], str):
        out["verified_on"] = dt.date.fromisoformat(out["verified_on"])
    for key in ("name", "title", "question", "statement", "source_passage"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    return out


def _cross_check(records: RecordSet, origin: dict[tuple[str, int], tuple[str, int]]) -> list[RecordProblem]:
    problems: list[RecordProblem] = []

    def problem(table: str, pos: int, field: str, reason: str) -> None:
        file, index = origin[(table, pos)]
        problems.append(RecordProblem(file, describe(index, records[table][pos]), field, reason))

    for table, items in records.items():
        seen: dict[str, int] = {}
        for pos, record in enumerate(items):
            if record["id"] in seen:
                problem(table, pos, "id", "duplicate id (also used by another record of this table)")
            seen[record["id"]] = pos

    district_names = {d["name"] for d in records["districts"]}
    service_ids = {s["id"] for s in records["services"]}
    plan_ids = {p["id"] for p in records["plan_items"]}
    for pos, office in enumerate(records["offices"]):
        if office["district"] not in district_names:
            problem("offices", pos, "district", f"'{office['district']}' is not a district name in districts.yml")
        for sid in office["services"]:
            if sid not in service_ids:
                problem("offices", pos, "services", f"unknown service id '{sid}'")
    for pos, item in enumerate(records["plan_items"]):
        if item["parent"] is not None and item["parent"] not in plan_ids:
            problem("plan_items", pos, "parent", f"unknown plan item id '{item['parent']}'")
        for number, fig in enumerate(item["figures"], start=1):
            if fig["as_written"] not in item["source_passage"]:
                problem(
                    "plan_items",
                    pos,
                    "figures",
                    f"figure {number}: as_written '{fig['as_written']}' does not occur in source_passage",
                )

    # A name or alias must point at one service only, or the assistant would guess.
    owner: dict[str, str] = {}
    by_name = defaultdict(list)
    for pos, service in enumerate(records["services"]):
        for term in [service["name"], *service["aliases"]]:
            by_name[term].append(pos)
            if term in owner and owner[term] != service["id"]:
                problem("services", pos, "aliases", f"'{term}' is already used by service '{owner[term]}'")
            owner.setdefault(term, service["id"])
    return problems

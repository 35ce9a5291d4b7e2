"""Build the records database from validated records, in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine

from bot.records import migrate, search
from bot.records.loader import RecordSet, load_records
from bot.records.models import (
    Base,
    BuildInfo,
    District,
    FaqEntry,
    Office,
    PlanFigure,
    PlanItem,
    Service,
    TermEntry,
)
from bot.records.terms import record_terms


def digest(records_dir: Path | str) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(records_dir).glob("*.y*ml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _parents_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {i["id"]: i for i in items}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()

    def place(item: dict[str, Any], trail: tuple[str, ...] = ()) -> None:
        if item["id"] in placed:
            return
        if item["parent"] in trail:
            raise ValueError(f"plan item '{item['id']}' is its own ancestor")
        if item["parent"]:
            place(by_id[item["parent"]], trail + (item["id"],))
        placed.add(item["id"])
        ordered.append(item)

    for item in items:
        place(item)
    return ordered


def write_records(engine: Engine, records: RecordSet, records_digest: str = "") -> dict[str, int]:
    """Replace the records (not the tickets, calls or feedback written while running); on any error
    nothing changes (one transaction). The schema itself comes from the migrations, applied first."""
    plan_items = _parents_first(records["plan_items"])
    counts = {table: len(items) for table, items in records.items()}
    migrate.upgrade(engine)
    with engine.begin() as conn:
        search.drop_index(conn)
        for table in reversed(Base.metadata.sorted_tables):  # children before the rows they refer to
            conn.execute(delete(table))
        if records["districts"]:
            conn.execute(insert(District), records["districts"])
        if records["services"]:
            conn.execute(insert(Service), records["services"])
        if records["offices"]:
            conn.execute(insert(Office), records["offices"])
        for item in plan_items:
            row = {k: v for k, v in item.items() if k not in ("figures", "parent")}
            conn.execute(insert(PlanItem), [{**row, "parent_id": item["parent"]}])
            if item["figures"]:
                conn.execute(
                    insert(PlanFigure),
                    [{**fig, "item_id": item["id"], "position": n} for n, fig in enumerate(item["figures"])],
                )
        if records["faq"]:
            conn.execute(insert(FaqEntry), records["faq"])
        terms = [t._asdict() for t in record_terms(records)]
        if terms:
            conn.execute(insert(TermEntry), terms)
        search.create_index(conn, records)
        conn.execute(
            insert(BuildInfo),
            [
                {
                    "id": 1,
                    "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "records_digest": records_digest,
                    "counts": counts,
                }
            ],
        )
    return counts


def build(engine: Engine, records_dir: Path | str) -> dict[str, int]:
    """Validate every file first (raises RecordsInvalid), then write in one transaction."""
    records = load_records(records_dir)
    return write_records(engine, records, digest(records_dir))

"""The vocabulary of the records: every name and alias a resident may use, with what it names."""

from __future__ import annotations

from typing import Iterator, NamedTuple

from bot.records.loader import RecordSet


class Term(NamedTuple):
    term: str
    kind: str  # entity type: service, district, plan_project, metric, document, plan_item, faq
    record_id: str
    canonical: str  # the value an entity takes after synonym mapping


def record_terms(records: RecordSet) -> Iterator[Term]:
    for d in records["districts"]:
        for t in [d["name"], *d["aliases"]]:
            yield Term(t, "district", d["id"], d["name"])
    for s in records["services"]:
        for t in [s["name"], *s["aliases"]]:
            yield Term(t, "service", s["id"], s["name"])
    for p in records["plan_items"]:
        kind = {"project": "plan_project", "target": "metric", "city_figure": "metric", "overview": "document"}.get(
            p["kind"], "plan_item"
        )
        for t in [p["title"], *p["aliases"]]:
            yield Term(t, kind, p["id"], p["title"])
    for f in records["faq"]:
        for t in f["aliases"]:
            yield Term(t, "faq", f["id"], f["question"])

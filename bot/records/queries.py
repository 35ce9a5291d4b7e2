"""Look-ups the assistant needs, by what a resident said (a name, an alias) or by id."""

from __future__ import annotations

from typing import Any, Optional, Sequence, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.records import search as search_module
from bot.records.models import BuildInfo, District, FaqEntry, Office, PlanItem, Service, TermEntry
from bot.records.text import folded

Row = TypeVar("Row")


def _get(session: Session, model: type[Row], key: Any) -> Optional[Row]:
    """session.get, typed: SQLAlchemy 1.4 without its mypy plugin returns Any."""
    found: Optional[Row] = session.get(model, key)
    return found


def _record_ids(session: Session, term: str, kinds: Sequence[str]) -> list[str]:
    term = (term or "").strip()
    if not term:
        return []
    rows = (
        session.execute(
            select(TermEntry.record_id).where(TermEntry.term.in_({term, folded(term)}), TermEntry.kind.in_(kinds))
        )
        .scalars()
        .all()
    )
    return list(dict.fromkeys(rows))


def service_by_term(session: Session, term: str) -> Optional[Service]:
    ids = _record_ids(session, term, ["service"])
    return _get(session, Service, ids[0]) if ids else None


def service_names(session: Session) -> list[str]:
    return list(session.execute(select(Service.name).order_by(Service.id)).scalars())


def service(session: Session, service_id: str) -> Optional[Service]:
    return _get(session, Service, service_id)


def district_by_term(session: Session, term: str) -> Optional[District]:
    ids = _record_ids(session, term, ["district"])
    return _get(session, District, ids[0]) if ids else None


def offices_in_district(session: Session, district_name: str) -> list[Office]:
    return list(session.execute(select(Office).where(Office.district == district_name).order_by(Office.id)).scalars())


def plan_items_by_term(
    session: Session, term: str, kinds: Sequence[str] = ("metric", "plan_project", "document", "plan_item")
) -> list[PlanItem]:
    ids = _record_ids(session, term, kinds)
    found = (_get(session, PlanItem, i) for i in ids)
    return [item for item in found if item is not None]


def plan_item(session: Session, item_id: str) -> Optional[PlanItem]:
    return _get(session, PlanItem, item_id)


def plan_children(session: Session, item_id: str) -> list[PlanItem]:
    return list(session.execute(select(PlanItem).where(PlanItem.parent_id == item_id).order_by(PlanItem.id)).scalars())


def plan_items_of_kind(session: Session, kind: str) -> list[PlanItem]:
    return list(session.execute(select(PlanItem).where(PlanItem.kind == kind).order_by(PlanItem.id)).scalars())


def faq(session: Session, faq_id: str) -> Optional[FaqEntry]:
    return _get(session, FaqEntry, faq_id)


def faq_by_topic(session: Session, topic: str) -> list[FaqEntry]:
    return list(session.execute(select(FaqEntry).where(FaqEntry.topic == topic).order_by(FaqEntry.id)).scalars())


def build_info(session: Session) -> Optional[BuildInfo]:
    return _get(session, BuildInfo, 1)


def search(
    session: Session, query: str, kinds: Optional[Sequence[str]] = None, limit: int = 5
) -> list[search_module.Hit]:
    return search_module.search(session.connection(), query, kinds=kinds, limit=limit)


def office(session: Session, office_id: str) -> Optional[Office]:
    return _get(session, Office, office_id)

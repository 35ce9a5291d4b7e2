"""Tables of the records database (SQLAlchemy Core/ORM, 2.0 style on 1.4)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeMeta, registry, relationship

# an explicitly written declarative base (SQLAlchemy 1.4's documented form for type checkers without a
# plugin): what declarative_base() returns, but a class mypy can check the tables against
_registry = registry()


class Base(metaclass=DeclarativeMeta):
    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata
    __init__: Any = _registry.constructor


class District(Base):
    __tablename__ = "districts"
    id = Column(String(64), primary_key=True)
    name = Column(String(64), nullable=False, unique=True)
    kind = Column(String(32), nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    source = Column(Text, nullable=False)


class Service(Base):
    __tablename__ = "services"
    id = Column(String(64), primary_key=True)
    name = Column(String(128), nullable=False, unique=True)
    aliases = Column(JSON, nullable=False, default=list)
    category = Column(String(64), nullable=False, index=True)
    description = Column(Text, nullable=False)
    eligibility = Column(Text, nullable=False)
    materials = Column(JSON, nullable=False, default=list)
    where = Column(Text, nullable=False)
    online = Column(Text, nullable=False)
    time_limit = Column(Text, nullable=False)
    fee = Column(Text, nullable=False)
    legal_basis = Column(Text, nullable=False)
    source = Column(Text, nullable=False)
    verified_on = Column(Date, nullable=False)
    demo = Column(Boolean, nullable=False)


class Office(Base):
    __tablename__ = "offices"
    id = Column(String(64), primary_key=True)
    name = Column(String(128), nullable=False)
    district = Column(String(64), ForeignKey("districts.name"), nullable=False, index=True)
    address = Column(Text)
    hours = Column(Text)
    phone = Column(String(64))
    services = Column(JSON, nullable=False, default=list)
    source = Column(Text, nullable=False)
    verified_on = Column(Date, nullable=False)
    demo = Column(Boolean, nullable=False)


class PlanItem(Base):
    __tablename__ = "plan_items"
    id = Column(String(64), primary_key=True)
    kind = Column(String(32), nullable=False, index=True)
    title = Column(String(128), nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    parent_id = Column(String(64), ForeignKey("plan_items.id"))
    department = Column(String(64))
    year = Column(Integer)
    statement = Column(Text, nullable=False)
    source_passage = Column(Text, nullable=False)
    figures = relationship("PlanFigure", order_by="PlanFigure.position", lazy="selectin")


class PlanFigure(Base):
    __tablename__ = "plan_figures"
    id = Column(Integer, primary_key=True, autoincrement=True)
    item_id = Column(String(64), ForeignKey("plan_items.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    metric = Column(String(128), nullable=False, index=True)
    value = Column(Float, nullable=False)
    unit = Column(String(32))
    qualifier = Column(String(32))
    as_written = Column(String(64), nullable=False)


class FaqEntry(Base):
    __tablename__ = "faq"
    id = Column(String(64), primary_key=True)
    topic = Column(String(64), nullable=False, index=True)
    question = Column(Text, nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    answer = Column(Text, nullable=False)
    source = Column(Text, nullable=False)
    verified_on = Column(Date, nullable=False)
    demo = Column(Boolean, nullable=False)


class BuildInfo(Base):
    """One row describing the last successful build, so callers can tell what they read."""

    __tablename__ = "build_info"
    id = Column(Integer, primary_key=True)
    built_at = Column(String(32), nullable=False)
    records_digest = Column(String(64), nullable=False)
    counts = Column(JSON, nullable=False)


class TermEntry(Base):
    """Every name and alias, so a lookup by what the resident said is one indexed query."""

    __tablename__ = "terms"
    id = Column(Integer, primary_key=True, autoincrement=True)
    term = Column(String(128), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    record_id = Column(String(64), nullable=False)
    canonical = Column(String(128), nullable=False)


class SearchDoc(Base):
    """One searchable text per record, pre-segmented by jieba (space-separated tokens)."""

    __tablename__ = "search_docs"
    id = Column(Integer, primary_key=True, autoincrement=True)
    kind = Column(String(32), nullable=False)  # service, office, plan_item, faq
    record_id = Column(String(64), nullable=False)
    title = Column(String(128), nullable=False)
    labels = Column(Text, nullable=False)  # the title and aliases as written, one per line
    names = Column(Text, nullable=False)  # tokens of the title and aliases
    tokens = Column(Text, nullable=False)  # tokens of all text

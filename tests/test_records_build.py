"""The records layer builds the database all-or-nothing, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.records import queries
from bot.records.build import build
from bot.records.db import make_engine, session
from bot.records.loader import load_records
from bot.records.models import PlanItem, Service
from bot.records.schema import RecordsInvalid
from tests.conftest import RECORDS_DIR


def test_repository_records_are_valid():
    records = load_records(RECORDS_DIR)
    assert len(records["services"]) >= 60
    assert len(records["plan_items"]) >= 30
    assert {d["kind"] for d in records["districts"]} == {"district", "functional_zone"}
    assert sum(d["kind"] == "district" for d in records["districts"]) == 13


def test_build_loads_every_record(built_database):
    records = load_records(RECORDS_DIR)
    with session(built_database) as s:
        assert s.execute(select(func.count()).select_from(Service)).scalar() == len(records["services"])
        assert s.execute(select(func.count()).select_from(PlanItem)).scalar() == len(records["plan_items"])
        info = queries.build_info(s)
        assert info.counts["faq"] == len(records["faq"])


def test_lookup_by_alias_returns_the_official_record(built_database):
    records = load_records(RECORDS_DIR)
    sample = next(s for s in records["services"] if s["aliases"])
    with session(built_database) as s:
        found = queries.service_by_term(s, sample["aliases"][0])
        assert found is not None and found.id == sample["id"]
        assert queries.service_by_term(s, "这不是任何业务的名字") is None


def test_plan_target_has_its_figure(built_database):
    with session(built_database) as s:
        items = queries.plan_items_by_term(s, "人工智能产业规模")
        assert items, "the AI industry scale target must be findable by its metric name"
        figure = items[0].figures[0]
        assert (figure.value, figure.unit) == (2000, "亿元")


def test_search_ranks_the_right_plan_item_first(built_database):
    with session(built_database) as s:
        hits = queries.search(s, "到2028年武汉人工智能产业规模目标是多少")
        assert hits and hits[0].record_id == "target-ai-industry-scale"
        assert queries.search(s, "   ") == []
        # injection strings are searched as text, never executed
        assert isinstance(queries.search(s, "'; DROP TABLE services; -- \" OR 1=1"), list)
        assert s.execute(select(func.count()).select_from(Service)).scalar() > 0


def _copy_records(tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(RECORDS_DIR, target)
    return target


def _break_field(folder: Path, filename: str, old: str, new: str) -> None:
    path = folder / filename
    content = path.read_text(encoding="utf-8")
    assert old in content, f"test setup: {old!r} not in {filename}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_malformed_file_is_refused_and_database_untouched(built_database, tmp_path):
    folder = _copy_records(tmp_path)
    records = load_records(folder)
    first = records["services"][0]
    _break_field(folder, "services.yml", f"id: {first['id']}", f"id: {first['id']}\n    colour: red")
    (folder / "extra.yml").write_text("services:\n  - id: Bad Id\n    name: x\n", encoding="utf-8")
    with session(built_database) as s:
        before = queries.build_info(s).built_at
    engine = make_engine(built_database)
    with pytest.raises(RecordsInvalid) as caught:
        build(engine, folder)
    engine.dispose()
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("services.yml: record #1") and "'colour'" in m for m in messages), messages
    assert any(m.startswith("extra.yml: record #1 (id: Bad Id): field 'id'") for m in messages), messages
    assert any("extra.yml" in m and "'materials'" in m and "missing" in m for m in messages), messages
    with session(built_database) as s:
        assert queries.build_info(s).built_at == before
        assert s.execute(select(func.count()).select_from(Service)).scalar() == len(records["services"])


def test_invalid_yaml_names_file_and_line(tmp_path):
    folder = _copy_records(tmp_path)
    (folder / "faq.yml").write_text("faq:\n  - id: x\n    answer: [unclosed\n", encoding="utf-8")
    with pytest.raises(RecordsInvalid) as caught:
        load_records(folder)
    assert any(p.file == "faq.yml" and "line" in p.reason for p in caught.value.problems)


def test_failure_during_write_rolls_back(built_database, monkeypatch):
    """A database error half-way through the build leaves the previous content in place."""
    import bot.records.build as build_module

    def explode(conn, records):
        raise RuntimeError("simulated failure after the tables were replaced")

    with session(built_database) as s:
        before = queries.build_info(s).built_at
    monkeypatch.setattr(build_module.search, "create_index", explode)
    engine = make_engine(built_database)
    with pytest.raises(RuntimeError):
        build(engine, RECORDS_DIR)
    engine.dispose()
    with session(built_database) as s:
        assert queries.build_info(s).built_at == before
        assert s.execute(select(func.count()).select_from(Service)).scalar() > 0
        assert queries.search(s, "人工智能产业规模")


def test_cross_references_are_checked(tmp_path):
    folder = _copy_records(tmp_path)
    records = load_records(folder)
    office = records["offices"][0]
    _break_field(folder, "offices.yml", f"district: {office['district']}", "district: 火星区")
    with pytest.raises(RecordsInvalid) as caught:
        load_records(folder)
    assert any(
        p.file == "offices.yml" and p.field == "district" and "火星区" in p.reason for p in caught.value.problems
    )

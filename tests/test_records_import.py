"""Spreadsheet import and export: all-or-nothing, every bad row named, a summary of changes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.records import queries
from bot.records.build import build
from bot.records.db import make_engine, session
from bot.records.importer import apply_import, plan_import
from bot.records.loader import load_records
from bot.records.schema import RecordsInvalid
from bot.records.spreadsheet import SpreadsheetError, columns, write_rows
from tests.conftest import RECORDS_DIR, ROOT


@pytest.fixture
def workspace(tmp_path, database_url):
    folder = tmp_path / "records"
    shutil.copytree(RECORDS_DIR, folder)
    engine = make_engine(database_url)
    build(engine, folder)
    yield folder, engine, database_url
    engine.dispose()


def export(folder: Path, path: Path, table: str = "services") -> None:
    write_rows(path, table, load_records(folder)[table])


def edit_xlsx(path: Path, edits: dict[tuple[int, str], object], delete_rows=(), append=None) -> None:
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    for (row, column), value in edits.items():
        sheet.cell(row=row, column=header.index(column) + 1).value = value  # cell(value=None) would keep the old value
    for row in sorted(delete_rows, reverse=True):
        sheet.delete_rows(row)
    if append:
        sheet.append([append.get(c, "") for c in header])
    workbook.save(path)


def test_round_trip_changes_nothing(workspace, tmp_path):
    folder, _, _ = workspace
    sheet = tmp_path / "services.xlsx"
    export(folder, sheet)
    plan = plan_import(sheet, "services", folder)
    assert not plan.has_changes


def test_added_changed_removed_are_summarised_then_applied(workspace, tmp_path):
    folder, engine, url = workspace
    sheet = tmp_path / "services.xlsx"
    export(folder, sheet)
    services = load_records(folder)["services"]
    template = dict(zip(columns("services"), [None] * 15))
    new_row = {
        **{c: services[0][c] for c in template},
        "id": "pet-registration",
        "name": "养犬登记",
        "aliases": "办狗证；养狗登记",
        "materials": "身份证；犬只免疫证明",
        "verified_on": "2026-11-26",
        "demo": "是",
    }
    edit_xlsx(sheet, {(2, "fee"): "免费（测试修改）"}, delete_rows=[3], append=new_row)
    before_file = (folder / "services.yml").read_bytes()

    plan = plan_import(sheet, "services", folder)
    assert plan.added == ["pet-registration"]
    assert plan.changed == {services[0]["id"]: ["fee"]}
    assert plan.removed == [services[1]["id"]]
    assert "1 added, 1 changed, 1 removed" in plan.summary()
    assert (folder / "services.yml").read_bytes() == before_file, "planning must not write"

    removed_id = services[1]["id"]
    referenced = any(removed_id in o["services"] for o in load_records(folder)["offices"])
    if referenced:
        pytest.skip("the removed service is referenced by an office; covered by the bad-rows test")
    apply_import(plan, folder, engine)
    reloaded = {s["id"]: s for s in load_records(folder)["services"]}
    assert reloaded["pet-registration"]["aliases"] == ["办狗证", "养狗登记"]
    assert reloaded[services[0]["id"]]["fee"] == "免费（测试修改）"
    with session(url) as s:
        assert queries.service_by_term(s, "办狗证").id == "pet-registration"


def test_three_bad_rows_change_nothing_and_are_named(workspace, tmp_path):
    folder, _, url = workspace
    sheet = tmp_path / "services.xlsx"
    export(folder, sheet)
    edit_xlsx(sheet, {(4, "name"): None, (7, "verified_on"): "2026年11月", (11, "demo"): "也许"})
    before_file = (folder / "services.yml").read_bytes()
    with session(url) as s:
        before_build = queries.build_info(s).built_at
    with pytest.raises(RecordsInvalid) as caught:
        plan_import(sheet, "services", folder)
    problems = caught.value.problems
    assert {(p.file, p.record.split()[1], p.field) for p in problems} == {
        ("services.xlsx", "4", "name"),
        ("services.xlsx", "7", "verified_on"),
        ("services.xlsx", "11", "demo"),
    }
    assert all(p.record.startswith("row ") for p in problems)
    assert (folder / "services.yml").read_bytes() == before_file
    with session(url) as s:
        assert queries.build_info(s).built_at == before_build


def test_removing_a_service_an_office_uses_is_refused(workspace, tmp_path):
    folder, _, _ = workspace
    offices = load_records(folder)["offices"]
    used = offices[0]["services"][0]
    services = load_records(folder)["services"]
    row = next(i for i, s in enumerate(services) if s["id"] == used) + 2
    sheet = tmp_path / "services.csv"
    export(folder, sheet)
    lines = sheet.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    del lines[row - 1]
    sheet.write_text("".join(lines), encoding="utf-8-sig")
    with pytest.raises(RecordsInvalid) as caught:
        plan_import(sheet, "services", folder)
    assert any(p.file == "offices.yml" and used in p.reason for p in caught.value.problems)


def test_wrong_columns_and_formats_are_refused(workspace, tmp_path):
    folder, _, _ = workspace
    bad = tmp_path / "services.csv"
    bad.write_text("编号,名称\n1,x\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="missing columns: id"):
        plan_import(bad, "services", folder)
    other = tmp_path / "services.txt"
    other.write_text("id\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="unsupported"):
        plan_import(other, "services", folder)
    broken = tmp_path / "services.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(SpreadsheetError, match="not a readable"):
        plan_import(broken, "services", folder)
    with pytest.raises(SpreadsheetError, match="cannot be imported"):
        plan_import(bad, "plan_items", folder)


def test_cli_dry_run_and_refusal(tmp_path):
    folder = tmp_path / "records"
    shutil.copytree(RECORDS_DIR, folder)
    db = f"sqlite:///{tmp_path / 'r.db'}"
    base = [sys.executable, "-m", "bot.records", "--records-dir", str(folder), "--database-url", db]
    assert subprocess.run(base + ["build"], cwd=ROOT, capture_output=True).returncode == 0
    sheet = tmp_path / "services.xlsx"
    assert subprocess.run(base + ["export", str(sheet)], cwd=ROOT, capture_output=True).returncode == 0
    edit_xlsx(sheet, {(2, "fee"): "20元（测试）"})
    dry = subprocess.run(base + ["import", str(sheet), "--dry-run"], cwd=ROOT, capture_output=True, text=True)
    assert dry.returncode == 0 and "0 added, 1 changed, 0 removed" in dry.stdout and "nothing was changed" in dry.stdout
    edit_xlsx(sheet, {(5, "materials"): None})
    refused = subprocess.run(base + ["import", str(sheet)], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2
    assert "services.xlsx: record row 5" in refused.stderr and "'materials'" in refused.stderr

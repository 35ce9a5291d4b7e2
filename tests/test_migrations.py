"""Alembic migrations create and upgrade the schema; a records rebuild keeps what was written while running."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

from sqlalchemy import func, insert, inspect, select

from bot.records import migrate
from bot.records.build import build
from bot.records.db import make_engine
from bot.records.models import Base, Service
from bot.tickets.models import Feedback, HandoffTicket
from tests.conftest import RECORDS_DIR, ROOT

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)
TICKET = dict(
    id="HT20261126-ABC123",
    status="open",
    mode="live",
    reason="user_request",
    channel="web",
    sender_id="s-1",
    summary="补办身份证",
    intents=["ask_service_materials"],
    slots={},
    transcript=[],
    created_at=NOW,
)


def assert_current_and_complete(url: str) -> None:
    """At the newest revision, and the models match the database (a model changed without a migration fails)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert migrate.differences(conn) == []
    engine.dispose()


def test_the_migrations_make_exactly_the_models_tables(empty_database_url):
    engine = make_engine(empty_database_url)
    assert migrate.upgrade(engine) == migrate.head()
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert_current_and_complete(empty_database_url)
    assert {"services", "plan_items", "handoff_tickets", "hotline_calls", "feedback", "alembic_version"} <= tables


def test_an_older_schema_is_upgraded_and_its_rows_kept(empty_database_url):
    engine = make_engine(empty_database_url)
    assert migrate.upgrade(engine, "0001") == "0001"
    with engine.begin() as conn:
        assert "feedback" not in inspect(conn).get_table_names()
        conn.execute(insert(HandoffTicket), [TICKET])
    assert migrate.upgrade(engine) == migrate.head()
    with engine.connect() as conn:
        assert "feedback" in inspect(conn).get_table_names()
        assert conn.execute(select(HandoffTicket.summary)).scalar() == "补办身份证"
    assert migrate.upgrade(engine, "0001") == "0001", "a downgrade goes back one step"
    with engine.connect() as conn:
        assert "feedback" not in inspect(conn).get_table_names()
        assert conn.execute(select(func.count()).select_from(HandoffTicket)).scalar() == 1
    engine.dispose()


def test_a_rebuild_replaces_records_and_keeps_tickets_and_feedback(empty_database_url):
    engine = make_engine(empty_database_url)
    build(engine, RECORDS_DIR)
    with engine.begin() as conn:
        conn.execute(insert(HandoffTicket), [TICKET])
        conn.execute(
            insert(Feedback), [dict(channel="web", kind="rating", value=5, conversation="abc", created_at=NOW)]
        )
        conn.execute(Service.__table__.update().values(fee="changed by hand"))
    build(engine, RECORDS_DIR)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(HandoffTicket)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(Feedback)).scalar() == 1
        assert (
            conn.execute(select(func.count()).select_from(Service).where(Service.fee == "changed by hand")).scalar()
            == 0
        )
    engine.dispose()


RACE = """
import sys, time
from pathlib import Path
from bot.records import migrate
from bot.records.db import make_engine
engine = make_engine(sys.argv[1])
while not Path(sys.argv[2]).exists():  # every process is imported and waiting: start together
    time.sleep(0.005)
migrate.upgrade(engine)
"""


def test_servers_starting_together_migrate_once(empty_database_url, tmp_path):
    # separate processes, as several action and Rasa servers starting at once would be
    go = tmp_path / "go"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, empty_database_url, str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(4)
    go.touch()
    results = [(p.wait(timeout=180), *p.communicate()) for p in runs]
    assert [code for code, _, _ in results] == [0] * 4, [err[-600:] for _, _, err in results]
    assert_current_and_complete(empty_database_url)


def test_a_database_built_before_migrations_is_adopted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:  # what `build` did before there were migrations
        Base.metadata.create_all(conn)
    build(engine, RECORDS_DIR)
    engine.dispose()
    assert_current_and_complete(url)


def test_the_command_line_migrates_and_names_the_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    out = subprocess.run(
        [sys.executable, "-m", "bot.records", "--database-url", url, "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert f"at revision {migrate.head()}" in out.stdout
    back = subprocess.run(
        [sys.executable, "-m", "bot.records", "--database-url", url, "migrate", "--revision", "0001"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "at revision 0001" in back.stdout, back.stderr

"""Shared fixtures: the records built into a real database, on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.records.build import build
from bot.records.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
RECORDS_DIR = ROOT / "data" / "records"
ARTICLE = ROOT.parent / "shared" / "source" / "action-plan-article.txt"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, future=True, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: no server to test against here
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}"


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh, uniquely named PostgreSQL database, dropped at the end of the session."""
    reason = _postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"jiangcheng_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from bot.records.db import dispose_all

    dispose_all()
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
        ), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def built_database(database_url, monkeypatch):
    """The repository's records built into the database; DATABASE_URL points at it."""
    engine = make_engine(database_url)
    build(engine, RECORDS_DIR)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


@pytest.fixture(scope="session")
def article_text() -> str:
    if not ARTICLE.exists():
        pytest.fail(f"the source article is missing at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")

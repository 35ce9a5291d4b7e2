"""Engine and session for the records database named by DATABASE_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot import settings

_engines: dict[str, Engine] = {}


def make_engine(url: Optional[str] = None) -> Engine:
    """A new engine; SQLite gets real transactions around DDL so a build is all-or-nothing."""
    url = url or settings.get("DATABASE_URL")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"timeout": 30})

        # pysqlite does not BEGIN before DDL, which would let a failed build leave dropped
        # tables behind; take over transaction control (SQLAlchemy's documented recipe).
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        def _begin(connection: Any) -> None:
            # writers that must not interleave (migrations) take the write lock at once and so wait
            # for each other (busy timeout) instead of failing with "database is locked" mid-way
            immediate = connection.get_execution_options().get("sqlite_immediate")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        event.listen(engine, "connect", _connect)
        event.listen(engine, "begin", _begin)

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def engine_for(url: Optional[str] = None) -> Engine:
    """One shared engine per URL in this process (the action server reuses its pool)."""
    url = url or settings.get("DATABASE_URL")
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def session(url: Optional[str] = None) -> Session:
    return sessionmaker(engine_for(url), future=True, expire_on_commit=False)()


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def ensure_database(url: str, maintenance_db: str = "postgres") -> None:
    """Create the PostgreSQL database named in the URL if it does not exist (SQLite creates files itself)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    from sqlalchemy import text

    admin = create_engine(parsed.set(database=maintenance_db), future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()

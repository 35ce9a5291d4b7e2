"""Schema migrations (Alembic) for the records database and the tables written while running.

Every process that writes calls `ensure_current` once per database; `build` upgrades first. On
PostgreSQL an advisory lock lets several servers start at once without racing to create tables.
"""

from __future__ import annotations

import threading
from typing import Any, Optional

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection, Engine

from bot import settings

SCRIPT_LOCATION = settings.ROOT / "bot" / "migrations"
_ADVISORY_LOCK = 42_012_345  # any fixed number; names this project's migration lock on PostgreSQL
_current: set[str] = set()
_in_process = threading.Lock()  # Alembic's op/context proxies are module globals: one migration at a time


def target_metadata() -> MetaData:
    """The models' tables in one MetaData: what the newest revision must create."""
    from bot.records.models import Base
    from bot.tickets.models import OpsBase

    combined = MetaData()
    for metadata in (Base.metadata, OpsBase.metadata):
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def include_object(obj: Any, name: Optional[str], type_: str, reflected: bool, compare_to: Any) -> bool:
    # SQLite's FTS5 table and its shadow tables, and PostgreSQL's expression index, belong to search
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    if type_ == "index" and name == "search_docs_tsv":
        return False
    return True


def config(connection: Optional[Connection] = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    found = ScriptDirectory.from_config(config()).get_current_head()
    if found is None:
        raise RuntimeError(f"no migration found under {SCRIPT_LOCATION}")
    return found


def current(conn: Connection) -> Optional[str]:
    return MigrationContext.configure(conn).get_current_revision()


def differences(conn: Connection) -> list[Any]:
    """What differs between the models and the database (empty when the migrations are complete)."""
    context = MigrationContext.configure(conn, opts={"include_object": include_object})
    return list(compare_metadata(context, target_metadata()))


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")


def _adopt_unversioned(conn: Connection) -> None:
    """A database built before migrations existed: its tables are what create_all made from the same
    models, so the missing running-state tables are made the same way and the newest revision stamped."""
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables or "services" not in tables:
        return
    from bot.tickets.models import OpsBase

    OpsBase.metadata.create_all(conn)
    command.stamp(config(conn), "head")


def upgrade(engine: Engine, revision: str = "head") -> Optional[str]:
    """Upgrade (or downgrade, for an older revision) in one transaction; returns the revision reached."""
    with _in_process, engine.execution_options(sqlite_immediate=True).begin() as conn:
        _lock(conn)
        _adopt_unversioned(conn)
        here = current(conn)
        target = head() if revision == "head" else revision
        if here != target:
            ordered = [s.revision for s in ScriptDirectory.from_config(config()).walk_revisions()]
            newer = here is None or (
                target in ordered and here in ordered and ordered.index(target) < ordered.index(here)
            )
            (command.upgrade if newer else command.downgrade)(config(conn), target)
        reached = current(conn)
    _current.add(str(engine.url))
    return reached


def ensure_current(engine: Engine) -> None:
    """Upgrade to the newest revision once per process and database (cheap afterwards)."""
    if str(engine.url) not in _current:
        upgrade(engine)

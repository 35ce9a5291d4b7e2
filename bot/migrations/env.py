"""Alembic environment: migrations run on a connection handed over by bot.records.migrate,
or, from the `alembic` command line, on DATABASE_URL."""

from __future__ import annotations

from alembic import context

from bot.records.migrate import include_object, target_metadata


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from bot.records.db import make_engine

    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or None)
    with engine.begin() as conn:
        run(conn)
    engine.dispose()

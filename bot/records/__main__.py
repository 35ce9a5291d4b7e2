"""`python -m bot.records validate|migrate|build|import|export|search|stats`: maintain the records."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot import settings
from bot.records import migrate, queries
from bot.records.build import build
from bot.records.db import ensure_database, make_engine, session
from bot.records.loader import load_records
from bot.records.schema import RecordsInvalid
from bot.records.spreadsheet import IMPORTABLE, SpreadsheetError, write_rows


def _report_invalid(exc: RecordsInvalid) -> int:
    print(f"Refused: {len(exc.problems)} problem(s); nothing was changed.", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.records", description=__doc__)
    parser.add_argument(
        "--records-dir", default=settings.get("RECORDS_DIR"), help="folder of record YAML files (env RECORDS_DIR)"
    )
    parser.add_argument(
        "--database-url", default=settings.get("DATABASE_URL"), help="SQLAlchemy URL (env DATABASE_URL)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check the record files without touching the database")
    mig = sub.add_parser("migrate", help="upgrade the schema to the newest migration (build does this first)")
    mig.add_argument("--revision", default="head", help="revision to upgrade or downgrade to (default: head)")
    sub.add_parser("build", help="migrate, validate, then replace the records in one transaction")
    imp = sub.add_parser("import", help="replace one table with a spreadsheet (.xlsx or .csv), all or nothing")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--table", choices=IMPORTABLE, help="table the sheet holds (default: from the file name, else services)"
    )
    imp.add_argument("--dry-run", action="store_true", help="validate and show what would change; change nothing")
    imp.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: on from 200 rows)",
    )
    exp = sub.add_parser("export", help="write one table to a spreadsheet in the import layout")
    exp.add_argument("file", type=Path)
    exp.add_argument("--table", choices=IMPORTABLE, default=None)
    s = sub.add_parser("search", help="full-text search, as the assistant does")
    s.add_argument("query")
    sub.add_parser("stats", help="what the database holds")
    args = parser.parse_args(argv)

    if args.command == "validate":
        try:
            records = load_records(args.records_dir)
        except RecordsInvalid as exc:
            return _report_invalid(exc)
        print("OK: " + ", ".join(f"{len(v)} {k}" for k, v in records.items()))
        return 0
    if args.command == "migrate":
        ensure_database(args.database_url)
        engine = make_engine(args.database_url)
        try:
            reached = migrate.upgrade(engine, args.revision)
        finally:
            engine.dispose()
        print(
            f"Schema of {engine.url.render_as_string(hide_password=True)} at revision {reached} (newest: {migrate.head()})"
        )
        return 0
    if args.command == "build":
        ensure_database(args.database_url)
        engine = make_engine(args.database_url)
        try:
            counts = build(engine, Path(args.records_dir))
        except RecordsInvalid as exc:
            return _report_invalid(exc)
        finally:
            engine.dispose()
        print(
            f"Built {engine.url.render_as_string(hide_password=True)}: "
            + ", ".join(f"{v} {k}" for k, v in counts.items())
        )
        return 0
    if args.command == "import":
        return _import(args)
    if args.command == "export":
        table = args.table or (args.file.stem if args.file.stem in IMPORTABLE else "services")
        try:
            records = load_records(args.records_dir)
            write_rows(args.file, table, records[table])
        except RecordsInvalid as exc:
            return _report_invalid(exc)
        except SpreadsheetError as exc:
            print(f"Refused: {exc}", file=sys.stderr)
            return 2
        print(f"Exported {len(records[table])} {table} to {args.file}")
        return 0
    with session(args.database_url) as s:
        if args.command == "search":
            for hit in queries.search(s, args.query):
                print(
                    f"{hit.rank:8.3f}  cov={hit.coverage:.2f} name={hit.name_coverage:.2f}  {hit.kind:10s} {hit.record_id:36s} {hit.title}"
                )
            return 0
        info = queries.build_info(s)
        print(json.dumps({"built_at": info.built_at, "counts": info.counts} if info else {}, ensure_ascii=False))
    return 0


def _import(args: argparse.Namespace) -> int:
    from bot.records.importer import apply_import, plan_import

    table = args.table or (args.file.stem if args.file.stem in IMPORTABLE else "services")
    records_dir = Path(args.records_dir)
    try:
        plan = plan_import(args.file, table, records_dir, progress=args.progress)
    except SpreadsheetError as exc:
        print(f"Refused: {exc}. Nothing was changed.", file=sys.stderr)
        return 2
    except RecordsInvalid as exc:
        return _report_invalid(exc)
    print(plan.summary())
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return 0
    if not plan.has_changes:
        print("No changes to apply.")
        return 0
    engine = make_engine(args.database_url)
    try:
        counts = apply_import(plan, records_dir, engine)
    finally:
        engine.dispose()
    print(
        f"Imported into {records_dir / (table + '.yml')} and rebuilt the database: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
    )
    print(
        "Run `make run` (or `python -m bot.nlp generate` and `python -m bot.training`) to retrain with the new names."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

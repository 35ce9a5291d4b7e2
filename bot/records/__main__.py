"""`python -m bot.records validate|build|search|stats`: maintain the records database."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot import settings
from bot.records import queries
from bot.records.build import build
from bot.records.db import make_engine, session
from bot.records.loader import load_records
from bot.records.schema import RecordsInvalid


def _report_invalid(exc: RecordsInvalid) -> int:
    print(f"Refused: {len(exc.problems)} problem(s) in the record files; the database was not changed.", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.records", description=__doc__)
    parser.add_argument("--records-dir", default=settings.get("RECORDS_DIR"), help="folder of record YAML files (env RECORDS_DIR)")
    parser.add_argument("--database-url", default=settings.get("DATABASE_URL"), help="SQLAlchemy URL (env DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check the record files without touching the database")
    sub.add_parser("build", help="validate, then rebuild the database in one transaction")
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
    if args.command == "build":
        engine = make_engine(args.database_url)
        try:
            counts = build(engine, Path(args.records_dir))
        except RecordsInvalid as exc:
            return _report_invalid(exc)
        finally:
            engine.dispose()
        print(f"Built {engine.url.render_as_string(hide_password=True)}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return 0
    with session(args.database_url) as s:
        if args.command == "search":
            for hit in queries.search(s, args.query):
                print(f"{hit.rank:8.3f}  cov={hit.coverage:.2f} name={hit.name_coverage:.2f}  {hit.kind:10s} {hit.record_id:36s} {hit.title}")
            return 0
        info = queries.build_info(s)
        print(json.dumps({"built_at": info.built_at, "counts": info.counts} if info else {}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

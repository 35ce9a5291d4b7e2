"""`python -m bot.nlp generate`: regenerate the NLU artefacts from the record files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import settings
from bot.nlp.artefacts import generate
from bot.records.loader import load_records
from bot.records.schema import RecordsInvalid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlp")
    parser.add_argument("command", choices=["generate"])
    parser.add_argument("--records-dir", default=settings.get("RECORDS_DIR"))
    parser.add_argument("--build-dir", default=str(settings.ROOT / "build"))
    args = parser.parse_args(argv)
    try:
        records = load_records(args.records_dir)
    except RecordsInvalid as exc:
        print(f"Refused: {len(exc.problems)} problem(s) in the record files:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    changed = generate(records, Path(args.build_dir))
    print("NLU artefacts: " + (", ".join(changed) + " regenerated" if changed else "up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

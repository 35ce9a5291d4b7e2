"""Print how often the records search ranks the right record first on tests/search_questions.yml.

Usage: .venv/bin/python scripts/evaluate_search.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import settings  # noqa: E402
from bot.records import queries  # noqa: E402
from bot.records.db import session  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=settings.get("DATABASE_URL"))
    args = parser.parse_args()
    questions = yaml.safe_load((ROOT / "tests" / "search_questions.yml").read_text(encoding="utf-8"))["questions"]
    first = top3 = 0
    misses = []
    started = time.perf_counter()
    with session(args.database_url) as s:
        for q in questions:
            hits = [(h.kind, h.record_id) for h in queries.search(s, q["q"], limit=5)]
            want = (q["kind"], q["id"])
            first += hits[:1] == [want]
            top3 += want in hits[:3]
            if hits[:1] != [want]:
                misses.append(f"  {q['q']}  want {want[1]}, got {hits[0][1] if hits else 'nothing'}")
    elapsed = time.perf_counter() - started
    n = len(questions)
    print(
        f"search on {args.database_url.split('@')[-1]}: {n} questions, first {first}/{n} = {first / n:.1%}, "
        f"in top 3 {top3}/{n} = {top3 / n:.1%}, {1000 * elapsed / n:.1f} ms per query"
    )
    print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Top-1 accuracy of the resolver alone on the first turns of the blind dev cases that expect an answer.

Usage: .venv/bin/python scripts/evaluate_resolver.py [--split dev] [--show]
Trains the record model as the NLU component does (records, lexicons, NLU examples) and asks it each
message; fast enough to tune the lexicons and thresholds on dev. Never tune on test.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import resolver  # noqa: E402
from bot.nlp.resolver import nlu_examples, train_model  # noqa: E402
from scripts import e2e_cases  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    model = train_model(nlu_examples(data.intent_examples))
    right = total = 0
    seen: list[tuple[float, float, bool]] = []
    others: list[tuple[float, float]] = []
    aspects_right = aspects_total = 0
    for case in e2e_cases.load(args.split):
        expect = case.expect[0]
        if expect.get("type") in ("social", "decline", "injection", "emergency"):
            r = resolver.resolve(model, case.turns[0])
            others.append((r.top.probability if r.top else 0.0, r.none))
            continue
        if expect.get("type", "answer") not in ("answer", "unknown") or not expect.get("record"):
            continue
        r = resolver.resolve(model, case.turns[0])
        top = r.top
        ok = top is not None and top.record_id == expect["record"]
        seen.append((top.probability if top else 0.0, r.none, ok))
        right += ok
        total += 1
        if expect.get("aspect") and expect["aspect"] not in ("overview",):
            aspects_total += 1
            aspects_right += (r.aspect == expect["aspect"]) or (expect["aspect"] == "weekend" and r.aspect == "hours")
        if args.show and not ok:
            print(f"{case.id} {case.kind}: {case.turns[0][:50]} | {r.text[:40]} -> "
                  f"{top.label if top else None} {top.probability if top else 0:.2f} (none {r.none:.2f}); want {expect['record']}")
    print(f"  {len(seen)} answer questions, {len(others)} that name no record")
    for threshold in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4):
        for none_max in (0.5, 0.7, 0.8, 0.9, 1.01):
            taken = [ok for p, n, ok in seen if p >= threshold and n < none_max]
            wrongly = [1 for p, n in others if p >= threshold and n < none_max]
            print(f"  threshold {threshold:.2f} none < {none_max:.2f}: taken {len(taken)}, right {sum(taken)}, "
                  f"no-record messages taken {len(wrongly)}")
    print(f"{args.split}: top-1 record {right}/{total} ({100 * right / max(1, total):.0f}%), "
          f"aspect {aspects_right}/{aspects_total} ({100 * aspects_right / max(1, aspects_total):.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

from bot import resolver, settings  # noqa: E402
from bot.nlp.resolver import nlu_examples, train_model  # noqa: E402
from bot.records.loader import load_records  # noqa: E402
from bot.resolver import examples as record_examples  # noqa: E402
from scripts import e2e_cases  # noqa: E402


def aspect_right(found: str | None, want: str) -> bool:
    """An overview question is read right when no single detail is taken from it."""
    return (
        found == want
        or (want == "weekend" and found == "hours")
        or (want == "overview" and found in (None, resolver.OVERVIEW, "eligibility"))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    model = train_model(nlu_examples(data.intent_examples))
    titles = record_examples.titles(load_records(settings.get("RECORDS_DIR")))
    right = total = 0
    seen: list[tuple[float, float, bool, float]] = []
    others: list[tuple[float, float, float]] = []
    aspects_right = aspects_total = 0
    for case in e2e_cases.load(args.split):
        expect = case.expect[0]
        if expect.get("type") in ("social", "decline", "injection", "emergency"):  # not an intent
            r = resolver.resolve(model, case.turns[0], titles=titles)
            others.append(
                (
                    r.top.probability if r.top else 0.0,
                    r.none,
                    r.candidates[1].probability if len(r.candidates) > 1 else 0.0,
                )
            )
            continue
        if expect.get("type", "answer") not in ("answer", "unknown") or not expect.get("record"):
            continue
        r = resolver.resolve(model, case.turns[0], titles=titles)
        top = r.top
        ok = top is not None and top.record_id == expect["record"]
        second = r.candidates[1].probability if len(r.candidates) > 1 else 0.0
        seen.append((top.probability if top else 0.0, r.none, ok, second))
        right += ok
        total += 1
        if expect.get("aspect"):
            want = expect["aspect"]
            aspects_total += 1
            aspects_right += aspect_right(r.aspect, want)
            if args.show and ok and not aspect_right(r.aspect, want):
                print(f"{case.id} aspect: {case.turns[0][:50]} -> {r.aspect}; want {want}")
        if args.show and not ok:
            print(
                f"{case.id} {case.kind}: {case.turns[0][:50]} | {r.text[:40]} -> "
                f"{top.label if top else None} {top.probability if top else 0:.2f} (none {r.none:.2f}); want {expect['record']}"
            )
    print(
        f"  {len(seen)} answer questions, {len(others)} that name no record "
        "(taken: how many a rule would answer; score = right - 2 x wrong - 3 x no-record taken)"
    )
    rows = []
    for threshold in (0.1, 0.15, 0.2, 0.3):
        for lead_floor in (0.05, 0.08, 0.12):
            for lead in (2.0, 3.0, 100.0):

                def take(p, n, second, threshold=threshold, lead_floor=lead_floor, lead=lead):
                    return n < 0.9 and (p >= threshold or (p >= lead_floor and p >= lead * second))

                taken = [ok for p, n, ok, second in seen if take(p, n, second)]
                wrongly = sum(1 for p, n, second in others if take(p, n, second))
                rows.append(
                    (
                        sum(taken) - 2 * (len(taken) - sum(taken)) - 3 * wrongly,
                        threshold,
                        lead_floor,
                        lead,
                        len(taken),
                        sum(taken),
                        wrongly,
                    )
                )
    for score, threshold, lead_floor, lead, taken, right_taken, wrongly in sorted(rows, reverse=True)[:5]:
        print(
            f"  threshold {threshold:.2f}, lead_floor {lead_floor:.2f}, lead {lead:.0f}: taken {taken}, "
            f"right {right_taken}, no-record taken {wrongly}, score {score}"
        )
    print(
        f"{args.split}: top-1 record {right}/{total} ({100 * right / max(1, total):.0f}%), "
        f"aspect {aspects_right}/{aspects_total} ({100 * aspects_right / max(1, aspects_total):.0f}%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Choose the emergency classifier's C, threshold and veto by leaving each examples file out in turn.

For each file in data/safety/examples, the classifier is trained on the NLU examples and the other
files, and the whole detector (rules + classifier) is measured on the file left out. The figures are
summed over the files, for each C, threshold and veto. The test lists in tests/ are never used here.

Usage: .venv/bin/python scripts/tune_emergency_detector.py [--c 10 20 40] [--threshold 0.7 0.8 0.85] [--veto 0 0.2 0.3]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402

from bot.channels.rest import clean_text  # noqa: E402
from bot.nlp.emergency import training_examples  # noqa: E402
from bot.safety.classifier import EXAMPLES_DIR, ORDINARY, EmergencyClassifier, load_examples  # noqa: E402
from bot.safety.detector import EmergencyDetector  # noqa: E402
from bot.safety.emergency import DEFAULT_RULES, load_rules, without_figures  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--c", type=float, nargs="+", default=[10, 20, 40])
    parser.add_argument("--threshold", type=float, nargs="+", default=[0.7, 0.8, 0.85])
    parser.add_argument("--veto", type=float, nargs="+", default=[0.0, 0.2, 0.3])
    args = parser.parse_args()
    rules = load_rules(DEFAULT_RULES)
    types = [rule.type for rule in rules.emergencies]
    files = sorted(EXAMPLES_DIR.glob("*.yml"))
    nlu = training_examples(
        load_data(str(ROOT / "data" / "nlu")).merge(load_data(str(ROOT / "build" / "nlu"))), [], rules
    )
    print(f"{'C':>5} {'threshold':>9} {'veto':>5}  missed  other type  false alarms  (of emergencies / look-alikes)")
    for c in args.c:
        totals = {}
        for held_out in files:
            others = [f for f in files if f != held_out]
            train = nlu + [(without_figures(t, rules), k) for t, k in load_examples(others, types)]
            classifier = EmergencyClassifier(c).fit(train)
            test = [(clean_text(t), k) for t, k in load_examples([held_out], types)]
            for threshold, veto in itertools.product(args.threshold, args.veto):
                detector = EmergencyDetector(rules, classifier, threshold, veto)
                row = totals.setdefault((threshold, veto), [0, 0, 0, 0, 0])
                for text, kind in test:
                    found = detector.kind(text)
                    if kind == ORDINARY:
                        row[3] += 1
                        row[2] += found is not None
                    else:
                        row[4] += 1
                        row[0] += found is None
                        row[1] += found is not None and found != kind
        for (threshold, veto), (missed, wrong, alarms, ordinary, emergencies) in sorted(totals.items()):
            print(
                f"{c:>5g} {threshold:>9g} {veto:>5g}  {missed:>6}  {wrong:>10}  {alarms:>12}  ({emergencies} / {ordinary})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

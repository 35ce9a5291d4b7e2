"""Print how the emergency detector routes test lists: misses, wrong numbers, false alarms.

Usage: .venv/bin/python scripts/evaluate_safety.py [--rules | --model models/jiangcheng.tar.gz]
                                                   [--list FILE ...] [--figures-only]

By default the detector is measured as the pipeline builds it: the rules plus the classifier, trained
here on the same examples and with config.yml's values. --rules measures the rules alone; --model the
whole NLU pipeline of a trained model. An emergency passes when the reply gives every number its list
entry names (`numbers`, else the number of its `type`); "urgent first" counts those whose first number
is the reply's first. --figures-only prints no message: for lists that are only reported, never tuned on.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import intents  # noqa: E402
from bot.channels.rest import clean_text  # noqa: E402
from bot.safety import emergency  # noqa: E402

# what a list writer may call the psychological-assistance line
PSYCH = "psych"


def rules_kinds(texts):
    return [tuple(r.type for r in emergency.detect_all(t)) for t in texts]


def detector_kinds():
    """The detector as bot/nlp/emergency.py trains it, from config.yml and the same examples."""
    from bot.nlp.emergency import trained_detector
    from bot.safety import instructions

    detector = trained_detector(guard=instructions.guard(str(instructions.DEFAULT_FILE)))
    return lambda texts: [detector.kinds(t) for t in texts]


def model_kinds(model):
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    async def run(texts):
        out = []
        for t in texts:
            parsed = await agent.parse_message(clean_text(t))  # as the channels hand it to Rasa
            kinds = ()
            if parsed["intent"]["name"] == intents.EMERGENCY:
                kinds = tuple(e["value"] for e in parsed["entities"] if e["entity"] == "emergency_type") or ("unknown",)
            out.append(kinds)
        return out

    return lambda texts: asyncio.run(run(texts))


LISTS_DIR = ROOT / "tests" / "safety_lists"
# docs/evaluation.md says what each role means; test lists are only ever reported with --figures-only,
# and neither test nor read lists are held by make test.
ROLES = ("regression", "dev", "test", "read")
NOT_SHOWN = frozenset({"test"})
NOT_HELD = frozenset({"test", "read"})


def list_path(name: str) -> Path:
    """A list named in tests/safety_lists/manifest.yml, or any other path."""
    return LISTS_DIR / name if (LISTS_DIR / name).exists() else Path(name)


def manifest() -> list[dict]:
    """What each list covers, who wrote it, its first figures and its role (regression, dev, test or read)."""
    return yaml.safe_load((LISTS_DIR / "manifest.yml").read_text(encoding="utf-8"))["lists"]


def expected_numbers(entry: dict, rules: emergency.Rules | None = None) -> list[str]:
    """The numbers a list entry wants, "psych" read as the self-harm reply's second number."""
    if entry.get("numbers"):
        return [psych_number(rules) if str(n).lower() == PSYCH else str(n) for n in entry["numbers"]]
    rule = emergency.rule_for_type(entry["type"], rules)
    return [rule.number] if rule else []


def psych_number(rules: emergency.Rules | None = None) -> str:
    rule = emergency.rule_for_type(emergency.SELF_HARM, rules)
    extra = [n for n in (rule.numbers if rule else ()) if n != rule.number]
    return extra[0] if extra else PSYCH


def evaluate(name: str, classify, label: str, figures_only: bool) -> None:
    data = yaml.safe_load(list_path(name).read_text(encoding="utf-8"))
    emergencies, ordinary = data["emergencies"], data["non_emergencies"]
    got = classify([e["text"] for e in emergencies])
    missed, wrong, late = [], [], []
    for entry, kinds in zip(emergencies, got):
        alarm = emergency.alarm(kinds) if kinds else None
        want = expected_numbers(entry)
        if not kinds:
            missed.append(entry["text"])
        elif alarm is None or not set(want) <= set(alarm.numbers):
            wrong.append(
                f"{entry['text']} (want {'/'.join(want)}, got {kinds} "
                f"{'/'.join(alarm.numbers) if alarm else 'no number'})"
            )
        elif alarm.numbers[0] != want[0]:
            late.append(f"{entry['text']} (want {want[0]} first, got {'/'.join(alarm.numbers)})")
    alarms = [f"{o['text']} ({'/'.join(k)})" for o, k in zip(ordinary, classify([o["text"] for o in ordinary])) if k]
    right = len(emergencies) - len(missed) - len(wrong)
    print(
        f"{name} ({label}): {len(emergencies)} emergencies: {len(emergencies) - len(missed)} routed, "
        f"{right} with every number, {right - len(late)} also urgent first; "
        f"{len(ordinary)} look-alikes: {len(alarms)} false alarms"
    )
    if figures_only:
        return
    for kind, items in (("missed", missed), ("numbers", wrong), ("order", late), ("false alarm", alarms)):
        for item in items:
            print(f"  {kind}: {item}")


def main() -> int:
    parser = argparse.ArgumentParser()
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--model")
    mode.add_argument("--rules", action="store_true")
    parser.add_argument(
        "--list",
        action="append",
        help="a file in tests/safety_lists/ or a path; may be "
        "repeated (default: every list the manifest names but the test ones)",
    )
    parser.add_argument("--figures-only", action="store_true")
    args = parser.parse_args()
    if args.model:
        classify, label = model_kinds(args.model), f"NLU pipeline of {args.model}"
    elif args.rules:
        classify, label = rules_kinds, "rules only"
    else:
        classify, label = detector_kinds(), "rules + classifier"
    names = args.list or [entry["file"] for entry in manifest() if entry["role"] not in NOT_SHOWN]
    for name in names:
        evaluate(name, classify, label, args.figures_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())

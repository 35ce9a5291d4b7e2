"""Print how the emergency detector classifies test lists (misses, false alarms, wrong types).

Usage: .venv/bin/python scripts/evaluate_safety.py [--model models/jiangcheng.tar.gz] [--list FILE ...]
With --model the whole NLU pipeline (rules plus the trained model) is measured instead of the rules alone.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.rest import clean_text  # noqa: E402
from bot.safety.emergency import detect  # noqa: E402


def classify_with_rules(texts):
    return [(r.type if (r := detect(t)) else None) for t in texts]


def model_classifier(model):
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    async def run(texts):
        out = []
        for t in texts:
            parsed = await agent.parse_message(clean_text(t))  # as the channels hand it to Rasa
            if parsed["intent"]["name"] == "emergency":
                kind = next((e["value"] for e in parsed["entities"] if e["entity"] == "emergency_type"), "unknown")
                out.append(kind)
            else:
                out.append(None)
        return out

    return lambda texts: asyncio.run(run(texts))


def list_path(name: str) -> Path:
    """A file under tests/, or any other path."""
    return ROOT / "tests" / name if (ROOT / "tests" / name).exists() else Path(name)


def evaluate(name: str, classify, label: str) -> None:
    data = yaml.safe_load(list_path(name).read_text(encoding="utf-8"))
    emergencies, ordinary = data["emergencies"], data["non_emergencies"]
    got_e = classify([e["text"] for e in emergencies])
    got_o = classify([o["text"] for o in ordinary])
    misses = [e["text"] for e, g in zip(emergencies, got_e) if g is None]
    wrong = [f"{e['text']} ({e['type']} -> {g})" for e, g in zip(emergencies, got_e) if g and g != e["type"]]
    alarms = [f"{o['text']} ({g})" for o, g in zip(ordinary, got_o) if g]
    print(f"emergency detection on {name} ({label}): "
          f"{len(emergencies)} emergencies, {len(misses)} missed, {len(wrong)} with another type; "
          f"{len(ordinary)} look-alikes, {len(alarms)} false alarms")
    for kind, items in (("missed", misses), ("other type", wrong), ("false alarm", alarms)):
        for item in items:
            print(f"  {kind}: {item}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model")
    parser.add_argument("--list", action="append", help="a file under tests/ or a path; may be repeated "
                        "(default: safety_messages.yml)")
    args = parser.parse_args()
    classify = model_classifier(args.model) if args.model else classify_with_rules
    label = f"rules + model {args.model}" if args.model else "rules only"
    for name in args.list or ["safety_messages.yml"]:
        evaluate(name, classify, label)
    return 0


if __name__ == "__main__":
    sys.exit(main())

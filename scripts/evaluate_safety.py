"""Print how the emergency rules classify tests/safety_messages.yml (misses, false alarms, wrong types).

Usage: .venv/bin/python scripts/evaluate_safety.py [--model models/jiangcheng.tar.gz]
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


def classify_with_model(texts, model):
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    async def run():
        out = []
        for t in texts:
            parsed = await agent.parse_message(clean_text(t))  # as the channels hand it to Rasa
            if parsed["intent"]["name"] == "emergency":
                kind = next((e["value"] for e in parsed["entities"] if e["entity"] == "emergency_type"), "unknown")
                out.append(kind)
            else:
                out.append(None)
        return out

    return asyncio.run(run())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model")
    parser.add_argument("--list", default="safety_messages.yml", help="file under tests/")
    args = parser.parse_args()
    data = yaml.safe_load((ROOT / "tests" / args.list).read_text(encoding="utf-8"))
    emergencies, ordinary = data["emergencies"], data["non_emergencies"]
    classify = (lambda ts: classify_with_model(ts, args.model)) if args.model else classify_with_rules
    got_e = classify([e["text"] for e in emergencies])
    got_o = classify([o["text"] for o in ordinary])
    misses = [e["text"] for e, g in zip(emergencies, got_e) if g is None]
    wrong = [f"{e['text']} ({e['type']} -> {g})" for e, g in zip(emergencies, got_e) if g and g != e["type"]]
    alarms = [f"{o['text']} ({g})" for o, g in zip(ordinary, got_o) if g]
    print(f"emergency detection on {args.list} ({'rules + model ' + args.model if args.model else 'rules only'}): "
          f"{len(emergencies)} emergencies, {len(misses)} missed, {len(wrong)} with another type; "
          f"{len(ordinary)} look-alikes, {len(alarms)} false alarms")
    for label, items in (("missed", misses), ("other type", wrong), ("false alarm", alarms)):
        for item in items:
            print(f"  {label}: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

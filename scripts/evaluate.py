"""`make eval`: NLU figures on the held-out file and test-story accuracy, from Rasa's own reports.

Prints intent accuracy and macro-F1, entity F1, the five most confused intent pairs and the
test-story accuracy; Rasa's full reports stay in the git-ignored reports/ folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import settings  # noqa: E402

RASA = str(Path(sys.executable).parent / "rasa")


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT, env=settings.environment(), capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")


def entity_scores(model: str) -> dict[str, float]:
    """Span-level micro P/R/F1 of extracted entities on the held-out file.

    `rasa test nlu` leaves pretrained extractors such as SpacyEntityExtractor out of its entity
    report, so the trained model is asked directly, the way the server parses a message.
    """
    import asyncio

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(model)
    examples = [m for m in load_data(str(ROOT / "tests" / "nlu_holdout.yml")).intent_examples]

    async def parse_all():
        return [await agent.parse_message(m.get("text")) for m in examples]

    parsed = asyncio.run(parse_all())
    tp = fp = fn = 0
    for message, result in zip(examples, parsed):
        gold = {(e["start"], e["end"], e["entity"]) for e in message.get("entities", [])}
        # emergency_type is a classification of the whole message, not an extracted span
        got = {
            (e["start"], e["end"], e["entity"]) for e in result.get("entities", []) if e["entity"] != "emergency_type"
        }
        tp += len(gold & got)
        fp += len(got - gold)
        fn += len(gold - got)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": tp + fn}


def main() -> int:
    model = settings.get("RASA_MODEL")
    nlu_out, core_out = ROOT / "reports" / "nlu", ROOT / "reports" / "core"
    run([RASA, "test", "nlu", "--model", model, "--nlu", "tests/nlu_holdout.yml", "--out", str(nlu_out)])
    run([RASA, "test", "core", "--model", model, "--stories", "tests/stories", "--out", str(core_out)])

    intents = json.loads((nlu_out / "intent_report.json").read_text())
    errors = (
        json.loads((nlu_out / "intent_errors.json").read_text()) if (nlu_out / "intent_errors.json").exists() else []
    )
    stories = (
        json.loads((core_out / "story_report.json").read_text()) if (core_out / "story_report.json").exists() else {}
    )

    n = int(intents["macro avg"]["support"])
    print(f"held-out NLU (tests/nlu_holdout.yml, {n} examples, never trained on)")
    print(f"  intent accuracy   {intents['accuracy']:.3f}")
    print(f"  intent macro-F1   {intents['macro avg']['f1-score']:.3f}")
    scores = entity_scores(model)
    print(
        f"  entity F1         {scores['f1']:.3f}  (span-level micro, {scores['gold']} annotated entities; "
        f"precision {scores['precision']:.3f}, recall {scores['recall']:.3f})"
    )
    pairs = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    print("  most confused intent pairs (true -> predicted: count)")
    for (true, predicted), count in pairs.most_common(5):
        print(f"    {true} -> {predicted}: {count}")
    if not pairs:
        print("    none")
    conversations = stories.get("conversation_accuracy", {})
    if conversations:
        print(
            f"test stories: {conversations.get('correct')}/{conversations.get('total')} correct "
            f"(accuracy {conversations.get('accuracy', 0):.3f})"
        )
    print(f"full reports: {nlu_out.relative_to(ROOT)}/, {core_out.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())

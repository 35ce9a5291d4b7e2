"""The emergency detector's second opinion: a character n-gram classifier for what the rules miss.

The rules name dangers in the words a city expects; residents describe them in many others ("嘴巴歪了
说话含糊", "脸朝下浮着"). This classifier is trained on emergency messages and their look-alikes
(data/safety/examples/*.yml) and on the ordinary examples of every other intent, on characters
rather than words, so that jieba's cut, dialect and typing slips matter less. It knows nothing of Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bot import settings
from bot.safety.emergency import joined_clauses

EXAMPLES_DIR = settings.ROOT / "data" / "safety" / "examples"
ORDINARY = "none"  # the label of a message that reports no emergency


class ExamplesInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Reading:
    kind: Optional[str]  # the most likely emergency type
    probability: float  # that the message reports an emergency at all


def load_examples(paths: Iterable[Path], types: Sequence[str]) -> list[tuple[str, str]]:
    """(text, type or "none") from files with `emergencies` (text, type) and `non_emergencies` (text)."""
    examples = []
    for path in paths:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ExamplesInvalid(f"{path}: cannot read the examples: {exc}") from exc
        if not isinstance(data, dict):
            raise ExamplesInvalid(f"{path}: expected the keys emergencies and non_emergencies")
        for key in ("emergencies", "non_emergencies"):
            for index, item in enumerate(data.get(key) or [], start=1):
                text = item.get("text") if isinstance(item, dict) else None
                if not isinstance(text, str) or not text.strip():
                    raise ExamplesInvalid(f"{Path(path).name}: {key} #{index}: missing text")
                if key == "non_emergencies":
                    examples.append((text, ORDINARY))
                    continue
                if item.get("type") not in types:
                    raise ExamplesInvalid(
                        f"{Path(path).name}: {key} #{index}: type must be one of "
                        f"{', '.join(types)}, not {item.get('type')!r}"
                    )
                examples.append((text, item["type"]))
    return examples


def example_files(directory: Path = EXAMPLES_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.yml"))


class EmergencyClassifier:
    def __init__(self, c: float = 10.0) -> None:
        # balanced classes: a missed emergency costs more than a false alarm, and emergencies are few
        self.pipeline = Pipeline(
            [
                ("characters", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)),
                ("model", LogisticRegression(C=c, max_iter=3000, class_weight="balanced")),
            ]
        )

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> "EmergencyClassifier":
        classifier = cls()
        classifier.pipeline = pipeline
        return classifier

    def fit(self, examples: Sequence[tuple[str, str]]) -> "EmergencyClassifier":
        labels = {label for _, label in examples}
        if ORDINARY not in labels or len(labels) < 2:
            raise ExamplesInvalid("the emergency classifier needs ordinary messages and at least one emergency type")
        self.pipeline.fit([joined_clauses(text) for text, _ in examples], [label for _, label in examples])
        return self

    def read(self, texts: Sequence[str]) -> list[Reading]:
        classes = list(self.pipeline.classes_)
        ordinary = classes.index(ORDINARY)
        readings = []
        for row in self.pipeline.predict_proba([joined_clauses(t) for t in texts]):
            kind = max((i for i in range(len(classes)) if i != ordinary), key=lambda i: row[i])
            readings.append(Reading(classes[kind], float(1.0 - row[ordinary])))
        return readings

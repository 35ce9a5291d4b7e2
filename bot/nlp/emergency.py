"""NLU component: emergencies decided after, and over, the rest of understanding (bot/safety/detector.py).

Runs last in the pipeline, after the intent classifier and the fallback classifier, and trains the
detector's classifier on data/safety/examples and the NLU examples. Whatever the intent model
thought, the dialogue then sees one intent, `emergency`, with one `emergency_type` entity per danger
the message names; the intent model's own `emergency_<type>` guesses never decide.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import intents, settings
from bot.fingerprint import files_digest
from bot.safety import instructions
from bot.safety.classifier import ORDINARY, EmergencyClassifier, example_files, load_examples
from bot.safety.detector import EmergencyDetector as Detector
from bot.safety.emergency import DEFAULT_RULES, Rules, rules_for, without_figures

logger = logging.getLogger(__name__)
EMERGENCY = intents.EMERGENCY
# a message that instructs the assistant (bot/safety/instructions.py): neither an emergency nor any
# other request, whatever the intent model made of it
INSTRUCTION = intents.INSTRUCTION
# TfidfVectorizer keeps its idf weights as a sparse matrix: the one type skops does not trust by default
TRUSTED = {"scipy.sparse._csr.csr_matrix"}
MODEL_FILE = "emergency_classifier.skops"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmergencyIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "rules": str(DEFAULT_RULES),
            "examples": "data/safety/examples",
            "threshold": 0.8,
            "veto": 0.2,
            "C": 40.0,
            "instructions": str(instructions.DEFAULT_FILE),
            # the FallbackClassifier's threshold: a next guess below it is no guess at all
            "fallback_threshold": 0.5,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: Optional[EmergencyClassifier] = None,
    ) -> None:
        self.config = config
        self.rules = rules_for(str(config["rules"]))  # a broken rules file stops the server at start
        self._model_storage = model_storage
        self._resource = resource
        guard = instructions.guard(str(settings.ROOT / config["instructions"]))
        self.detector = Detector(self.rules, classifier, float(config["threshold"]), float(config["veto"]), guard)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # the examples are read from their own folder, so a change there must retrain the component
        return files_digest(example_files(settings.ROOT / config["examples"]))

    def train(self, training_data: TrainingData) -> Resource:
        examples = example_files(settings.ROOT / self.config["examples"])
        classifier = EmergencyClassifier(float(self.config["C"])).fit(
            training_examples(training_data, examples, self.rules)
        )
        self.detector = replace(self.detector, classifier=classifier)
        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(classifier.pipeline, directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "EmergencyIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                untrusted = set(sio.get_untrusted_types(file=path))
                if not untrusted <= TRUSTED:
                    raise ValueError(f"untrusted types in {path.name}: {sorted(untrusted - TRUSTED)}")
                classifier = EmergencyClassifier.from_pipeline(sio.load(path, trusted=sorted(untrusted)))
        except (ValueError, OSError) as exc:
            # a model trained before the classifier existed still answers emergencies from the rules
            logger.warning("The emergency classifier could not be loaded (%s): only the rules decide.", exc)
            classifier = None
        return cls(config, model_storage, resource, classifier)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        intent = message.get(INTENT) or {}
        ranking = message.get(INTENT_RANKING_KEY) or []
        kinds = self.detector.kinds(text)
        if not kinds and self.detector.instructions is not None and self.detector.instructions.matches(text):
            message.set(INTENT, {"name": INSTRUCTION, "confidence": 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [{"name": INSTRUCTION, "confidence": 1.0}]
                + [r for r in ranking if r.get("name") != INSTRUCTION and not _is_emergency(r.get("name"))],
                add_to_output=True,
            )
            return
        if not kinds:
            if _is_emergency(intent.get("name")):
                # the intent model's emergency guess never decides: its next guess stands
                others = [r for r in ranking if not _is_emergency(r.get("name"))]
                if others and others[0].get("confidence", 0.0) < float(self.config["fallback_threshold"]):
                    # the fallback classifier passed the message for the emergency guess's sake; without
                    # it the message is unclear, as the fallback would have said (not a 0.24 complaint)
                    others = [{"name": intents.NLU_FALLBACK, "confidence": 1.0}] + others
                if others:
                    message.set(INTENT, dict(others[0]), add_to_output=True)
                    message.set(INTENT_RANKING_KEY, others, add_to_output=True)
            return
        message.set(INTENT, {"name": EMERGENCY, "confidence": 1.0}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [{"name": EMERGENCY, "confidence": 1.0}] + [r for r in ranking if not _is_emergency(r.get("name"))],
            add_to_output=True,
        )
        entities = [e for e in (message.get(ENTITIES) or []) if e.get("entity") != "emergency_type"]
        # one entity per danger, the rules' first match first; the action orders them by urgency
        entities += [
            {
                "entity": "emergency_type",
                "value": kind,
                "start": 0,
                "end": len(text),
                "extractor": "EmergencyIntentClassifier",
            }
            for kind in kinds
        ]
        message.set(ENTITIES, entities, add_to_output=True)


def training_examples(
    training_data: TrainingData, example_paths: Sequence[Path], rules: Rules
) -> list[tuple[str, str]]:
    """The classifier's examples: those in example_paths, and every NLU example, labelled by its
    `emergency_<type>` intent or as ordinary."""
    examples = load_examples(example_paths, [rule.type for rule in rules.emergencies])
    for message in training_data.intent_examples:
        intent = message.get(INTENT) or ""
        kind = intent[len(EMERGENCY) + 1 :] if intent.startswith(EMERGENCY + "_") else ORDINARY
        examples.append((message.get(TEXT), kind))
    # read as the detector reads a message
    plain = [(without_figures(text, rules), kind) for text, kind in examples]
    return [(text, kind) for text, kind in plain if text]


def trained_detector(rules: Optional[Rules] = None, guard: Optional[instructions.InstructionGuard] = None) -> Detector:
    """The detector as this component trains it (config.yml's C, threshold and veto), on the same
    examples, without a whole Rasa model: for the tests and scripts/evaluate_safety.py."""
    import yaml
    from rasa.shared.nlu.training_data.loading import load_data

    config = next(
        c
        for c in yaml.safe_load((settings.ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
        if c["name"].endswith("EmergencyIntentClassifier")
    )
    rules = rules or rules_for(str(DEFAULT_RULES))
    data = load_data(str(settings.ROOT / "data" / "nlu"))
    if (settings.ROOT / "build" / "nlu").exists():
        data = data.merge(load_data(str(settings.ROOT / "build" / "nlu")))
    classifier = EmergencyClassifier(float(config["C"])).fit(
        training_examples(data, example_files(settings.ROOT / config.get("examples", "data/safety/examples")), rules)
    )
    return Detector(rules, classifier, float(config["threshold"]), float(config["veto"]), guard)


def _is_emergency(name: Optional[str]) -> bool:
    return name is not None and (name == EMERGENCY or name.startswith(EMERGENCY + "_"))

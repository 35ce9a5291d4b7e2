"""NLU component: the emergency rules (data/safety/emergency.yml) decide before the model does.

Runs last in the pipeline, after the intent classifier and the fallback classifier: a rule match
makes the message an `emergency` with its type, whatever the model thought; the model's own
`emergency_<type>` intents count only when confident and no exclusion says the message is ordinary.
Either way the dialogue sees one intent, `emergency`, and the type as the `emergency_type` entity.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety.emergency import DEFAULT_RULES, detect, likely_type, normalise, rules_for

EMERGENCY = "emergency"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EmergencyDetector(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"rules": str(DEFAULT_RULES), "model_threshold": 0.8}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config
        self.rules = rules_for(str(config["rules"]))  # a broken rules file stops the server at start

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EmergencyDetector":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        intent = message.get(INTENT) or {}
        ranking = message.get(INTENT_RANKING_KEY) or []
        rule = detect(text, self.rules)
        model_kind = self._model_kind(text, intent)
        if rule is None and model_kind is None:
            if _is_emergency(intent.get("name")):
                # the model alone is not sure enough: fall back to its next guess
                others = [r for r in ranking if not _is_emergency(r.get("name"))]
                if others:
                    message.set(INTENT, dict(others[0]), add_to_output=True)
                    message.set(INTENT_RANKING_KEY, others, add_to_output=True)
            return
        # a confident self-harm reading wins: a caring reply and a person cost little if wrong
        kind = "self_harm" if model_kind == "self_harm" else (rule.type if rule else model_kind)
        message.set(INTENT, {"name": EMERGENCY, "confidence": 1.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": EMERGENCY, "confidence": 1.0}]
                    + [r for r in ranking if not _is_emergency(r.get("name"))], add_to_output=True)
        entities = [e for e in (message.get(ENTITIES) or []) if e.get("entity") != "emergency_type"]
        entities.append({"entity": "emergency_type", "value": kind, "start": 0, "end": len(text),
                         "extractor": "EmergencyDetector"})
        message.set(ENTITIES, entities, add_to_output=True)

    def _model_kind(self, text: str, intent: Dict[Text, Any]) -> Optional[str]:
        """The emergency type the trained model is sure of, unless an exclusion calls the message ordinary."""
        name = intent.get("name") or ""
        if not _is_emergency(name) or intent.get("confidence", 0.0) < self.config["model_threshold"]:
            return None
        if self.rules.exclusion is not None and self.rules.exclusion.search(normalise(text)):
            return None
        if name.startswith(EMERGENCY + "_"):
            return name[len(EMERGENCY) + 1:]
        hinted = likely_type(text, self.rules)
        return hinted.type if hinted else "unknown"


def _is_emergency(name: Optional[str]) -> bool:
    return bool(name) and (name == EMERGENCY or name.startswith(EMERGENCY + "_"))

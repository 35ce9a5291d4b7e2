"""NLU component: the record a message means, from the resolver (bot/resolver), over exact aliases.

Runs after the intent and fallback classifiers and before the EmergencyIntentClassifier, which still decides
last. Where the resolver is sure of a service and the message named none the EntityRuler knows, it
adds the `service` entity (the record's name) and, unless the resident was greeting, asking for a
person or the like, sets the intent to the detail asked (data/lexicon/aspects.yml). The same for a
plan item. Thresholds are chosen on the blind dev split (scripts/evaluate_e2e.py).
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text

import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import intents, normalise, resolver, settings
from bot.fingerprint import files_digest
from bot.records.loader import load_records
from bot.resolver import CANDIDATES, PLAN_ENTITIES, RECORD_ENTITIES
from bot.resolver import examples as record_examples

logger = logging.getLogger(__name__)
MODEL_FILE = "record_model.skops"
VOCABULARY_FILE = "vocabulary.json"
SERVICE_INTENTS = set(intents.SERVICE_INTENTS)
PLAN_INTENTS = set(intents.PLAN_INTENTS)
# what the resident did is clear from the words alone, whatever record they mention
KEEP = {
    intents.GREET,
    intents.GOODBYE,
    intents.THANK,
    intents.BOT_CHALLENGE,
    intents.AFFIRM,
    intents.DENY,
    intents.REQUEST_HUMAN,
    intents.INSULT,
    intents.INSTRUCTION,
    intents.INFORM,
}
# replies to the assistant, not questions…
ANSWERS = {intents.AFFIRM, intents.DENY, intents.THANK, intents.GOODBYE}
# …which "那X呢" never is
THAT_ONE = re.compile(r"(那么|那)[^,，。!！]{2,12}呢[?？]*")
# a complaint stays one when the resident says so; otherwise the intent model's guess may yield
COMPLAINT_WORDS = re.compile(r"投诉|举报|不满|差劲|太差|态度|气死|曝光|告你们|反映")
# …unless it asks how or where to complain, which the 12345 records answer
COMPLAINT_PROCESS = re.compile(
    r"(去|在|到|找)?哪(里|儿|个|家)?(投诉|举报|反映)|(投诉|举报|反映).{0,4}(找哪|找谁|打什么|打哪|电话|渠道|方式|怎么弄)|怎么(投诉|举报|反映)"
)
# a question how to get something done, not a grievance
ASKING = re.compile(
    r"(怎么|如何)(给.{1,3})?(办|弄|申请|领|交|报名|上户口)|能(不能)?办|可以办|办得了|要带什么|去哪(里|儿)?办"
    r"|办(什么|哪些)(证|手续)?[?？]?$|(要|得|先)办(什么|哪些)|^(那么|那)[^,，。]{1,10}呢"
)
# …and what a grievance says beside it: "你们怎么办事的", "跑了五趟了，到底能不能办"
GRIEVANCE = re.compile(
    r"怎么办事|不能办|办不了|领不到|办不下来|到底|一直|还没|还是没|给个(说法|准话)|推来推去|弄丢|几趟|[二三四五六七八九十两]趟|半年|几个月"
    r"|乱收费|没人(修|管|理|来)|扰民|谁(来)?管|不管|不作为"
)
# intents whose own answer is right unless the resolver is clearly sure of a record
STRICT = {intents.ASK_ADVICE, intents.SENSITIVE, intents.OUT_OF_SCOPE, intents.CHITCHAT}
STRICT_NONE_MAX = 0.5
# intents of messages that name no record, for the model's `none` class
NONE_INTENTS = {
    intents.GREET,
    intents.GOODBYE,
    intents.THANK,
    intents.BOT_CHALLENGE,
    intents.AFFIRM,
    intents.DENY,
    intents.REQUEST_HUMAN,
    intents.COMPLAINT,
    intents.OUT_OF_SCOPE,
    intents.CHITCHAT,
    intents.INSULT,
    intents.SENSITIVE,
    intents.ASK_ADVICE,
}
# how likely a record must be to be offered as a choice
OFFERED = 0.05
OFFERED_TOP = 0.1  # a lone faint guess (证件 → 护照 at 0.05) is no choice to offer
OFFERED_NONE_MAX = 0.5


def nlu_examples(messages: Iterable[Message]) -> list[tuple[str, str]]:
    """NLU examples as (text, record label): those naming a record by an entity whose value is a
    record's name or alias, and those of intents that name none."""
    records = load_records(settings.get("RECORDS_DIR"))
    by_name = record_examples.names(records)
    found: list[tuple[str, str]] = []
    for message in messages:
        text, intent = message.get(TEXT), message.get(INTENT)
        if not text or not intent:
            continue
        named = (
            by_name.get(str(e.get("value"))) for e in message.get(ENTITIES) or [] if e.get("entity") in RECORD_ENTITIES
        )
        labels = {label for label in named if label is not None}
        if len(labels) == 1:
            found.append((text, labels.pop()))
        elif not labels and (
            intent in NONE_INTENTS
            or intent.startswith(intents.EMERGENCY)
            or (intent in SERVICE_INTENTS and not message.get(ENTITIES))
        ):
            found.append((text, record_examples.NONE))
    return found


def train_model(nlu: list[tuple[str, str]], C: float = 50.0) -> resolver.RecordModel:
    records = load_records(settings.get("RECORDS_DIR"))
    words = normalise.lexicon()
    extra = [
        w
        for w in list(words.replacements) + list(words.replacements.values())
        if re.fullmatch(r"[\u4e00-\u9fff]{2,6}", w)
    ]
    vocabulary = record_examples.vocabulary(records, extra)
    return resolver.RecordModel(C=C).fit(record_examples.record_examples(records) + nlu, vocabulary)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RecordResolver(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 50.0, "threshold": 0.3, "none_max": 0.9, "lead_floor": 0.05, "lead": 3.0, "override": 0.5}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[resolver.RecordModel] = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.titles = record_examples.titles(load_records(settings.get("RECORDS_DIR")))
        # a broken lexicon stops the server at start, not a resident's message; the first resident
        # should not pay for loading OpenCC, cn2an and the pinyin tables either
        normalise.lexicon()
        resolver.aspects()
        resolver.advice()
        resolver.objects()
        normalise.for_matching("預熱：二十三个伢")

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RecordResolver":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # records and lexicons are read from their own folders: a change there must retrain
        return files_digest(
            path
            for folder in (settings.ROOT / "data" / "lexicon", Path(settings.get("RECORDS_DIR")))
            for path in sorted(folder.glob("*.yml"))
        )

    def train(self, training_data: TrainingData) -> Resource:
        self.model = train_model(nlu_examples(training_data.intent_examples), float(self.config["C"]))
        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model.pipeline, directory / MODEL_FILE)
            (directory / VOCABULARY_FILE).write_text(
                json.dumps(self.model.vocabulary, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RecordResolver":
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                untrusted = sio.get_untrusted_types(file=path)
                unexpected = [t for t in untrusted if t not in TRUSTED]
                if unexpected:
                    raise ValueError(f"untrusted types in {path.name}: {unexpected}")
                vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
                model = resolver.RecordModel(
                    pipeline=sio.load(path, trusted=untrusted),
                    vocabulary=vocabulary,
                    repair=normalise.TypoRepair(vocabulary),
                )
        except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
            logger.warning("The record model could not be loaded (%s): exact names only.", exc)
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is not None:
            for message in messages:
                self._process(message, self.model)
        return messages

    def _process(self, message: Message, model: resolver.RecordModel) -> None:
        text = message.get(TEXT) or ""
        if not text.strip() or text.startswith("/"):
            return
        intent = (message.get(INTENT) or {}).get("name") or ""
        if intent in ANSWERS and THAT_ONE.fullmatch(normalise.for_matching(text)):
            # "那文旅的呢" asks about something; a yes, a no or a thank-you never ends in 呢 after 那
            intent = intents.NLU_FALLBACK
            self._set_intent(message, intent, 1.0)
        if intent in KEEP and intent != intents.BOT_CHALLENGE:
            return
        # "是打电话就行还是要去营业厅" is no question for an adviser: advice needs a word of one
        read = model.read(text)
        strict = intent in STRICT and not (intent == intents.ASK_ADVICE and not resolver.advice().search(read))
        # a question for a doctor or small talk keeps the model's own doubt: a thing it names
        # (看病, 建议) must not turn it into a question about a service
        found = resolver.resolve(model, text, titles=None if strict else self.titles)
        if intent == intents.BOT_CHALLENGE:
            # "OPC人才是什么人才" asks about a plan item, not whether the assistant is a person
            kinds = {e.get("entity") for e in message.get(ENTITIES) or []} & RECORD_ENTITIES
            top = found.top
            if kinds:
                intent = intents.ASK_PLAN_OVERVIEW if kinds & PLAN_ENTITIES else intents.ASK_SERVICE
                self._set_intent(message, intent, 1.0)
            elif top is None or top.probability < float(self.config["override"]):
                return
        # the records that could be meant, for asking back with their names (actions/ask_back.py),
        # only where a record is likelier meant than none: "办这个要带哪些证件" names no service
        top = found.top
        offered = (
            [
                c
                for c in found.candidates[:3]
                if c.label in self.titles and c.probability >= OFFERED and c.probability >= top.probability / 3
            ]
            if top is not None and top.probability >= OFFERED_TOP and found.none < OFFERED_NONE_MAX
            else []
        )
        message.set(
            CANDIDATES,
            [
                {
                    "kind": c.kind,
                    "title": self.titles[c.label],
                    "probability": round(c.probability, 3),
                    "aspect_intent": found.aspect_intent,
                }
                for c in offered
            ],
            add_to_output=True,
        )
        if (
            intent == intents.COMPLAINT
            and not COMPLAINT_WORDS.search(text)
            and not GRIEVANCE.search(found.text)
            and ASKING.search(found.text)
        ):
            # "伢的医保么样办撒，冇得户口能办不" is a question the intent model took for a complaint: a
            # complaint opens a ticket, so a question with no word of complaint is read as unclear instead
            intent = intents.NLU_FALLBACK
            self._set_intent(message, intent, 1.0)
        if intent == intents.COMPLAINT and COMPLAINT_WORDS.search(text) and not COMPLAINT_PROCESS.search(text):
            return  # a complaint said as one; "想投诉，找哪个" asks where to complain, and is answered
        if strict and found.none >= STRICT_NONE_MAX:
            return  # a question for a doctor or a lawyer, or small talk, unless a record is clearly meant
        entities = list(message.get(ENTITIES) or [])
        named = {e.get("entity") for e in entities}
        top = found.confident(
            float(self.config["threshold"]),
            float(self.config["none_max"]),
            1.0 if strict else float(self.config["lead_floor"]),
            float(self.config["lead"]),
        )
        if top is None:
            if "service" in named and intent in SERVICE_INTENTS and found.aspect_intent:
                self._set_intent(message, found.aspect_intent, (message.get(INTENT) or {}).get("confidence", 1.0))
            return
        strong = top.probability >= float(self.config["override"])
        title = self.titles.get(top.label)
        if (
            top.kind == "service"
            and title
            and ("service" not in named or strong)
            and not (named & PLAN_ENTITIES and not strong)
        ):
            entities = [e for e in entities if e.get("entity") != "service"]
            entities.append(_entity("service", title, text))
            message.set(ENTITIES, entities, add_to_output=True)
            self._set_intent(
                message,
                found.aspect_intent or (intent if intent in SERVICE_INTENTS else intents.ASK_SERVICE),
                top.probability,
            )
        elif top.kind == "plan" and title and not named & PLAN_ENTITIES and ("service" not in named or strong):
            entities = [e for e in entities if e.get("entity") != "service"]
            entities.append(_entity("plan_item", title, text))
            message.set(ENTITIES, entities, add_to_output=True)
            if intent not in PLAN_INTENTS:
                self._set_intent(message, intents.ASK_PLAN_OVERVIEW, top.probability)

    @staticmethod
    def _set_intent(message: Message, name: str, confidence: float) -> None:
        ranking = message.get(INTENT_RANKING_KEY) or []
        confidence = max(float(confidence), 0.9)  # above the fallback's threshold: the resolver is sure
        message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [{"name": name, "confidence": confidence}] + [r for r in ranking if r.get("name") != name],
            add_to_output=True,
        )


# the types of the record model that skops does not trust by default, and we do: our word analyser
# and the sparse matrices of the TF-IDF weights
TRUSTED = {"bot.resolver._words", "scipy.sparse._csr.csr_matrix"}


def _entity(name: str, value: str, text: str) -> dict[str, Any]:
    return {
        "entity": name,
        "value": value,
        "start": 0,
        "end": len(text),
        "extractor": "RecordResolver",
        "confidence_entity": 1.0,
    }

"""Hotline FAQ, follow-ups that keep context, clarification and search when the intent is unclear."""

from __future__ import annotations

import re
from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions import answers, choices, replies
from actions.ask_back import candidate_buttons, choice_taken
from actions.context import (
    FOLLOW_UP_MAX_CHARS,
    PLAN_INTENTS,
    REPHRASE,
    SERVICE_INTENTS,
    apologise_on_failure,
    last_question,
    latest_entity,
    text_of,
)
from actions.plan import plan_follow_up
from bot import intents, normalise, resolver
from bot.records import queries
from bot.records.db import session
from bot.resolver import CANDIDATES, RECORD_ENTITIES

# intents offered as clarification choices must be questions a button can re-ask
CLARIFIABLE = set(replies.INTENT_LABELS)
CLOSE_INTENTS = 0.25  # an intent this close to the top one is offered as a choice too
FOLLOW_UP_QUESTION = re.compile(r"[吗呢么?？]|多少|几|怎么|哪|能不能|要不要|可不可以|是不是|行不行")
NOT_A_FOLLOW_UP = re.compile(r"^(不是|不对|你说|听不|没听|啊|嗯|哦)|什么意思")


class ActionAnswerHotline(Action):
    def name(self) -> Text:
        return "action_answer_hotline"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        with session() as s:
            entries = queries.faq_by_topic(s, "hotline")
            dispatcher.utter_message(text=replies.faq_answer(entries[0]) if entries else replies.not_found())
        return []


class ActionFollowUp(Action):
    """'那江汉区呢' / '补办身份证': a bare answer continues the previous question with the new value."""

    def name(self) -> Text:
        return "action_follow_up"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        previous = last_question(tracker, skip_latest=True)
        district = latest_entity(tracker, "district")
        service_term = latest_entity(tracker, "service")
        with session() as s:
            if previous == intents.ASK_OFFICE or (previous is None and district and not service_term):
                name = district or tracker.get_slot("district")
                if name:
                    answers.office(dispatcher, s, name)
                    return [SlotSet("district", name)]
            if previous in SERVICE_INTENTS or service_term:
                record = queries.service_by_term(s, service_term or tracker.get_slot("service") or "")
                if record:
                    aspect = previous if previous in SERVICE_INTENTS else intents.ASK_SERVICE
                    answers.service(dispatcher, s, record, aspect, district or tracker.get_slot("district"))
                    return [SlotSet("service", record.name)] + ([SlotSet("district", district)] if district else [])
            if previous in PLAN_INTENTS:
                term = latest_entity(tracker, "plan_item", "metric", "plan_project", "document")
                title = answers.plan_question(dispatcher, s, previous, term, text_of(tracker))
                return [SlotSet("plan_item", title)] if title else []
            if not answers.from_search(dispatcher, s, text_of(tracker)):
                dispatcher.utter_message(text=replies.not_found())
        return []


class ActionAskAffirmation(Action):
    """First stage of the two-stage fallback: the closest questions as buttons, or a clear search hit."""

    def name(self) -> Text:
        return "action_default_ask_affirmation"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        message = tracker.latest_message or {}
        events = self._choice(dispatcher, tracker)
        if events is None:
            events = self._follow_up(dispatcher, tracker, message)
        if events is None:
            events = plan_follow_up(dispatcher, tracker)
        if events is not None:
            return events
        ranking = [r for r in message.get("intent_ranking", []) if r.get("name") in CLARIFIABLE]
        entities = {e["entity"]: e["value"] for e in message.get("entities", []) if e.get("entity") and e.get("value")}
        # a clear search hit is answered; else the records the resolver found close are offered by
        # their names, before any names of kinds of question
        records = candidate_buttons(message)
        if records:
            with session() as s:
                top, _ = choices.decide(queries.search(s, text_of(tracker)))
                if top is not None:
                    answers.answer_hit(dispatcher, s, top)
                    return []
            dispatcher.utter_message(text=replies.did_you_mean(), buttons=records + [replies.none_of_these()])
            return []
        buttons = []
        if ranking:
            best = ranking[0].get("confidence", 0.0)
            for r in ranking[:3]:
                if best - r.get("confidence", 0.0) <= CLOSE_INTENTS:
                    buttons.append(
                        {"title": replies.INTENT_LABELS[r["name"]], "payload": replies.payload(r["name"], **entities)}
                    )
        if len(buttons) >= 2:
            dispatcher.utter_message(text=replies.did_you_mean(), buttons=buttons + [replies.none_of_these()])
            return []
        with session() as s:
            if answers.from_search(dispatcher, s, text_of(tracker)):
                return []
        if buttons:
            dispatcher.utter_message(text=replies.did_you_mean(), buttons=buttons + [replies.none_of_these()])
        else:
            dispatcher.utter_message(response=REPHRASE)
        return []

    @staticmethod
    def _choice(dispatcher, tracker) -> list | None:
        """The resident answered the question back in words ("补领", "第二个"): that choice's answer."""
        taken = choice_taken(tracker)
        if taken is None:
            return None
        intent, name = taken
        with session() as s:
            record = queries.service_by_term(s, name)
            if record is None:
                return None
            aspect = intent if intent in SERVICE_INTENTS else intents.ASK_SERVICE
            answers.service(dispatcher, s, record, aspect, tracker.get_slot("district"))
        return [SlotSet("service", record.name)]

    @staticmethod
    def _follow_up(dispatcher, tracker, message) -> list | None:
        """A short question naming no record, after one about a service: that service's detail asked,
        or its whole entry when no detail is named. None when the message is not such a follow-up."""
        named = any(e.get("entity") in RECORD_ENTITIES for e in message.get("entities") or [])
        term = tracker.get_slot("service")
        text = text_of(tracker)
        read = normalise.for_matching(text)
        if named or not term or not read or text.startswith("/") or len(read) > FOLLOW_UP_MAX_CHARS:
            return None
        if last_question(tracker, skip_latest=True) not in SERVICE_INTENTS:
            return None
        found = resolver.aspects()
        aspect = found.find(read)
        # a question ("能领几个月"), not "不是这个" or "你说什么", which the whole entry again would not answer
        if aspect is None and (not FOLLOW_UP_QUESTION.search(read) or NOT_A_FOLLOW_UP.search(read)):
            return None
        with session() as s:
            record = queries.service_by_term(s, term)
            if record is None:
                return None
            # "那电呢" after 居民用水报装: the same question of the service about what it names
            other = resolver.sibling(queries.service_names(s), record.name, read)
            record = queries.service_by_term(s, other) if other else record
            if record is None:
                return None
            # the resolver found other services close: "那社保卡呢" with the name missed is no follow-up
            offered = {c.get("title") for c in message.get(CANDIDATES) or [] if c.get("kind") == "service"}
            if offered and record.name not in offered:
                return None
            if aspect:
                asked = found.intents.get(aspect, intents.ASK_SERVICE)
            elif other:  # "那电呢": what was asked of the other service
                asked = last_question(tracker, SERVICE_INTENTS, skip_latest=True) or intents.ASK_SERVICE
            else:
                asked = intents.ASK_SERVICE
            answers.service(dispatcher, s, record, asked, tracker.get_slot("district"))
        return [SlotSet("service", record.name)]

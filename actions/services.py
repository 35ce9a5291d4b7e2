"""Service guide and office questions, and the forms that ask for a missing service or district."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, choices, replies
from actions.ask_back import choice_taken
from actions.context import (
    FOLLOW_UP_MAX_CHARS,
    SERVICE_INTENTS,
    apologise_on_failure,
    last_question,
    latest_entity,
    slot_before_latest,
    text_of,
)
from bot import intents, normalise, resolver
from bot.records import queries
from bot.records.db import session


class ActionAnswerService(Action):
    def name(self) -> Text:
        return "action_answer_service"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        aspect = last_question(tracker, SERVICE_INTENTS) or intents.ASK_SERVICE
        term = tracker.get_slot("service")
        district = tracker.get_slot("district")
        with session() as s:
            record = queries.service_by_term(s, term) if term else None
            other = self._sibling(s, tracker)
            if other is not None:
                record, aspect = other, self._asked(tracker) or aspect
            if record is None:
                dispatcher.utter_message(
                    text=replies.ask_which_service() if not term else replies.unknown_service(term)
                )
                return []
            answers.service(dispatcher, s, record, aspect, district)
        return [SlotSet("service", record.name)]

    @staticmethod
    def _asked(tracker):
        """The detail a follow-up asks: the one it names ("那电呢，要多久"), else the one asked before."""
        aspect = resolver.aspects().find(normalise.for_matching(text_of(tracker)))
        if aspect:
            return resolver.aspects().intents.get(aspect)
        return last_question(tracker, SERVICE_INTENTS, skip_latest=True)

    @staticmethod
    def _sibling(s, tracker):
        """ "那公司呢" right after 个体工商户注销登记: 企业注销登记, whatever service its words alone name."""
        before = slot_before_latest(tracker, "service")
        if not before or last_question(tracker, skip_latest=True) not in SERVICE_INTENTS:
            return None
        read = normalise.for_matching(text_of(tracker))
        if len(read) > FOLLOW_UP_MAX_CHARS:
            return None
        name = resolver.sibling(queries.service_names(s), before, read)
        return queries.service_by_term(s, name) if name else None


class ActionAnswerOffice(Action):
    def name(self) -> Text:
        return "action_answer_office"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        district = tracker.get_slot("district")
        with session() as s:
            answers.office(dispatcher, s, district)
        return []


class ValidateServiceForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_service_form"

    async def extract_service(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """No service name recognised: search the resident's words among the services."""
        if tracker.get_slot("requested_slot") != "service" and tracker.get_slot("service"):
            return {}
        if latest_entity(tracker, "service"):
            return {}
        taken = choice_taken(tracker)  # the resident answered a question back in words
        if taken is not None:
            return {"service": taken[1]}
        text = text_of(tracker)
        if not text.strip() or text.startswith("/"):
            return {}
        try:
            with session() as s:
                top, _ = choices.decide(queries.search(s, text, kinds=["service"]))
        except Exception:  # the search is a convenience; the form still asks
            return {}
        return {"service": top.title} if top else {}

    def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        with session() as s:
            record = queries.service_by_term(s, str(value)) if value else None
        if record is None:
            dispatcher.utter_message(text=replies.unknown_service(str(value)))
            return {"service": None}
        return {"service": record.name}


class ValidateOfficeForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_office_form"

    def validate_district(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        with session() as s:
            district = queries.district_by_term(s, str(value)) if value else None
        if district is None:
            dispatcher.utter_message(text=replies.unknown_district(str(value)))
            return {"district": None}
        return {"district": district.name}

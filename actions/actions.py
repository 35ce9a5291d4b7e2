"""Custom actions: read what the resident named, ask the records layer, send the reply."""
from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import replies
from bot.records import queries
from bot.records.db import session

logger = logging.getLogger(__name__)

# Search hits: answer the top one when it covers the question well and clearly beats the rest;
# offer the close ones as choices; below RELEVANT_COVERAGE nothing is relevant. RANK_LEAD is a
# ratio of engine scores, so it means the same on SQLite's BM25 and PostgreSQL's ts_rank.
CONFIDENT_COVERAGE = 0.6
CLOSE_MARGIN = 0.15
RELEVANT_COVERAGE = 0.3
LEADING_COVERAGE = 0.4
RANK_LEAD = 2.0


def apologise_on_failure(run: Callable) -> Callable:
    """A database fault becomes a short apology with the hotline, never silence or a 500."""

    @functools.wraps(run)
    def wrapper(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        try:
            return run(self, dispatcher, tracker, domain)
        except (SQLAlchemyError, OSError):
            logger.exception("records database unavailable in %s", self.name())
            dispatcher.utter_message(text=replies.unavailable())
            return []

    return wrapper


def latest_entity(tracker: Tracker, *names: str) -> Optional[str]:
    for name in names:
        value = next(tracker.get_latest_entity_values(name), None)
        if value:
            return str(value)
    return None


def plan_choice_buttons(hits) -> List[Dict[str, str]]:
    return [
        {"title": hit.title, "payload": replies.intent_payload("ask_plan_target", "plan_item", hit.title)}
        for hit in hits
    ]


def service_choice_buttons(hits) -> List[Dict[str, str]]:
    return [
        {"title": hit.title, "payload": replies.intent_payload("ask_service", "service", hit.title)}
        for hit in hits
    ]


def rank_hits(hits):
    """(confident hit or None, close alternatives)."""
    relevant = [h for h in hits if h.coverage >= RELEVANT_COVERAGE]
    if not relevant:
        return None, []
    top = relevant[0]
    close = [h for h in relevant[1:] if h.coverage >= top.coverage - CLOSE_MARGIN]
    if top.coverage >= CONFIDENT_COVERAGE and not close:
        return top, []
    runner_up = hits[1].rank if len(hits) > 1 else 0.0
    if top.coverage >= LEADING_COVERAGE and top.rank > 0 and top.rank >= RANK_LEAD * max(runner_up, 0.0):
        return top, []
    return None, relevant[:3]


class ActionAnswerPlan(Action):
    def name(self) -> Text:
        return "action_answer_plan"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        term = latest_entity(tracker, "plan_item", "metric", "plan_project")
        with session() as s:
            items = queries.plan_items_by_term(s, term) if term else []
            if not items:
                hits = queries.search(s, tracker.latest_message.get("text") or "", kinds=["plan_item"])
                top, close = rank_hits(hits)
                if top:
                    items = [queries.plan_item(s, top.record_id)]
                elif close:
                    dispatcher.utter_message(text=replies.did_you_mean(), buttons=plan_choice_buttons(close))
                    return []
            if not items:
                dispatcher.utter_message(text=replies.not_found())
                return []
            item = items[0]
            children = queries.plan_children(s, item.id) if item.kind in ("project", "overview") and not item.figures else []
            dispatcher.utter_message(text=replies.plan_answer(item, children))
        return []


class ActionAnswerService(Action):
    def name(self) -> Text:
        return "action_answer_service"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        term = latest_entity(tracker, "service") or tracker.get_slot("service")
        with session() as s:
            service = queries.service_by_term(s, term) if term else None
            if service is None:
                hits = queries.search(s, tracker.latest_message.get("text") or "", kinds=["service"])
                top, close = rank_hits(hits)
                if top:
                    service = queries.service(s, top.record_id)
                elif close:
                    dispatcher.utter_message(text=replies.did_you_mean(), buttons=service_choice_buttons(close))
                    return []
            if service is None:
                dispatcher.utter_message(text=replies.ask_which_service())
                return []
            dispatcher.utter_message(text=replies.service_answer(service))
            return [SlotSet("service", service.name)]


class ActionAnswerHotline(Action):
    def name(self) -> Text:
        return "action_answer_hotline"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        with session() as s:
            entries = queries.faq_by_topic(s, "hotline")
            if not entries:
                dispatcher.utter_message(text=replies.not_found())
                return []
            dispatcher.utter_message(text=replies.faq_answer(entries[0]))
        return []


class ActionSearchRecords(Action):
    """When the intent is unclear, the resident's own words are searched across all records."""

    def name(self) -> Text:
        return "action_search_records"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        text = tracker.latest_message.get("text") or ""
        with session() as s:
            hits = queries.search(s, text)
            top, close = rank_hits(hits)
            if top is None and not close:
                dispatcher.utter_message(text=replies.not_found())
                return []
            if top is None:
                buttons = []
                for hit in close:
                    if hit.kind == "service":
                        buttons += service_choice_buttons([hit])
                    elif hit.kind == "plan_item":
                        buttons += plan_choice_buttons([hit])
                if buttons:
                    dispatcher.utter_message(text=replies.did_you_mean(), buttons=buttons)
                else:
                    dispatcher.utter_message(text=replies.not_found())
                return []
            if top.kind == "service":
                dispatcher.utter_message(text=replies.service_answer(queries.service(s, top.record_id)))
            elif top.kind == "plan_item":
                dispatcher.utter_message(text=replies.plan_answer(queries.plan_item(s, top.record_id)))
            elif top.kind == "faq":
                dispatcher.utter_message(text=replies.faq_answer(queries.faq(s, top.record_id)))
            else:
                dispatcher.utter_message(text=replies.not_found())
        return []

"""Questions about the action plan, answered from the plan records with their source passage."""

from __future__ import annotations

import re
from typing import Optional, Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions import answers
from actions.context import (
    FOLLOW_UP_MAX_CHARS,
    PLAN_INTENTS,
    apologise_on_failure,
    last_question,
    latest_entity,
    text_of,
)
from bot import intents, normalise, resolver
from bot.records import queries
from bot.records.db import session
from bot.resolver import RECORD_ENTITIES

SLOT = "plan_item"


def plan_follow_up(dispatcher, tracker) -> Optional[list]:
    """A short question naming no plan item right after one about an item, naming a field the item's
    statement speaks of ("那教育方面的呢" after 智能民生治理工程's 55个医疗健康…智能体): that item
    again, whose statement holds the field's figure. None when the message is no such follow-up."""
    title = tracker.get_slot(SLOT)
    read = normalise.for_matching(text_of(tracker))
    if not title or not read or len(read) > FOLLOW_UP_MAX_CHARS or not resolver.FOLLOW_UP_FORM.search(read):
        return None
    if latest_entity(tracker, *RECORD_ENTITIES):
        return None
    if last_question(tracker, skip_latest=True) not in PLAN_INTENTS:
        return None
    field = resolver.asked_about(read)
    with session() as s:
        items = queries.plan_items_by_term(s, title)
        if not items or len(field) < 2:
            return None
        statement = items[0].statement or ""
        # words, not digits: "那2030年呢" shares 20 with 2028年 and asks another year
        pairs = (field[i : i + 2] for i in range(len(field) - 1))
        if not any(re.fullmatch(r"[\u4e00-\u9fff]{2}", pair) and pair in statement for pair in pairs):
            return None
        return [SlotSet(SLOT, answers.plan_item(dispatcher, s, items[0]))]


class ActionAnswerPlan(Action):
    def name(self) -> Text:
        return "action_answer_plan"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        events = plan_follow_up(dispatcher, tracker)
        if events is not None:
            return events
        intent = last_question(tracker, PLAN_INTENTS) or intents.ASK_PLAN_OVERVIEW
        term = latest_entity(tracker, "plan_item", "metric", "plan_project", "document")
        with session() as s:
            title = answers.plan_question(dispatcher, s, intent, term, text_of(tracker))
        return [SlotSet(SLOT, title)] if title else []

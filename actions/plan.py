"""Questions about the action plan, answered from the plan records with their source passage."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Action

from actions import answers
from actions.context import PLAN_INTENTS, apologise_on_failure, last_question, latest_entity, text_of
from bot import intents
from bot.records.db import session


class ActionAnswerPlan(Action):
    def name(self) -> Text:
        return "action_answer_plan"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        intent = last_question(tracker, PLAN_INTENTS) or intents.ASK_PLAN_OVERVIEW
        term = latest_entity(tracker, "plan_item", "metric", "plan_project", "document")
        with session() as s:
            answers.plan_question(dispatcher, s, intent, term, text_of(tracker))
        return []

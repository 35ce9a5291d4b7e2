"""Asking back like a clerk: the two or three records the resolver found close, by their names."""

from __future__ import annotations

from typing import Any, Optional, Text

from rasa_sdk import Action

from actions import replies
from actions.context import apologise_on_failure
from bot import intents

# the parse-data key bot/nlp/resolver.py fills (kept in step with CANDIDATES there)
CANDIDATES = "record_candidates"


def candidate_buttons(
    latest_message: Optional[dict[str, Any]], kinds: tuple[str, ...] = ("service", "plan")
) -> list[dict[str, str]]:
    buttons = []
    for c in (latest_message or {}).get(CANDIDATES) or []:
        if c.get("kind") not in kinds or not c.get("title"):
            continue
        if c["kind"] == "service":
            buttons.append(
                {
                    "title": c["title"],
                    "payload": replies.payload(c.get("aspect_intent") or intents.ASK_SERVICE, service=c["title"]),
                }
            )
        else:
            buttons.append(
                {"title": c["title"], "payload": replies.payload(intents.ASK_PLAN_OVERVIEW, plan_item=c["title"])}
            )
    return buttons


class ActionAskService(Action):
    """The service form's question: the records that could be meant, or, when none, which service."""

    def name(self) -> Text:
        return "action_ask_service"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        buttons = candidate_buttons(tracker.latest_message, ("service",))
        if buttons:
            dispatcher.utter_message(text=replies.did_you_mean(), buttons=buttons + [replies.none_of_these()])
        else:
            dispatcher.utter_message(text=replies.ask_which_service())
        return []

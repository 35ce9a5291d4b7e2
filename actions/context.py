"""Reading what the resident said so far from a rasa-sdk Tracker."""

from __future__ import annotations

import functools
import logging
from typing import Callable, Iterable, Optional

from rasa_sdk import Tracker
from sqlalchemy.exc import SQLAlchemyError

from actions import replies
from bot import intents

logger = logging.getLogger(__name__)

SERVICE_INTENTS = intents.SERVICE_INTENTS
PLAN_INTENTS = intents.PLAN_INTENTS
QUESTION_INTENTS = intents.QUESTION_INTENTS
REPHRASE = "utter_ask_rephrase"
# a message this short that names no record, right after a question about a service or a plan item,
# asks more about it ("能领几个月", "那教育方面的呢"): a clerk answers it, and does not ask which one
FOLLOW_UP_MAX_CHARS = 14


def latest_entity(tracker: Tracker, *names: str) -> Optional[str]:
    for name in names:
        value = next(tracker.get_latest_entity_values(name), None)
        if value:
            return str(value)
    return None


def user_intents(tracker: Tracker) -> Iterable[str]:
    """Intents of the resident's messages, newest first."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if name:
                yield name


def last_question(
    tracker: Tracker, among: Iterable[str] = QUESTION_INTENTS, skip_latest: bool = False
) -> Optional[str]:
    among = set(among)
    intents = iter(user_intents(tracker))
    if skip_latest:
        next(intents, None)
    return next((i for i in intents if i in among), None)


def slot_before_latest(tracker: Tracker, name: str) -> Optional[str]:
    """A slot's value before the resident's latest message set anything from it."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_latest = True
        elif seen_latest and event.get("event") == "slot" and event.get("name") == name:
            return event.get("value")
    return None


def replies_before_latest(tracker: Tracker) -> list[dict]:
    """The assistant's replies to the resident's message before the latest, newest first."""
    found: list[dict] = []
    users = reverted = 0
    for event in reversed(tracker.events):
        if event.get("event") == "rewind":
            reverted += 1  # Rasa took back the user message before it (a clarified fallback re-sends it)
        elif event.get("event") == "user":
            if reverted:
                reverted -= 1
                continue
            users += 1
            if users == 2:
                break
        elif event.get("event") == "bot" and users == 1:
            found.append(event)
    return found


def previous_message_answered(tracker: Tracker) -> bool:
    """Whether the resident's message before the latest got an answer: not a question back ("您是想问",
    which service), not a request to say it again."""
    seen = replies_before_latest(tracker)
    asked = (replies.did_you_mean(), replies.ask_which_service())
    return bool(seen) and not any(
        (e.get("text") or "").startswith(asked) or (e.get("metadata") or {}).get("utter_action") == REPHRASE
        for e in seen
    )


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def apologise_on_failure(run: Callable) -> Callable:
    """A database fault becomes a short apology with the hotline, never silence or a 500."""

    @functools.wraps(run)
    def wrapper(self, dispatcher, tracker, domain):
        try:
            return run(self, dispatcher, tracker, domain)
        except (SQLAlchemyError, OSError):
            logger.exception("records database unavailable in %s", self.name())
            dispatcher.utter_message(text=replies.apology())
            return []

    return wrapper

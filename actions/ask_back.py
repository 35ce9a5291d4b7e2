"""Asking back like a clerk: the two or three records the resolver found close, by their names."""

from __future__ import annotations

import json
import os
import re
from typing import Any, Optional, Text

from rasa_sdk import Action

from actions import replies
from actions.context import apologise_on_failure, replies_before_latest
from bot import intents, normalise
from bot.resolver import CANDIDATES
from bot.resolver.examples import situations


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


# "the second one": a choice named by its place, as callers answer a spoken question ("最后一个" before
# "后一个", which it contains)
_LAST = re.compile(r"最后(那|一)个")
_ORDINALS = (
    re.compile(r"第(一|1)(个|项|种)|头一个|前面那个|前一个"),
    re.compile(r"第(二|2)(个|项|种)|后面那个|后一个"),
    re.compile(r"第(三|3)(个|项|种)"),
)


def offered_before(tracker) -> list[dict[str, Any]]:
    """The buttons of the question back the assistant asked just before the latest message."""
    for event in replies_before_latest(tracker):
        if (event.get("text") or "").startswith(replies.did_you_mean()):
            return list((event.get("data") or {}).get("buttons") or [])
    return []


def choice_taken(tracker) -> Optional[tuple[str, str]]:
    """(intent, service name) of the offered service the resident's answer picks: by its place ("第二个"),
    by the words that tell it from the others ("补领"), or by an everyday phrasing of its action
    (data/lexicon/situations.yml: "补办" for 补领). None unless exactly one choice fits."""
    offered: list[Optional[tuple[str, str]]] = []  # in the order shown; None for a choice that is no service
    for button in offered_before(tracker):
        if button.get("title") == replies.none_of_these()["title"]:
            continue
        intent, _, entities = str(button.get("payload") or "").lstrip("/").partition("{")
        try:
            service = json.loads("{" + entities).get("service") if entities else None
        except (ValueError, AttributeError):
            service = None
        offered.append((intent, str(service)) if service else None)
    choices = [c for c in offered if c is not None]
    if not choices:
        return None
    said = normalise.for_matching((tracker.latest_message or {}).get("text") or "")
    if len(said) > 20:
        return None
    if _LAST.search(said):
        return offered[-1]
    for place, pattern in enumerate(_ORDINALS):
        if pattern.search(said):
            return offered[place] if place < len(offered) else None
    shared = os.path.commonprefix([name for _, name in choices]) if len(choices) > 1 else ""
    actions = situations()
    fits = []
    for choice in choices:
        rest = choice[1][len(shared) :]
        phrases = [rest] + [p for action, ps in actions.items() if action in rest for p in ps if len(p) >= 2]
        if rest and any(p in said for p in phrases):
            fits.append(choice)
    return fits[0] if len(fits) == 1 else None


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

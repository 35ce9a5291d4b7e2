"""Emergencies, abuse and requests for professional advice."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Action

from actions import choices, replies
from actions.context import apologise_on_failure, text_of, user_intents
from actions.handoff import hand_off
from bot import intents, settings
from bot.records import queries
from bot.records.db import session
from bot.safety.emergency import SELF_HARM, alarm

ABUSE_LIMIT = 3  # the third insult in a conversation ends it, politely
# the key of the custom payload that tells a channel which numbers to show or dial
ALARM_KEY = "emergency"  # not an intent


class ActionEmergency(Action):
    """The right numbers first, the most urgent danger first; self-harm and hotline calls go to a person."""

    def name(self) -> Text:
        return "action_emergency"

    def run(self, dispatcher, tracker, domain):
        kinds = [
            str(e.get("value"))
            for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "emergency_type" and e.get("value")
        ]
        told = alarm(kinds)
        if told is None:
            text, numbers, kinds = replies.emergency_unknown(), ["110", "120"], kinds or ["unknown"]
        else:
            text, numbers, kinds = told.text, list(told.numbers), list(told.kinds)
        detail = {"kinds": kinds, "numbers": numbers}
        dispatcher.utter_message(
            text=text,
            json_message={ALARM_KEY: {"type": kinds[0], "types": kinds, "number": numbers[0], "numbers": numbers}},
        )
        if SELF_HARM in kinds or tracker.get_latest_input_channel() == "hotline":
            try:
                hand_off(dispatcher, tracker, intents.REASON_EMERGENCY, detail=detail)
            except Exception:  # the number has been given already; a ticket failure must not hide it
                dispatcher.utter_message(text=f"如需人工帮助，请拨打{settings.get('HOTLINE_NUMBER')}。")
        return []


class ActionAbuse(Action):
    def name(self) -> Text:
        return "action_abuse"

    def run(self, dispatcher, tracker, domain):
        insults = sum(1 for intent in user_intents(tracker) if intent == intents.INSULT)
        if insults >= ABUSE_LIMIT:
            dispatcher.utter_message(
                text=f"我们的对话就先到这里。如需帮助，欢迎随时再来，或拨打{settings.get('HOTLINE_NUMBER')}。",
                json_message={"end_conversation": True, "skip_rating": True},
            )
        else:
            dispatcher.utter_message(
                text="我理解您可能有些着急，我会尽力帮您。请告诉我您想办的事，或点“转人工”找工作人员。"
            )
        return []


class ActionRefuseInstruction(Action):
    """An attempt to instruct the assistant: what it does, in one sentence; no ticket, no number read off it."""

    def name(self) -> Text:
        return "action_refuse_instruction"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=replies.instruction_refused())
        return []


class ActionAdvice(Action):
    """General guidance from the records, never a diagnosis or advice, and a referral."""

    def name(self) -> Text:
        return "action_advice"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        lines = ["我不能提供医疗诊断，也不能给出法律或理财建议。"]
        with session() as s:
            top, _ = choices.decide(queries.search(s, text_of(tracker), kinds=["service"]))
            if top:
                lines.append(f"和您的问题相关的办事服务有“{top.title}”，需要的话可以问我怎么办理。")
        lines.append(
            f"身体不适请到正规医院就诊，紧急情况请拨打120；法律、金融方面的问题可以拨打{replies.hotline()}，由相关部门为您解答。"
        )
        dispatcher.utter_message(text="\n".join(lines))
        return []

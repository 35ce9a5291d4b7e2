"""Handing the resident to a human agent with everything the agent needs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted

from actions.ask_back import choice_taken
from actions.context import apologise_on_failure, previous_message_answered, user_intents
from actions.dialogue import ActionAskAffirmation
from bot import intents, settings
from bot.privacy import mask
from bot.tickets import hours, store
from bot.tickets.summary import summarise

REASON_BY_INTENT = {
    intents.REQUEST_HUMAN: intents.REASON_RESIDENT_REQUEST,
    intents.COMPLAINT: intents.REASON_COMPLAINT,
    intents.NLU_FALLBACK: intents.REASON_FALLBACK,
}
HIDDEN_SLOTS = {"requested_slot", "session_started_metadata"}
TWO_STAGE_FALLBACK = "action_two_stage_fallback"


def _time(event: Dict[str, Any]) -> Optional[str]:
    stamp = event.get("timestamp")
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).isoformat() if stamp else None


def transcript(tracker: Tracker) -> List[Dict[str, Any]]:
    lines = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in ("user", "bot") and event.get("text"):
            text = event["text"]
            if kind == "user" and text.startswith("/"):
                continue  # a button payload, not words the resident said
            lines.append({"speaker": "市民" if kind == "user" else "助手", "text": mask(text), "time": _time(event)})
    return lines


def conversation_start(tracker: Tracker) -> Optional[dt.datetime]:
    for event in tracker.events:
        if event.get("timestamp"):
            return dt.datetime.fromtimestamp(event["timestamp"], dt.timezone.utc)
    return None


def last_words(tracker: Tracker) -> Optional[str]:
    for event in reversed(tracker.events):
        if event.get("event") == "user" and event.get("text") and not event["text"].startswith("/"):
            return event["text"]
    return None


def handoff_reason(tracker: Tracker) -> str:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    if metadata.get("handoff_reason"):
        return str(metadata["handoff_reason"])
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return REASON_BY_INTENT.get(intent, intents.REASON_FLOW)


def hand_off(dispatcher, tracker: Tracker, reason: str, lead: str = "", detail: Optional[dict] = None) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    duty_hours, duty_days = settings.get("HANDOFF_HOURS"), settings.get("HANDOFF_WEEKDAYS")
    live = hours.on_duty(now, duty_hours, duty_days)
    intents = [i for i in reversed(list(user_intents(tracker)))]
    slots = {k: v for k, v in tracker.slots.items() if v not in (None, "", []) and k not in HIDDEN_SLOTS}
    ticket, already_open = store.open_or_add(
        mode="live" if live else "callback",
        reason=reason,
        channel=tracker.get_latest_input_channel() or "rest",
        sender_id=tracker.sender_id,
        summary=summarise(reason, intents, slots, last_words(tracker)),
        intents=intents,
        slots=slots,
        transcript=transcript(tracker),
        conversation_started_at=conversation_start(tracker),
        detail=detail,
    )
    hotline = settings.get("HOTLINE_NUMBER")
    if already_open and live:
        message = f"{lead}您的转人工请求已在处理中，工单号：{ticket.id}，请稍候，不用重复提交。"
    elif already_open:
        message = (
            f"{lead}您已登记过回电工单{ticket.id}，刚才的情况已补充进去，工作人员上班后会尽快联系您。"
            f"急事请直接拨打{hotline}。"
        )
    elif live:
        message = f"{lead}正在为您转接人工客服，请稍候。工单号：{ticket.id}。"
    else:
        message = (
            f"{lead}现在不是人工客服的服务时间（{hours.describe(duty_hours, duty_days)}），"
            f"已为您登记回电工单{ticket.id}，工作人员上班后会尽快联系您。急事请直接拨打{hotline}。"
        )
    dispatcher.utter_message(
        text=message,
        json_message={"handoff": {"ticket_id": ticket.id, "mode": ticket.mode, "reason": reason, "detail": detail}},
    )


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        reason = handoff_reason(tracker)
        lead = "非常抱歉给您带来不好的体验，我们会认真处理您的意见。" if reason == intents.REASON_COMPLAINT else ""
        hand_off(dispatcher, tracker, reason, lead)
        return []


class ActionDefaultFallback(Action):
    """After the second failed attempt to understand: a person takes over, 12345 is named."""

    def name(self) -> Text:
        return "action_default_fallback"

    @apologise_on_failure
    def run(self, dispatcher, tracker, domain):
        # Rasa's two-stage fallback gives up after any two unclear messages in a row. When the first was
        # answered after all (a follow-up, a clear search hit), or the second answers its question back
        # in words ("补办", "第二个"), nothing has failed twice yet: this one is a first attempt. The
        # unclear message is taken back as a hand-off takes it back, so the dialogue goes on listening.
        in_fallback = (tracker.active_loop or {}).get("name") == TWO_STAGE_FALLBACK
        latest = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if in_fallback and latest == intents.NLU_FALLBACK:
            if choice_taken(tracker) is not None or previous_message_answered(tracker):
                return [UserUtteranceReverted()] + ActionAskAffirmation().run(dispatcher, tracker, domain)
        hand_off(dispatcher, tracker, intents.REASON_FALLBACK, "抱歉，这个问题我暂时答不上来。")
        return [UserUtteranceReverted()]

"""The hotline first-responder channel at /webhooks/hotline/webhook.

A telephony gateway posts speech-recognised text; the response holds speech-ready replies and
what the gateway should do next: `continue`, `handoff` (with the handoff package) or `end`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import replies as wording
from bot import intents, settings
from bot.channels import sessions, speech
from bot.channels.requests import error, json_body
from bot.channels.rest import clean_text, converse
from bot.http.secrets import bearer, same_secret
from bot.tickets import calls, feedback, store

logger = logging.getLogger(__name__)
EVENTS = {"start", "message", "silence", "dtmf", "hangup"}
CALL_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
YES = {"对", "是", "是的", "对的", "对啊", "嗯", "嗯嗯", "没错", "正确", "对头", "是滴", "对头对头", "好"}
NO = {"不对", "不是", "错了", "不是的", "不对不对", "搞错了"}
_PUNCT = re.compile(r"[\s，。！？,.!?、~…]+")


def _spoken_choice(message: dict) -> dict:
    """An ask-back with buttons becomes one question for the ear; the caller answers it in words."""
    if message.get("text") == wording.did_you_mean() and message.get("buttons"):
        question = wording.call_choice([b.get("title", "") for b in message["buttons"]])
        if question:
            return {"text": question}
    return message


def _words(text: str) -> str:
    return _PUNCT.sub("", text)


class HotlineInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "hotline"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "HotlineInput":
        return cls((credentials or {}).get("token"))

    def __init__(self, token: Optional[str] = None) -> None:
        self._token = token

    def token(self) -> str:
        return self._token or settings.get("HOTLINE_TOKEN")

    def authorised(self, request: Request) -> bool:
        # no configured token means nobody is let in, never everybody
        return same_secret(bearer(request.headers.get("authorization")), self.token())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("hotline_channel", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return error(401, "未授权：需要有效的 Bearer token。")
            data = json_body(request)
            if isinstance(data, HTTPResponse):
                return data
            call_id, event = data.get("call_id"), data.get("event")
            if not isinstance(call_id, str) or not CALL_ID.fullmatch(call_id):
                return error(400, "缺少或无效的 call_id（1 到 64 个字母、数字或 _.:-）。")
            if not isinstance(event, str) or event not in EVENTS:
                return error(400, f"event 必须是以下之一：{', '.join(sorted(EVENTS))}。")
            text = data.get("text")
            if text is not None and not isinstance(text, str):
                return error(400, "text 必须是文字。")
            confidence = data.get("asr_confidence")
            if confidence is not None and (
                isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1
            ):
                return error(400, "asr_confidence 必须是 0 到 1 之间的数字。")
            digits = data.get("digits")
            if digits is not None and (not isinstance(digits, str) or not re.fullmatch(r"[0-9*#]{1,32}", digits)):
                return error(400, "digits 必须是按键字符（0-9、*、#）。")
            if text and len(text) > int(settings.get("MAX_MESSAGE_CHARS")):
                # before any other work: a long text costs no more than a short one
                return response.json(Call(call_id, on_new_message).say(wording.CALL_TOO_LONG))
            try:
                result = await Call(call_id, on_new_message).handle(event, text or "", confidence, digits or "")
            except Exception:  # call state unreadable (database down): still tell the caller something
                logger.exception("hotline call %s failed", call_id)
                result = {
                    "call_id": call_id,
                    "action": "continue",
                    "handoff": None,
                    "replies": speech.speakable([{"text": wording.apology()}]),
                }
            return response.json(result)

        return bp


class Call:
    """One gateway request of one call."""

    def __init__(self, call_id: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]):
        self.call_id = call_id
        self.sender = sessions.conversation_id("hotline", call_id)
        # the call id as stored (a keyed hash if it holds a phone number), read off the conversation id
        self.stored_call_id = self.sender.partition(":")[2]
        self.on_new_message = on_new_message

    async def ask(self, text: str, metadata: Optional[dict] = None) -> list[dict]:
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, self.sender, input_channel="hotline", metadata=metadata)
        return await converse(self.on_new_message, message, collector)

    def respond(self, messages: list[dict], action: str = "continue", state=None) -> dict:
        handoff = None
        rate = True
        for message in messages:
            custom = message.get("custom") or {}
            if "handoff" in custom:
                ticket = store.get(custom["handoff"]["ticket_id"])
                handoff = store.package(ticket) if ticket else custom["handoff"]
                action = "handoff"
            elif custom.get("end_conversation") and action == "continue":
                action = "end"
                rate = not custom.get("skip_rating")
        if action == "end" and rate and state is not None and state.status == "active":
            # before the line closes, the caller may rate the call on the keypad (好差评)
            state.status = "rating"
            messages = messages + [{"text": wording.CALL_RATING_PROMPT}]
            action = "continue"
        messages = [_spoken_choice(m) for m in messages]
        return {"call_id": self.call_id, "action": action, "replies": speech.speakable(messages), "handoff": handoff}

    def say(self, text: str, action: str = "continue") -> dict:
        return self.respond([{"text": text}], action)

    async def handle(self, event: str, raw_text: str, confidence: Optional[float], digits: str) -> dict:
        state = await asyncio.to_thread(calls.load, self.stored_call_id)
        try:
            return await self._handle(state, event, clean_text(raw_text), confidence, digits)
        finally:
            await asyncio.to_thread(calls.save, state)

    async def _handle(self, state, event: str, text: str, confidence: Optional[float], digits: str) -> dict:
        if event == "start":
            state.silences, state.pending_text, state.status = 0, None, "active"
            return self.respond(await self.ask(f"/{intents.GREET}"), state=state)
        if event == "hangup":
            state.status, state.pending_text = "ended", None
            return self.respond([], "end")
        if event == "dtmf":
            lowest, highest = feedback.KINDS["rating"]
            if state.status == "rating" and digits[:1] in {str(n) for n in range(lowest, highest + 1)}:
                await asyncio.to_thread(feedback.record, "hotline", "rating", int(digits[0]), self.sender)
                state.status = "ended"
                return self.say(wording.CALL_RATING_THANKS, "end")
            if digits.startswith("0"):
                return self.respond(
                    await self.ask(f"/{intents.REQUEST_HUMAN}", {"handoff_reason": intents.REASON_DTMF_0})
                )
            return self.say(wording.CALL_KEYS_HINT)
        if event == "silence":
            state.silences += 1
            if state.silences >= 2:
                return self.respond(
                    await self.ask(f"/{intents.REQUEST_HUMAN}", {"handoff_reason": intents.REASON_SILENCE})
                )
            return self.say(wording.CALL_SILENCE)
        # a message
        state.silences = 0
        if not text:
            return self.say(wording.CALL_NOT_HEARD)
        if state.pending_text:
            pending, state.pending_text = state.pending_text, None
            if _words(text) in YES:
                return self.respond(await self.ask(pending), state=state)
            if _words(text) in NO:
                return self.say(wording.CALL_SAY_AGAIN)
        threshold = float(settings.get("HOTLINE_ASR_CONFIRM_BELOW"))
        if confidence is not None and confidence < threshold:
            state.pending_text = text
            return self.say(wording.call_heard_right(text))
        return self.respond(await self.ask(text), state=state)

"""The REST channel residents' clients use, with personal numbers masked before Rasa sees them.

Registered under the name `rest`, so it serves /webhooks/rest/webhook in place of Rasa's own.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.replies import EMPTY_MESSAGE, apology, too_busy, too_long
from bot import settings, trackers
from bot.channels import limits, sessions
from bot.channels.requests import error, json_body
from bot.http.secrets import bearer, same_secret
from bot.privacy import mask
from bot.records.text import simplified

logger = logging.getLogger(__name__)
# 120 leaves room for the channel's prefix in columns of 128 (fullmatch: no trailing newline)
SENDER = re.compile(r"[A-Za-z0-9_.:@-]{1,120}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _apology_reply(message: UserMessage) -> list[dict[str, Any]]:
    return [{"recipient_id": message.sender_id, "text": apology()}]


async def converse(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage, collector: CollectingOutputChannel
) -> list[dict[str, Any]]:
    """The bot's replies; a short apology with the hotline when any part behind Rasa fails or stays silent."""
    trackers.begin_message()
    try:
        await on_new_message(message)
    except Exception:  # a tracker store, lock store or action server fault must not reach the resident
        logger.exception("handling a message of %s failed", message.sender_id)
        return _apology_reply(message)
    if trackers.store_was_unavailable():
        # Rasa answered from an empty stand-in conversation: that answer has lost the context
        logger.error("conversation store unavailable for %s; apologised instead", message.sender_id)
        return _apology_reply(message)
    if not collector.messages:
        logger.warning("no reply for %s (is the action server up?)", message.sender_id)
        return _apology_reply(message)
    return collector.messages


def clean_text(text: str) -> str:
    """Control characters removed, traditional characters made simplified (the model, the rules and
    the records are written in simplified), personal numbers masked."""
    return mask(simplified(_CONTROL.sub("", text))).strip()


class ResidentRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def max_chars(self) -> int:
        return int(settings.get("MAX_MESSAGE_CHARS"))

    def read_message(self, request: Request) -> tuple[str, str] | HTTPResponse:
        """(sender, text), or the error response."""
        data = json_body(request)
        if isinstance(data, HTTPResponse):
            return data
        sender, message = data.get("sender"), data.get("message")
        # "" asks the server for a new conversation id
        if not isinstance(sender, str) or (sender and not SENDER.fullmatch(sender)):
            return error(400, "缺少或无效的 sender（1 到 120 个字母、数字或 _.:@-）。")
        if message is None or not isinstance(message, str):
            return error(400, "缺少 message 字段，或它不是文字。")
        return sender, message

    def trusted_client(self, request: Request) -> bool:
        """A client with REST_CLIENT_TOKEN (a city's own app back end) may choose its own sender ids."""
        return same_secret(bearer(request.headers.get("authorization")), settings.get("REST_CLIENT_TOKEN"))

    _limits: Optional[limits.MessageLimits] = None

    def within_limits(self, request: Request, conversation: str, trusted: bool) -> bool:
        """Per conversation always; per address unless the client is trusted (a back end speaks for
        many residents from one address)."""
        if ResidentRestInput._limits is None:
            ResidentRestInput._limits = limits.MessageLimits()
        checked = ResidentRestInput._limits
        if trusted:
            return checked.per_conversation.allow(conversation)
        return checked.allow(conversation, limits.client_address(request))

    def resident(self, request: Request, sender: str) -> str:
        """The sender id this message belongs to: the one sent if the server issued it (or the client
        is trusted), else a new one; never another resident's conversation."""
        if (sender and self.trusted_client(request)) or sessions.valid(sender):
            return sender
        return sessions.issue()

    def too_long(self, sender: str, message: str) -> Optional[list[dict[str, Any]]]:
        """Checked on the raw text before any other work, so a long message costs no more than a short one."""
        if len(message) > self.max_chars():
            return [
                {
                    "recipient_id": sender,
                    "text": too_long(self.max_chars()),
                }
            ]
        return None

    def polite_reply(self, sender: str, text: str) -> Optional[list[dict[str, Any]]]:
        """A reply without asking Rasa, for input that is not a question."""
        if not text:
            return [{"recipient_id": sender, "text": EMPTY_MESSAGE}]
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"{self.name()}_channel", __name__)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self.refuse(request)
            if refused:
                return refused
            read = self.read_message(request)
            if isinstance(read, HTTPResponse):
                return read
            sender, message = read
            trusted = self.trusted_client(request)
            sender = self.resident(request, sender)
            headers = {sessions.SENDER_HEADER: sender}
            conversation = sessions.conversation_id(self.name(), sender)
            if not self.within_limits(request, conversation, trusted):
                return response.json({"error": too_busy()}, status=429, headers=headers)
            canned = self.too_long(sender, message)
            if canned is not None:
                return response.json(canned, headers=headers)
            text = clean_text(message)
            canned = self.polite_reply(sender, text)
            if canned is not None:
                return response.json(canned, headers=headers)
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, conversation, input_channel=self.name())
            replies = await converse(on_new_message, message, collector)
            for reply in replies:
                if reply.get("recipient_id") == conversation:
                    reply["recipient_id"] = sender
            return response.json(replies, headers=headers)

        self.extra_routes(bp)
        return bp

    def refuse(self, request: Request) -> Optional[HTTPResponse]:
        """Hook for channels that accept only some callers (the web chat checks the Origin)."""
        return None

    def extra_routes(self, bp: Blueprint) -> None:
        """The channel's GET routes; a health check here, the chat page on the web channel."""

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

"""Conversations that belong to their channel and their resident.

Inside Rasa every conversation id carries its channel (`rest:…`, `web:…`, `hotline:…`), so no
channel can address another channel's conversation whatever id a client sends. Within a public
channel the id is issued by the server: a random part and its HMAC under SESSION_KEY, so an id
can be neither guessed nor made up. A client that sends no valid id gets a new one, in the
X-Jiangcheng-Sender response header, and keeps it for the next message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bot import privacy, settings
from bot.http.secrets import same_secret

SENDER_HEADER = "X-Jiangcheng-Sender"


def _signature(raw: str) -> str:
    key = settings.get("SESSION_KEY").encode()
    digest = hmac.new(key, raw.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def issue() -> str:
    raw = secrets.token_urlsafe(18)
    return f"{raw}.{_signature(raw)}"


def valid(sender: str) -> bool:
    raw, dot, signature = sender.rpartition(".")
    if not dot or not raw or not settings.get("SESSION_KEY"):
        return False
    return same_secret(signature, _signature(raw))


def stored_id(value: str) -> str:
    """An id as it may be stored: one that holds personal information (a phone number as a REST
    sender, a hotline call id such as 8613912345678) becomes a keyed hash."""
    return privacy.private_id(value, settings.get("SESSION_KEY")) if privacy.masked(value) else value


def conversation_id(channel: str, sender: str) -> str:
    return f"{channel}:{stored_id(sender)}"


def public_id(channel: str, conversation: str) -> str:
    prefix = f"{channel}:"
    return conversation[len(prefix) :] if conversation.startswith(prefix) else conversation

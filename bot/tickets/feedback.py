"""Storing residents' feedback without personal data."""

from __future__ import annotations

import datetime as dt
import hashlib

from bot.records.db import session
from bot.tickets.models import Feedback
from bot.tickets.store import ensure_tables

KINDS = {"helpful": (0, 1), "rating": (1, 5)}


class FeedbackInvalid(ValueError):
    pass


def conversation_key(sender_id: str) -> str:
    # lets answers of one conversation be counted together without keeping who it was
    return hashlib.sha256(("jiangcheng-feedback:" + sender_id).encode()).hexdigest()[:16]


def record(channel: str, kind: object, value: object, sender_id: str) -> None:
    """Store one rating; kind and value come straight from a request body and are checked here."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise FeedbackInvalid(f"kind must be one of {', '.join(KINDS)}")
    low, high = KINDS[kind]
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise FeedbackInvalid(f"{kind} must be a whole number from {low} to {high}")
    ensure_tables()
    with session() as s:
        s.add(
            Feedback(
                channel=channel,
                kind=kind,
                value=value,
                conversation=conversation_key(sender_id),
                created_at=dt.datetime.now(dt.timezone.utc),
            )
        )
        s.commit()

"""Hotline call state (silences, a transcript awaiting confirmation) in the shared database."""

from __future__ import annotations

import datetime as dt

from bot.records.db import session
from bot.tickets.models import CallSession
from bot.tickets.store import ensure_tables


def load(call_id: str) -> CallSession:
    ensure_tables()
    with session() as s:
        call = s.get(CallSession, call_id)
        if call is None:
            call = CallSession(
                call_id=call_id,
                silences=0,
                pending_text=None,
                status="active",
                updated_at=dt.datetime.now(dt.timezone.utc),
            )
        return call


def save(call: CallSession) -> None:
    call.updated_at = dt.datetime.now(dt.timezone.utc)
    with session() as s:
        s.merge(call)
        s.commit()

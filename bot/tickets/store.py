"""Creating, reading and exporting handoff tickets."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.records.db import engine_for, session
from bot.records.migrate import ensure_current
from bot.tickets.models import HandoffTicket


def ensure_tables(engine: Optional[Engine] = None) -> None:
    """The schema comes from the migrations; a database not yet at the newest revision is upgraded."""
    ensure_current(engine or engine_for())


def new_ticket_id(now: dt.datetime) -> str:
    return now.strftime("HT%Y%m%d") + "-" + secrets.token_hex(3).upper()


def create(**fields: Any) -> HandoffTicket:
    ensure_tables()
    now = dt.datetime.now(dt.timezone.utc)
    ticket = HandoffTicket(id=new_ticket_id(now), status="open", created_at=now, **fields)
    with session() as s:
        s.add(ticket)
        s.commit()
    return ticket


def open_or_add(**fields: Any) -> tuple[HandoffTicket, bool]:
    """(ticket, whether it was already open): one open ticket per conversation and reason. A later
    request of the same kind brings that ticket up to date instead of making another one."""
    ensure_tables()
    with session() as s:
        ticket = (
            s.execute(
                select(HandoffTicket)
                .where(
                    HandoffTicket.status == "open",
                    HandoffTicket.sender_id == fields["sender_id"],
                    HandoffTicket.reason == fields["reason"],
                )
                .order_by(HandoffTicket.created_at)
                .limit(1)
            )
            .scalars()
            .first()
        )
        if ticket is not None:
            for name in ("summary", "intents", "slots", "transcript", "mode", "detail"):
                if name in fields:
                    setattr(ticket, name, fields[name])
            s.commit()
            s.refresh(ticket)
            s.expunge(ticket)
            return ticket, True
    return create(**fields), False


def get(ticket_id: str) -> Optional[HandoffTicket]:
    ensure_tables()
    with session() as s:
        return s.get(HandoffTicket, ticket_id)


def open_tickets() -> list[HandoffTicket]:
    ensure_tables()
    with session() as s:
        return list(
            s.execute(
                select(HandoffTicket).where(HandoffTicket.status == "open").order_by(HandoffTicket.created_at)
            ).scalars()
        )


def package(ticket: HandoffTicket) -> dict[str, Any]:
    """What a human agent receives: reason, channel, what was asked, the masked transcript, times."""
    return {
        "ticket_id": ticket.id,
        "mode": ticket.mode,
        "reason": ticket.reason,
        "detail": ticket.detail,
        "channel": ticket.channel,
        "sender_id": ticket.sender_id,
        "summary": ticket.summary,
        "intents": ticket.intents,
        "slots": ticket.slots,
        "transcript": ticket.transcript,
        "conversation_started_at": ticket.conversation_started_at.isoformat()
        if ticket.conversation_started_at
        else None,
        "created_at": ticket.created_at.isoformat(),
    }

"""Tables written while the assistant runs (kept apart from the rebuildable records tables)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeMeta, registry

# written out like bot/records/models.py's Base, so that the tables type-check
_registry = registry()


class OpsBase(metaclass=DeclarativeMeta):
    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata
    __init__: Any = _registry.constructor


class HandoffTicket(OpsBase):
    __tablename__ = "handoff_tickets"
    id = Column(String(32), primary_key=True)
    status = Column(String(16), nullable=False, index=True)  # open, closed
    mode = Column(String(16), nullable=False)  # live: an agent takes over now; callback: outside hours
    reason = Column(String(32), nullable=False)
    channel = Column(String(32), nullable=False)
    sender_id = Column(String(128), nullable=False, index=True)
    summary = Column(Text, nullable=False)
    intents = Column(JSON, nullable=False)
    slots = Column(JSON, nullable=False)
    transcript = Column(JSON, nullable=False)
    # beyond the reason, what the agent must see first: for an emergency {"kinds": [...], "numbers": [...]}
    detail = Column(JSON)
    conversation_started_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)


class CallSession(OpsBase):
    """Per-call state of the hotline channel, shared by every Rasa server through the database."""

    __tablename__ = "hotline_calls"
    call_id = Column(String(64), primary_key=True)
    silences = Column(Integer, nullable=False, default=0)
    pending_text = Column(Text)
    status = Column(String(16), nullable=False, default="active")
    updated_at = Column(DateTime(timezone=True), nullable=False)


class Feedback(OpsBase):
    """A resident's verdict on an answer or on the whole conversation; no text, no identity."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True, autoincrement=True)
    channel = Column(String(16), nullable=False)
    kind = Column(String(16), nullable=False)  # helpful: 1 yes / 0 no; rating: 1..5 (好差评)
    value = Column(Integer, nullable=False)
    conversation = Column(String(16), nullable=False, index=True)  # a one-way hash, not the sender id
    created_at = Column(DateTime(timezone=True), nullable=False)

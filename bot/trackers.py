"""The production tracker store: Rasa's SQL tracker store, made honest about database outages.

Two things Rasa does not do on its own:
- its engine hands out pooled connections untested, so the first message after PostgreSQL restarts
  would fail on a dead connection; connections are tested before use here (one round trip);
- Rasa wraps every tracker store in a fail-safe one that, when the database is down, carries on
  with an empty conversation kept in memory, so a resident would get an answer that has forgotten
  everything said before. The failure is noted for the current message instead, and the channel
  (bot/channels/rest.py) answers with an apology naming the hotline.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

# one value per message: every await of one message's handling runs in the same context
_unavailable: ContextVar[bool] = ContextVar("jiangcheng_tracker_store_unavailable", default=False)


def begin_message() -> None:
    _unavailable.set(False)


def store_was_unavailable() -> bool:
    return _unavailable.get()


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    engine: Any  # Rasa's, replaced below by one that checks connections before use

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except Exception:
            _unavailable.set(True)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except Exception:
            _unavailable.set(True)
            raise

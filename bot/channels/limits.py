"""Rate limits on messages, per conversation and per client address, kept in each Rasa server.

A sliding window of one minute. The counts live in the process: with several Rasa servers behind
nginx each keeps its own, so a client spread over n servers gets at most n times the limit. A
resident typing never comes near the per-conversation limit; it stops scripts that flood the
assistant or open ticket after ticket from new conversations.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Optional

from sanic.request import Request

from bot import settings

WINDOW_SECONDS = 60.0
MAX_KEYS = 100_000  # memory stays bounded however many addresses or ids a flood uses


class SlidingWindow:
    def __init__(self, limit: int, window: float = WINDOW_SECONDS, max_keys: int = MAX_KEYS):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self.hits: OrderedDict[str, deque] = OrderedDict()

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        hits = self.hits.pop(key, None) or deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        allowed = len(hits) < self.limit
        if allowed:
            hits.append(now)
        self.hits[key] = hits  # most recently used last
        while len(self.hits) > self.max_keys:
            self.hits.popitem(last=False)
        return allowed


def client_address(request: Request) -> str:
    """The client's address; behind our own nginx (a trusted proxy) the one nginx saw."""
    peer = request.ip or ""
    trusted = {p.strip() for p in settings.get("TRUSTED_PROXIES").split(",") if p.strip()}
    forwarded = (request.headers.get("x-real-ip") or "").strip()
    return forwarded if forwarded and peer in trusted else peer


class MessageLimits:
    def __init__(self) -> None:
        self.per_conversation = SlidingWindow(int(settings.get("MESSAGES_PER_MINUTE_PER_CONVERSATION")))
        self.per_address = SlidingWindow(int(settings.get("MESSAGES_PER_MINUTE_PER_ADDRESS")))

    def allow(self, conversation: str, address: str) -> bool:
        # both windows count the message only when both allow it
        if not self.per_conversation.allow(conversation):
            return False
        if not self.per_address.allow(address):
            self.per_conversation.hits[conversation].pop()
            return False
        return True

"""A Redis lock store whose ticket bookkeeping is atomic across several Rasa servers.

Rasa 3.6's RedisLockStore reads a conversation's lock, changes it and writes it back in separate
commands, so two servers receiving messages of one conversation at the same moment can both take
ticket 0 and both process at once; the SQL tracker store then drops one of the turns. Every
read-change-write here runs in a Redis WATCH/MULTI transaction and is retried on conflict.
Used through endpoints.prod.yml (`type: bot.locks.AtomicRedisLockStore`).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        kwargs = dict(endpoint_config.kwargs)
        for key in ("port", "db"):
            if key in kwargs:
                kwargs[key] = int(kwargs[key])
        super().__init__(host=endpoint_config.url or "localhost", **kwargs)
        self._retry_on_reconnect()

    def _retry_on_reconnect(self) -> None:
        """After Redis restarts, pooled connections are dead; without a retry the first command on
        each fails and a resident gets an apology although Redis is back. New connections retry."""
        import redis
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        pool = self.red.connection_pool
        pool.connection_kwargs["retry"] = Retry(ExponentialBackoff(cap=0.5, base=0.05), 3)
        pool.connection_kwargs["retry_on_error"] = [redis.ConnectionError, redis.TimeoutError]
        pool.disconnect()

    def _transact(self, conversation_id: Text, change: Change) -> Any:
        import redis

        key = self.key_prefix + conversation_id
        for _ in range(1000):
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock first: read it again
        raise LockError(f"Could not update the lock of conversation '{conversation_id}'.")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]):
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._transact(conversation_id, change)
        except LockError:
            raise
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._transact(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._transact(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]):
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._transact(conversation_id, change)

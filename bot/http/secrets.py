"""Comparing a secret a client sent with the configured one, whatever bytes the client sent."""

from __future__ import annotations

import hmac


def same_secret(given: str, expected: str) -> bool:
    """Constant-time; False for an empty configuration. Header values come from Sanic decoded with
    surrogateescape, and compare_digest refuses non-ASCII text: both are compared as bytes."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape"))


def bearer(header: str | None) -> str:
    """The token of an `Authorization: Bearer …` header, or ""."""
    scheme, _, token = (header or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""

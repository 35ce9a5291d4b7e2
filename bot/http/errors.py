"""The one shape of an error answer on every server of ours: {"error": "<Chinese message>"}."""

from __future__ import annotations

from sanic import response
from sanic.response import HTTPResponse


def error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)

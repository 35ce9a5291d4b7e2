"""Reading a JSON request defensively: a clear 4xx for anything malformed, never a 500."""

from __future__ import annotations

from typing import Any

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.http import json_input
from bot.http.errors import error

__all__ = ["MAX_BODY_BYTES", "error", "json_body"]
MAX_BODY_BYTES = 64 * 1024


def json_body(request: Request) -> dict[str, Any] | HTTPResponse:
    """The request's JSON object, or the 4xx response that says what is wrong with it."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return error(415, "请求格式错误：Content-Type 必须是 application/json。")
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        return error(413, f"请求内容过大（上限 {MAX_BODY_BYTES // 1024} KB）。")
    try:
        data = json_input.loads(body)
    except json_input.BadJson as bad:
        return error(400, str(bad))
    if not isinstance(data, dict):
        return error(400, "请求内容必须是一个 JSON 对象。")
    return data

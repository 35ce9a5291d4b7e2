"""Request framing checked before Sanic 21.12 reads a body, in the Rasa server and the action server.

Sanic 21.12 reads the length of a body with a bare `int(headers["content-length"])`:
- `Content-Length: -1` makes its body reader return empty chunks without ever waiting, so the event
  loop spins at full CPU and nobody is answered again, and the process ignores SIGINT and SIGTERM;
- a length that is not a number raises outside its error handling: a 500;
- two lengths, or a length beside `Transfer-Encoding`, are accepted, so a proxy in front and the
  server can disagree on where a request ends (request smuggling).
The header block is read here first, and any framing that RFC 9112 (section 6) calls invalid or
ambiguous gets a 400 and a closed connection before Sanic looks at it. A declared body over the
process's limit gets a 413 before a byte of it is read; a chunked one is cut off at the same limit.
"""

from __future__ import annotations

import re
from typing import Optional

from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.http import Http
from sanic.touchup import TouchUp

_LENGTH = re.compile(r"\d{1,18}")
_limit: Optional[int] = None


class Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check_head(head: bytes, max_body_bytes: Optional[int] = None) -> None:
    """Raise Refusal when the header block frames its body invalidly or ambiguously."""
    lengths: list[str] = []
    encodings: list[str] = []
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            continue  # Sanic refuses a header line without a colon itself
        if name != name.strip():
            raise Refusal(400, "请求格式错误：请求头名称前后不能有空格。")
        name = name.lower()
        if name == "content-length":
            lengths += [v.strip() for v in value.split(",")]
        elif name == "transfer-encoding":
            # Sanic strips only the left of a value, and handles nothing but exactly `chunked`
            encodings.append(value.lstrip())
    if lengths and encodings:
        raise Refusal(400, "请求格式错误：Content-Length 与 Transfer-Encoding 不能同时出现。")
    if len(lengths) > 1:
        raise Refusal(400, "请求格式错误：Content-Length 只能出现一次。")
    if lengths:
        if not _LENGTH.fullmatch(lengths[0]):
            raise Refusal(400, "请求格式错误：Content-Length 必须是非负整数。")
        if max_body_bytes is not None and int(lengths[0]) > max_body_bytes:
            raise Refusal(413, f"请求内容过大（上限 {max_body_bytes // 1024} KB）。")
    if encodings and encodings != ["chunked"]:
        # anything else (`Chunked`, `chunked `, `gzip, chunked`) Sanic reads as a Content-Length body
        raise Refusal(400, "请求格式错误：Transfer-Encoding 只支持 chunked。")


async def _checked_request_header(self: Http) -> None:
    # Sanic's touch-up recompiles this method from its source in sanic.http's namespace when a
    # server starts, so it reaches this module only through an import
    from bot.http import framing

    buf = self.recv_buffer
    pos = 0
    while True:  # the same wait for a whole header block as Sanic's own, which then finds it at once
        pos = buf.find(b"\r\n\r\n", pos)
        if pos != -1 or len(buf) - 3 >= self.HEADER_MAX_SIZE:
            break
        pos = max(0, len(buf) - 3)
        await self._receive_more()
    if framing._limit is not None:
        # also bounds a chunked body, which announces no length
        self.request_max_size = min(self.request_max_size, framing._limit)
    if pos != -1:
        try:
            framing.check_head(bytes(buf[:pos]), self.request_max_size)
        except framing.Refusal as refusal:
            self.keep_alive = False
            raise framing.refusal_exception(refusal) from None
    await self._sanic_request_header()  # type: ignore[attr-defined]  # Sanic's own, kept by apply()


async def _checked_read(self: Http):
    # a body Sanic could not read (bad chunk size, over the limit) gets its 4xx as before, and is
    # then dropped with the connection: Sanic's attempt to drain it raised again, outside any
    # handler, and wrote a traceback to the log for every such request
    try:
        return await self._sanic_read()  # type: ignore[attr-defined]  # Sanic's own, kept by apply()
    except Exception:
        self.request_body = None
        self.keep_alive = False
        raise


def refusal_exception(refusal: Refusal) -> Exception:
    return (PayloadTooLarge if refusal.status == 413 else InvalidUsage)(str(refusal))


def apply(max_body_bytes: Optional[int] = None) -> None:
    """Check framing in every Sanic server of this process; bodies over max_body_bytes are refused."""
    global _limit
    _limit = max_body_bytes
    if not hasattr(Http, "_sanic_request_header"):
        # Sanic's own methods stay, under other names; its touch-up must still strip the signal
        # dispatches they make (left in, they raise for signals nobody registered)
        Http._sanic_request_header = Http.http1_request_header  # type: ignore[attr-defined]
        Http._sanic_read = Http.read  # type: ignore[attr-defined]
        TouchUp.register(Http, "_sanic_request_header")
        TouchUp.register(Http, "_sanic_read")
    Http.http1_request_header = _checked_request_header  # type: ignore[method-assign]
    Http.read = _checked_read  # type: ignore[method-assign]

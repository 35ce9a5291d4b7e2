"""The residents' web chat: the page at /webhooks/web/ and its webhook at /webhooks/web/webhook."""

from __future__ import annotations

import asyncio
import html
import logging
from pathlib import Path
from typing import Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.replies import FEEDBACK_NOT_SAVED, FEEDBACK_THANKS, too_busy
from bot import settings
from bot.channels import sessions
from bot.channels.requests import error, json_body
from bot.channels.rest import SENDER, ResidentRestInput
from bot.tickets import feedback

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"chat.js": "application/javascript; charset=utf-8", "chat.css": "text/css; charset=utf-8"}


def filled(page: str) -> str:
    """The page and its script with the city's hotline number from settings, never typed into them."""
    return page.replace("{{hotline_number}}", html.escape(settings.get("HOTLINE_NUMBER"), quote=True))


def allowed_origins() -> set[str]:
    configured = [o.strip().rstrip("/") for o in settings.get("WEB_ALLOWED_ORIGINS").split(",") if o.strip()]
    if configured:
        return set(configured)
    port = settings.get("RASA_PORT")
    return {f"http://127.0.0.1:{port}", f"http://localhost:{port}"}


class WebChatInput(ResidentRestInput):
    @classmethod
    def name(cls) -> Text:
        return "web"

    def trusted_client(self, request: Request) -> bool:
        return False  # a page in a browser: every id comes from the server

    def refuse(self, request: Request) -> Optional[HTTPResponse]:
        # browsers send Origin with every POST; a page elsewhere must not use our chat
        origin = (request.headers.get("origin") or "").rstrip("/")
        if origin not in allowed_origins():
            return error(403, "此网页无权使用江城助手的聊天接口。")
        return None

    def extra_routes(self, bp: Blueprint) -> None:
        @bp.route("/", methods=["GET"], name="page")
        async def page(_: Request) -> HTTPResponse:
            return response.html(
                filled((STATIC / "index.html").read_text(encoding="utf-8")),
                headers={"Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'"},
            )

        @bp.route("/feedback", methods=["POST"])
        async def give_feedback(request: Request) -> HTTPResponse:
            """{"sender": …, "kind": "helpful", "value": true|false} or {"kind": "rating", "value": 1..5}."""
            refused = self.refuse(request)
            if refused:
                return refused
            data = json_body(request)
            if isinstance(data, HTTPResponse):
                return data
            sender = data.get("sender")
            if not isinstance(sender, str) or not SENDER.fullmatch(sender) or not sessions.valid(sender):
                # only a conversation this server issued can rate its answers
                return error(400, "缺少或无效的 sender。")
            if not self.within_limits(request, sessions.conversation_id(self.name(), sender), trusted=False):
                return error(429, too_busy())
            try:
                await asyncio.to_thread(feedback.record, "web", data.get("kind"), data.get("value"), sender)
            except feedback.FeedbackInvalid as exc:
                return error(400, f"评价内容无效：{exc}")
            except Exception:  # database unavailable: say so, never a stack trace
                logger.exception("feedback could not be stored")
                return error(503, FEEDBACK_NOT_SAVED)
            return response.json({"status": "ok", "message": FEEDBACK_THANKS})

        @bp.route("/static/<name>", methods=["GET"])
        async def asset(_: Request, name: str) -> HTTPResponse:
            if name not in ASSETS:  # a fixed list: no path ever reaches the file system from the URL
                return response.json({"error": "not found"}, status=404)
            return response.text(filled((STATIC / name).read_text(encoding="utf-8")), content_type=ASSETS[name])

"""The action server: rasa-sdk's executor with our actions, reachable only by the assistant.

`python -m bot.action_server --port 5055` replaces `rasa run actions`, whose server listens on
every address, lists and runs any action for anyone, accepts any content type (so any web page
could post to it from a visitor's browser without a CORS preflight), inflates a deflate body
without limit and echoes the exception and the request body in its 500s. Here:
- it listens on ACTION_HOST (127.0.0.1 unless a city spreads its servers over machines);
- every call but the health check carries the shared secret ACTION_SECRET in ACTION_SECRET_HEADER,
  which Rasa sends from endpoints.yml (no configured secret: nobody is let in, never everybody);
- calls are `application/json`, identity or deflate (Rasa's COMPRESS_ACTION_SERVER_REQUEST),
  inflated up to ACTION_MAX_REQUEST_BYTES;
- errors are short Chinese messages, logged without the conversation they came with.
"""

from __future__ import annotations

import argparse
import logging
import zlib
from typing import Any, Optional

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.http import framing, json_input
from bot.http.errors import error
from bot.http.secrets import same_secret

logger = logging.getLogger(__name__)
ACTION_SECRET_HEADER = "X-Jiangcheng-Action-Secret"
# what executor.run and our actions read without checking; anything else in a call is rasa's business
_CALL_FIELDS = {"next_action": str, "tracker": dict, "domain": dict}
_TRACKER_FIELDS = {"sender_id": str, "slots": dict, "latest_message": dict, "events": list}


def authorised(request: Request, secret: str) -> bool:
    return same_secret(request.headers.get(ACTION_SECRET_HEADER) or "", secret)


def inflate(body: bytes, limit: int) -> bytes:
    """A deflate body inflated to at most `limit` bytes; a bomb stops at the limit, not in memory."""
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise json_input.BadJson("请求内容不是有效的 deflate 压缩数据。") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise OverflowError
    return data


def call_problem(call: Any) -> Optional[str]:
    if not isinstance(call, dict):
        return "动作调用必须是一个 JSON 对象。"
    for name, kind in _CALL_FIELDS.items():
        if not isinstance(call.get(name, {} if name == "domain" else None), kind):
            return f"动作调用缺少 {name}，或它的类型不对。"
    tracker = call["tracker"]
    for name, kind in _TRACKER_FIELDS.items():
        if not isinstance(tracker.get(name), kind):
            return f"tracker 缺少 {name}，或它的类型不对。"
    if not all(isinstance(event, dict) for event in tracker["events"]):
        return "tracker 的 events 必须都是 JSON 对象。"
    if not isinstance(tracker.get("active_loop") or {}, dict):
        return "tracker 的 active_loop 必须是 JSON 对象。"
    return None


def create_app(package: str = "actions", secret: Optional[str] = None, max_body_bytes: Optional[int] = None) -> Sanic:
    secret = settings.get("ACTION_SECRET") if secret is None else secret
    limit = int(settings.get("ACTION_MAX_REQUEST_BYTES")) if max_body_bytes is None else max_body_bytes
    app = Sanic("jiangcheng_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = limit
    app.config.FALLBACK_ERROR_FORMAT = "json"
    executor = ActionExecutor()
    executor.register_package(package)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(request: Request) -> HTTPResponse:
        if not authorised(request, secret):
            return error(401, "未授权：只有江城助手的对话服务器可以调用动作服务器。")
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        if not authorised(request, secret):
            return error(401, "未授权：只有江城助手的对话服务器可以调用动作服务器。")
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return error(415, "请求格式错误：Content-Type 必须是 application/json。")
        encoding = (request.headers.get("content-encoding") or "identity").strip().lower()
        body = request.body or b""
        try:
            if encoding == "deflate":
                body = inflate(body, limit)
            elif encoding != "identity":
                return error(415, "请求格式错误：Content-Encoding 只支持 deflate。")
            call = json_input.loads(body, max_depth=64)
        except OverflowError:
            return error(413, f"动作调用解压后过大（上限 {limit // 1024 // 1024} MB）。")
        except json_input.BadJson as bad:
            return error(400, str(bad))
        problem = call_problem(call)
        if problem:
            return error(400, problem)
        utils.check_version_compatibility(call.get("version"))
        try:
            result = await executor.run(call)
        except ActionExecutionRejection as e:
            return response.json({"error": e.message, "action_name": e.action_name}, status=400)
        except ActionNotFoundException as e:
            logger.error("action not found: %s", e.action_name)
            return response.json({"error": e.message, "action_name": e.action_name}, status=404)
        except Exception:  # the traceback goes to the log, never the conversation or the caller
            logger.exception("action %s failed", call["next_action"])
            return error(500, "动作执行出错，请稍后再试。")
        return response.json(result)

    @app.exception(Exception)
    async def unexpected(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            logger.error("request %s %s failed: %s", request.method, request.path, exception.__class__.__name__)
            return error(500, "动作服务器出错，请稍后再试。")
        return error(status, str(exception) or "请求无效。")

    return app


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server")
    parser.add_argument("--port", type=int, default=int(settings.get("ACTION_PORT")))
    parser.add_argument("--host", default=settings.get("ACTION_HOST"))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    if not settings.get("ACTION_SECRET"):
        logger.warning("ACTION_SECRET is not set: every action call will be refused")
    framing.apply(int(settings.get("ACTION_MAX_REQUEST_BYTES")))
    app = create_app(args.actions)
    logger.info("action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()

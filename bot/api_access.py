"""Rasa's HTTP API behind its token, without the token on the command line or in version banners.

Rasa 3.6 takes the API token only as `--auth-token` (visible to every user of the machine in `ps`),
accepts it only as `?token=` (which ends up in access logs), and answers `GET /` and `GET /version`
to anyone with its exact version. Applied in the Rasa server when our channels load, before Rasa
builds its app:
- the token comes from RASA_API_TOKEN or the file RASA_API_TOKEN_FILE when none is given on the
  command line, and a server with the API enabled but no token refuses to start;
- `Authorization: Bearer <token>` is accepted beside `?token=`;
- `GET /` says only that the server is up; `GET /version` needs the token.
"""

from __future__ import annotations

import functools
import inspect
from inspect import isawaitable
from pathlib import Path
from typing import Any, Optional

from bot import settings
from bot.http.secrets import bearer, same_secret

_applied = False


def configured_token() -> str:
    path = settings.get("RASA_API_TOKEN_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return settings.get("RASA_API_TOKEN")


def bearer_matches(request: Any, token: Optional[str]) -> bool:
    return same_secret(bearer(request.headers.get("authorization")), token or "")


def apply() -> None:
    global _applied
    if _applied:
        return
    _applied = True
    import rasa.core.run
    import rasa.server
    from sanic import response

    original_requires_auth = rasa.server.requires_auth
    original_configure_app = rasa.core.run.configure_app

    def requires_auth(app, token=None):
        rasa_check = original_requires_auth(app, token)

        def decorator(f):
            checked = rasa_check(f)

            @functools.wraps(f)
            async def decorated(request, *args, **kwargs):
                if bearer_matches(request, token):
                    result = f(request, *args, **kwargs)
                    return await result if isawaitable(result) else result
                return await checked(request, *args, **kwargs)

            return decorated

        return decorator

    signature = inspect.signature(original_configure_app)

    def configure_app(*args, **kwargs):
        given = signature.bind(*args, **kwargs)
        given.apply_defaults()
        options = given.arguments
        if options["enable_api"] and not options["auth_token"]:
            options["auth_token"] = configured_token()
            if not options["auth_token"]:
                raise SystemExit(
                    "Rasa's HTTP API is enabled but has no token: set RASA_API_TOKEN or RASA_API_TOKEN_FILE."
                )
        token = options["auth_token"]
        app = original_configure_app(**options)

        async def reduce_banners(request, resp):
            path = request.path.rstrip("/") or "/"  # Sanic routes /version/ to /version too
            if request.method != "GET" or path not in ("/", "/version"):
                return None
            authorised = bearer_matches(request, token) or same_secret(request.args.get("token") or "", token or "")
            if path == "/":
                return response.json({"status": "ok"})
            if not authorised:
                return response.json({"error": "未授权：版本信息需要 API token。"}, status=401)
            return None

        app.register_middleware(reduce_banners, "response")
        return app

    rasa.server.requires_auth = requires_auth
    rasa.core.run.configure_app = configure_app

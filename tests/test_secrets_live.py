"""Secrets stay secret: no token on a command line, in the launcher's output or a version banner."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.launcher import READY
from tests.conftest import ACTION_SECRET, HOTLINE_TOKEN, RASA_API_TOKEN, REST_CLIENT_TOKEN, children

pytestmark = pytest.mark.servers


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def test_no_token_on_any_command_line(assistant):
    servers = children(assistant.process.pid)
    assert set(servers) == {"rasa", "actions"}
    for pid in servers.values():
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        for secret in (RASA_API_TOKEN, HOTLINE_TOKEN, ACTION_SECRET, REST_CLIENT_TOKEN):
            assert secret not in args


def test_the_launcher_never_prints_a_token_in_full(assistant):
    output = assistant.output_since()
    assert READY in output
    for secret in (RASA_API_TOKEN, HOTLINE_TOKEN, ACTION_SECRET, REST_CLIENT_TOKEN):
        assert secret not in output


def test_the_api_token_is_accepted_in_the_authorization_header(assistant):
    assert get(assistant.base + "/status", {"Authorization": f"Bearer {RASA_API_TOKEN}"})[0] == 200
    assert get(assistant.base + "/status", {"Authorization": "Bearer wrong"})[0] == 401
    assert get(assistant.base + "/status", {"Authorization": RASA_API_TOKEN})[0] == 401


def test_no_version_banner_without_the_token(assistant):
    status, body = get(assistant.base + "/")
    assert status == 200 and json.loads(body) == {"status": "ok"} and "3.6" not in body
    assert get(assistant.base + "/version")[0] == 401
    status, body = get(assistant.base + "/version", {"Authorization": f"Bearer {RASA_API_TOKEN}"})
    assert status == 200 and "3.6.21" in body


def test_no_way_round_the_version_check_and_no_500_for_odd_tokens(assistant):
    from scripts.fuzz_requests import http, raw_request

    assert get(assistant.base + "/version/")[0] == 401
    port = int(assistant.env["RASA_PORT"])
    body = json.dumps({"sender": "odd-token", "message": "你好"}).encode()
    for token in ("é".encode(), b"\xff\xfe", "令牌".encode()):
        for path in ("/webhooks/rest/webhook", "/webhooks/hotline/webhook", "/status", "/"):
            request = http("POST" if "webhooks" in path else "GET", path, {"Content-Type": "application/json"}, body)
            request = request.replace(b"Connection: close", b"Connection: close\r\nAuthorization: Bearer " + token)
            status, reply = raw_request("127.0.0.1", port, request, timeout=10)
            assert status is not None and status < 500, (path, token, reply[-200:])


def test_an_id_with_a_trailing_newline_is_refused(assistant):
    assert assistant.post("/webhooks/rest/webhook", {"sender": "abc\n", "message": "你好"})[0] == 400
    assert assistant.call({"call_id": "abc\n", "event": "start"})[0] == 400

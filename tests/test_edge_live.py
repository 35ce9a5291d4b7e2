"""The edge of the running assistant: no request stops or slows it, only the assistant reaches the
action server, and every malformed request gets a clear 4xx, on every channel."""

from __future__ import annotations

import itertools
import json
import threading
import time
import zlib
from pathlib import Path

import pytest

from scripts.fuzz_requests import endpoints_for, fuzz, http, raw_request, report
from tests.conftest import ACTION_SECRET, HOTLINE_TOKEN

pytestmark = pytest.mark.servers
SECRET_HEADER = "X-Jiangcheng-Action-Secret"
NORMAL_SENDERS = itertools.count()
BODY = json.dumps({"sender": "edge-1", "message": "你好"}).encode()


def channels(assistant) -> dict[str, dict[str, str]]:
    return {
        "/webhooks/rest/webhook": {"Content-Type": "application/json"},
        "/webhooks/web/webhook": {"Content-Type": "application/json", "Origin": assistant.base},
        "/webhooks/web/feedback": {"Content-Type": "application/json", "Origin": assistant.base},
        "/webhooks/hotline/webhook": {"Content-Type": "application/json", "Authorization": f"Bearer {HOTLINE_TOKEN}"},
    }


def port(assistant) -> int:
    return int(assistant.env["RASA_PORT"])


def answered_within_a_second(assistant) -> bool:
    started = time.monotonic()
    sender = f"edge-normal-{next(NORMAL_SENDERS)}"  # one conversation each: the per-conversation limit stays far
    status, replies = assistant.post(
        "/webhooks/rest/webhook", {"sender": sender, "message": "到2028年武汉人工智能产业规模目标是多少"}
    )
    return status == 200 and "2000" in json.dumps(replies, ensure_ascii=False) and time.monotonic() - started < 1.0


FRAMINGS = {
    "negative length": (lambda p, h: http("POST", p, h, BODY, length="-1"), {400}),
    "non-numeric length": (lambda p, h: http("POST", p, h, BODY, length="abc"), {400}),
    "two differing lengths": (lambda p, h: http("POST", p, {**h, "Content-Length": "3"}, BODY), {400}),
    "two equal lengths": (lambda p, h: http("POST", p, {**h, "Content-Length": str(len(BODY))}, BODY), {400}),
    "length and chunked": (lambda p, h: http("POST", p, {**h, "Transfer-Encoding": "chunked"}, BODY), {400}),
    "misspelt chunked": (
        lambda p, h: http(
            "POST",
            p,
            {**h, "Transfer-Encoding": "Chunked"},
            f"{len(BODY):x}\r\n".encode() + BODY + b"\r\n0\r\n\r\n",
            length=None,
        ),
        {400},
    ),
    "bad chunk size": (
        lambda p, h: http("POST", p, {**h, "Transfer-Encoding": "chunked"}, b"zz\r\n{}\r\n0\r\n\r\n", length=None),
        {400},
    ),
    "negative chunk size": (
        lambda p, h: http("POST", p, {**h, "Transfer-Encoding": "chunked"}, b"-1\r\n{}\r\n0\r\n\r\n", length=None),
        {400},
    ),
    "oversize headers": (lambda p, h: http("POST", p, {**h, "X-Big": "a" * 20000}, BODY), {413}),
    "declared body too large": (lambda p, h: http("POST", p, h, BODY, length=str(10**12)), {413}),
    "smaller than the body": (lambda p, h: http("POST", p, h, BODY + b"GARBAGE", length=str(len(BODY))), None),
}


@pytest.mark.parametrize("name", FRAMINGS)
def test_malformed_framing_is_refused_and_everyone_else_is_still_answered(assistant, name):
    build, expected = FRAMINGS[name]
    for path, headers in channels(assistant).items():
        status, reply = raw_request("127.0.0.1", port(assistant), build(path, headers), timeout=5)
        assert status is not None and status < 500, (path, reply[:300])
        if expected:
            assert status in expected, (path, reply[:300])
        assert answered_within_a_second(assistant), (name, path)


def test_a_body_shorter_than_declared_and_a_slow_trickle_hold_only_their_own_connection(assistant):
    short = http(
        "POST", "/webhooks/rest/webhook", {"Content-Type": "application/json"}, BODY, length=str(len(BODY) + 100)
    )
    results: list = []
    waiting = threading.Thread(
        target=lambda: results.append(raw_request("127.0.0.1", port(assistant), short, timeout=3))
    )
    trickle = threading.Thread(
        target=lambda: results.append(
            raw_request(
                "127.0.0.1",
                port(assistant),
                http("POST", "/webhooks/rest/webhook", {"Content-Type": "application/json"}, BODY),
                timeout=10,
                trickle=0.05,
            )
        )
    )
    waiting.start()
    trickle.start()
    time.sleep(0.5)
    for _ in range(3):
        assert answered_within_a_second(assistant)
    waiting.join()
    trickle.join()
    assert sorted(str(status) for status, _ in results) == ["200", "None"]


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/web/webhook", "/webhooks/hotline/webhook"])
def test_a_long_message_costs_no_more_than_a_short_one(assistant, path):
    headers = {"Authorization": f"Bearer {HOTLINE_TOKEN}"} if "hotline" in path else {}

    def timed(text: str) -> float:
        body = (
            {"call_id": "edge-long", "event": "message", "text": text}
            if "hotline" in path
            else {"sender": "edge-long", "message": text}
        )
        started = time.perf_counter()
        status, replies = assistant.post(path, body, headers=headers)
        assert status == 200, replies
        return time.perf_counter() - started

    normal = min(timed("补办身份证要带什么") for _ in range(3))
    for text in ("a" * 65000, "1" * 65000, "a@" * 32000, "办" * 10000):
        assert timed(text) < max(2 * normal, 0.05), text[:10]


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"[" * 1001 + b"]" * 1001, "嵌套"),
        (b'{"sender": ' * 5000 + b"1" + b"}" * 5000, "嵌套"),
        (b'{"sender": "a", "message": "\\ud800"}', "编码"),
        (b'{"sender": "a", "message": "\\udfff\\ud800"}', "编码"),
        (b'{"sender": "a", "message": "\xc3\x28"}', "UTF-8"),
    ],
)
def test_malformed_bodies_get_a_400_in_chinese_and_no_traceback(assistant, raw, reason):
    mark = assistant.mark()
    for path, headers in channels(assistant).items():
        status, body = assistant.post(path, None, raw=raw, headers=headers)
        assert status == 400 and reason in body["error"], (path, body)
    time.sleep(0.3)
    assert "Traceback" not in assistant.output_since(mark)


@pytest.mark.parametrize("event", [["message"], {"a": 1}, 1, None])
def test_a_hotline_event_of_the_wrong_type_gets_a_400(assistant, event):
    status, body = assistant.call({"call_id": "edge-event", "event": event, "text": "你好"})
    assert status == 400 and "event" in body["error"]


# ---- the action server ----
def action(
    assistant, path: str, body: bytes, headers: dict[str, str], method: str = "POST"
) -> tuple[int | None, bytes]:
    return raw_request("127.0.0.1", int(assistant.env["ACTION_PORT"]), http(method, path, headers, body), timeout=30)


def action_call(sender: str = "edge-intruder") -> bytes:
    tracker = {
        "sender_id": sender,
        "slots": {},
        "latest_message": {"text": "<b>INJECTED</b>"},
        "events": [],
        "active_loop": {},
        "paused": False,
        "followup_action": None,
        "latest_action_name": None,
    }
    return json.dumps({"next_action": "action_handoff", "tracker": tracker, "domain": {}, "version": "3.6.21"}).encode()


def test_the_action_server_listens_on_loopback_only(assistant):
    wanted = f":{int(assistant.env['ACTION_PORT']):04X}"
    listening = [
        line.split()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[1].endswith(wanted) and line.split()[3] == "0A"
    ]
    listening += [
        line.split()[1]
        for line in Path("/proc/net/tcp6").read_text().splitlines()[1:]
        if line.split()[1].endswith(wanted) and line.split()[3] == "0A"
    ]
    assert listening == ["0100007F" + wanted], listening


@pytest.mark.parametrize(
    "headers", [{}, {SECRET_HEADER: ""}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ACTION_SECRET + "x"}]
)
def test_a_call_without_the_secret_is_refused_and_runs_nothing(assistant, headers, monkeypatch):
    from bot.tickets import store

    monkeypatch.setenv("DATABASE_URL", assistant.env["DATABASE_URL"])
    before = [t.id for t in store.open_tickets()]
    status, reply = action(assistant, "/webhook", action_call(), {"Content-Type": "application/json", **headers})
    assert status == 401 and b"INJECTED" not in reply
    assert action(assistant, "/actions", b"", headers, method="GET")[0] == 401
    assert [t.id for t in store.open_tickets()] == before


def test_a_text_plain_call_is_refused_even_with_the_secret(assistant):
    status, reply = action(
        assistant, "/webhook", action_call(), {"Content-Type": "text/plain", SECRET_HEADER: ACTION_SECRET}
    )
    assert status == 415 and b"INJECTED" not in reply


def action_server_pid(assistant) -> int:
    wanted = ["bot.action_server", "--port", assistant.env["ACTION_PORT"]]
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().decode().split("\0")
        except (OSError, ValueError):
            continue
        if all(part in args for part in wanted):
            return int(proc.name)
    raise AssertionError("no action server process")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(field)


def test_a_deflate_bomb_is_refused_and_memory_stays_flat(assistant):
    pid = action_server_pid(assistant)
    bomb = zlib.compress(b" " * 200_000_000, 9)  # about 200 KB that inflate to 200 MB
    before = rss_mb(pid, "VmHWM")
    for _ in range(3):
        status, reply = action(
            assistant,
            "/webhook",
            bomb,
            {"Content-Type": "application/json", "Content-Encoding": "deflate", SECRET_HEADER: ACTION_SECRET},
        )
        assert status == 413, reply[-300:]
    assert rss_mb(pid, "VmHWM") - before < 60
    # a real compressed call (Rasa's COMPRESS_ACTION_SERVER_REQUEST) still works
    status, reply = action(
        assistant,
        "/webhook",
        zlib.compress(action_call("edge-compressed")),
        {"Content-Type": "application/json", "Content-Encoding": "deflate", SECRET_HEADER: ACTION_SECRET},
    )
    assert status == 200 and b"events" in reply


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'{"next_action": "action_handoff"}',
        b'{"next_action": "nope", "tracker": {}}',
        b"[" * 2000 + b"]" * 2000,
    ],
)
def test_a_malformed_call_gets_a_4xx_that_echoes_nothing(assistant, body):
    status, reply = action(
        assistant, "/webhook", body, {"Content-Type": "application/json", SECRET_HEADER: ACTION_SECRET}
    )
    assert status is not None and 400 <= status < 500
    payload = reply.split(b"\r\n\r\n", 1)[1]
    assert b"request_body" not in payload and b"next_action" not in payload and b"Traceback" not in payload


def test_an_unknown_action_is_a_404_without_echo(assistant):
    call = json.loads(action_call())
    call["next_action"] = "action_does_not_exist"
    status, reply = action(
        assistant,
        "/webhook",
        json.dumps(call).encode(),
        {"Content-Type": "application/json", SECRET_HEADER: ACTION_SECRET},
    )
    assert status == 404 and b"INJECTED" not in reply


def test_generated_bad_requests_get_no_5xx_and_never_stop_the_assistant(assistant):
    """1,000 generated bad requests per endpoint (scripts/fuzz_requests.py, as its pass line says)."""
    endpoints = endpoints_for(
        assistant.base, f"http://127.0.0.1:{assistant.env['ACTION_PORT']}", HOTLINE_TOKEN, ACTION_SECRET
    )
    counts = fuzz(endpoints, 1000, seed=7, check=lambda: answered_within_a_second(assistant), timeout=1.0)
    assert report(counts), {name: dict(c) for name, c in counts.items()}
    assert all(sum(c.values()) >= 1000 for c in counts.values())

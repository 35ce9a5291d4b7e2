"""The channels of the running assistant: web page, REST robustness, hotline calls and handoff."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request

import pytest

from bot.tickets import store

pytestmark = pytest.mark.servers
ID_NUMBER = "420106199001011237"  # a valid checksum
MOBILE = "13812345678"


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("content-type", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read().decode("utf-8", "replace")


def test_web_page_and_assets_are_served_from_the_repo(assistant):
    status, ctype, html = get(assistant.base + "/webhooks/web/")
    assert status == 200 and ctype.startswith("text/html") and "江城助手" in html
    assert "http://" not in html and "https://" not in html, "no CDN: every asset comes from the repo"
    for asset in ("chat.js", "chat.css"):
        status, _, body = get(assistant.base + f"/webhooks/web/static/{asset}")
        assert status == 200 and body
    assert get(assistant.base + "/webhooks/web/static/..%2F..%2Fsettings.py")[0] == 404


@pytest.mark.parametrize("channel", ["rest", "web"])
def test_malformed_requests_get_a_clear_4xx(assistant, channel):
    path = f"/webhooks/{channel}/webhook"
    status, body = assistant.post(path, None, raw=b"{not json")
    assert status == 400 and "JSON" in body["error"]
    status, body = assistant.post(
        path, None, raw=b"sender=a&message=b", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 415 and "Content-Type" in body["error"]
    assert assistant.post(path, {"message": "你好"})[0] == 400
    assert assistant.post(path, {"sender": "a"})[0] == 400
    assert assistant.post(path, {"sender": "a", "message": 42})[0] == 400
    assert assistant.post(path, [1, 2])[0] == 400


@pytest.mark.parametrize("message", ["", "   \n\t", "好" * 10000])
def test_empty_and_huge_messages_get_a_polite_reply(assistant, message):
    status, replies = assistant.post("/webhooks/web/webhook", {"sender": "polite-1", "message": message})
    assert status == 200 and replies and ("请问" in replies[0]["text"] or "有点长" in replies[0]["text"])


@pytest.mark.parametrize(
    "message",
    [
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE services; --",
        "😀😀😀",
        "办\x00身份\x07证",
        "身份證掉了怎麼辦",
        "AI产业 scale 多大?",
    ],
)
def test_odd_input_never_breaks_the_assistant(assistant, message):
    status, replies = assistant.post("/webhooks/web/webhook", {"sender": "odd-1", "message": message})
    assert status == 200 and isinstance(replies, list) and replies


def test_personal_numbers_never_reach_the_tracker_store(assistant):
    assistant.say("pii-1", f"我身份证号{ID_NUMBER}，手机{MOBILE}，补办身份证要带什么", channel="web")
    with sqlite3.connect(assistant.env["TRACKER_DB"]) as db:
        stored = " ".join(
            row[0]
            for row in db.execute("SELECT data FROM events WHERE sender_id = ?", ("web:" + assistant.web_ids["pii-1"],))
        )
    assert stored and ID_NUMBER not in stored and MOBILE not in stored
    assert "138****5678" in stored


def test_hotline_refuses_without_the_token(assistant):
    body = {"call_id": "c-unauth", "event": "start"}
    assert assistant.call(body, token="")[0] == 401
    assert assistant.call(body, token="wrong-token")[0] == 401
    status, result = assistant.call({"call_id": "c-bad", "event": "dance"})
    assert status == 400 and "event" in result["error"]
    assert assistant.call({"call_id": "c-bad", "event": "message", "asr_confidence": 7})[0] == 400


def test_scripted_call_ends_in_a_handoff_with_context(assistant, monkeypatch):
    call = "call-script-1"
    status, started = assistant.call({"call_id": call, "event": "start"})
    assert status == 200 and started["action"] == "continue" and started["replies"]
    _, plan = assistant.call(
        {"call_id": call, "event": "message", "text": "到2028年武汉人工智能产业规模目标是多少", "asr_confidence": 0.93}
    )
    assert plan["action"] == "continue" and plan["replies"][0]["text"].startswith("到2028年")
    assert "2000亿元" in plan["replies"][0]["text"]
    for reply in plan["replies"]:
        assert len(reply["text"]) <= 80 and "http" not in reply["text"] and reply["ssml"].startswith("<speak>")
    _, said = assistant.call(
        {"call_id": call, "event": "message", "text": f"我的电话是{MOBILE}", "asr_confidence": 0.9}
    )
    assert said["action"] == "continue"
    _, first = assistant.call({"call_id": call, "event": "message", "text": "呃那个啥来着", "asr_confidence": 0.9})
    assert first["action"] == "continue"
    _, second = assistant.call({"call_id": call, "event": "message", "text": "咕噜咕噜啦啦啦", "asr_confidence": 0.9})
    assert second["action"] == "handoff", second
    package = second["handoff"]
    assert package["reason"] == "fallback" and package["channel"] == "hotline"
    assert "行动方案的2028年目标" in package["summary"] and "连续两次没听懂" in package["summary"]
    words = json.dumps(package, ensure_ascii=False)
    assert MOBILE not in words and "138****5678" in words
    assert package["transcript"][0]["time"] and package["created_at"]
    monkeypatch.setenv("DATABASE_URL", assistant.env["DATABASE_URL"])
    stored = store.get(package["ticket_id"])
    assert stored.status == "open" and stored.reason == "fallback" and stored.channel == "hotline"


def test_low_confidence_is_confirmed_first(assistant):
    call = "call-asr-1"
    assistant.call({"call_id": call, "event": "start"})
    _, asked = assistant.call(
        {"call_id": call, "event": "message", "text": "补办身份证要带什么材料", "asr_confidence": 0.3}
    )
    assert "对吗" in asked["replies"][0]["text"] and asked["action"] == "continue"
    _, answered = assistant.call({"call_id": call, "event": "message", "text": "对", "asr_confidence": 0.9})
    assert "居民身份证补领" in answered["replies"][0]["text"]


def test_two_silences_then_handoff_and_zero_hands_off_at_once(assistant):
    call = "call-silent-1"
    assistant.call({"call_id": call, "event": "start"})
    _, first = assistant.call({"call_id": call, "event": "silence"})
    assert first["action"] == "continue" and "还在吗" in first["replies"][0]["text"]
    _, second = assistant.call({"call_id": call, "event": "silence"})
    assert second["action"] == "handoff" and second["handoff"]["reason"] == "silence"
    _, keyed = assistant.call({"call_id": "call-zero-1", "event": "dtmf", "digits": "0"})
    assert keyed["action"] == "handoff" and keyed["handoff"]["reason"] == "dtmf_0"
    _, hung = assistant.call({"call_id": "call-zero-1", "event": "hangup"})
    assert hung["action"] == "end"


def test_web_handoff_is_a_transfer_message(assistant):
    replies = assistant.say("web-handoff-1", "转人工", channel="web")
    handoffs = [r["custom"]["handoff"] for r in replies if (r.get("custom") or {}).get("handoff")]
    assert handoffs and handoffs[0]["mode"] == "live" and handoffs[0]["ticket_id"]


def test_reply_latency_is_reported(assistant, capsys):
    """Not a pass/fail on speed: prints the measured latency of both channels for the record."""
    timings = {}
    for name, send in (
        ("web", lambda i: assistant.say(f"lat-{i}", "补办身份证要带什么材料", channel="web")),
        (
            "hotline",
            lambda i: assistant.call(
                {"call_id": f"lat-{i}", "event": "message", "text": "补办身份证要带什么材料", "asr_confidence": 0.9}
            ),
        ),
    ):
        samples = []
        for i in range(10):
            started = time.perf_counter()
            send(i)
            samples.append(time.perf_counter() - started)
        samples.sort()
        timings[name] = (samples[len(samples) // 2] * 1000, samples[-1] * 1000)
    with capsys.disabled():
        for name, (median, worst) in timings.items():
            print(f"\n[latency] {name}: median {median:.0f} ms, max {worst:.0f} ms over 10 requests")
    assert all(median > 0 for median, _ in timings.values())


def test_rasa_http_api_needs_its_token(assistant):
    from tests.conftest import RASA_API_TOKEN

    assert get(assistant.base + "/status")[0] == 401
    assert get(assistant.base + "/status?token=wrong")[0] == 401
    status, _, body = get(assistant.base + f"/status?token={RASA_API_TOKEN}")
    assert status == 200 and "model_file" in body


def test_web_chat_accepts_only_its_origin(assistant):
    body = {"sender": "origin-1", "message": "你好"}
    status, result = assistant.post("/webhooks/web/webhook", body, headers={"Origin": "http://evil.example"})
    assert status == 403 and "无权" in result["error"]
    request = urllib.request.Request(
        assistant.base + "/webhooks/web/webhook",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=30)
        raise AssertionError("a request without Origin was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403
    assert (
        assistant.post(
            "/webhooks/web/feedback",
            {"sender": "o", "kind": "rating", "value": 5},
            headers={"Origin": "http://evil.example"},
        )[0]
        == 403
    )
    assert assistant.post("/webhooks/web/webhook", body)[0] == 200


def test_call_simulator_plays_a_caller(assistant):
    import subprocess
    import sys

    from tests.conftest import HOTLINE_TOKEN, ROOT

    script = "补办身份证要带什么材料\n:asr 0.3 到2028年武汉人工智能产业规模目标是多少\n对\n:dtmf 0\n"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.call_simulator",
            "simulate",
            "--url",
            assistant.base + "/webhooks/hotline/webhook",
            "--token",
            HOTLINE_TOKEN,
            "--call-id",
            "sim-test-1",
        ],
        cwd=ROOT,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "居民身份证补领" in out and "对吗" in out and "2000亿元" in out
    assert "[gateway action: handoff]" in out and "handoff ticket HT" in out

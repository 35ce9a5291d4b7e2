"""Conversations belong to their channel and their resident: no client can continue a phone call or
someone else's web conversation by sending its id."""

from __future__ import annotations

import json
import sqlite3
import urllib.request

import pytest

from tests.conftest import SENDER_HEADER

pytestmark = pytest.mark.servers


def events(assistant, conversation: str) -> int:
    with sqlite3.connect(assistant.env["TRACKER_DB"]) as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (conversation,)).fetchone()[0]


def send(assistant, channel: str, sender: str, message: str, token: str | None = None) -> tuple[str, str]:
    """(issued sender id, replies as text) without the test helper's mapping or trusted token."""
    headers = {"Content-Type": "application/json", "Origin": assistant.base}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"{assistant.base}/webhooks/{channel}/webhook",
        method="POST",
        headers=headers,
        data=json.dumps({"sender": sender, "message": message}).encode(),
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        replies = json.loads(response.read())
        return response.headers[SENDER_HEADER], " ".join(r.get("text") or "" for r in replies)


def test_rest_cannot_continue_a_phone_call(assistant):
    call = "iso-call-1"
    assert assistant.call({"call_id": call, "event": "start"})[0] == 200
    assert assistant.call({"call_id": call, "event": "message", "text": "补办身份证要带什么"})[0] == 200
    before = events(assistant, f"hotline:{call}")
    assert before > 0
    for sender in (f"hotline:{call}", f"hotline-{call}", call):
        issued, text = send(assistant, "rest", sender, "在哪里办")
        assert issued != sender and "哪项业务" in text  # a new conversation: which service?
        # a trusted client names its own senders, but only inside the REST channel
        issued, text = send(assistant, "rest", sender, "再见", token=assistant.env["REST_CLIENT_TOKEN"])
        assert issued == sender
    assert events(assistant, f"hotline:{call}") == before


def test_nobody_can_continue_a_web_conversation_by_its_id(assistant):
    resident, _ = send(assistant, "web", "", "补办身份证要多少钱")
    before = events(assistant, f"web:{resident}")
    issued, text = send(assistant, "rest", resident, "那要带什么材料")
    assert "哪项业务" in text
    issued, _ = send(assistant, "rest", resident, "那要带什么材料", token=assistant.env["REST_CLIENT_TOKEN"])
    assert events(assistant, f"web:{resident}") == before
    # and the resident's own next message continues it
    again, text = send(assistant, "web", resident, "那要带什么材料")
    assert again == resident and "哪项业务" not in text and "身份证" in text
    assert events(assistant, f"web:{resident}") > before


@pytest.mark.parametrize("channel", ["web", "rest"])
def test_made_up_or_forged_ids_get_a_new_conversation(assistant, channel):
    real, _ = send(assistant, channel, "", "你好")
    raw, _, signature = real.rpartition(".")
    forged = f"{raw}.{'A' * len(signature)}"
    for sender in ("web-3f9a0000000000000000000000000000", "me", forged, raw, f"x{real}"):
        issued, _ = send(assistant, channel, sender, "你好")
        assert issued not in (sender, real) and issued.count(".") == 1


def test_issued_ids_carry_a_conversation_on_rest_without_a_token(assistant):
    first, text = send(assistant, "rest", "", "补办身份证要多少钱")
    assert "元" in text
    second, text = send(assistant, "rest", first, "那要带什么材料")
    assert second == first and "哪项业务" not in text and "身份证" in text


def test_one_conversation_may_not_flood(assistant):
    statuses = [assistant.post("/webhooks/rest/webhook", {"sender": "rate-1", "message": "你好"}) for _ in range(31)]
    assert all(status == 200 for status, _ in statuses[:30])
    status, body = statuses[30]
    assert status == 429 and "太频繁" in body["error"] and assistant.env.get("HOTLINE_NUMBER", "12345") in body["error"]
    assert assistant.say("rate-2", "你好")  # another conversation is not held back


def test_ids_that_hold_a_phone_number_are_stored_as_a_keyed_hash(assistant):
    from sqlalchemy import create_engine, text

    mobile = "13912345678"
    assert assistant.say(mobile, "你好")  # a trusted client naming a resident by phone number
    call = f"86{mobile}"
    assert assistant.call({"call_id": call, "event": "start"})[0] == 200
    status, result = assistant.call({"call_id": call, "event": "message", "text": "你好"})
    assert status == 200 and result["call_id"] == call  # the gateway still gets its own id back
    with sqlite3.connect(assistant.env["TRACKER_DB"]) as db:
        senders = [row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")]
    engine = create_engine(assistant.env["DATABASE_URL"], future=True)
    with engine.connect() as conn:
        calls = [row[0] for row in conn.execute(text("SELECT call_id FROM hotline_calls"))]
    engine.dispose()
    assert not any(mobile in s for s in senders + calls)
    assert any(s.startswith("rest:h-") for s in senders) and any(s.startswith("hotline:h-") for s in senders)
    assert any(c.startswith("h-") for c in calls)

"""Handoff to a person: a ticket with reason, channel, intents, slots, summary, masked transcript, times."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.tickets import store
from tests.conftest import ROOT
from tests.test_actions import DOMAIN


def conversation(turns, slots=None, channel="web", sender=None):
    # a conversation of its own per test: tickets outlive records rebuilds, and one conversation
    # keeps one open ticket per reason
    sender = sender or f"caller-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker.from_events(sender, [], slots=DOMAIN.slots)
    for name, value in (slots or {}).items():
        tracker.update(SlotSet(name, value))
    for text, intent, reply in turns:
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(
            UserUttered(
                text,
                intent={"name": intent, "confidence": 0.9},
                input_channel=channel,
                parse_data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
            )
        )
        if reply:
            tracker.update(BotUttered(reply))
    return tracker


def run(executor, action, tracker):
    call = {
        "next_action": action,
        "sender_id": tracker.sender_id,
        "tracker": tracker.current_state(EventVerbosity.AFTER_RESTART),
        "domain": DOMAIN.as_dict(),
        "version": "3.6.2",
    }
    return asyncio.run(executor.run(json.loads(json.dumps(call, default=str))))


def test_request_for_a_person_creates_a_live_ticket(executor, built_database, monkeypatch):
    monkeypatch.setenv("HANDOFF_HOURS", "00:00-24:00")
    monkeypatch.setenv("HANDOFF_WEEKDAYS", "1-7")
    tracker = conversation(
        [
            ("补办身份证要带什么", "ask_service_materials", "办理居民身份证补领需要带：户口簿"),
            ("我的手机是13812345678，身份证420106199001011237", "inform", "好的"),
            ("转人工", "request_human", None),
        ],
        slots={"service": "居民身份证补领", "district": "江汉区"},
    )
    result = run(executor, "action_handoff", tracker)
    custom = result["responses"][0]["custom"]["handoff"]
    assert custom["mode"] == "live" and custom["reason"] == "resident_request"
    assert "工单号" in result["responses"][0]["text"]
    ticket = store.package(store.get(custom["ticket_id"]))
    assert ticket["channel"] == "web" and ticket["sender_id"] == tracker.sender_id
    assert ticket["intents"] == ["ask_service_materials", "inform", "request_human"]
    assert ticket["slots"] == {"service": "居民身份证补领", "district": "江汉区"}
    assert (
        "居民身份证补领" in ticket["summary"]
        and "江汉区" in ticket["summary"]
        and "市民要求人工服务" in ticket["summary"]
    )
    words = json.dumps(ticket, ensure_ascii=False)
    assert "13812345678" not in words and "420106199001011237" not in words and "138****5678" in words
    assert [line["speaker"] for line in ticket["transcript"]][:2] == ["市民", "助手"]
    assert ticket["created_at"] and ticket["conversation_started_at"]


def test_outside_hours_offers_a_callback(executor, built_database, monkeypatch):
    monkeypatch.setenv("HANDOFF_HOURS", "00:00-00:00")
    monkeypatch.setenv("HANDOFF_WEEKDAYS", "1-7")
    result = run(executor, "action_handoff", conversation([("你们办事太慢了", "complaint", None)]))
    response = result["responses"][0]
    assert response["custom"]["handoff"]["mode"] == "callback"
    assert "回电工单" in response["text"] and "12345" in response["text"] and "非常抱歉" in response["text"]
    assert store.get(response["custom"]["handoff"]["ticket_id"]).reason == "complaint"


def test_second_fallback_hands_off(executor, built_database, monkeypatch):
    monkeypatch.setenv("HANDOFF_HOURS", "00:00-24:00")
    monkeypatch.setenv("HANDOFF_WEEKDAYS", "1-7")
    result = run(executor, "action_default_fallback", conversation([("呃那个", "nlu_fallback", None)]))
    assert result["responses"][0]["custom"]["handoff"]["reason"] == "fallback"
    assert result["events"][-1]["event"] == "rewind"


def test_records_rebuild_keeps_tickets(executor, built_database, monkeypatch):
    from bot.records.build import build
    from bot.records.db import make_engine
    from tests.conftest import RECORDS_DIR

    result = run(executor, "action_handoff", conversation([("转人工", "request_human", None)]))
    ticket_id = result["responses"][0]["custom"]["handoff"]["ticket_id"]
    engine = make_engine(built_database)
    build(engine, RECORDS_DIR)
    engine.dispose()
    assert store.get(ticket_id) is not None


def test_cli_lists_and_exports_open_tickets(executor, built_database, tmp_path):
    result = run(executor, "action_handoff", conversation([("转人工", "request_human", None)]))
    ticket_id = result["responses"][0]["custom"]["handoff"]["ticket_id"]
    env = {"DATABASE_URL": built_database, "PATH": "/usr/bin:/bin"}
    listed = subprocess.run(
        [sys.executable, "-m", "bot.tickets", "list"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0 and ticket_id in listed.stdout
    out = tmp_path / "open.json"
    exported = subprocess.run(
        [sys.executable, "-m", "bot.tickets", "export", "-o", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert exported.returncode == 0
    assert ticket_id in [p["ticket_id"] for p in json.loads(out.read_text(encoding="utf-8"))]


def test_one_open_ticket_per_conversation_and_reason(executor, built_database, monkeypatch):
    monkeypatch.setenv("HANDOFF_HOURS", "00:00-24:00")
    monkeypatch.setenv("HANDOFF_WEEKDAYS", "1-7")
    sender = f"caller-{uuid.uuid4().hex[:8]}"
    turns = [
        ("补办身份证要带什么", "ask_service_materials", "办理居民身份证补领需要带：户口簿"),
        ("转人工", "request_human", None),
    ]
    first = run(executor, "action_handoff", conversation(turns, sender=sender))["responses"][0]
    tickets = []
    for n in range(1, 10):
        later = conversation(turns + [(f"快点{n}", "inform", "好的"), ("转人工", "request_human", None)], sender=sender)
        reply = run(executor, "action_handoff", later)["responses"][0]
        tickets.append(reply["custom"]["handoff"]["ticket_id"])
        assert "不用重复提交" in reply["text"]
    assert set(tickets) == {first["custom"]["handoff"]["ticket_id"]}
    mine = [t for t in store.open_tickets() if t.sender_id == sender]
    assert len(mine) == 1 and "快点9" in json.dumps(mine[0].transcript, ensure_ascii=False)
    # another reason is another ticket
    complaint = conversation(turns + [("你们服务太差了", "complaint", None)], sender=sender)
    other = run(executor, "action_handoff", complaint)["responses"][0]["custom"]["handoff"]["ticket_id"]
    assert other not in tickets and len([t for t in store.open_tickets() if t.sender_id == sender]) == 2


def _in_fallback(turns):
    from rasa.shared.core.events import ActiveLoop

    tracker = conversation(turns)
    tracker.update(ActiveLoop("action_two_stage_fallback"))
    return tracker


def test_unclear_message_after_an_answered_one_is_a_first_attempt(executor, built_database, monkeypatch):
    # Rasa gives up after two unclear messages in a row, even when the first was answered after all
    monkeypatch.setenv("HANDOFF_HOURS", "00:00-24:00")
    monkeypatch.setenv("HANDOFF_WEEKDAYS", "1-7")
    answered = _in_fallback([("能领几个月", "nlu_fallback", "【失业保险金申领】……"), ("嗯那个", "nlu_fallback", None)])
    result = run(executor, "action_default_fallback", answered)
    assert not any((r.get("custom") or {}).get("handoff") for r in result["responses"])
    assert result["events"][0]["event"] == "rewind"  # the unclear message is taken back, as a hand-off takes it
    asked = _in_fallback([("能领几个月", "nlu_fallback", "您是想问："), ("嗯那个", "nlu_fallback", None)])
    result = run(executor, "action_default_fallback", asked)
    assert result["responses"][0]["custom"]["handoff"]["reason"] == "fallback"
    # outside the two-stage fallback (Rasa's core fallback) the give-up is a give-up
    outside = conversation([("能领几个月", "nlu_fallback", "【失业保险金申领】……"), ("嗯那个", "nlu_fallback", None)])
    result = run(executor, "action_default_fallback", outside)
    assert result["responses"][0]["custom"]["handoff"]["reason"] == "fallback"


def test_a_request_to_rephrase_counts_as_a_failed_attempt(executor, built_database, monkeypatch):
    monkeypatch.setenv("HANDOFF_HOURS", "00:00-24:00")
    monkeypatch.setenv("HANDOFF_WEEKDAYS", "1-7")
    tracker = DialogueStateTracker.from_events(f"caller-{uuid.uuid4().hex[:8]}", [], slots=DOMAIN.slots)
    for text, reply in (("呃那个", "不好意思，我没太明白"), ("就是那个嘛", None)):
        tracker.update(ActionExecuted("action_listen"))
        parse = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.9}, "entities": []}
        tracker.update(UserUttered(text, intent=parse["intent"], parse_data=parse))
        if reply:
            tracker.update(BotUttered(reply, metadata={"utter_action": "utter_ask_rephrase"}))
    from rasa.shared.core.events import ActiveLoop

    tracker.update(ActiveLoop("action_two_stage_fallback"))
    result = run(executor, "action_default_fallback", tracker)
    assert result["responses"][0]["custom"]["handoff"]["reason"] == "fallback"

"""Actions run as the action server runs them: real Rasa trackers, the rasa-sdk executor, a real database."""
from __future__ import annotations

import asyncio
import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk.executor import ActionExecutor
from sqlalchemy import select, update

from bot.records import queries
from bot.records.db import dispose_all, session
from bot.records.models import PlanItem, Service
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain"))


@pytest.fixture(scope="module")
def executor():
    ex = ActionExecutor()
    ex.register_package("actions")
    return ex


def run_action(executor, action: str, text: str, intent: str, entities=(), slots=None):
    tracker = DialogueStateTracker.from_events("resident-1", [], slots=DOMAIN.slots)
    for name, value in (slots or {}).items():
        tracker.update(SlotSet(name, value))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, intent={"name": intent, "confidence": 0.9},
                               entities=[{"entity": e, "value": v, "start": 0, "end": len(v)} for e, v in entities]))
    call = {
        "next_action": action,
        "sender_id": "resident-1",
        "tracker": tracker.current_state(EventVerbosity.AFTER_RESTART),
        "domain": DOMAIN.as_dict(),
        "version": "3.6.2",
    }
    # the executor speaks JSON over HTTP; a round trip proves the reply is serialisable
    call = json.loads(json.dumps(call, default=str))
    result = asyncio.run(executor.run(call))
    return result["responses"], result["events"]


def test_plan_answer_comes_from_the_database(executor, built_database):
    responses, _ = run_action(executor, "action_answer_plan", "到2028年武汉人工智能产业规模目标是多少",
                              "ask_plan_target", [("metric", "2028年人工智能产业规模")])
    with session(built_database) as s:
        figure = queries.plan_items_by_term(s, "人工智能产业规模")[0].figures[0]
    text = responses[0]["text"]
    assert figure.as_written in text and text.index(figure.as_written) < text.index("出处")
    assert "长江日报" in text


def test_plan_answer_without_entity_uses_search(executor, built_database):
    responses, _ = run_action(executor, "action_answer_plan", "武汉每万人拥有5G基站数目标", "ask_plan_target")
    assert "50个" in responses[0]["text"]


def test_plan_answer_changes_when_the_record_changes(executor, built_database):
    """No hard-coded reply: editing the record in the database changes what residents hear."""
    with session(built_database) as s:
        s.execute(update(PlanItem).where(PlanItem.id == "target-ai-industry-scale").values(statement="测试用语句：记录已修改。"))
        s.commit()
    responses, _ = run_action(executor, "action_answer_plan", "人工智能产业规模目标", "ask_plan_target",
                              [("metric", "2028年人工智能产业规模")])
    assert responses[0]["text"].startswith("测试用语句：记录已修改。")


def test_service_answer_is_structured_and_honest_about_demo_data(executor, built_database):
    with session(built_database) as s:
        service = s.execute(select(Service).order_by(Service.id)).scalars().first()
        alias = service.aliases[0]
        name, materials, demo = service.name, service.materials, service.demo
    responses, events = run_action(executor, "action_answer_service", f"{alias}咋办", "ask_service", [("service", name)])
    text = responses[0]["text"]
    assert name in text and materials[0] in text and "12345" in text
    if demo:
        assert "示例" in text
    assert {"event": "slot", "name": "service", "value": name}.items() <= events[0].items()


def test_unknown_service_is_asked_back(executor, built_database):
    responses, _ = run_action(executor, "action_answer_service", "我想办个事", "ask_service")
    assert "哪项业务" in responses[0]["text"] or responses[0].get("buttons")


def test_hotline_answer_from_faq(executor, built_database):
    responses, _ = run_action(executor, "action_answer_hotline", "市民热线是多少", "ask_hotline")
    with session(built_database) as s:
        expected = queries.faq_by_topic(s, "hotline")[0].answer
    assert responses[0]["text"].startswith(expected)


def test_search_fallback_is_honest_when_nothing_matches(executor, built_database):
    responses, _ = run_action(executor, "action_search_records", "今天晚上吃什么火锅比较好", "nlu_fallback")
    assert "暂时没有这方面的信息" in responses[0]["text"] and "12345" in responses[0]["text"]


def test_database_down_gives_an_apology(executor, monkeypatch):
    dispose_all()
    # nothing listens on port 1: the connection is refused, as when the database is down
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/records")
    responses, _ = run_action(executor, "action_answer_plan", "人工智能产业规模目标", "ask_plan_target",
                              [("metric", "2028年人工智能产业规模")])
    assert "12345" in responses[0]["text"] and "抱歉" in responses[0]["text"]
    dispose_all()

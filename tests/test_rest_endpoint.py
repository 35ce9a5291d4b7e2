"""The assistant as a resident meets it: a trained model behind the REST channel, a running
action server, the records database and an SQL tracker store that survives a restart."""

from __future__ import annotations

import json
import socket
import sqlite3

import pytest

from bot.records import queries
from bot.records.db import session

pytestmark = pytest.mark.servers


def test_plan_question_is_answered_with_the_figure_from_the_database(assistant):
    replies = assistant.say("a", "到2028年武汉人工智能产业规模目标是多少")
    with session(assistant.env["DATABASE_URL"]) as s:
        figure = queries.plan_items_by_term(s, "人工智能产业规模")[0].figures[0]
    text = " ".join(r.get("text", "") for r in replies)
    assert figure.as_written == "2000亿元"
    assert figure.as_written in text, replies


def test_greeting_and_hotline(assistant):
    assert "江城助手" in assistant.say("b", "你好")[0]["text"]
    with session(assistant.env["DATABASE_URL"]) as s:
        expected = queries.faq_by_topic(s, "hotline")[0].answer
    assert assistant.say("b", "市民服务热线号码是多少")[0]["text"].startswith(expected)


def test_conversation_survives_a_restart_and_ctrl_c_stops_both_servers(assistant):
    assistant.say("persist-1", "到2028年武汉人工智能产业规模目标是多少")
    assert assistant.stop() == 0
    for port in (assistant.env["RASA_PORT"], assistant.env["ACTION_PORT"]):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", int(port))) != 0, f"port {port} still served after Ctrl-C"
    with sqlite3.connect(assistant.env["TRACKER_DB"]) as db:
        before = db.execute("SELECT count(*) FROM events WHERE sender_id = 'rest:persist-1'").fetchone()[0]
    assert before > 0
    assistant.start()
    assistant.say("persist-1", "谢谢")
    with sqlite3.connect(assistant.env["TRACKER_DB"]) as db:
        rows = db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = 'rest:persist-1' ORDER BY id"
        ).fetchall()
    texts = [json.loads(d).get("text") for t, d in rows if t == "user"]
    assert texts[:1] == ["到2028年武汉人工智能产业规模目标是多少"] and texts[-1] == "谢谢"


def _plan_items_with_figures():
    from bot.records.loader import load_records
    from tests.conftest import RECORDS_DIR

    return [i for i in load_records(RECORDS_DIR)["plan_items"] if i["figures"]]


def test_every_figure_of_the_article_is_answerable(assistant, article_text):
    """Each plan item with figures, asked about by its title, is answered with its figures as the article writes them."""
    import re

    squashed = re.sub(r"\s+", "", article_text)
    missing = []
    for number, item in enumerate(_plan_items_with_figures()):
        replies = assistant.say(f"figures-{number}", f"介绍一下{item['title']}")
        text = " ".join(r.get("text", "") for r in replies)
        for figure in item["figures"]:
            assert figure["as_written"] in squashed
            if figure["as_written"] not in text:
                missing.append(f"{item['id']}: {figure['as_written']} not in reply {text[:60]!r}")
    assert not missing, "\n".join(missing)


def test_service_follow_up_and_form_over_rest(assistant):
    with session(assistant.env["DATABASE_URL"]) as s:
        service = queries.service_by_term(s, "补办身份证")
    first = assistant.say("follow-1", "补办身份证要多少钱")
    assert service.fee in first[0]["text"]
    follow = assistant.say("follow-1", "那要带什么材料")
    assert all(m in follow[0]["text"] for m in service.materials)
    asked = assistant.say("form-1", "办这个要带哪些证件")
    assert "哪项业务" in asked[0]["text"]


def test_two_unclear_messages_end_with_an_offer_of_12345_or_a_person(assistant):
    texts = []
    for message in ("嗯嗯嗯那个咕噜咕噜", "啊吧啊吧吧"):
        replies = assistant.say("unclear-1", message)
        texts.append(" ".join(r.get("text", "") for r in replies))
    assert "12345" in texts[-1]

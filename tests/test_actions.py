"""Actions run as the action server runs them: real Rasa trackers, the rasa-sdk executor, a real database."""

from __future__ import annotations

import asyncio
import json

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy import select, update

from bot.records import queries
from bot.records.db import dispose_all, session
from bot.records.models import PlanItem, Service
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain"))


def run_action(executor, action: str, turns, slots=None, ranking=None, slots_after=None):
    """turns: [(text, intent, [(entity, value), ...]), ...]; the last one is the latest message.
    slots_after: slots Rasa set from the latest message (what a form validation action validates)."""
    tracker = DialogueStateTracker.from_events("resident-1", [], slots=DOMAIN.slots)
    for name, value in (slots or {}).items():
        tracker.update(SlotSet(name, value))
    for number, (text, intent, entities) in enumerate(turns):
        tracker.update(ActionExecuted("action_listen"))
        parse = {
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [{"entity": e, "value": v, "start": 0, "end": len(v)} for e, v in entities],
        }
        if ranking and number == len(turns) - 1:
            parse["intent_ranking"] = ranking
        tracker.update(
            UserUttered(text, intent=parse["intent"], entities=parse["entities"], parse_data={**parse, "text": text})
        )
    for name, value in (slots_after or {}).items():
        tracker.update(SlotSet(name, value))
    return _run(executor, action, tracker)


def _run(executor, action, tracker):
    call = {
        "next_action": action,
        "sender_id": "resident-1",
        "tracker": tracker.current_state(EventVerbosity.AFTER_RESTART),
        "domain": DOMAIN.as_dict(),
        "version": "3.6.2",
    }
    call = json.loads(json.dumps(call, default=str))  # the executor speaks JSON over HTTP
    result = asyncio.run(executor.run(call))
    return result["responses"], result["events"]


def first_service(url):
    with session(url) as s:
        return s.execute(select(Service).order_by(Service.id)).scalars().first()


def test_plan_answer_comes_from_the_database(executor, built_database):
    responses, _ = run_action(
        executor,
        "action_answer_plan",
        [("到2028年武汉人工智能产业规模目标是多少", "ask_plan_target", [("metric", "2028年人工智能产业规模")])],
    )
    with session(built_database) as s:
        figure = queries.plan_items_by_term(s, "人工智能产业规模")[0].figures[0]
    text = responses[0]["text"]
    assert figure.as_written in text and text.index(figure.as_written) < text.index("出处")
    assert "长江日报" in text


def test_plan_answer_without_entity_uses_search(executor, built_database):
    responses, _ = run_action(executor, "action_answer_plan", [("武汉每万人拥有5G基站数目标", "ask_plan_project", [])])
    assert "50个" in responses[0]["text"]


def test_general_target_question_lists_every_target(executor, built_database):
    responses, _ = run_action(executor, "action_answer_plan", [("方案有哪些目标", "ask_plan_target", [])])
    with session(built_database) as s:
        targets = queries.plan_items_of_kind(s, "target")
    assert all(t.statement in responses[0]["text"] for t in targets)


def test_plan_answer_changes_when_the_record_changes(executor, built_database):
    """No hard-coded reply: editing the record in the database changes what residents hear."""
    with session(built_database) as s:
        s.execute(
            update(PlanItem)
            .where(PlanItem.id == "target-ai-industry-scale")
            .values(statement="测试用语句：记录已修改。")
        )
        s.commit()
    responses, _ = run_action(
        executor,
        "action_answer_plan",
        [("人工智能产业规模目标", "ask_plan_target", [("metric", "2028年人工智能产业规模")])],
    )
    assert responses[0]["text"].startswith("测试用语句：记录已修改。")


def test_service_answer_is_structured_with_next_questions(executor, built_database):
    service = first_service(built_database)
    responses, events = run_action(
        executor,
        "action_answer_service",
        [(f"{service.aliases[0]}咋办", "ask_service", [("service", service.name)])],
        slots={"service": service.name},
    )
    text = responses[0]["text"]
    assert service.name in text and service.materials[0] in text and service.fee in text and "12345" in text
    assert ("示例" in text) == service.demo
    titles = [b["title"] for b in responses[0]["buttons"]]
    assert "需要带什么材料？" in titles and "在哪里办？" in titles
    assert {"event": "slot", "name": "service", "value": service.name}.items() <= events[0].items()


def test_materials_follow_up_keeps_the_service(executor, built_database):
    service = first_service(built_database)
    responses, _ = run_action(
        executor,
        "action_answer_service",
        [
            (service.aliases[0], "ask_service", [("service", service.name)]),
            ("要带什么材料", "ask_service_materials", []),
        ],
        slots={"service": service.name},
    )
    text = responses[0]["text"]
    assert text.startswith(f"办理{service.name}需要带：") and all(m in text for m in service.materials)
    assert "需要带什么材料？" not in [b["title"] for b in responses[0]["buttons"]]


def test_where_with_district_names_that_districts_office(executor, built_database):
    with session(built_database) as s:
        office = queries.offices_in_district(s, "江汉区")[0]
        service = queries.service(s, office.services[0])
    responses, _ = run_action(
        executor,
        "action_answer_service",
        [(f"在江汉区哪里办{service.name}", "ask_service_where", [("service", service.name), ("district", "江汉区")])],
        slots={"service": service.name, "district": "江汉区"},
    )
    assert office.name in responses[0]["text"] and "12345" in responses[0]["text"]


def test_follow_up_with_another_district(executor, built_database):
    responses, events = run_action(
        executor,
        "action_follow_up",
        [
            ("洪山区政务服务中心在哪", "ask_office", [("district", "洪山区")]),
            ("那江汉区呢", "inform", [("district", "江汉区")]),
        ],
        slots={"district": "洪山区"},
    )
    assert "江汉区政务服务中心" in responses[0]["text"]
    assert any(e.get("name") == "district" and e.get("value") == "江汉区" for e in events)


def test_follow_up_with_another_plan_project(executor, built_database):
    responses, _ = run_action(
        executor,
        "action_follow_up",
        [
            ("基础设施提升工程是什么", "ask_plan_project", [("plan_project", "基础设施提升工程")]),
            ("那数据要素开发工程呢", "inform", [("plan_project", "数据要素开发工程")]),
        ],
    )
    assert "200个" in responses[0]["text"]


def test_service_form_validates_against_the_records(executor, built_database):
    responses, events = run_action(
        executor,
        "validate_service_form",
        [("要带什么材料", "ask_service_materials", []), ("办那个火星签证", "inform", [("service", "火星签证")])],
        slots={"requested_slot": "service"},
        slots_after={"service": "火星签证"},
    )
    assert "没有找到“火星签证”" in responses[0]["text"]
    assert {"event": "slot", "name": "service", "value": None}.items() <= events[-1].items()


def test_office_form_maps_a_colloquial_district(executor, built_database):
    _, events = run_action(
        executor,
        "validate_office_form",
        [("光谷", "inform", [("district", "东湖新技术开发区")])],
        slots={"requested_slot": "district"},
        slots_after={"district": "光谷"},
    )
    assert any(e.get("name") == "district" and e.get("value") == "东湖新技术开发区" for e in events)


def test_clarification_offers_the_close_intents(executor, built_database):
    ranking = [
        {"name": "nlu_fallback", "confidence": 1.0},
        {"name": "ask_service_fee", "confidence": 0.41},
        {"name": "ask_service_time_limit", "confidence": 0.38},
        {"name": "greet", "confidence": 0.01},
    ]
    responses, _ = run_action(
        executor, "action_default_ask_affirmation", [("这个要多少", "nlu_fallback", [])], ranking=ranking
    )
    assert responses[0]["text"] == "您是想问："
    titles = [b["title"] for b in responses[0]["buttons"]]
    assert titles == ["办事收费", "多久能办好", "都不是"]
    assert responses[0]["buttons"][-1]["payload"] == "/out_of_scope"


def test_unknown_service_is_asked_back(executor, built_database):
    responses, _ = run_action(executor, "action_answer_service", [("我想办个事", "ask_service", [])])
    assert "哪项业务" in responses[0]["text"]


def test_hotline_answer_from_faq(executor, built_database):
    responses, _ = run_action(executor, "action_answer_hotline", [("市民热线是多少", "ask_hotline", [])])
    with session(built_database) as s:
        expected = queries.faq_by_topic(s, "hotline")[0].answer
    assert responses[0]["text"].startswith(expected)


def test_search_fallback_is_honest_when_nothing_matches(executor, built_database):
    # with no earlier question to continue, the follow-up action searches the resident's words
    responses, _ = run_action(executor, "action_follow_up", [("今天晚上吃什么火锅比较好", "inform", [])])
    assert "暂时没有这方面的信息" in responses[0]["text"] and "12345" in responses[0]["text"]


def test_database_down_gives_an_apology(executor, monkeypatch):
    dispose_all()
    # nothing listens on port 1: the connection is refused, as when the database is down
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/records")
    responses, _ = run_action(
        executor,
        "action_answer_plan",
        [("人工智能产业规模目标", "ask_plan_target", [("metric", "2028年人工智能产业规模")])],
    )
    assert "12345" in responses[0]["text"] and "抱歉" in responses[0]["text"]
    dispose_all()


def test_short_question_after_a_service_asks_about_that_service(executor, built_database):
    # "能领几个月" after the unemployment benefit: a clerk answers about it, never "which service?"
    service = first_service(built_database)
    turns = [(service.aliases[0], "ask_service", [("service", service.name)]), ("那能领几个月", "nlu_fallback", [])]
    responses, events = run_action(executor, "action_default_ask_affirmation", turns, slots={"service": service.name})
    assert service.name in responses[0]["text"] and not responses[0]["text"].startswith("您是想问")
    assert {"event": "slot", "name": "service", "value": service.name}.items() <= events[0].items()
    fee, _ = run_action(
        executor,
        "action_default_ask_affirmation",
        [turns[0], ("那大概要多少钱", "nlu_fallback", [])],
        slots={"service": service.name},
    )
    assert fee[0]["text"].startswith(f"{service.name}的费用")


def test_short_question_after_a_plan_question_is_not_taken_for_the_service(executor, built_database):
    service = first_service(built_database)
    turns = [
        (service.aliases[0], "ask_service", [("service", service.name)]),
        ("到2028年人工智能产业规模多少", "ask_plan_overview", []),
        ("那能领几个月", "nlu_fallback", []),
    ]
    responses, _ = run_action(executor, "action_default_ask_affirmation", turns, slots={"service": service.name})
    assert not (responses[0].get("text") or "").startswith(f"【{service.name}】")


def _after_a_question_back(answer: str, titles: list[str], intent: str = "ask_service_fee"):
    """A conversation where the assistant asked back with these services, and the resident answered."""
    from rasa.shared.core.events import BotUttered

    tracker = DialogueStateTracker.from_events("resident-1", [], slots=DOMAIN.slots)
    for number, (text, parse_intent) in enumerate((("身份证要多少钱", intent), (answer, "nlu_fallback"))):
        tracker.update(ActionExecuted("action_listen"))
        parse = {"intent": {"name": parse_intent, "confidence": 0.9}, "entities": [], "text": text}
        tracker.update(UserUttered(text, intent=parse["intent"], entities=[], parse_data=parse))
        if number == 0:
            buttons = [{"title": t, "payload": f'/{intent}{{"service": "{t}"}}'} for t in titles]
            tracker.update(
                BotUttered("您是想问：", data={"buttons": buttons + [{"title": "都不是", "payload": "/out_of_scope"}]})
            )
    return tracker


def test_an_answer_in_words_to_a_question_back_takes_that_choice(executor, built_database):
    titles = ["居民身份证补领", "居民身份证首次申领"]
    for answer, meant in (
        ("补办", "居民身份证补领"),
        ("第一次办", "居民身份证首次申领"),
        ("第二个", "居民身份证首次申领"),
    ):
        responses, events = _run(executor, "action_default_ask_affirmation", _after_a_question_back(answer, titles))
        assert responses[0]["text"].startswith(f"{meant}的费用"), answer
        assert {"event": "slot", "name": "service", "value": meant}.items() <= events[0].items()


def test_an_answer_in_words_inside_the_two_stage_fallback_is_no_second_failure(executor, built_database):
    # Rasa's loop gives up on the second unclear message in a row; "补办" answers the question back
    from rasa.shared.core.events import ActiveLoop

    tracker = _after_a_question_back("补办", ["居民身份证补领", "居民身份证首次申领"], intent="nlu_fallback")
    tracker.update(ActiveLoop("action_two_stage_fallback"))
    responses, events = _run(executor, "action_default_fallback", tracker)
    assert responses[0]["text"].startswith("【居民身份证补领】")
    assert events[0]["event"] == "rewind" and not any((r.get("custom") or {}).get("handoff") for r in responses)


def test_a_choice_by_its_place_counts_every_choice_shown(executor, built_database):
    from rasa_sdk import Tracker

    from actions.ask_back import choice_taken

    titles = ["居民身份证补领", "居民身份证首次申领", "居民身份证挂失"]
    for answer, meant in (
        ("最后一个", "居民身份证挂失"),
        ("第二个", "居民身份证首次申领"),
        ("后面那个", "居民身份证首次申领"),
    ):
        state = _after_a_question_back(answer, titles).current_state(EventVerbosity.AFTER_RESTART)
        assert choice_taken(Tracker.from_dict(state))[1] == meant, answer


def test_a_short_remark_after_a_service_is_no_follow_up(executor, built_database):
    service = first_service(built_database)
    for remark in ("不是这个", "你说什么", "好的谢谢你"):
        turns = [(service.aliases[0], "ask_service", [("service", service.name)]), (remark, "nlu_fallback", [])]
        responses, _ = run_action(executor, "action_default_ask_affirmation", turns, slots={"service": service.name})
        assert not (responses[0].get("text") or "").startswith(f"【{service.name}】"), remark


def test_an_answer_that_fits_no_single_choice_is_not_taken(executor, built_database):
    from rasa_sdk import Tracker

    from actions.ask_back import choice_taken

    for answer in ("嗯", "都可以吧", "我想问社保卡"):
        state = _after_a_question_back(answer, ["居民身份证补领", "居民身份证首次申领"]).current_state(
            EventVerbosity.AFTER_RESTART
        )
        assert choice_taken(Tracker.from_dict(state)) is None, answer


def test_a_plan_answer_remembers_its_item(executor, built_database):
    _, events = run_action(
        executor,
        "action_answer_plan",
        [("智能民生治理工程要建多少个智能体", "ask_plan_project", [("plan_project", "智能民生治理工程")])],
    )
    assert {"event": "slot", "name": "plan_item", "value": "智能民生治理工程"}.items() <= events[-1].items()


def test_another_field_of_the_plan_item_just_answered(executor, built_database):
    # "那教育方面的呢" after the figure of one field: the same item, whose statement holds that field's figure
    asked = ("方案里说要搞智能体，跟看病有关的有几个", "ask_plan_agent", [])
    for action, text, intent in (
        ("action_answer_plan", "那教育方面的呢", "ask_plan_department"),
        ("action_default_ask_affirmation", "那文旅的呢", "nlu_fallback"),
    ):
        responses, events = run_action(
            executor, action, [asked, (text, intent, [])], slots={"plan_item": "智能民生治理工程"}
        )
        assert "55个教育教学" in responses[0]["text"], (text, responses)
        assert {"event": "slot", "name": "plan_item", "value": "智能民生治理工程"}.items() <= events[-1].items()


def test_a_plan_question_of_its_own_or_a_field_not_in_the_item_is_no_follow_up(executor, built_database):
    asked = ("智能民生治理工程要建多少个智能体", "ask_plan_project", [])
    for text in ("到2028年人工智能产业规模是多少", "那交通方面的呢"):
        responses, _ = run_action(
            executor,
            "action_answer_plan",
            [asked, (text, "ask_plan_target", [])],
            slots={"plan_item": "智能民生治理工程"},
        )
        assert "55个教育教学" not in responses[0]["text"], (text, responses)


def test_a_follow_up_naming_another_thing_answers_its_service(executor, built_database):
    # "电呢，报装要多久" after the water connection: the electricity connection's time, not water's
    responses, events = run_action(
        executor,
        "action_answer_service",
        [
            ("新房子用水报装要多长时间", "ask_service_time_limit", []),
            ("电呢，报装要多久", "ask_service_time_limit", []),
        ],
        slots={"service": "居民用水报装"},
    )
    assert "居民用电报装的办理时限" in responses[0]["text"], responses
    assert {"event": "slot", "name": "service", "value": "居民用电报装"}.items() <= events[-1].items()
    # "那公司呢" after closing a sole trader: the company's closure, whatever 公司 alone names
    responses, _ = run_action(
        executor,
        "action_answer_service",
        [("个体户怎么注销", "ask_service", []), ("那公司呢", "ask_service", [("service", "企业设立登记")])],
        slots={"service": "个体工商户注销登记"},
        slots_after={"service": "企业设立登记"},
    )
    assert "企业注销登记" in responses[0]["text"], responses
    responses, _ = run_action(
        executor,
        "action_default_ask_affirmation",
        [("新房子要通自来水怎么办", "ask_service", []), ("那电呢", "nlu_fallback", [])],
        slots={"service": "居民用水报装"},
    )
    assert "居民用电报装" in responses[0]["text"], responses


def test_a_follow_up_to_another_thing_asks_the_detail_it_names_and_a_year_is_no_field(executor, built_database):
    responses, _ = run_action(
        executor,
        "action_answer_service",
        [("居民用水报装要带什么材料", "ask_service_materials", []), ("那电呢，要多久", "ask_service_time_limit", [])],
        slots={"service": "居民用水报装"},
    )
    assert "居民用电报装的办理时限" in responses[0]["text"], responses
    responses, _ = run_action(
        executor,
        "action_answer_plan",
        [("到2028年人工智能产业规模是多少", "ask_plan_target", []), ("那2030年呢", "ask_plan_target", [])],
        slots={"plan_item": "人工智能产业规模"},
    )
    # no follow-up of the item: the 2028 figure is not given again as if it were 2030's
    assert not responses[0]["text"].startswith("到2028年，全市人工智能产业规模突破2000亿元"), responses

"""Emergencies first: the city's rules find them, name the right number, and leave look-alikes alone."""
from __future__ import annotations

import re

import pytest
import yaml

from bot.records.loader import load_records
from bot.safety.emergency import DEFAULT_RULES, RulesInvalid, detect, load_rules
from tests.conftest import RECORDS_DIR, ROOT

RULES = load_rules(DEFAULT_RULES)
FAQ = {f["id"]: f for f in load_records(RECORDS_DIR)["faq"]}


def messages(name: str):
    return yaml.safe_load((ROOT / "tests" / name).read_text(encoding="utf-8"))


def test_every_number_given_comes_from_a_cited_record():
    numbers_in_records = {n for f in FAQ.values() if not f["demo"] for n in re.findall(r"\d{3,5}", f["answer"])}
    for rule in RULES.emergencies:
        record = FAQ[rule.faq]
        assert not record["demo"] and record["source"].strip()
        assert rule.number in record["answer"], f"{rule.type}: {rule.number} is not what {rule.faq} says"
        for number in re.findall(r"\d{3,5}", rule.reply):
            assert number in numbers_in_records, f"{rule.type}: {number} has no cited record"
        if rule.type != "self_harm":  # self-harm starts with a caring sentence, by design
            assert rule.reply.index(rule.number) < 12, "the number comes in the first short sentence"


# tests/safety_messages_holdout.yml is not asserted here: it measures how the rules generalise
# (scripts/evaluate_safety.py --list safety_messages_holdout.yml prints the figures).
@pytest.mark.parametrize("listing", ["safety_messages.yml"])
def test_no_emergency_is_missed_and_at_most_one_false_alarm(listing):
    path = ROOT / "tests" / listing
    if not path.exists():
        pytest.fail(f"{listing} is missing")
    data = messages(listing)
    assert len(data["emergencies"]) >= 40 and len(data["non_emergencies"]) >= 40
    missed = [e["text"] for e in data["emergencies"] if detect(e["text"], RULES) is None]
    wrong = [(e["text"], e["type"], r.type) for e in data["emergencies"]
             if (r := detect(e["text"], RULES)) is not None and r.type != e["type"]]
    alarms = [o["text"] for o in data["non_emergencies"] if detect(o["text"], RULES) is not None]
    assert not missed, missed
    assert len(alarms) <= 1, alarms
    assert not wrong, wrong


def test_plain_cases():
    assert detect("着火了！", RULES).number == "119"
    assert detect("有人晕倒了快叫救护车", RULES).number == "120"
    assert detect("出车祸了有人受伤", RULES).number == "122"
    assert detect("我不想活了", RULES).type == "self_harm"
    for ordinary in ("消防证怎么办理", "120急救站在哪", "报警电话是多少", "天然气开户要什么材料", "热死了", ""):
        assert detect(ordinary, RULES) is None, ordinary


def test_traditional_characters_are_read_like_simplified_ones():
    from bot.channels.rest import clean_text

    assert clean_text("補辦身份證要帶什麼") == "补办身份证要带什么"
    assert detect("我弟弟掉進長江裡了", RULES).type == "drowning"
    assert detect("廚房著火了", RULES).number == "119"
    assert detect("消防證怎麼辦理", RULES) is None


def test_a_broken_rules_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "emergency.yml"
    bad.write_text("emergencies:\n  - type: fire\n    faq: emergency-119\n    number: '119'\n    reply: x\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(RulesInvalid, match="emergency.yml: emergency #1 \\(fire\\): bad pattern"):
        load_rules(bad)
    bad.write_text("emergencies:\n  - type: fire\n", encoding="utf-8")
    with pytest.raises(RulesInvalid, match="missing"):
        load_rules(bad)

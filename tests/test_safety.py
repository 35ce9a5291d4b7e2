"""Emergencies first: the city's rules find them, name the right number, and leave look-alikes alone."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.records.loader import load_records
from bot.safety.classifier import EXAMPLES_DIR, EmergencyClassifier, ExamplesInvalid, Reading, load_examples
from bot.safety.detector import VETO_MAX_CHARS, EmergencyDetector
from bot.safety.emergency import DEFAULT_RULES, RulesInvalid, alarm, detect, load_rules
from scripts.evaluate_safety import LISTS_DIR, NOT_HELD, ROLES, expected_numbers, manifest
from tests.conftest import RECORDS_DIR

RULES = load_rules(DEFAULT_RULES)
TYPES = [rule.type for rule in RULES.emergencies]
MANIFEST = manifest()
# test lists are only reported (scripts/evaluate_safety.py --figures-only), never asserted on while tuning;
# read lists are former test lists whose misses were read but not yet fixed
LISTS = [entry["file"] for entry in MANIFEST if entry["role"] not in NOT_HELD]
EVERY_LIST = [entry["file"] for entry in MANIFEST]
FAQ = {f["id"]: f for f in load_records(RECORDS_DIR)["faq"]}


def messages(name: str):
    return yaml.safe_load((LISTS_DIR / name).read_text(encoding="utf-8"))


def test_the_manifest_names_every_list_once_with_who_wrote_it_and_what_it_showed():
    named = [entry["file"] for entry in MANIFEST]
    assert len(named) == len(set(named))
    assert set(named) == {p.name for p in LISTS_DIR.glob("*.yml")} - {"manifest.yml"}
    for entry in MANIFEST:
        assert entry["role"] in ROLES, entry["file"]
        assert entry["covers"].strip() and entry["written_by"].strip() and entry["first_measured"].strip()


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


@pytest.fixture(scope="module")
def detector():
    """The detector as the pipeline trains it (config.yml's C, threshold and veto), on the same examples."""
    from bot.nlp.emergency import trained_detector

    return trained_detector(RULES)


# tests/safety_lists/manifest.yml says who wrote each list and what it showed when first measured; since
# then it guards against regressions.
# An entry with `numbers` is right when the reply gives all of them ("psych": the psychological-assistance
# line); one without is right when its type is among the dangers found.
@pytest.mark.parametrize("listing", LISTS)
def test_no_emergency_is_missed_and_at_most_one_false_alarm(listing, detector):
    data = messages(listing)
    assert len(data["emergencies"]) >= 40 and len(data["non_emergencies"]) >= 40
    found = [(e, detector.kinds(e["text"])) for e in data["emergencies"]]
    missed = [e["text"] for e, kinds in found if not kinds]
    wrong = [(e["text"], e.get("numbers") or e["type"], kinds) for e, kinds in found if kinds and not _right(e, kinds)]
    alarms = [o["text"] for o in data["non_emergencies"] if detector.kinds(o["text"])]
    assert not missed, missed
    assert len(alarms) <= 1, alarms
    assert not wrong, wrong


def _right(entry: dict, kinds: tuple[str, ...]) -> bool:
    if not entry.get("numbers"):
        return entry["type"] in kinds
    want = set(expected_numbers(entry, RULES))
    told = alarm(kinds, RULES)
    return told is not None and want <= set(told.numbers)


def test_the_examples_and_the_test_lists_share_no_message():
    examples = {text for text, _ in load_examples(sorted(EXAMPLES_DIR.glob("*.yml")), TYPES)}
    for listing in EVERY_LIST:
        data = messages(listing)
        shared = examples & {m["text"] for m in data["emergencies"] + data["non_emergencies"]}
        assert not shared, (listing, shared)


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
    bad.write_text(
        "emergencies:\n  - type: fire\n    faq: emergency-119\n    number: '119'\n    reply: x\n    patterns: ['(unclosed']\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesInvalid, match="emergency.yml: emergency #1 \\(fire\\): bad pattern"):
        load_rules(bad)
    bad.write_text("emergencies:\n  - type: fire\n", encoding="utf-8")
    with pytest.raises(RulesInvalid, match="missing"):
        load_rules(bad)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("万一家里着火了怎么办", None),
        ("着火的话往哪里跑", None),
        ("电动车电池要是充电的时候起火了用什么灭比较好", None),  # the supposition sits inside the match
        ("煤气味好重，万一爆炸怎么办", "gas"),  # the danger is named outside the supposition
        ("我闻到煤气味万一爆炸怎么办", "gas"),
        ("如果有人在门外撬锁，我该先报警还是先躲起来？声音现在还在响", "crime"),  # said to be happening
        ("过马路的时候一个老人被公交车撞倒了", "traffic"),  # a time clause, not a question
        ("如果我不想活了，也没人在乎", "self_harm"),  # self-harm is never supposed away
    ],
)
def test_a_danger_named_only_in_a_supposition_is_a_question(text, kind):
    found = detect(text, RULES)
    assert (found.type if found else None) == kind


class FixedReading:
    """The classifier's part of the decision, held fixed so that the combination itself is tested."""

    def __init__(self, kind, probability):
        self.reading = Reading(kind, probability)

    def read(self, texts):
        return [self.reading for _ in texts]


def test_the_classifier_finds_what_no_rule_names_unless_unsure_excluded_or_supposed():
    def kind(text, reading_kind, probability):
        return EmergencyDetector(RULES, FixedReading(reading_kind, probability), 0.8, 0.2).kind(text)

    assert kind("小区游泳池里有个人脸朝下浮着不动", "drowning", 0.95) == "drowning"
    assert kind("小区游泳池里有个人脸朝下浮着不动", "drowning", 0.7) is None  # not sure enough
    assert kind("消防证怎么办理", "fire", 0.99) is None  # an exclusion
    assert kind("万一在隧道里出了事故，应该待在车里还是下车", "traffic", 0.99) is None  # a supposition
    assert kind("手腕上划了好多道 血止不住", "self_harm", 0.9) == "self_harm"  # over the medical rule


def test_the_classifier_sets_aside_a_rule_only_in_short_messages_and_never_for_self_harm():
    def kind(text, probability):
        return EmergencyDetector(RULES, FixedReading("fire", probability), 0.8, 0.2).kind(text)

    question = "高层住户遇到火灾，是往楼上跑还是往楼下跑比较好"
    assert detect(question, RULES).type == "fire"
    assert kind(question, 0.1) is None
    assert kind(question, 0.3) == "fire"
    long_message = "您好，" + "我想反映一下小区里的情况，" * (VETO_MAX_CHARS // 12) + "楼下着火了"
    assert kind(long_message, 0.1) == "fire"
    assert kind("我不想活了", 0.01) == "self_harm"


def test_broken_examples_are_refused_with_file_entry_and_field(tmp_path):
    bad = tmp_path / "examples.yml"
    bad.write_text(
        "emergencies:\n  - text: 着火了\n    type: fire\n  - text: 有人落水\n    type: flood\n", encoding="utf-8"
    )
    with pytest.raises(ExamplesInvalid, match="examples.yml: emergencies #2: type must be one of .*'flood'"):
        load_examples([bad], TYPES)
    bad.write_text("non_emergencies:\n  - text: ''\n", encoding="utf-8")
    with pytest.raises(ExamplesInvalid, match="examples.yml: non_emergencies #1: missing text"):
        load_examples([bad], TYPES)
    bad.write_text("emergencies: [\n", encoding="utf-8")
    with pytest.raises(ExamplesInvalid, match="cannot read"):
        load_examples([bad], TYPES)
    with pytest.raises(ExamplesInvalid, match="ordinary messages"):
        EmergencyClassifier().fit([("着火了", "fire")])


def test_a_broken_supposition_pattern_is_refused_with_its_key(tmp_path):
    bad = tmp_path / "emergency.yml"
    bad.write_text("emergencies: []\nconditions:\n  before: ['(如果']\n", encoding="utf-8")
    with pytest.raises(RulesInvalid, match="emergency.yml: conditions.before: bad pattern"):
        load_rules(bad)


def test_a_follow_up_naming_an_object_is_no_emergency(detector):
    # "那燃气呢" after a question about opening a gas account asks the same about gas, and the classifier
    # alone read a gas leak into it; a short message that names a danger is still the rules' to catch
    for text in ("那燃气呢", "燃气呢", "电梯呢", "那液化气呢"):
        assert detector.kinds(text) == (), text
    for text, kind in (("着火了！", "fire"), ("煤气漏了", "gas"), ("电梯关人了", "lift")):
        assert kind in detector.kinds(text), text

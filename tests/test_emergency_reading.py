"""How the detector reads hurried messages: misspelt danger words, a scammer's story, several dangers,
and what the classifier may add."""

from __future__ import annotations

import pytest

from bot.safety.classifier import Reading
from bot.safety.detector import EmergencyDetector
from bot.safety.emergency import DEFAULT_RULES, alarm, detect_all, load_rules, read

RULES = load_rules(DEFAULT_RULES)


def kinds(text):
    return [rule.type for rule in detect_all(text, RULES)]


@pytest.mark.parametrize(
    "written, meant",
    [
        ("厨房着伙了", "厨房着火了"),  # the same sound and tones
        ("闻到煤汽味", "闻到煤气味"),
        ("电体停了门开不开", "电梯停了门开不开"),  # another tone, listed as a misspelling
    ],
)
def test_danger_words_written_with_other_characters_are_read_as_meant(written, meant):
    assert "".join(read(written, RULES)) == meant


def test_a_misspelling_is_repaired_only_beside_what_it_would_be_said_of():
    assert "".join(read("电体育馆几点开门", RULES)) == "电体育馆几点开门"
    assert kinds("电体停了门开不开 快来人")[0] == "lift"


def test_a_scammers_story_is_set_aside_but_a_danger_of_its_own_is_not():
    assert kinds("骗子打电话说我儿子出车祸了在医院要交钱，我刚转了两万") == ["fraud"]
    assert kinds("我妈刚被电话诈骗转了钱 气得心脏病发了 倒在沙发上") == ["fraud", "medical"]
    told = alarm(kinds("我妈刚被电话诈骗转了钱 气得心脏病发了 倒在沙发上"), RULES)
    assert told.numbers[:3] == ("120", "110", "96110")  # the person first, then the money


@pytest.mark.parametrize(
    "text, want",
    [
        ("屋里好大的煤气味 我妈倒在地上叫不醒", ("120", "119")),  # the person first, the gas after
        ("电梯卡住了 里面有个老人晕过去了 叫不醒", ("120", "96333", "119")),
        ("厨房着火了 我婆婆还困在屋里出不来", ("119", "120")),
        ("她吃了安眠药 然后开了煤气 门还反锁了", ("120", "12356", "119")),
    ],
)
def test_several_dangers_get_every_number_the_most_urgent_first(text, want):
    told = alarm(kinds(text), RULES)
    assert told.numbers[: len(want)] == want


class FixedReading:
    def __init__(self, kind, probability):
        self.reading = Reading(kind, probability)

    def read(self, texts):
        return [self.reading for _ in texts]


def test_the_classifier_adds_a_danger_only_when_the_message_has_words_of_it():
    def found(text, kind):
        return EmergencyDetector(RULES, FixedReading(kind, 0.95), 0.8, 0.2).kinds(text)

    stuck = "电梯卡在12楼和13楼中间了 门打不开"
    assert found(stuck, "fire") == ("lift",)  # no word of a fire
    assert found("电梯卡住了 里面好像有烟味", "fire") == ("lift", "fire")


def test_in_another_language_the_classifier_counts_only_with_the_rules_words():
    def found(text, kind):
        return EmergencyDetector(RULES, FixedReading(kind, 0.95), 0.8, 0.2).kinds(text)

    assert found("our elevator broken since Monday, who do I complain to", "medical") == ()
    assert found("please help, the lift won't move and the light went off", "lift") == ("lift",)

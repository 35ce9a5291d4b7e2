"""How the detector reads hurried messages: misspelt danger words, a scammer's story, several dangers,
and what the classifier may add."""

from __future__ import annotations

import pytest

from bot.safety.detector import EmergencyDetector
from bot.safety.emergency import DEFAULT_RULES, alarm, detect_all, load_rules, read
from tests.test_safety import FixedReading

RULES = load_rules(DEFAULT_RULES)


def kinds(text):
    return [rule.type for rule in detect_all(text, RULES)]


@pytest.mark.parametrize(
    "written, meant",
    [
        ("电体停了门开不开", "电梯停了门开不开"),  # the input method's first choice, another tone
        ("电题里面困了人", "电梯里面困了人"),
        ("国庆抢节假日火车票", "国庆抢节假日火车票"),  # no repair by sound across words: 抢节 is no 抢劫
        ("公园里桂花的自然气味好香", "公园里桂花的自然气味好香"),
    ],
)
def test_misspelt_danger_words_are_read_as_meant_and_nothing_else_is_changed(written, meant):
    assert "".join(read(written, RULES)) == meant


@pytest.mark.parametrize(
    "text, kind",
    [
        ("我看到有人落水了，我该怎么救，我不会游泳", "drowning"),  # asking how to help, while it happens
        ("孩子刚被救上来了，但是没有呼吸了", "medical"),  # rescued, yet not breathing
        ("有个小伙子见义勇为被小偷捅了一刀 流了好多血", "crime"),
        ("家里着火了 我的猫找不到了", "fire"),  # a lost pet beside a fire
        ("密室逃脱里着火了 有人被困在里面出不来", "fire"),
        ("我妈昨天下午走丢了，到现在还没找到", "missing"),
        ("听说我妈刚才把钱都转到安全账户了", "fraud"),
        ("我刚给他转了三万，这是不是诈骗", "fraud"),  # money sent before the question
        ("骗子说让我转钱，我刚转完我爸就晕倒了", "medical"),  # a fainting of its own, in another clause
    ],
)
def test_what_makes_a_message_ordinary_does_not_hide_a_danger_beside_it(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "我想跳槽到江夏区的公司，社保怎么转",
        "商场要跳楼价大甩卖了吗",
        "I want to jump the queue for my hukou appointment",
        "刚开了燃气，要多久才能通气",
        "电梯里还有人抽烟，找谁投诉",
        "我的车子被水泡了还能开吗",
        "风筝挂在广告牌上下不来了",
        "我把包锁在车里了怎么办",
        "周末到湖边钓鱼，找不到停车的地方",
        "I've been fighting with my landlord over the deposit",
        "老师让我打五千字的论文",
        "房东催我转三千块房租",
        "快递员留了张纸条走了",
        "我儿子没上车，高铁票能退吗",
        "中介彻底联系不上了，押金怎么要回",
        "I can't find my passport anywhere",
        "邻居天天把垃圾倒在门口，找谁管",
        "家里的扫地机器人不动了",
    ],
)
def test_ordinary_messages_sharing_words_with_the_new_kinds_raise_no_rule(text):
    assert kinds(text) == []


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
        ("洪水已经淹到胸口了 我爸晕倒了叫不醒", ("119", "120")),  # rising water before "do not move him"
        ("电梯卡住了 里面有个老人晕过去了 叫不醒", ("120", "96333", "119")),
        ("厨房着火了 我婆婆还困在屋里出不来", ("119", "120")),
        ("她吃了安眠药 然后开了煤气 门还反锁了", ("120", "12356", "119")),
    ],
)
def test_several_dangers_get_every_number_the_most_urgent_first(text, want):
    told = alarm(kinds(text), RULES)
    assert told.numbers[: len(want)] == want


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

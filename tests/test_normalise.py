"""The one normalisation of residents' text (bot/normalise.py) and the resolver's pieces (bot/resolver)."""

from __future__ import annotations

import pytest

from bot import normalise
from bot.resolver import Candidate, Resolution, load_aspects, pieces
from bot.resolver.examples import objects, record_examples

REPAIR = normalise.TypoRepair(
    ["户口本", "驾驶证", "社保卡", "社保", "公积金", "贷款", "记录", "身份证", "补办", "公式", "公示"]
)


@pytest.mark.parametrize(
    "written, read",
    [
        ("退休人員的住房公積金怎麼提取", "退休人员的住房公积金怎么提取"),
        ("廚房著火了", "厨房着火了"),
        ("２０２８年", "2028年"),
        ("到二零二八年三百二十架", "到2028年320架"),
        ("我今年六十五岁了", "我今年65岁了"),
    ],
)
def test_script_width_and_numerals_fold(written, read):
    assert normalise.basic(written) == read


@pytest.mark.parametrize("text", ["我问一下", "一样的", "一一对应", "十四五期间", "一次性创业补贴"])
def test_numerals_that_are_words_stay(text):
    assert normalise.basic(text) == text


@pytest.mark.parametrize(
    "written, read",
    [
        ("户口笨丢了怎么补办", "户口簿丢了怎么补办"),  # repaired by sound, then the record's word
        ("驾使证过期了", "驾驶证过期了"),
        ("社宝第一次怎么申请", "社保第一次怎么申请"),  # same sound and tones, one character apart
        ("住房公基金带款", "住房公积金贷款"),
        ("我的shenfenzheng快到期了", "我的身份证快到期了"),
    ],
)
def test_typos_are_repaired_towards_the_vocabulary_only(written, read):
    assert normalise.for_matching(written, REPAIR) == read


def test_repair_leaves_real_words_common_words_and_words_of_shared_sound_alone():
    assert "不办" in normalise.for_matching("周末办不办", REPAIR)  # not 补办
    assert "公式" in normalise.for_matching("这个公式", REPAIR)  # a word of the dictionary
    repair = normalise.TypoRepair(["老伴", "实施", "现实", "时限", "账户"])
    for text in ("我老板没给我交社保", "办事时间", "显示办理时限", "manage my account"):
        assert normalise.for_matching(text, repair) == text.replace("account", "账户"), text


def test_plain_simplified_text_is_never_rewritten():
    for text in ("小程序", "文件", "程序", "核心", "智慧城市", "建立", "整合", "著名", "喂养", "金额", "余额"):
        assert normalise.for_matching(text) == text


def test_a_lexicon_entry_inside_its_own_standard_word_is_refused(tmp_path):
    path = tmp_path / "colloquial.yml"
    path.write_text("colloquial:\n  港澳通行证: 往来港澳通行证\n", encoding="utf-8")
    with pytest.raises(ValueError, match="part of its own standard word"):
        normalise.load_lexicon(path)
    path.write_text("fillers: 喂 嗯\n", encoding="utf-8")
    with pytest.raises(ValueError, match="fillers: must be a list"):
        normalise.load_lexicon(path)


def test_dialect_fillers_and_english_words_become_the_records_words():
    read = normalise.for_matching("喂 我问一下 伢的医保么样办撒，要几多钱")
    assert read.startswith("孩子的医保怎么办") and "多少钱" in read and "喂" not in read
    assert normalise.for_matching("我的ID card丢了，可以online补办吗") == "我的身份证丢了,可以网上补办吗"
    assert "什么事" in normalise.for_matching("什么事")  # 么事 is dialect only on its own
    assert normalise.for_matching("coffee feedback") == "coffee feedback"  # no fee inside English words


def test_a_broken_lexicon_entry_is_refused_with_the_file_name(tmp_path):
    path = tmp_path / "colloquial.yml"
    path.write_text("dialect:\n  么样:\n", encoding="utf-8")
    with pytest.raises(ValueError, match="colloquial.yml: dialect"):
        normalise.load_lexicon(path)


def test_the_detail_asked_is_the_last_one_named():
    aspects = load_aspects()
    assert aspects.find("身份证丢了去补办要带什么") == "materials"
    assert aspects.find("补办要多少钱") == "fee"
    assert aspects.find("周末上班吗") == "hours"
    assert aspects.find("社保卡丢了") is None


def test_long_messages_are_also_read_clause_by_clause():
    parts = pieces("喂喂听得到吧我跟你说我儿子儿媳都在外面跑车孙子一直跟着我住,报名要准备哪些东西")
    assert "报名要准备哪些东西" in parts and all(len(p) <= 24 for p in parts)


def test_a_record_is_confident_only_above_both_thresholds():
    r = Resolution((Candidate("service:x", 0.3),), none=0.5, aspect=None, aspect_intent=None)
    assert r.confident(0.2, 0.9).record_id == "x"
    assert r.confident(0.4, 0.9) is None
    assert r.confident(0.2, 0.4) is None


def test_each_service_is_reached_by_its_object_said_with_everyday_phrasings():
    assert objects("居民身份证补领", "补领") == ["居民身份证", "身份证"]
    service = {"id": "s", "name": "社会保障卡补换", "aliases": [], "category": "社保", "description": ""}
    texts = {t for t, label in record_examples({"services": [service]}) if label == "service:s"}
    assert {"社会保障卡丢了", "社会保障卡坏了", "社会保障卡刷不出来了"} <= texts


def test_a_clear_lead_is_confident_even_where_probability_is_spread_thin():
    r = Resolution(
        (Candidate("service:x", 0.09), Candidate("service:y", 0.02)), none=0.3, aspect=None, aspect_intent=None
    )
    assert r.confident(0.2, 0.9, lead_floor=0.05, lead=3).record_id == "x"
    assert r.confident(0.2, 0.9, lead_floor=0.05, lead=5) is None
    assert r.confident(0.2, 0.9) is None


_TITLES = {
    "service:passport": "普通护照签发",
    "service:id-renew": "居民身份证换领",
    "service:licence": "机动车驾驶证期满换证",
    "plan:ai": "人工智能产业规模",
}


def test_a_named_thing_outweighs_the_phrasing_of_another_service():
    from bot.resolver import toward_named

    best = {"service:id-renew": 0.17, "service:passport": 0.09, "service:licence": 0.04, "plan:ai": 0.02}
    moved, none = toward_named(best, 0.6, "护照快到期了,换一下要多久", _TITLES)
    assert max(moved, key=moved.get) == "service:passport"
    assert moved["service:id-renew"] < 0.02 and moved["plan:ai"] == 0.02  # no object of its own: left alone
    assert none < 0.6  # a message that names a thing is likelier about a record
    assert abs(sum(moved.values()) + none - sum(best.values()) - 0.6) < 1e-9  # moved, not made up


def test_nothing_named_or_a_word_inside_a_longer_one_moves_nothing():
    from bot.resolver import objects as things
    from bot.resolver import toward_named

    best = {"service:id-renew": 0.17, "service:passport": 0.09}
    assert toward_named(best, 0.6, "快到期了,换一下要多久", _TITLES) == (best, 0.6)
    named = things().named("社保卡丢了")
    assert "社会保障卡" in named and "社会保险" not in named and "养老保险" not in named


def test_a_broken_objects_lexicon_names_the_file_and_the_key(tmp_path):
    from bot.resolver import load_objects

    path = tmp_path / "objects.yml"
    path.write_text("objects:\n  护照: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"objects\.yml: 护照"):
        load_objects(path)


def test_a_word_with_two_typos_and_a_shared_sound_of_one_meaning_are_repaired():
    from bot.normalise import TypoRepair, for_matching

    repair = TypoRepair(["社保", "社保卡", "身份证", "身分证", "户口簿", "公积金"])
    assert for_matching("社宝咔第一次怎么申请", repair) == "社保卡第一次怎么申请"
    # 身分证 is the lexicon's other spelling of 身份证: the sound they share is no doubt
    assert for_matching("我的shenfenzheng快到期了", repair) == "我的身份证快到期了"
    assert for_matching("老板不给钱", repair) == "老板不给钱"


_SERVICES = ["居民用水报装", "居民用电报装", "燃气开户", "企业设立登记", "企业注销登记", "个体工商户注销登记"]


def test_a_follow_up_naming_another_thing_means_its_service_with_the_same_action():
    from bot.resolver import sibling

    assert sibling(_SERVICES, "居民用水报装", "那电呢") == "居民用电报装"
    assert sibling(_SERVICES, "居民用水报装", "电呢,报装要多久") == "居民用电报装"
    assert sibling(_SERVICES, "个体工商户注销登记", "那公司呢") == "企业注销登记"


def test_no_other_service_for_the_same_thing_another_action_or_no_follow_up():
    from bot.resolver import sibling

    assert sibling(_SERVICES, "居民用水报装", "那水表呢") is None  # the same thing again
    assert sibling(_SERVICES, "居民用水报装", "燃气呢") is None  # 燃气 has 开户, not 报装: the resolver decides
    assert sibling(_SERVICES, "个体工商户注销登记", "公司怎么注册") is None  # a question of its own


def test_a_plan_question_naming_a_service_thing_stays_about_the_plan():
    from bot.resolver import toward_named

    titles = {**_TITLES, "service:remote": "异地就医备案", "plan:agents": "智能民生治理工程"}
    best = {"plan:agents": 0.3, "service:remote": 0.05, "service:id-renew": 0.02}
    assert toward_named(best, 0.4, "方案里说要搞智能体,跟看病有关的有几个", titles) == (best, 0.4)


def test_a_number_inside_a_longer_one_names_nothing():
    from bot.resolver import objects as things

    assert "12345" not in things().named("我手机号13912345678,社保卡丢了")
    assert "12345" in things().named("打12345投诉")


def test_a_follow_up_matches_what_sets_a_name_apart_not_any_character():
    from bot.resolver import sibling

    names = ["居民身份证补领", "残疾人证换领补领", "结婚登记", "离婚登记", "婚姻登记记录证明", "补领婚姻登记证"]
    assert sibling(names, "居民身份证补领", "那人呢") is None
    assert sibling(names, "结婚登记", "那离婚呢") == "离婚登记"

"""Replies for the telephone: speakable, short, key fact first, service numbers read as digits."""

from __future__ import annotations

import re

from bot.channels import speech
from bot.channels.speech import MAX_CHARS, speakable

PLAN_REPLY = {
    "text": "到2028年，全市人工智能产业规模突破2000亿元。\n出处：长江日报2026年2月4日关于《武汉市数智经济发展行动方案(2026—2028年)》的报道，原文：“全市人工智能产业规模突破2000亿元”"
}
SERVICE_REPLY = {
    "text": "【居民身份证补领】身份证丢失或被盗后申请补领。\n· 带什么：户口簿；近期免冠照片\n· 在哪办：户籍所在地派出所\n"
    "· 网上办：详见 https://example.org/apply **鄂汇办App** 😀\n以上为示例信息，办理前请拨打12345或到窗口确认。",
    "buttons": [{"title": "需要带什么材料？", "payload": "/x"}, {"title": "在哪里办？", "payload": "/y"}],
}


def test_no_urls_markdown_or_emoji_and_short_replies():
    replies = speakable([PLAN_REPLY, SERVICE_REPLY])
    for reply in replies:
        assert len(reply["text"]) <= MAX_CHARS
        assert not re.search(r"https?://|\*\*|【|】|😀|·", reply["text"])
        assert reply["ssml"].startswith("<speak>") and reply["ssml"].endswith("</speak>")


def test_key_fact_first_and_hotline_read_as_digits():
    replies = speakable([PLAN_REPLY])
    assert replies[0]["text"].startswith("到2028年，全市人工智能产业规模突破2000亿元")
    service = speakable([SERVICE_REPLY])
    spoken = [r for r in service if "12345" in r["text"]]
    assert spoken and '<sub alias="幺二三四五">12345</sub>' in spoken[0]["ssml"]
    assert service[-1]["text"] == "您可以接着问：需要带什么材料、在哪里办。"


def test_ssml_is_escaped():
    reply = speakable([{"text": "<b>a & b</b> 打110"}])[0]
    assert (
        "<b>" not in reply["ssml"] and "a &amp; b" in reply["ssml"] and '<sub alias="幺幺零">110</sub>' in reply["ssml"]
    )


def test_masked_information_is_said_as_a_person_would():
    heard = speakable([{"text": "我听到的是：身份证4201**********5810，手机139****5678，我叫张*。"}])[0]
    assert "尾号5810" in heard["text"] and "尾号5678" in heard["text"] and "张某" in heard["text"]
    assert "42015810" not in heard["text"] and "*" not in heard["text"]
    assert '尾号<sub alias="五八幺零">5810</sub>' in heard["ssml"]


def test_every_number_the_emergency_rules_give_is_read_digit_by_digit():
    from bot.safety.emergency import DEFAULT_RULES, rules_for

    for rule in rules_for(str(DEFAULT_RULES)).emergencies:
        for number in rule.numbers:
            said = speakable([{"text": f"请马上拨打{number}。"}])[0]["ssml"]
            assert f'<sub alias="{number.translate(speech.DIGITS)}">{number}</sub>' in said, (rule.type, said)


def test_another_citys_hotline_number_from_settings_is_read_aloud_its_way(monkeypatch):
    monkeypatch.setenv("HOTLINE_NUMBER", "96310")
    said = speakable([{"text": "可以拨打96310咨询。"}])[0]["ssml"]
    assert '<sub alias="九六三幺零">96310</sub>' in said
    monkeypatch.setenv("HOTLINE_NUMBER_SPOKEN", "九六三一零")
    assert '<sub alias="九六三一零">96310</sub>' in speakable([{"text": "可以拨打96310咨询。"}])[0]["ssml"]


def test_a_question_back_is_one_spoken_question():
    from actions.replies import call_choice
    from bot.channels.hotline import _spoken_choice

    buttons = [{"title": "居民身份证补领"}, {"title": "居民身份证首次申领"}, {"title": "都不是"}]
    said = _spoken_choice({"text": "您是想问：", "buttons": buttons})
    assert said == {"text": "您是想问居民身份证的补领，还是首次申领？"}
    assert (
        call_choice(["新生儿出生登记", "户口迁入", "新生儿医保参保"])
        == "您是想问新生儿出生登记、户口迁入，还是新生儿医保参保？"
    )
    assert speakable([said])[0]["text"] == said["text"]
    # an answer is not a question back: its buttons stay the next questions it offers
    assert _spoken_choice({"text": "居民身份证补领的费用：20元。", "buttons": buttons})["text"].startswith(
        "居民身份证补领"
    )

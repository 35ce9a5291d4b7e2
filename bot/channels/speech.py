"""Turning chat replies into what a telephony gateway can speak.

No URLs, markdown or emoji; the key fact first; at most about 80 Chinese characters per reply;
service numbers read digit by digit in SSML (12345 as 幺二三四五, 110 as 幺幺零). The numbers are the
city's hotline from settings (HOTLINE_NUMBER, read as HOTLINE_NUMBER_SPOKEN when set) and the
numbers the emergency rules give (data/safety/emergency.yml): another city's are read the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable
from xml.sax.saxutils import escape

from bot import settings
from bot.safety.emergency import DEFAULT_RULES, rules_for

MAX_CHARS = 80
TAG = re.compile(r"<[^>]{0,200}>")
URL = re.compile(r"https?://\S+|www\.\S+")
MARKDOWN = re.compile(r"[*_`#>|~]+|\[([^\]]*)\]\([^)]*\)")
EMOJI = re.compile("[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe0f\U0001f900-\U0001f9ff\u200d]")
SOURCE_LINE = re.compile(r"^出处：.*$", re.M)
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
# masked personal information, said as a person would: "尾号5810", not "42015810"
MASKED_EMAIL = re.compile(r"[A-Za-z0-9]\*{3}@\S*")
MASKED_NUMBER = re.compile(r"[0-9A-Za-z]{0,4}\*{2,}([0-9]{1,4})(?![0-9])")
MASKED_NAME = re.compile(r"([\u4e00-\u9fff])\*{1,3}")
MASKED_REST = re.compile(r"\*{2,}")
TAIL = re.compile(r"尾号(\d{1,4})")
# on the telephone one is 幺, so that it is not heard as seven
DIGITS = str.maketrans("0123456789", "零幺二三四五六七八九")


@lru_cache(maxsize=8)
def spoken_numbers(hotline: str, hotline_spoken: str, rules: str = str(DEFAULT_RULES)) -> dict[str, str]:
    """Each service number a reply may give -> how it is read aloud."""
    numbers = {n: n.translate(DIGITS) for rule in rules_for(rules).emergencies for n in rule.numbers}
    if hotline:
        numbers[hotline] = hotline_spoken or hotline.translate(DIGITS)
    return numbers


def _numbers() -> dict[str, str]:
    return spoken_numbers(settings.get("HOTLINE_NUMBER"), settings.get("HOTLINE_NUMBER_SPOKEN"))


@lru_cache(maxsize=8)
def _number_pattern(numbers: tuple[str, ...]) -> re.Pattern:
    # longest first, so that 96333 is never read as a shorter number inside it
    return re.compile(r"(?<!\d)(" + "|".join(sorted(map(re.escape, numbers), key=len, reverse=True)) + r")(?!\d)")


def unmasked_for_the_ear(text: str) -> str:
    text = MASKED_EMAIL.sub(
        lambda m: "地址已隐去" if re.search(r"(邮箱|邮件|mail)\S{0,2}$", text[: m.start()]) else "邮箱地址", text
    )
    text = MASKED_NUMBER.sub(lambda m: f"尾号{m.group(1)}", text)
    text = MASKED_NAME.sub(lambda m: f"{m.group(1)}某", text)
    return MASKED_REST.sub("", text)


def plain(text: str) -> str:
    text = unmasked_for_the_ear(text)
    text = TAG.sub("", text)
    text = URL.sub("", text)
    text = MARKDOWN.sub(lambda m: m.group(1) or "", text)
    text = EMOJI.sub("", text)
    # a citation is for reading; on the phone the source is named in a few words
    text = SOURCE_LINE.sub("以上信息出自长江日报的报道。", text)
    text = text.replace("【", "").replace("】", "，").replace("·", "")
    text = re.sub(r"\s*\n\s*", "。", text.strip())
    text = re.sub(r"[。，]{2,}", "。", text)
    text = text.strip("。 ")
    return text + "。" if text and text[-1] not in "！？" else text


def chunks(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Sentences grouped into replies of at most `limit` characters (longer sentences are split)."""
    out: list[str] = []
    current = ""
    for sentence in filter(None, (s.strip() for s in SENTENCE_END.split(text))):
        while len(sentence) > limit:
            cut = max(sentence.rfind("，", 0, limit), sentence.rfind("、", 0, limit))
            cut = cut + 1 if cut > limit // 3 else limit
            if current:
                out.append(current)
                current = ""
            out.append(sentence[:cut])
            sentence = sentence[cut:]
        if len(current) + len(sentence) > limit:
            out.append(current)
            current = ""
        current += sentence
    if current:
        out.append(current)
    return out


def ssml(text: str) -> str:
    numbers = _numbers()

    def say(m: re.Match) -> str:
        return f'<sub alias="{numbers[m.group(1)]}">{m.group(1)}</sub>'

    def tail(m: re.Match) -> str:
        return f'尾号<sub alias="{m.group(1).translate(DIGITS)}">{m.group(1)}</sub>'

    spoken = _number_pattern(tuple(numbers)).sub(say, escape(text)) if numbers else escape(text)
    return "<speak>" + TAIL.sub(tail, spoken) + "</speak>"


def button_prompt(buttons: Iterable[dict[str, Any]]) -> str:
    titles = [b.get("title", "").strip("？?") for b in buttons if b.get("title")]
    titles = [t for t in titles if t not in ("都不是",)]
    return ("您可以接着问：" + "、".join(titles[:3]) + "。") if titles else ""


def speakable(messages: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    replies = []
    for message in messages:
        pieces = []
        if message.get("text"):
            pieces.append(plain(message["text"]))
        if message.get("buttons"):
            pieces.append(button_prompt(message["buttons"]))
        for piece in filter(None, pieces):
            for chunk in chunks(piece):
                replies.append({"text": chunk, "ssml": ssml(chunk)})
    return replies

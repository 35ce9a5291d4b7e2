"""Masking personal information before anything stores or logs it.

Residents write numbers in every form: with spaces, dashes or dots between groups, in full-width
digits, in Chinese numerals as speech recognition writes them (一三九…, 幺 for 1), glued to
letters. The text is first normalised (full-width letters and digits folded, runs of seven or more
Chinese digit characters read as digits); every run of digits with separators is then judged by
what it is, with libraries made for that: python-stdnum for resident ID numbers (18 digits; the
15-digit ID of before 1999 by its birth date), phonenumbers (libphonenumber) for mobiles and
landlines; any 16 to 19-digit run is masked as a bank card, Luhn-valid or not. Patterns cover what
no library knows: passports, licence plates, QQ and WeChat ids, e-mails (also with a full-width ＠,
spelled out with at/dot, or with a Chinese domain), house numbers below the road, and self-stated
names.

The masked form keeps what an agent needs to tell which one was meant: the region and the last 4
digits of an ID (4201**********5810), 139****5678, the area code of a landline, the district and
road of an address, the surname of a name. Every pattern has bounded repetition, and may start only
where its kind of text starts, so the cost grows with the length of the text and no faster.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

import phonenumbers
from stdnum.cn import ric

_FOLD = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９＠．－＋＿"}
_FOLD.update({ord(chr(c)): c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FOLD.update({ord(chr(c)): c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FOLD[0x3000] = 0x20  # ideographic space
_CN_DIGITS = str.maketrans("〇零一幺二两三四五六七八九", "0011223456789")
# as speech recognition writes a number read out in groups: 零二七 八七三五 六二一四
_CN_DIGIT_RUN = re.compile(r"[〇零一幺二两三四五六七八九](?: ?[〇零一幺二两三四五六七八九]){6,}")

# a run of digits with the separators people put between groups; starts where no digit is before it
_SEP = r"[ \-.·()（）]"
NUMBER = re.compile(r"(?<![0-9])(?:\+|[(（])?(?:\d" + _SEP + r"{0,2}){6,22}\d[Xx]?(?![0-9])")
_PHONE_WORDS = re.compile(r"(电话|座机|手机|号码|联系方式|联系我|拨打|打给|tel|Tel|TEL|致电|来电)[^0-9]{0,6}$")
# what follows a figure, not a phone number: 30000000元, 2024年, 50000000人
_FIGURE_AFTER = re.compile(r"^\s?(?:元|块|年|月|日|人|份|平|万|亿|千|百|个|次|件|户|%|％|米|公里|吨)")
# dates, date ranges and lists of years: 20240501-20240630, 2024.05.01-2024.06.30, 2020 2021 2022 2023
_DATE = r"(?:19|20)\d{2}(?:[./]?(?:0[1-9]|1[0-2])(?:[./]?(?:0[1-9]|[12]\d|3[01]))?)?"
DATES = re.compile(_DATE + r"(?:[ \-~]{1,3}" + _DATE + r")+")
_PHONE_WORDS_AFTER = re.compile(r"^[^0-9]{0,4}(电话|座机|手机|号码)")

# E + 8 digits, E + a letter + 7 digits (2019 on), G, D, S, P + 8; H / K for the mainland travel permits
# the letters in either case, and groups of digits spaced as they are read out
PASSPORT = re.compile(
    r"(?<![A-Za-z0-9])([Ee] ?[A-HJ-NP-Za-hj-np-z](?= ?(?:\d ?){6}\d(?![0-9]))|[EGDSPHKegdsphk](?= ?(?:\d ?){7}\d(?![0-9])))"
    r" ?((?:\d ?){6,7}\d)(?![0-9])"
)
PLATE = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])\s?([A-Za-z])\s?[·•.\-]?\s?"
    r"((?:[A-Za-z0-9] ?){4,5}[A-Za-z0-9])(?![A-Za-z0-9])"
)
QQ = re.compile(
    r"(?:QQ|qq|Qq|扣扣|企鹅|(?<![A-Za-z])Q(?=号))\s?(?:号码|号)?\s?(?:是|为|[:：])?\s?(\d(?: ?\d){4,11})(?![0-9])"
)
WECHAT = re.compile(
    r"(?:[微薇威]信|wechat|WeChat|Wechat|weixin|vx|VX|Vx|wx|WX|Wx|[Vv]信)\s?(?:号码|号|id|ID|搜)?\s?(?:是|为|[:：])?\s?"
    r"([A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])"
)
_LOCAL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}"
# spaces around @ and the dots, and # for @ as people write it to fool address harvesters
EMAIL = re.compile(_LOCAL + r" ?[@#] ?[A-Za-z0-9\u4e00-\u9fff-]{1,63}(?: ?\. ?[A-Za-z0-9\u4e00-\u9fff-]{1,63}){1,4}")
EMAIL_SPELLED = re.compile(
    _LOCAL + r"\s?(?:\(at\)|\[at\]| at |艾特|圈a)\s?[A-Za-z0-9-]{1,63}"
    r"(?:\s?(?:\.|\(dot\)|\[dot\]| dot |点)\s?(?:[A-Za-z]{2,10}|康姆|西恩)){1,3}"
)
_N = r"(?:\d{1,5}|[一二三四五六七八九十零〇]{1,4})"
_UNIT = r"(?:号楼|栋|幢|座|单元|门|楼|层|室|号|房)"
HOUSE = re.compile(
    r"(?<=[路街道巷里村园厦苑城湾府庭居舍区])\s?" + _N + r"\s?号(?:院|楼)?(?:\s?" + _N + r"\s?" + _UNIT + r"){0,5}"
    r"(?:(?<=[元层楼门栋幢座])\s?(?:\d{3,4}|[零一二三四五六七八九]{3,4})(?![0-9年月日元号]))?"
    r"|"
    + _N
    + r"\s?(?:栋|幢|号楼|门)\s?"
    + _N
    + r"\s?(?:单元|室|号|房)(?:\s?(?:\d{1,5}|[零〇一二三四五六七八九]{2,5})\s?(?:室|号)?)?"
    r"|(?<![0-9])(?:\d{3,5}|[零〇一二三四五六七八九]{3,4})\s?(?:室|房间)"
    r"|\b(?:[Rr]oom|[Rr]m|[Ff]lat|[Aa]pt|[Uu]nit|[Bb]uilding|[Bb]ldg)\.?\s?\d{1,5}\b"
    r"|(?<![0-9-])\d{1,3}-\d{1,2}-\d{3,4}(?![0-9-])(?=\s?室|\s?房|[，,。\s]|$)"
    r"|(?<=[栋幢单元])\s?\d{3,5}\s?室"
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# the longest name that ends where a name can end: 王小明 whole, not 王小 before 明
_GIVEN = r"(?:\s?[\u4e00-\u9fff]){1,2}"
_NAME_END = r"(?=[，,。.!！？?\s、]|$|想|要|在|住|是|今天|明天|昨天|的|电话|手机|身份证|啊|呀|哈|嘛|呢|吧|哦|喔)"
_SURNAME = r"(?:欧阳|司马|诸葛|上官|东方|[" + _SURNAMES + r"])"
# what people say before their own name; a name that is only a word (我叫了外卖, 我叫不醒他) does
# not start with a surname, and after 我是 the name must end the clause (我是外地人 stays)
NAME = re.compile(
    r"(?:我叫|俺叫|我的名字是|我的名字叫|名字叫|名叫|全名|本人姓名|本人|姓名|[Nn]ame|I am|I'm|[Mm]y name is"
    r"|(?:^|[，,\s])叫)\s?(?:是|为|[:：])?\s?("
    + _SURNAME
    + _GIVEN
    + r")"
    + _NAME_END
    + r"|我是\s?("
    + _SURNAME
    + r"[\u4e00-\u9fff]{1,2})(?=[，,。.!！？?\s]|$)"
)

MASK = "*"


def digits_folded(text: str) -> str:
    """Full-width letters and digits folded; Chinese digit runs as long as a phone number read as digits."""
    text = text.translate(_FOLD)
    return _CN_DIGIT_RUN.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def _keep(value: str, head: int, tail: int) -> str:
    chars = re.sub(r"[^0-9A-Za-z]", "", value)
    return chars[:head] + MASK * max(len(chars) - head - tail, 2) + chars[-tail:]


def _old_id(digits: str) -> bool:
    """A 15-digit resident ID (issued before 1999): region, then a birth date yymmdd."""
    try:
        date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    except ValueError:
        return False
    return digits[0] != "0"


def _phone(digits: str, before: str, after: str) -> str | None:
    national = digits[2:] if digits.startswith("86") and len(digits) in (12, 13) else digits
    try:
        parsed = phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(parsed)
    if phonenumbers.is_valid_number(parsed):
        if (
            kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
            and len(national) == 11
            and national.startswith("1")
        ):
            return _keep(national, 3, 4)
        area = 1 + phonenumbers.length_of_geographical_area_code(parsed)
        # a landline is an area code and 7 or 8 digits; 027-12345 is the city's hotline, not a home
        if national.startswith("0") and len(national) - area >= 7:
            return _keep(national, area, 2)
    if _FIGURE_AFTER.match(after):
        return None
    if len(national) == 11 and re.match(r"1[3-9]", national):
        return _keep(national, 3, 4)  # a mobile in a range not yet assigned, or with a typo: still someone's
    if (
        7 <= len(national) <= 8
        and national[0] in "23456789"
        and (_PHONE_WORDS.search(before) or _PHONE_WORDS_AFTER.search(after))
    ):
        return _keep(national, 0, 2)  # a local number named as a phone number, without its area code
    return None


def _mask_number(match: re.Match, text: str) -> str:
    raw = match.group(0)
    if DATES.fullmatch(raw.strip("(（ ")):
        return raw
    digits = re.sub(r"[^0-9Xx]", "", raw).upper()
    if len(digits) == 18 and digits[:17].isdigit():
        # an 18-digit run that fails the checksum may still be an ID with a typo: masked all the same
        return _keep(digits, 4, 4)
    if "X" in digits:
        return raw
    if len(digits) == 15 and _old_id(digits):
        return _keep(digits, 4, 4)
    if 16 <= len(digits) <= 19:
        return _keep(digits, 4, 4)  # a bank card, whether or not it passes Luhn
    before, after = text[max(0, match.start() - 12) : match.start()], text[match.end() : match.end() + 8]
    masked = _phone(digits, before, after)
    if not masked:
        # a landline with its extension (027 87291436-806, …转806): the number without the last group
        head, sep, extension = re.sub(r"\s?(?:转|ext\.?)\s?", "-", raw).rpartition("-")
        head_digits = re.sub(r"\D", "", head)
        if (
            sep
            and extension.isdigit()
            and len(extension) <= 5
            and head_digits.startswith("0")
            and 10 <= len(head_digits) <= 12
        ):
            number = _phone(head_digits, before, after)
            masked = number and number + "-" + extension
    return masked or raw


def valid_id_number(number: str) -> bool:
    return ric.is_valid(number)


def mask(text: str) -> str:
    """The text with every piece of personal information replaced by its masked form."""
    if not text:
        return text
    text = digits_folded(text)
    text = EMAIL.sub(lambda m: m.group(0)[:1] + MASK * 3 + "@" + re.split(r" ?[@#] ?", m.group(0), maxsplit=1)[1], text)
    text = EMAIL_SPELLED.sub(lambda m: m.group(0)[:1] + MASK * 3 + "@" + MASK * 3, text)
    text = QQ.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + _keep(m.group(1), 0, 2), text)
    text = WECHAT.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + m.group(1)[:1] + MASK * 3, text)
    text = PASSPORT.sub(lambda m: m.group(1) + _keep(m.group(2), 0, 2), text)
    text = PLATE.sub(lambda m: m.group(1) + m.group(2).upper() + _keep(m.group(3), 0, 1), text)
    text = NUMBER.sub(lambda m: _mask_number(m, text), text)
    text = HOUSE.sub(MASK * 3, text)
    return _mask_names(text)


def _mask_names(text: str) -> str:
    out, last = [], 0
    matches = list(NAME.finditer(text))
    for i, m in enumerate(matches):
        if m.start() < last:
            continue
        group = 1 if m.group(1) else 2
        name = re.sub(r"\s", "", m.group(group))
        if name[-1] in "人的":  # 我是武汉人: a description, not a name
            continue
        surname = 2 if name[:2] in ("欧阳", "司马", "诸葛", "上官", "东方") else 1
        given = set(name[surname:])
        out.append(text[last : m.start(group)] + name[:surname] + MASK * len(given))
        # the name's characters explained right after it (雪花的雪, 文化的文) give it away too
        next_name = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        tail = text[m.end(group) : min(m.end(group) + 24, next_name)]
        end = re.search(r"[。！？!?]", tail)
        explained = tail[: end.start()] if end else tail
        out.append("".join(MASK if c in given else c for c in explained))
        last = m.end(group) + len(explained)
    out.append(text[last:])
    return "".join(out)


def masked(text: str) -> bool:
    return mask(text) != text


def private_id(value: str, key: str) -> str:
    """An id that holds personal information (a phone number as sender or call id), as a keyed hash."""
    return "h-" + hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:24]

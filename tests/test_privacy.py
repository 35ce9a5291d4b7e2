"""Personal numbers are masked; everything else is left as the resident wrote it."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn as stdnum_luhn

from bot.privacy import digits_folded, mask, valid_id_number


def make_id(prefix17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return prefix17 + "10X98765432"[sum(int(d) * w for d, w in zip(prefix17, weights)) % 11]


def make_card(prefix: str) -> str:
    for last in "0123456789":
        if stdnum_luhn.is_valid(prefix + last):
            return prefix + last
    raise AssertionError


def test_id_number_with_checksum():
    number = make_id("42010619900101123")
    assert valid_id_number(number)
    masked = mask(f"我的身份证号是{number}，帮我查一下")
    assert number not in masked and f"{number[:4]}**********{number[-4:]}" in masked
    assert masked.startswith("我的身份证号是") and masked.endswith("，帮我查一下")


def test_phone_landline_card_email():
    card = make_card("622202123456789012")
    text = f"手机13812345678，座机027-85123456，卡{card}，邮箱zhang.san@163.com，还有＋86 139 1234 5678"
    masked = mask(text)
    for secret in ("13812345678", "85123456", card, "zhang.san", "13912345678"):
        assert secret not in masked.replace(" ", ""), secret
    assert "138****5678" in masked and "z***@163.com" in masked


def test_full_width_digits_are_caught():
    assert "13812345678" not in mask("电话１３８１２３４５６７８").translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    )


def test_ordinary_text_and_figures_are_untouched():
    for text in (
        "到2028年，全市人工智能产业规模突破2000亿元。",
        "打12345或者110",
        "每万人拥有5G基站数50个",
        "高性能算力总量突破15000P",
    ):
        assert mask(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_mask_never_fails_and_never_lengthens_digits(text):
    out = mask(text)
    assert isinstance(out, str)
    assert sum(c.isdigit() for c in out) <= sum(c.isdigit() for c in digits_folded(text))


def test_random_mobiles_never_survive():
    rng = random.Random(7)
    for _ in range(200):
        number = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        assert number not in mask(f"联系我{number}谢谢")


def test_every_name_in_a_message_is_masked_whole():
    assert mask("我叫王强，我叫李秀英") == "我叫王*，我叫李**"
    assert mask("姓名：王强，联系人姓名：李秀英") == "姓名：王*，联系人姓名：李**"
    assert mask("我叫王小明") == "我叫王**" and mask("我叫张伟想问社保") == "我叫张*想问社保"


def test_service_numbers_dates_and_figures_near_phone_words_stay():
    for text in (
        "拨打027-12345",
        "（027）12345",
        "2024.05.01-2024.06.30",
        "20240501-20240630",
        "2020 2021 2022 2023",
        "打算投资30000000元",
        "联系人数量超过 50000000",
    ):
        assert mask(text) == text, text
    assert mask("电话027-87654321") == "电话027******21"

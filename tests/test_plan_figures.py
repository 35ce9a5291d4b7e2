"""Every plan record quotes the article exactly, and every figure it uses is written there."""

from __future__ import annotations

import re

import pytest

from bot.records.loader import load_records
from tests.conftest import RECORDS_DIR

CN_DIGITS = "零一二三四五六七八九"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def chinese_numeral(n: int) -> set[str]:
    if 0 <= n < 10:
        return {CN_DIGITS[n], "两" if n == 2 else CN_DIGITS[n]}
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "" if tens == 1 else CN_DIGITS[tens]
        return {head + "十" + (CN_DIGITS[ones] if ones else "")}
    return set()


def written_forms(value: float) -> set[str]:
    forms = {str(value)}
    if float(value).is_integer():
        forms.add(str(int(value)))
        forms |= chinese_numeral(int(value))
    return forms


PLAN_ITEMS = load_records(RECORDS_DIR)["plan_items"]


@pytest.mark.parametrize("item", PLAN_ITEMS, ids=[i["id"] for i in PLAN_ITEMS])
def test_item_quotes_the_article(item, article_text):
    assert squash(item["source_passage"]) in squash(article_text), "source_passage is not an exact quotation"
    for figure in item["figures"]:
        assert figure["as_written"] in item["source_passage"]
        assert any(form in figure["as_written"] for form in written_forms(figure["value"])), (
            f"value {figure['value']} of {figure['metric']} is not what the article writes: {figure['as_written']}"
        )


def test_every_number_in_a_statement_is_in_the_article(article_text):
    """Statements are what residents hear: a number there that the article lacks is a typo."""
    numbers_in_article = set(re.findall(r"\d+(?:\.\d+)?", article_text))
    for item in PLAN_ITEMS:
        for number in re.findall(r"\d+(?:\.\d+)?", item["statement"]):
            assert number in numbers_in_article, f"{item['id']}: {number} does not occur in the article"


def test_headline_typo_is_not_used():
    assert not any("两千元" in i["statement"] or "超两千元" in i["statement"] for i in PLAN_ITEMS)


def test_ai_industry_target_matches_the_article(article_text):
    item = next(i for i in PLAN_ITEMS if i["id"] == "target-ai-industry-scale")
    figure = item["figures"][0]
    assert f"人工智能产业规模突破{figure['as_written']}" in squash(article_text)
    assert (figure["value"], figure["unit"], item["year"]) == (2000, "亿元", 2028)

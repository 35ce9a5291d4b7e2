"""The full-text search ranks the right record first for at least 90% of paraphrased questions."""

from __future__ import annotations

import yaml

from bot.records import queries
from bot.records.db import session
from bot.records.loader import load_records
from tests.conftest import RECORDS_DIR, ROOT

QUESTIONS = yaml.safe_load((ROOT / "tests" / "search_questions.yml").read_text(encoding="utf-8"))["questions"]


def test_question_list_is_meaningful():
    records = load_records(RECORDS_DIR)
    ids = (
        {("service", r["id"]) for r in records["services"]}
        | {("plan_item", r["id"]) for r in records["plan_items"]}
        | {("faq", r["id"]) for r in records["faq"]}
    )
    assert len(QUESTIONS) >= 100
    for q in QUESTIONS:
        assert (q["kind"], q["id"]) in ids, q
    aliases = {a for r in records["services"] for a in [r["name"], *r["aliases"]]}
    assert not [q["q"] for q in QUESTIONS if q["q"] in aliases], "questions must be paraphrases, not aliases"


def test_right_record_first_for_90_percent(built_database):
    with session(built_database) as s:
        right = sum(
            [(h.kind, h.record_id) for h in queries.search(s, q["q"], limit=1)] == [(q["kind"], q["id"])]
            for q in QUESTIONS
        )
    assert right / len(QUESTIONS) >= 0.90, f"{right}/{len(QUESTIONS)}"


def test_unrelated_question_finds_nothing_relevant(built_database):
    with session(built_database) as s:
        hits = queries.search(s, "今天晚上吃什么火锅比较好")
    assert all(h.coverage < 0.3 for h in hits)


def test_search_survives_generated_input(built_database):
    """Arbitrary Unicode, FTS5 and tsquery syntax, very long text: ranked hits or nothing, never an error."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    nasty = st.sampled_from(
        ['"', "'", "AND OR NOT", "NEAR(a b)", "*", "^", "a:b", "\\", "!", "&|", "(((", "身份證", "😀"]
    )

    with session(built_database) as s:

        @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(st.lists(st.one_of(st.text(max_size=40), nasty), max_size=6).map("".join))
        def run(query):
            hits = queries.search(s, query)
            assert all(0 <= h.coverage <= 1 for h in hits)

        run()

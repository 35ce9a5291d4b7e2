"""Personal information in the forms residents write it (tests/privacy_forms.yml, written by a helper
that never saw the masking code): masked in every form; look-alikes left exactly as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy import mask
from scripts.privacy_check import load, view

DATA = load(Path(__file__).parent / "privacy_forms.yml")


def test_the_list_is_large_and_varied():
    assert len(DATA["forms"]) >= 150 and len(DATA["lookalikes"]) >= 50
    kinds = {entry["kind"] for entry in DATA["forms"]}
    assert {
        "id",
        "mobile",
        "landline",
        "email",
        "card",
        "passport",
        "plate",
        "qq",
        "wechat",
        "address",
        "name",
    } <= kinds


@pytest.mark.parametrize("entry", DATA["forms"], ids=lambda e: e["text"][:30])
def test_every_form_is_masked(entry):
    masked = view(mask(entry["text"]))
    for secret in entry["secret"]:
        assert view(secret) not in masked, (entry["text"], mask(entry["text"]))


@pytest.mark.parametrize("entry", DATA["lookalikes"], ids=lambda e: e["text"][:30])
def test_every_lookalike_is_kept(entry):
    masked = mask(entry["text"])
    for kept in entry["keep"]:
        assert kept in masked, (entry["text"], masked)


def test_a_feedback_rows_time_and_hash_are_not_read_as_words():
    """A feedback row's time and hash hold digits such as 601 by chance: only its other columns are words."""
    from datetime import datetime, timezone

    from scripts.privacy_check import feedback_texts

    row = {
        "id": 375,
        "channel": "web",
        "kind": "rating",
        "value": 5,
        "conversation": "a601f375c0ffee12",
        "created_at": datetime(2026, 12, 3, 16, 6, 1, 601375, tzinfo=timezone.utc),
    }
    assert "601" not in view(feedback_texts(row)) and "375" not in view(feedback_texts(row))
    assert "601" in view(feedback_texts({**row, "comment": "中山路375号601"}))


def test_a_feedback_row_that_keeps_a_raw_sender_id_is_a_leak():
    from scripts.privacy_check import feedback_texts

    row = {"id": 1, "channel": "rest", "kind": "helpful", "value": 1, "conversation": "13912345678"}
    assert "13912345678" in feedback_texts(row)

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

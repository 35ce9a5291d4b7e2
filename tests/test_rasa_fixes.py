"""The fix to Rasa's action response check: the response is still validated in full."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot.channels  # noqa: F401  (applies the fix, as loading our channels does in the Rasa server)
from bot import rasa_fixes


def action():
    return RemoteAction("action_answer_plan", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_the_fix_is_applied_when_the_channels_load():
    assert RemoteAction._validate_action_result is rasa_fixes._validate_action_result


def test_valid_responses_pass():
    ok = {"events": [{"event": "slot", "name": "service", "value": "居民身份证补领"}], "responses": [{"text": "好的"}]}
    assert action()._validate_action_result(ok) is True


@pytest.mark.parametrize(
    "bad",
    [
        {"events": [{"event": "no_such_event"}], "responses": []},
        {"events": "not a list", "responses": []},
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_invalid_responses_are_refused_with_rasas_message(bad):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action()._validate_action_result(bad)

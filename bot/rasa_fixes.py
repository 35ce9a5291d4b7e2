"""A measured fix to Rasa 3.6, applied in the Rasa server when our channels load.

Rasa checks every action server response with `jsonschema.validate`, which first validates the
(large, constant) response schema itself against the JSON Schema metaschema on every call: 48 ms
of a 90 ms reply on this machine (cProfile over 80 replies, see docs/evaluation.md "Speed"). The response is
still validated in full here; only the check of the constant schema is done once.
"""

from __future__ import annotations

from typing import Any, Dict, Text

_validator = None


def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for

    global _validator
    if _validator is None:
        schema = self.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    try:
        _validator.validate(result)
        return True
    except ValidationError as e:  # the same message Rasa gives
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            "Action endpoint is valid. For more information about the format visit "
            "https://rasa.com/docs/rasa/custom-actions"
        )
        raise e


def apply() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result

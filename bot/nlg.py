"""The domain's responses with the city's service numbers filled in from settings.

A response in domain/*.yml names the hotline as `{hotline_number}`; Rasa's templated generator
fills it here from HOTLINE_NUMBER, as it fills slots. So another city changes one setting, not
the wording, and no resident-facing sentence carries a number typed into it (tests/test_wording.py).
Loaded by the Rasa server from endpoints.yml (`nlg: type: bot.nlg.SettingsResponseGenerator`).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot import settings


def service_numbers() -> dict[str, str]:
    """The placeholders a domain response may use, with their values now."""
    return {"hotline_number": settings.get("HOTLINE_NUMBER")}


class SettingsResponseGenerator(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    def _response_variables(self, filled_slots: Dict[Text, Any], kwargs: Dict[Text, Any]) -> Dict[Text, Any]:
        # a slot of the same name would not do: the numbers are the city's, not the conversation's
        return {**TemplatedNaturalLanguageGenerator._response_variables(filled_slots, kwargs), **service_numbers()}

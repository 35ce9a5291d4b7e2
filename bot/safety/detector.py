"""Emergencies decided from two opinions: the city's rules and the trained classifier.

The rules decide first: a match outside a supposition names the type ("着火了" → fire). Where no rule
matches, the classifier may still find an emergency when it is sure (`threshold`) and neither an
exclusion nor a supposition says the message is ordinary. Where a rule matches words that the
classifier finds almost certainly ordinary (below `veto`: "高层住户遇到火灾是往楼上跑还是往楼下跑"),
the rule is set aside, except for self-harm and for long messages, whose reading is diluted.
A confident self-harm reading wins over a medical rule when the message has self-harm words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.safety.classifier import EmergencyClassifier, Reading
from bot.safety.instructions import InstructionGuard
from bot.safety.emergency import Rules, detect, excluded, normalise, only_supposed, rule_for_type, without_figures

SELF_HARM = "self_harm"
_CJK = re.compile(r"[\u4e00-\u9fff]")
# beyond this many characters the classifier's reading of a whole message no longer vetoes a rule:
# one sentence about a fire inside a long message must still be heard
VETO_MAX_CHARS = 120
# a wound or "救命" may be self-inflicted (when the message has self-harm words: 割, 划, 药…); charcoal
# smoke or a crash read as self-harm is more often the classifier confusing the two, and the rule's
# number is then the right one
YIELDS_TO_SELF_HARM = {"medical", "unspecified"}


@dataclass(frozen=True)
class EmergencyDetector:
    rules: Rules
    classifier: Optional[EmergencyClassifier] = None
    threshold: float = 0.8
    veto: float = 0.2
    instructions: Optional[InstructionGuard] = None

    def kind(self, text: str) -> Optional[str]:
        """The emergency type a message reports, or None."""
        rule = detect(text, self.rules)
        if (rule is None and self.instructions is not None and not _CJK.search(text)
                and self.instructions.matches(text)):
            # an instruction in English or code reports nothing, and the classifier, which knows Chinese
            # only, would read an emergency into it; in Chinese its reading still counts
            return None
        plain = without_figures(text, self.rules)
        reading = self.classifier.read([plain])[0] if self.classifier is not None and plain else None
        if (rule is not None and reading is not None and rule.type != SELF_HARM
                and reading.probability < self.veto and len(normalise(text)) <= VETO_MAX_CHARS):
            rule = None
        found = self._classifier_kind(text, reading)
        if rule is None or (found == SELF_HARM and rule.type in YIELDS_TO_SELF_HARM and self._self_harm_words(text)):
            return found
        return rule.type

    def _self_harm_words(self, text: str) -> bool:
        rule = rule_for_type(SELF_HARM, self.rules)
        return rule is not None and rule.hints is not None and rule.hints.search(normalise(text)) is not None

    def _classifier_kind(self, text: str, reading: Optional[Reading]) -> Optional[str]:
        if reading is None or reading.probability < self.threshold or excluded(text, reading.kind, self.rules):
            return None
        if reading.kind != SELF_HARM and only_supposed(text, self.rules):
            return None
        return reading.kind

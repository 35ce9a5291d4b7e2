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
from bot.safety.emergency import (
    SELF_HARM,
    Rules,
    detect_all,
    excluded,
    joined_clauses,
    only_supposed,
    read,
    rule_for_type,
    without_figures,
)
from bot.safety.instructions import InstructionGuard

_CJK = re.compile(r"[\u4e00-\u9fff]")
# beyond this many characters the classifier's reading of a whole message no longer vetoes a rule:
# one sentence about a fire inside a long message must still be heard
VETO_MAX_CHARS = 120
# a wound or "救命" may be self-inflicted (when the message has self-harm words: 割, 划, 药…); charcoal
# smoke or a crash read as self-harm is more often the classifier confusing the two, and the rule's
# number is then the right one
YIELDS_TO_SELF_HARM = {"medical", "unspecified"}
# the rule type of a bare cry for help (救命, 快来人)
EXCLAMATION = "unspecified"
# what may stand beside a cry and still leave it alone: particles, "快", "我", "有人吗"
_CRY_LEFTOVER = re.compile(r"[啊呀哇呐啦吧嘛呢哦喔了的快来人我有吗谁帮帮忙]+")
CRY_ALONE_MAX = 2
# how sure the classifier must be that the rest of a crying message names a danger
CRY_DANGER = 0.5
# the classifier does not decide on fewer content characters than this: "那燃气呢" and "电梯呢" follow up
# on a service by its object; every emergency this short in the lists ("着火了！") is a rule's
CLASSIFIER_MIN_CHARS = 4
_NOT_CONTENT = re.compile(r"[\W_]|[那呢啊吧吗呀哦嗯了的]")


@dataclass(frozen=True)
class EmergencyDetector:
    rules: Rules
    classifier: Optional[EmergencyClassifier] = None
    threshold: float = 0.8
    veto: float = 0.2
    instructions: Optional[InstructionGuard] = None

    def kind(self, text: str) -> Optional[str]:
        """The emergency type a message reports first, or None."""
        found = self.kinds(text)
        return found[0] if found else None

    def kinds(self, text: str) -> tuple[str, ...]:
        """Every emergency type a message reports, the rules' first match first; () when none.

        The rules decide what comes first; the classifier decides alone only when no rule matches.
        """
        rules = list(detect_all(text, self.rules))
        if not rules and self.instructions is not None and not _CJK.search(text) and self.instructions.matches(text):
            # an instruction in English or code reports nothing, and the classifier, which knows Chinese
            # only, would read an emergency into it; in Chinese its reading still counts
            return ()
        plain = without_figures(text, self.rules)
        reading = self.classifier.read([plain])[0] if self.classifier is not None and plain else None
        if (
            rules
            and reading is not None
            and rules[0].type != SELF_HARM
            and reading.probability < self.veto
            and len(joined_clauses(text)) <= VETO_MAX_CHARS
        ):
            rules = []
        if rules and rules[0].type == EXCLAMATION and len(rules) == 1 and not self._danger_besides_cry(text):
            rules = []  # "救命啊，我的医保卡又刷不了": a cry in front of an ordinary matter
        found = self._classifier_kind(text, reading)
        if not rules:
            return (found,) if found and not (found == EXCLAMATION and not self._danger_besides_cry(text)) else ()
        if found == SELF_HARM and rules[0].type in YIELDS_TO_SELF_HARM and self._names(SELF_HARM, text):
            return (SELF_HARM, *(r.type for r in rules[1:] if r.type not in YIELDS_TO_SELF_HARM))
        kinds = tuple(r.type for r in rules)
        # a danger the classifier is sure of and no rule named is one more danger in the message (a car
        # trapped in an underpass is also a drowning), when the message has words of it: a lift stuck
        # between floors is no fire because lifts and fires share words. A cry adds nothing.
        if found and found not in kinds and found not in (SELF_HARM, EXCLAMATION) and self._names(found, text):
            kinds += (found,)
        return kinds

    def _danger_besides_cry(self, text: str) -> bool:
        """Whether a message that cries for help says anything else, and that something is a danger.

        A cry alone ("救命！！") is an emergency; with an ordinary matter beside it, it is a figure of
        speech unless the classifier reads a danger in what remains.
        """
        rule = rule_for_type(EXCLAMATION, self.rules)
        flat = "".join(read(text, self.rules))
        rest = rule.pattern.sub("", flat) if rule else flat
        rest = _CRY_LEFTOVER.sub("", rest)
        if len(rest) <= CRY_ALONE_MAX:
            return True
        if self.classifier is None:
            return True  # without a second opinion the cry is taken at its word
        reading = self.classifier.read([rest])[0]
        return reading.probability >= CRY_DANGER

    def _names(self, kind: str, text: str) -> bool:
        """Whether the message has words of this kind of danger (its rule's `hints`)."""
        rule = rule_for_type(kind, self.rules)
        return (
            rule is not None
            and rule.hints is not None
            and rule.hints.search("".join(read(text, self.rules))) is not None
        )

    def _classifier_kind(self, text: str, reading: Optional[Reading]) -> Optional[str]:
        if (
            reading is None
            or reading.kind is None
            or reading.probability < self.threshold
            or len(_NOT_CONTENT.sub("", text)) < CLASSIFIER_MIN_CHARS
            or excluded(text, reading.kind, self.rules)
        ):
            return None
        if not _CJK.search(text) and not self._names(reading.kind, text):
            return None  # it learnt from Chinese messages: in another language, only the rules' words count
        if reading.kind != SELF_HARM and only_supposed(text, self.rules):
            return None
        return reading.kind

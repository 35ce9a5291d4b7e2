"""Emergency detection from the city-editable rules in data/safety/emergency.yml."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Optional

import yaml

from bot import settings
from bot.records.text import simplified

DEFAULT_RULES = settings.ROOT / "data" / "safety" / "emergency.yml"


@dataclass(frozen=True)
class EmergencyRule:
    type: str
    faq: str
    number: str
    reply: str
    pattern: re.Pattern
    hints: Optional[re.Pattern] = None


@dataclass(frozen=True)
class Conditions:
    """Words that make a clause a supposition: `before` the danger (万一…) or `after` it (…的话),
    unless the message says the danger is `present`."""
    before: Optional[re.Pattern] = None
    after: Optional[re.Pattern] = None
    present: Optional[re.Pattern] = None  # "现在还在响": whatever the wording, it is happening


@dataclass(frozen=True)
class Rules:
    emergencies: tuple[EmergencyRule, ...]
    exclusions: dict[str, re.Pattern]  # by emergency type
    conditions: Conditions = Conditions()
    figures: Optional[re.Pattern] = None  # figures of speech, read as if they were not there


class RulesInvalid(ValueError):
    pass


def load_rules(path: Path | str = DEFAULT_RULES) -> Rules:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesInvalid(f"{path}: cannot read the emergency rules: {exc}") from exc
    rules = []
    for index, item in enumerate(data.get("emergencies") or [], start=1):
        missing = {"type", "faq", "number", "reply", "patterns"} - set(item or {})
        if missing:
            raise RulesInvalid(f"{path.name}: emergency #{index}: missing {', '.join(sorted(missing))}")
        where = f"emergency #{index} ({item['type']})"
        pattern = _alternatives(path, where, item["patterns"])
        hints = _alternatives(path, f"{where} hints", [item["hints"]] if item.get("hints") else None)
        rules.append(EmergencyRule(item["type"], item["faq"], str(item["number"]), item["reply"], pattern, hints))
    exclusions = _exclusions(path, data, [rule.type for rule in rules])
    conditions = data.get("conditions") or {}
    before = _alternatives(path, "conditions.before", conditions.get("before"))
    after = _alternatives(path, "conditions.after", conditions.get("after"))
    present = _alternatives(path, "conditions.present", conditions.get("present"))
    figures = _alternatives(path, "figures", data.get("figures"))
    return Rules(tuple(rules), exclusions, Conditions(before, after, present), figures)


def _exclusions(path: Path, data: dict, types: list[str]) -> dict[str, re.Pattern]:
    """Per type: `exclusions` for every type but self-harm, `self_harm_exclusions` for self-harm."""
    general = _alternatives(path, "exclusions", data.get("exclusions"))
    self_harm = _alternatives(path, "self_harm_exclusions", data.get("self_harm_exclusions"))
    by_type = {kind: (self_harm if kind == "self_harm" else general) for kind in types}
    return {kind: pattern for kind, pattern in by_type.items() if pattern is not None}


def _alternatives(path: Path, key: str, patterns: Optional[list]) -> Optional[re.Pattern]:
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise RulesInvalid(f"{path.name}: {key}: bad pattern: {exc}") from exc


@lru_cache(maxsize=4)
def rules_for(path: str) -> Rules:
    return load_rules(path)


_CLAUSE_BREAK = re.compile(r"[，。！？,.!?；;：:\n]+")
_FILLER = re.compile(r"[\s、~…]+")


@lru_cache(maxsize=256)
def clauses(text: str, figures: Optional[re.Pattern] = None) -> tuple[str, ...]:
    """The message's clauses, each without spaces or punctuation, in simplified characters; a figure
    of speech ("急死人了", "辣到冒烟") ends a clause and is left out."""
    # cached: the detector, its exclusions, suppositions and classifier all read the same message
    # the patterns are written in simplified characters, so a message in traditional ones is
    # converted first; spaces from speech recognition must not split a pattern
    parts = (_FILLER.sub("", part) for part in _CLAUSE_BREAK.split(simplified(text or "")))
    if figures is not None:
        parts = (piece for part in parts for piece in figures.sub("\n", part).split("\n"))
    return tuple(c for c in parts if c)


def normalise(text: str, figures: Optional[re.Pattern] = None) -> str:
    return "".join(clauses(text, figures))


def without_figures(text: str, rules: Rules) -> str:
    """The message as the classifier reads it: clauses kept apart, figures of speech left out."""
    return "，".join(clauses(text, rules.figures))


def _supposed(clause: str, start: int, end: int, conditions: Conditions) -> bool:
    """Whether the danger found at clause[start:end] is only supposed (万一着火了…, 着火的话…)."""
    # a marker inside the match counts as before it: "电池要是充电的时候起火" matches from 电池
    before = conditions.before and next((m for m in conditions.before.finditer(clause) if m.start() < end), None)
    after = conditions.after and next((m for m in conditions.after.finditer(clause, start)), None)
    return bool(before or after)


def _present(flat: str, conditions: Conditions) -> bool:
    return conditions.present is not None and conditions.present.search(flat) is not None


def detect(text: str, rules: Optional[Rules] = None) -> Optional[EmergencyRule]:
    """The emergency a message reports, or None (also when an exclusion says it is ordinary).

    A danger named only inside a supposition ("万一家里着火了怎么办") is a question about what to
    do, not a report; one named outside it ("煤气味好重，万一爆炸怎么办") still counts.
    """
    rules = rules or rules_for(str(DEFAULT_RULES))
    parts = clauses(text, rules.figures)
    flat = "".join(parts)
    if not flat:
        return None
    starts = [0, *accumulate(len(p) for p in parts)][:-1]
    present = _present(flat, rules.conditions)

    def reported(match: re.Match) -> bool:
        if present:
            return True
        index = bisect_right(starts, match.start()) - 1
        offset = starts[index]
        return not _supposed(parts[index], match.start() - offset, match.end() - offset, rules.conditions)

    for rule in rules.emergencies:
        # self-harm is never explained away by a supposition ("如果我死了…" is no hypothetical
        # question) and has its own, narrow exclusions: a caring reply and a person cost little
        if rule.type == "self_harm":
            if rule.pattern.search(flat):
                return None if excluded(text, rule.type, rules) else rule
            continue
        if any(reported(m) for m in rule.pattern.finditer(flat)):
            return None if excluded(text, rule.type, rules) else rule
    return None


def excluded(text: str, kind: str, rules: Optional[Rules] = None) -> bool:
    """Whether an exclusion says a message that names this kind of danger is ordinary."""
    rules = rules or rules_for(str(DEFAULT_RULES))
    pattern = rules.exclusions.get(kind)
    return pattern is not None and pattern.search(normalise(text, rules.figures)) is not None


def only_supposed(text: str, rules: Optional[Rules] = None) -> bool:
    """Whether the danger a message names comes first in a supposition: for the classifier's emergencies.

    The first clause that names a danger sets the frame ("万一在隧道里出了事故，应该待在车里还是下车").
    """
    rules = rules or rules_for(str(DEFAULT_RULES))
    if _present(normalise(text, rules.figures), rules.conditions):
        return False
    hints = [r.hints for r in rules.emergencies if r.hints is not None]
    first = next((c for c in clauses(text, rules.figures) if any(h.search(c) for h in hints)), None)
    return first is not None and _supposed(first, 0, len(first), rules.conditions)  # a marker anywhere in it


def rule_for_type(kind: str, rules: Optional[Rules] = None) -> Optional[EmergencyRule]:
    rules = rules or rules_for(str(DEFAULT_RULES))
    return next((r for r in rules.emergencies if r.type == kind), None)

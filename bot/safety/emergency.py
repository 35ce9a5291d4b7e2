"""Emergency detection from the city-editable rules in data/safety/emergency.yml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
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
class Rules:
    emergencies: tuple[EmergencyRule, ...]
    exclusion: Optional[re.Pattern]


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
        try:
            pattern = re.compile("|".join(f"(?:{p})" for p in item["patterns"]))
        except re.error as exc:
            raise RulesInvalid(f"{path.name}: emergency #{index} ({item['type']}): bad pattern: {exc}") from exc
        try:
            hints = re.compile(item["hints"]) if item.get("hints") else None
        except re.error as exc:
            raise RulesInvalid(f"{path.name}: emergency #{index} ({item['type']}): bad hints: {exc}") from exc
        rules.append(EmergencyRule(item["type"], item["faq"], str(item["number"]), item["reply"], pattern, hints))
    try:
        exclusions = data.get("exclusions") or []
        exclusion = re.compile("|".join(f"(?:{p})" for p in exclusions)) if exclusions else None
    except re.error as exc:
        raise RulesInvalid(f"{path.name}: exclusions: bad pattern: {exc}") from exc
    return Rules(tuple(rules), exclusion)


@lru_cache(maxsize=4)
def rules_for(path: str) -> Rules:
    return load_rules(path)


def normalise(text: str) -> str:
    # spaces and punctuation from speech recognition must not split a pattern; the patterns are
    # written in simplified characters, so a message in traditional ones is converted first
    return re.sub(r"[\s，。！？,.!?、~…]+", "", simplified(text or ""))


def detect(text: str, rules: Optional[Rules] = None) -> Optional[EmergencyRule]:
    """The emergency a message reports, or None (also when an exclusion says it is ordinary)."""
    rules = rules or rules_for(str(DEFAULT_RULES))
    flat = normalise(text)
    if not flat:
        return None
    for rule in rules.emergencies:
        if rule.pattern.search(flat):
            # self-harm is never explained away by an exclusion: a false alarm there costs little
            if rule.type != "self_harm" and rules.exclusion is not None and rules.exclusion.search(flat):
                return None
            return rule
    return None


def rule_for_type(kind: str, rules: Optional[Rules] = None) -> Optional[EmergencyRule]:
    rules = rules or rules_for(str(DEFAULT_RULES))
    return next((r for r in rules.emergencies if r.type == kind), None)


def likely_type(text: str, rules: Optional[Rules] = None) -> Optional[EmergencyRule]:
    """For an emergency the model found: the type whose hint words occur most (None if none do)."""
    rules = rules or rules_for(str(DEFAULT_RULES))
    flat = normalise(text)
    best, best_count = None, 0
    for rule in rules.emergencies:
        count = len(rule.hints.findall(flat)) if rule.hints is not None else 0
        if count > best_count:
            best, best_count = rule, count
    return best

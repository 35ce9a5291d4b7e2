"""Emergency detection from the city-editable rules in data/safety/emergency.yml."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Optional

import yaml

from bot import settings
from bot.records.text import simplified

DEFAULT_RULES = settings.ROOT / "data" / "safety" / "emergency.yml"
SELF_HARM = "self_harm"


@dataclass(frozen=True)
class EmergencyRule:
    type: str
    faq: str
    number: str
    reply: str
    pattern: re.Pattern
    hints: Optional[re.Pattern] = None
    also: str = ""  # one sentence for when this danger comes second in a message that names several
    # dangers that, beside this one, are only part of its story: a scammer's 车祸 or 被抓
    sets_aside: tuple[str, ...] = ()
    # the words that introduce that story ("说", "称"): a set-aside danger named with none of them just
    # before it ("被骗了钱，气得心脏病发了") is a danger of its own; without them, every one is story
    story: Optional[re.Pattern] = None

    @property
    def numbers(self) -> tuple[str, ...]:
        """The numbers the reply gives, in its order (96333 then 119 for a lift)."""
        return tuple(dict.fromkeys(_NUMBER.findall(self.reply)))


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
    urgency: tuple[str, ...] = ()  # the order in which several dangers are answered
    # the danger words a hurried message may write with other characters (电悌, 电体)
    repair: Optional["Spelling"] = None


_NUMBER = re.compile(r"(?<!\d)\d{3,5}(?!\d)")


@dataclass(frozen=True)
class Alarm:
    """What the resident is told: every danger named, the most urgent first."""

    kinds: tuple[str, ...]
    numbers: tuple[str, ...]
    text: str


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
        if pattern is None:
            raise RulesInvalid(f"{path.name}: {where}: patterns is empty")
        hints = _alternatives(path, f"{where} hints", [item["hints"]] if item.get("hints") else None)
        rules.append(
            EmergencyRule(
                item["type"],
                item["faq"],
                str(item["number"]),
                item["reply"],
                pattern,
                hints,
                str(item.get("also") or ""),
                tuple(item.get("sets_aside") or ()),
                _alternatives(path, f"{where} story", [item["story"]] if item.get("story") else None),
            )
        )
    exclusions = _exclusions(path, data, [rule.type for rule in rules])
    conditions = data.get("conditions") or {}
    before = _alternatives(path, "conditions.before", conditions.get("before"))
    after = _alternatives(path, "conditions.after", conditions.get("after"))
    present = _alternatives(path, "conditions.present", conditions.get("present"))
    figures = _alternatives(path, "figures", data.get("figures"))
    types = [rule.type for rule in rules]
    for rule in rules:
        if set(rule.sets_aside) - set(types):
            raise RulesInvalid(
                f"{path.name}: {rule.type}: sets_aside names no emergency type: "
                f"{', '.join(sorted(set(rule.sets_aside) - set(types)))}"
            )
    urgency = [str(kind) for kind in data.get("urgency") or []]
    unknown = sorted(set(urgency) - set(types))
    if unknown:
        raise RulesInvalid(f"{path.name}: urgency: no emergency of type {', '.join(unknown)}")
    # a type left out of `urgency` comes after those listed, in the file's order
    urgency += [kind for kind in types if kind not in urgency]
    repair = _spelling(path, data)
    return Rules(tuple(rules), exclusions, Conditions(before, after, present), figures, tuple(urgency), repair)


@dataclass(frozen=True)
class Spelling:
    """Danger words as a hurried message misspells them (`misspellings`: 电体 for 电梯)."""

    written: tuple[tuple[re.Pattern[str], str], ...] = ()

    def repair(self, text: str) -> str:
        for pattern, word in self.written:
            text = pattern.sub(word, text)
        return text


def _spelling(path: Path, data: dict[str, Any]) -> Optional[Spelling]:
    written = []
    for word, forms in (data.get("misspellings") or {}).items():
        pattern = _alternatives(
            path, f"misspellings.{word}", [str(f) for f in forms] if isinstance(forms, list) else [str(forms)]
        )
        if pattern is not None:
            written.append((pattern, str(word)))
    return Spelling(tuple(written)) if written else None


def _exclusions(path: Path, data: dict, types: list[str]) -> dict[str, re.Pattern]:
    """Per type: its own exclusions where it has them (`self_harm_exclusions`, `own_exclusions`), else
    the general `exclusions`."""
    general = _alternatives(path, "exclusions", data.get("exclusions"))
    own = dict(data.get("own_exclusions") or {})
    if data.get("self_harm_exclusions"):
        own[SELF_HARM] = data["self_harm_exclusions"]
    unknown = sorted(set(own) - set(types))
    if unknown:
        raise RulesInvalid(f"{path.name}: own_exclusions: no emergency of type {', '.join(unknown)}")
    by_type = {
        kind: (_alternatives(path, f"own_exclusions.{kind}", own[kind]) if kind in own else general) for kind in types
    }
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


# how far before a danger a story's word ("说") still makes the danger part of the story
STORY_REACH = 15
_CLAUSE_BREAK = re.compile(r"[，。！？,.!?；;：:\n]+")
_FILLER = re.compile(r"[\s、~…]+")


@lru_cache(maxsize=256)
def clauses(text: str, figures: Optional[re.Pattern] = None, repair: Optional[Spelling] = None) -> tuple[str, ...]:
    """The message's clauses, each without spaces or punctuation, in simplified characters, danger
    words written by sound repaired; a figure of speech ("急死人了", "辣到冒烟") ends a clause and is
    left out."""
    # cached: the detector, its exclusions, suppositions and classifier all read the same message
    # the patterns are written in simplified characters, so a message in traditional ones is
    # converted first; spaces from speech recognition must not split a pattern
    parts = (_FILLER.sub("", part) for part in _CLAUSE_BREAK.split(simplified(text or "")))
    if repair is not None:
        parts = (repair.repair(part) for part in parts)
    if figures is not None:
        parts = (piece for part in parts for piece in figures.sub("\n", part).split("\n"))
    return tuple(c for c in parts if c)


def joined_clauses(text: str, figures: Optional[re.Pattern] = None, repair: Optional[Spelling] = None) -> str:
    return "".join(clauses(text, figures, repair))


def read(text: str, rules: Rules) -> tuple[str, ...]:
    """The message's clauses as every rule reads them: figures of speech out, danger words repaired."""
    return clauses(text, rules.figures, rules.repair)


def without_figures(text: str, rules: Rules) -> str:
    """The message as the classifier reads it: clauses kept apart, figures of speech left out."""
    return "，".join(read(text, rules))


def _supposed(clause: str, start: int, end: int, conditions: Conditions) -> bool:
    """Whether the danger found at clause[start:end] is only supposed (万一着火了…, 着火的话…)."""
    # a marker inside the match counts as before it: "电池要是充电的时候起火" matches from 电池
    before = conditions.before and next((m for m in conditions.before.finditer(clause) if m.start() < end), None)
    after = conditions.after and next((m for m in conditions.after.finditer(clause, start)), None)
    return bool(before or after)


def _present(flat: str, conditions: Conditions) -> bool:
    return conditions.present is not None and conditions.present.search(flat) is not None


def detect(text: str, rules: Optional[Rules] = None) -> Optional[EmergencyRule]:
    """The emergency a message reports first in the rules' order, or None (see detect_all)."""
    found = detect_all(text, rules)
    return found[0] if found else None


def detect_all(text: str, rules: Optional[Rules] = None) -> tuple[EmergencyRule, ...]:
    """Every emergency a message reports, in the rules' order; none when an exclusion says it is ordinary.

    A danger named only inside a supposition ("万一家里着火了怎么办") is a question about what to
    do, not a report; one named outside it ("煤气味好重，万一爆炸怎么办") still counts.
    """
    rules = rules or rules_for(str(DEFAULT_RULES))
    parts = read(text, rules)
    flat = "".join(parts)
    if not flat:
        return ()
    starts = [0, *accumulate(len(p) for p in parts)][:-1]
    present = _present(flat, rules.conditions)

    def reported(match: re.Match) -> bool:
        if present:
            return True
        index = bisect_right(starts, match.start()) - 1
        offset = starts[index]
        return not _supposed(parts[index], match.start() - offset, match.end() - offset, rules.conditions)

    found, matches = [], {}
    for rule in rules.emergencies:
        # self-harm is never explained away by a supposition ("如果我死了…" is no hypothetical
        # question) and has its own, narrow exclusions: a caring reply and a person cost little
        if rule.type == SELF_HARM:
            if rule.pattern.search(flat) and not excluded(text, rule.type, rules):
                found.append(rule)
        else:
            matches[rule.type] = [m for m in rule.pattern.finditer(flat) if reported(m)]
            if matches[rule.type] and not excluded(text, rule.type, rules):
                found.append(rule)

    def _in_story(story: re.Pattern[str], match: re.Match[str]) -> bool:
        # the story's words must come shortly before the danger and in its own clause: "骗子说让我转钱，
        # 我刚转完我爸就晕倒了" is a fainting of its own
        clause_start = starts[bisect_right(starts, match.start()) - 1]
        return story.search(flat, max(clause_start, match.start() - STORY_REACH), match.start()) is not None

    def told_as_story(kind: str) -> bool:
        for teller in found:
            if kind not in teller.sets_aside:
                continue
            if teller.story is None or all(_in_story(teller.story, m) for m in matches.get(kind, ())):
                return True
        return False

    return tuple(rule for rule in found if not told_as_story(rule.type))


def alarm(kinds: list[str] | tuple[str, ...], rules: Optional[Rules] = None) -> Optional[Alarm]:
    """The reply to a message that names these dangers: the most urgent one's whole advice first, then
    one sentence for each other danger whose number has not been given yet."""
    rules = rules or rules_for(str(DEFAULT_RULES))
    by_type = {rule.type: rule for rule in rules.emergencies}
    ordered = sorted(dict.fromkeys(k for k in kinds if k in by_type), key=rules.urgency.index)
    if not ordered:
        return None
    first = by_type[ordered[0]]
    sentences, numbers, told = [first.reply], list(first.numbers), [first.type]
    for kind in ordered[1:]:
        rule = by_type[kind]
        new = [n for n in rule.numbers if n not in numbers]
        if not new:
            continue  # "有人受伤请同时拨打120" is in the crash advice already
        sentences.append(rule.also or rule.reply)
        numbers += new
        told.append(kind)
    return Alarm(tuple(told), tuple(numbers), "".join(sentences))


def excluded(text: str, kind: str, rules: Optional[Rules] = None) -> bool:
    """Whether an exclusion says a message that names this kind of danger is ordinary."""
    rules = rules or rules_for(str(DEFAULT_RULES))
    pattern = rules.exclusions.get(kind)
    return pattern is not None and pattern.search("".join(read(text, rules))) is not None


def only_supposed(text: str, rules: Optional[Rules] = None) -> bool:
    """Whether the danger a message names comes first in a supposition: for the classifier's emergencies.

    The first clause that names a danger sets the frame ("万一在隧道里出了事故，应该待在车里还是下车").
    """
    rules = rules or rules_for(str(DEFAULT_RULES))
    if _present("".join(read(text, rules)), rules.conditions):
        return False
    hints = [r.hints for r in rules.emergencies if r.hints is not None]
    first = next((c for c in read(text, rules) if any(h.search(c) for h in hints)), None)
    return first is not None and _supposed(first, 0, len(first), rules.conditions)  # a marker anywhere in it


def rule_for_type(kind: str, rules: Optional[Rules] = None) -> Optional[EmergencyRule]:
    rules = rules or rules_for(str(DEFAULT_RULES))
    return next((r for r in rules.emergencies if r.type == kind), None)

"""The resolver: a resident's message (and the conversation so far) → the record meant, the detail
asked and how sure that is. Plain Python and scikit-learn: no Rasa import, so the NLU component, the
actions and the evaluation scripts share it.

The record model is a character n-gram and word TF-IDF logistic regression over every record's own
texts (bot/resolver/examples.py) and the NLU examples that name a record; messages are read through
bot/normalise.py, with typos repaired towards the records' vocabulary. The detail asked comes from
data/lexicon/aspects.yml.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np
import yaml

from bot import normalise, settings
from bot.intents import ASK_SERVICE
from bot.resolver.examples import NONE, situations

ASPECTS = settings.ROOT / "data" / "lexicon" / "aspects.yml"
ADVICE = settings.ROOT / "data" / "lexicon" / "advice.yml"
OBJECTS = settings.ROOT / "data" / "lexicon" / "objects.yml"
# how much of its likelihood a service keeps when the message names things, none of them its own,
# and how much of the doubt that any record is meant is kept when a message names one
AWAY = 0.1
NAMED_NONE = 0.5
POSSIBLE = 0.0  # floors of 0.001 and 0.002 lost 5 and 6 dev cases
OVERVIEW = "overview"  # the aspect of how to do it at all: no one detail
# the entities that name a record, and the parse-data key of the records that could be meant (filled by
# bot/nlp/resolver.py, read by the actions to ask back)
PLAN_ENTITIES = frozenset({"plan_item", "metric", "plan_project", "document"})
RECORD_ENTITIES = frozenset({"service"}) | PLAN_ENTITIES
CANDIDATES = "record_candidates"


@dataclass(frozen=True)
class Candidate:
    label: str
    probability: float

    @property
    def kind(self) -> str:
        return self.label.split(":", 1)[0]

    @property
    def record_id(self) -> str:
        return self.label.split(":", 1)[1] if ":" in self.label else ""


@dataclass(frozen=True)
class Resolution:
    candidates: tuple[Candidate, ...]  # records only, most likely first
    none: float  # how likely the message names no record at all
    aspect: Optional[str]
    aspect_intent: Optional[str]
    text: str = ""  # the message as the matchers read it

    @property
    def top(self) -> Optional[Candidate]:
        return self.candidates[0] if self.candidates else None

    def confident(
        self, threshold: float, none_max: float, lead_floor: float = 1.0, lead: float = 0.0
    ) -> Optional[Candidate]:
        """The top record when `none` (no record meant) is below `none_max` and the record is at least
        `threshold` likely, or at least `lead_floor` likely and `lead` times the next one. Over some
        170 records the probability is spread thin: a clear lead counts as much as a high figure."""
        top = self.top
        if top is None or self.none >= none_max:
            return None
        second = self.candidates[1].probability if len(self.candidates) > 1 else 0.0
        if top.probability >= threshold or (top.probability >= lead_floor and top.probability >= lead * second):
            return top
        return None


@dataclass(frozen=True)
class Aspects:
    intents: dict[str, str]
    patterns: dict[str, re.Pattern]

    def find(self, text: str) -> Optional[str]:
        """The aspect whose words come last in the message (the question usually ends a sentence);
        `overview` only from a clause after every other aspect's words."""
        best, position = None, -1
        for aspect, pattern in self.patterns.items():
            if aspect == OVERVIEW:
                continue
            for match in pattern.finditer(text):
                if match.start() > position:
                    best, position = aspect, match.start()
        how = self.patterns.get(OVERVIEW)
        last = max((m.start() for m in how.finditer(text)), default=-1) if how else -1
        if last > position and (best is None or _CLAUSES.search(text, position, last)):
            return OVERVIEW
        return best


def load_aspects(path: Path = ASPECTS) -> Aspects:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    intents, patterns = {}, {}
    for aspect, entry in (data.get("aspects") or {}).items():
        try:
            if not isinstance(entry["patterns"], list) or not entry["patterns"]:
                raise TypeError("patterns must be a list of regular expressions")
            patterns[aspect] = re.compile("|".join(f"(?:{p})" for p in entry["patterns"]))
        except (re.error, KeyError, TypeError) as exc:
            raise ValueError(f"{Path(path).name}: aspect {aspect}: {exc}") from exc
        intents[aspect] = str(entry.get("intent") or ASK_SERVICE)
    return Aspects(intents, patterns)


@lru_cache(maxsize=1)
def aspects() -> Aspects:
    return load_aspects()


def load_advice(path: Path = ADVICE) -> re.Pattern:
    """One pattern of every word that makes a question one for a doctor, a lawyer or an adviser."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    parts = []
    for field_, patterns in (data.get("advice") or {}).items():
        if not isinstance(patterns, list) or not patterns:
            raise ValueError(f"{Path(path).name}: {field_}: patterns must be a list of regular expressions")
        for pattern in patterns:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                raise ValueError(f"{Path(path).name}: {field_}: {pattern!r}: {exc}") from exc
            parts.append(f"(?:{pattern})")
    if not parts:
        raise ValueError(f"{Path(path).name}: no advice patterns")
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def advice() -> re.Pattern:
    return load_advice()


@dataclass(frozen=True)
class Objects:
    """What services are about (data/lexicon/objects.yml): a piece of service names → its words."""

    words: dict[str, tuple[str, ...]]

    def about(self, title: str) -> frozenset[str]:
        return frozenset(key for key in self.words if key in title)

    def named(self, read: str) -> dict[str, frozenset[tuple[int, int]]]:
        """The things a message names, each with where its words stand; a word inside a longer one
        found (社保 in 社保卡) names nothing."""
        spans = [
            (m.start(), m.start() + len(word), key)
            for key, words in self.words.items()
            for word in words
            for m in re.finditer(_whole(word), read)
        ]
        found: dict[str, set[tuple[int, int]]] = {}
        for start, end, key in spans:
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans):
                found.setdefault(key, set()).add((start, end))
        return {key: frozenset(places) for key, places in found.items()}


def _whole(word: str) -> str:
    """A word as a pattern; a number only where no digit stands beside it (12345, not 13912345678)."""
    return rf"(?<!\d){re.escape(word)}(?!\d)" if word[:1].isdigit() or word[-1:].isdigit() else re.escape(word)


def mentions(places: Iterable[tuple[int, int]]) -> int:
    """How many separate mentions the words at these places make: 新房子 (新房, 房子) is one."""
    count, reach = 0, -1
    for start, end in sorted(places):
        if start >= reach:
            count += 1
        reach = max(reach, end)
    return count


def load_objects(path: Path = OBJECTS) -> Objects:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    words: dict[str, tuple[str, ...]] = {}
    for key, entry in (data.get("objects") or {}).items():
        if not isinstance(entry, list) or not entry or not all(str(w).strip() for w in entry):
            raise ValueError(f"{Path(path).name}: {key}: words must be a list of words")
        # read as messages are, so that a word written 医保卡 meets a message's 社保卡
        words[str(key)] = tuple(dict.fromkeys(normalise.for_matching(str(w)) for w in entry))
    return Objects(words)


@lru_cache(maxsize=1)
def objects() -> Objects:
    return load_objects()


def toward_named(
    best: dict[str, float], none: float, read: str, titles: dict[str, str]
) -> tuple[dict[str, float], float]:
    """The likelihood of services about none of the things the message names, and a share of the
    doubt that any record is meant, moved to the services it names most (in proportion): a named
    object outweighs a phrasing that fits another service (护照快到期了 → 护照), and a message that
    names one is likely about it (违章…在哪里查). Services named by fewer of its words keep theirs."""
    found = objects()
    named = found.named(read)
    top = max(best, key=best.__getitem__, default="")
    if not named or top.startswith("plan:"):
        return best, none  # a question about the plan that names 看病 is still about the plan
    about = {label: found.about(titles.get(label, "")) for label in best if label.startswith("service:")}
    strength = {
        label: mentions(place for k in keys if k in named for place in named[k]) for label, keys in about.items()
    }
    most = max(strength.values(), default=0)
    toward = [label for label, n in strength.items() if n == most and n > 0]
    away = [label for label, keys in about.items() if keys and strength[label] == 0]
    total = sum(best[label] for label in toward)
    if total <= 0:
        return best, none
    # POSSIBLE is how likely the model must already find the named services for the doubt to move;
    # a floor would keep 看病挂号怎么挂 from 异地就医备案, but cost more right answers on dev than it saved
    share = none * (1 - NAMED_NONE) if total >= POSSIBLE else 0.0
    moved = sum(best[label] for label in away) * (1 - AWAY) + share
    out = dict(best)
    for label in away:
        out[label] = best[label] * AWAY
    for label in toward:
        out[label] = best[label] + moved * best[label] / total
    return out, none - share


# what makes a short message a follow-up ("那电呢", "文旅体育呢"), and the words around the thing it asks
# about, taken off to leave that thing ("那教育方面的呢" → 教育)
FOLLOW_UP_FORM = re.compile(r"^(那么|那|还有)|呢([?？]*$|[,，])")
_AROUND = re.compile(r"^(那么|那|还有|再问一下)|(这一块|这块|方面|领域|板块)?(的)?(呢|嘞|咧|勒)?[?？。!！]*$")


def asked_about(read: str) -> str:
    """The thing a follow-up asks about: what stands before its 呢 ("电呢，报装要多久" → 电)."""
    head = re.split(r"呢[,，]", read, maxsplit=1)[0]
    return _AROUND.sub("", _AROUND.sub("", head))


def sibling(names: Iterable[str], current: str, read: str) -> Optional[str]:
    """The service a short follow-up means when it names another thing with the same action: "那电呢"
    after 居民用水报装 is 居民用电报装, "那公司呢" after 个体工商户注销登记 is 企业注销登记. None when
    no one service fits."""
    actions = [a for a in sorted(situations(), key=len, reverse=True) if a in current]
    if not actions or not FOLLOW_UP_FORM.search(read):
        return None
    action, thing = actions[0], asked_about(read)
    found = objects()
    named = set(found.named(read))
    if found.about(current) & named:
        return None  # the same thing again: no other service meant
    others = [name for name in names if name != current and action in name]

    def differs(name: str) -> str:
        # what sets this service's name apart from the current one: 电 of 居民用电报装 beside 居民用水报装
        rest, mine = name.replace(action, ""), current.replace(action, "")
        shared = len(os.path.commonprefix([rest, mine]))
        return rest[shared:]

    by_thing = [n for n in others if thing and (thing == differs(n) or (len(thing) >= 2 and thing in differs(n)))]
    fits = by_thing or [n for n in others if found.about(n) & named]
    return fits[0] if len(fits) == 1 else None


def _words(text: str) -> list[str]:
    return [w for w in normalise.default_words().lcut(text) if w.strip()]


@dataclass
class RecordModel:
    """Text → record label, with probabilities over every record and `none`."""

    C: float = 20.0
    pipeline: Any = None
    repair: Optional[normalise.TypoRepair] = None
    vocabulary: list[str] = field(default_factory=list)

    def read(self, text: str) -> str:
        return normalise.for_matching(text, self.repair)

    def fit(self, examples: Sequence[tuple[str, str]], vocabulary: Iterable[str] = ()) -> "RecordModel":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        self.vocabulary = sorted(set(vocabulary))
        self.repair = normalise.TypoRepair(self.vocabulary) if self.vocabulary else None
        texts = [self.read(t) for t, _ in examples]
        labels = [lab for _, lab in examples]
        features = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1)),
                ("words", TfidfVectorizer(analyzer=_words, sublinear_tf=True)),
            ]
        )
        self.pipeline = Pipeline(
            [("features", features), ("model", LogisticRegression(C=self.C, max_iter=3000, random_state=2026))]
        )
        self.pipeline.fit(texts, labels)
        return self

    def candidates(self, text: str, limit: int = 5) -> tuple[tuple[Candidate, ...], str]:
        read = self.read(text)
        if not read.strip() or self.pipeline is None:
            return (), read
        probabilities = self.pipeline.predict_proba([read])[0]
        classes = self.pipeline.classes_
        order = np.argsort(probabilities)[::-1][:limit]
        return tuple(Candidate(str(classes[i]), float(probabilities[i])) for i in order), read


# a long message (a voice run-on, a story before the question) is also read piece by piece: the
# record named in one clause must not drown in the rest
LONG = 24
WINDOW, STRIDE = 16, 8
_CLAUSES = re.compile(r"[,.!?;:，。！？；：、\s]+")


def pieces(read: str) -> list[str]:
    """Clauses of a long message, and windows of the clauses still too long to be one question."""
    found = []
    for clause in (c for c in _CLAUSES.split(read) if c):
        if len(clause) <= LONG:
            found.append(clause)
        else:
            found += [clause[i : i + WINDOW] for i in range(0, len(clause) - WINDOW + STRIDE, STRIDE)]
    return [p for p in found if len(p) >= 4]


def resolve(model: RecordModel, text: str, limit: int = 5, titles: Optional[dict[str, str]] = None) -> Resolution:
    """`titles` (label → record name) lets the things a message names weigh in (toward_named)."""
    candidates, read = model.candidates(text, 10**6 if titles else limit + 1)
    found = aspects()
    aspect = found.find(read)
    none = next((c.probability for c in candidates if c.label == NONE), 0.0)
    best = {c.label: c.probability for c in candidates if c.label != NONE}
    if len(read) > LONG and model.pipeline is not None:
        parts = pieces(read)
        if len(parts) > 1:
            table = model.pipeline.predict_proba(parts)
            for probabilities in table:
                for i in np.argsort(probabilities)[::-1][:limit]:
                    label = str(model.pipeline.classes_[i])
                    if label != NONE:
                        best[label] = max(best.get(label, 0.0), float(probabilities[i]))
            # the whole message's doubt counts only as much as its least doubtful piece's
            if NONE in model.pipeline.classes_:
                none = min(none, float(table[:, list(model.pipeline.classes_).index(NONE)].min()))
    if titles:
        best, none = toward_named(best, none, read, titles)
    records = tuple(Candidate(label, p) for label, p in sorted(best.items(), key=lambda kv: -kv[1]))[:limit]
    return Resolution(records, none, aspect, found.intents.get(aspect) if aspect else None, read)

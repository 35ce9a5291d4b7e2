"""Training texts for the text → record model, from the records themselves and the shared lexicons.

Every record speaks for itself: a service by its name, aliases and description, and by its object said
with each everyday phrasing of its action (data/lexicon/situations.yml); a plan item by its title,
aliases, statement and each figure, asked forwards ("…是多少") and backwards ("320架是指什么");
an FAQ entry by its question and aliases. NLU examples add how residents asked in the training data.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from bot import normalise, settings

SITUATIONS = settings.ROOT / "data" / "lexicon" / "situations.yml"
NONE = "none"
# prefixes that residents leave out: 居民身份证 → 身份证, 机动车驾驶证 → 驾驶证
_SHORTER = ("居民", "机动车", "住房", "普通", "往来", "中华人民共和国")
# the action words of a service one gets for the first time, which the object alone names
FIRST_TIME = {"首次申领", "申领", "新办", "签发", "设立登记", "报装", "开户"}
_SERVICE_TEMPLATES = ("{}", "{}怎么办", "{}要怎么弄", "我想{}", "{}去哪里办", "{}要带什么", "{}多少钱", "{}要多久")
_FIGURE_FORWARD = ("{metric}是多少", "{metric}的目标", "{metric}要达到多少", "到{year}年{metric}多少")
_FIGURE_BACKWARD = ("{as_written}是指什么", "{as_written}说的是什么", "{as_written}是什么意思")


def label(kind: str, record_id: str) -> str:
    return f"{kind}:{record_id}"


@lru_cache(maxsize=1)
def situations() -> dict[str, list[str]]:
    """data/lexicon/situations.yml, read once: the actions read it on every question back."""
    return load_situations()


def load_situations(path: Path = SITUATIONS) -> dict[str, list[str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(k): [str(p) for p in v or []] for k, v in (data.get("situations") or {}).items()}


def objects(name: str, action: str) -> list[str]:
    obj = name.replace(action, "") if action else name
    found = [obj] if obj else []
    for prefix in _SHORTER:
        if obj.startswith(prefix) and len(obj) > len(prefix) + 1:
            found.append(obj[len(prefix) :])
    return found


def service_texts(service: dict[str, Any], situations: dict[str, list[str]], rng: random.Random) -> list[str]:
    name = service["name"]
    texts = [name, *(service.get("aliases") or []), service.get("description") or ""]
    texts += [f"{service.get('category', '')}{name}"]
    texts += [t.format(name) for t in _SERVICE_TEMPLATES]
    for alias in service.get("aliases") or []:
        texts.append(rng.choice(_SERVICE_TEMPLATES).format(alias))
    actions = [a for a in sorted(situations, key=len, reverse=True) if a in name]
    for action in actions[:1] or [""]:
        if action in FIRST_TIME or name.endswith("办理"):
            # the object said alone ("想办个居住证") means getting it, not replacing or extending it
            for obj in objects(name.removesuffix("办理"), action):
                texts += [obj, f"办{obj}", f"想办个{obj}", f"{obj}怎么办理", f"办个{obj}要什么"]
        for obj in objects(name, action):
            for phrase in situations.get(action, []) or ["办"]:
                texts.append(f"{obj}{phrase}")
                texts.append(rng.choice(_SERVICE_TEMPLATES).format(f"{obj}{phrase}"))
                texts.append(f"{phrase}{obj}")
    return [t for t in texts if t]


def plan_texts(item: dict[str, Any]) -> list[str]:
    texts = [item["title"], *(item.get("aliases") or []), item.get("statement") or "", item.get("source_passage") or ""]
    for figure in item.get("figures") or []:
        values = {
            "metric": figure.get("metric") or item["title"],
            "as_written": figure.get("as_written") or "",
            "year": item.get("year") or 2028,
        }
        texts += [t.format(**values) for t in _FIGURE_FORWARD]
        if values["as_written"]:
            texts += [t.format(**values) for t in _FIGURE_BACKWARD]
    return [t for t in texts if t]


def faq_texts(entry: dict[str, Any]) -> list[str]:
    return [entry["question"], *(entry.get("aliases") or [])]


def record_examples(records: dict[str, list[dict[str, Any]]], seed: int = 2026) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    situations = load_situations()
    examples: list[tuple[str, str]] = []
    for service in records.get("services") or []:
        examples += [(t, label("service", service["id"])) for t in service_texts(service, situations, rng)]
    for item in records.get("plan_items") or []:
        examples += [(t, label("plan", item["id"])) for t in plan_texts(item)]
    for entry in records.get("faq") or []:
        examples += [(t, label("faq", entry["id"])) for t in faq_texts(entry)]
    return examples


def names(records: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Every name and alias of a record → its label, for mapping NLU entity values to records."""
    found: dict[str, str] = {}
    for service in records.get("services") or []:
        for term in [service["name"], *(service.get("aliases") or [])]:
            found.setdefault(term, label("service", service["id"]))
    for item in records.get("plan_items") or []:
        for term in [item["title"], *(item.get("aliases") or [])]:
            found.setdefault(term, label("plan", item["id"]))
    return found


def titles(records: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """label → the name a resident sees."""
    out = {label("service", s["id"]): s["name"] for s in records.get("services") or []}
    out.update({label("plan", p["id"]): p["title"] for p in records.get("plan_items") or []})
    out.update({label("faq", f["id"]): f["question"] for f in records.get("faq") or []})
    return out


def vocabulary(records: dict[str, list[dict[str, Any]]], extra: Iterable[str] = ()) -> set[str]:
    """Words the typo repair may repair towards: record names, aliases and their jieba words."""
    words: set[str] = set(extra)
    texts: list[str] = []
    for service in records.get("services") or []:
        texts += [service["name"], *(service.get("aliases") or [])]
    for item in records.get("plan_items") or []:
        texts += [item["title"], *(item.get("aliases") or [])]
    tokenizer = normalise.default_words()
    for text in texts:
        words.update(w for w in tokenizer.cut(text) if len(w) >= 2)
    return words

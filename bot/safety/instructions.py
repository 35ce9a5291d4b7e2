"""Messages that instruct the assistant instead of asking it something (data/safety/instructions.yml).

Kept apart from emergencies and complaints: such a message gets one polite sentence about what the
assistant does, never an emergency number read off an English sentence, never a ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot import settings
from bot.normalise import simplified, width

DEFAULT_FILE = settings.ROOT / "data" / "safety" / "instructions.yml"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class InstructionGuard:
    pattern: re.Pattern

    def matches(self, text: str) -> bool:
        return self.pattern.search(plain(text)) is not None


def plain(text: str) -> str:
    """Lower case, simplified characters, full-width folded, no spaces: "Ｉｇｎｏｒｅ all" → "ignoreall"."""
    return _SPACE.sub("", simplified(width(text)).lower())


def load(path: Path = DEFAULT_FILE) -> InstructionGuard:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    raw = data.get("patterns") if isinstance(data, dict) else None
    if raw is not None and not isinstance(raw, list):
        raise ValueError(f"{path}: patterns must be a list of regular expressions")
    patterns = [str(p) for p in raw or []]
    if not patterns:
        raise ValueError(f"{path}: no patterns")
    for n, p in enumerate(patterns, 1):
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"{path}: pattern {n}: {exc}") from exc
    return InstructionGuard(re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))


@lru_cache(maxsize=None)
def guard(path: str = str(DEFAULT_FILE)) -> InstructionGuard:
    return load(Path(path))

"""Blind end-to-end cases (tests/e2e/{dev,test}/*.yml): loading them and judging the assistant's replies.

A case is one resident's turns; each turn has an `expect` written from the records by a labeller who
saw the records but not the training data (see tests/e2e/README.md). A case passes when every turn does.
Judging reads only what a resident would see: the reply texts, their buttons, and the two custom
messages the channels carry (an emergency, a handoff ticket).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "tests" / "e2e"
SPLITS = ("dev", "test")
# what the reply of an ask-back starts with (actions/replies.did_you_mean)
ASK_BACK = "您是想问"


@dataclass
class Case:
    id: str
    kind: str
    turns: list[str]
    expect: list[dict[str, Any]]
    file: str


@dataclass
class Turn:
    """What came back for one message."""

    texts: list[str] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)
    emergency: bool = False
    handoff: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def load(split: str, folder: Path = E2E) -> list[Case]:
    cases: list[Case] = []
    for path in sorted((folder / split).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("cases") or []:
            turns = [str(t) for t in raw["turns"]]
            expect = raw.get("expect") or []
            if len(expect) != len(turns):
                raise ValueError(
                    f"{path.name}: case {raw.get('id')}: {len(turns)} turns but {len(expect)} expect entries"
                )
            cases.append(Case(str(raw["id"]), str(raw["kind"]), turns, list(expect), path.name))
    return cases


def _has(text: str, wanted: str) -> bool:
    return any(option and option in text for option in str(wanted).split("|"))


def judge(expect: dict[str, Any], turn: Turn, names: dict[str, str]) -> Optional[str]:
    """None when the reply is right, else why not (short, for the report)."""
    kind = expect.get("type", "answer")
    text = turn.text
    if kind == "emergency":  # not an intent: a kind of case
        if not turn.emergency:
            return "no emergency reply"
        missing = [m for m in expect.get("must") or [] if not _has(text, m)]
        return f"emergency reply without {missing}" if missing else None
    if turn.emergency:
        return "false emergency"
    if turn.handoff:
        return "ticket opened unasked"
    if not text.strip():
        return "no reply"
    if kind == "ask_back":
        options = [names.get(o, o) for o in expect.get("options") or []]
        offered = " ".join(turn.buttons) + text
        if ASK_BACK in text and any(o in offered for o in options):
            return None
        # answering one of the meant records outright is also acceptable
        if any(o in text.split("\n")[0] for o in options) and ASK_BACK not in text:
            return None
        return "no ask-back with the meant records"
    if kind in ("social", "decline", "injection"):
        return None
    missing = [m for m in expect.get("must") or [] if not _has(text, m)]
    wrong = [m for m in expect.get("must_not") or [] if _has(text, m)]
    if missing:
        return f"missing {missing}"
    if wrong:
        return f"wrong fact {wrong}"
    return None


class RestClient:
    """One resident per case on the REST channel, as a trusted client naming its senders."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base.rstrip("/"), token

    def send(self, sender: str, message: str) -> Turn:
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = json.loads(response.read() or b"[]")
        except urllib.error.HTTPError as exc:
            return Turn(texts=[f"HTTP {exc.code}"])
        except (urllib.error.URLError, OSError) as exc:  # one lost reply fails its case, not the run
            return Turn(texts=[f"no reply: {exc.__class__.__name__}"])
        turn = Turn()
        for reply in body if isinstance(body, list) else []:
            if reply.get("text"):
                turn.texts.append(reply["text"])
            turn.buttons += [b.get("title", "") for b in reply.get("buttons") or []]
            custom = reply.get("custom") or {}
            turn.emergency |= "emergency" in custom  # not an intent: the payload key
            turn.handoff |= "handoff" in custom
        return turn


@dataclass
class Outcome:
    case: Case
    replies: list[Turn]
    failures: list[Optional[str]]

    @property
    def passed(self) -> bool:
        return not any(self.failures)


def run(cases: list[Case], send: Callable[[str, str], Turn], names: dict[str, str], nonce: str) -> list[Outcome]:
    outcomes = []
    for case in cases:
        sender = f"e2e-{nonce}-{case.id}"
        replies = [send(sender, message) for message in case.turns]
        outcomes.append(Outcome(case, replies, [judge(e, r, names) for e, r in zip(case.expect, replies)]))
    return outcomes


def by_kind(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        totals[o.case.kind][0] += o.passed
        totals[o.case.kind][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(totals.items())}


def magnets(outcomes: list[Outcome]) -> Counter:
    """How often each answer (its first line) was given to a failed answer-type turn."""
    seen: Counter = Counter()
    for o in outcomes:
        for expect, reply, failure in zip(o.case.expect, o.replies, o.failures):
            if failure and expect.get("type", "answer") == "answer" and reply.texts:
                seen[reply.texts[0].split("\n")[0][:40]] += 1
    return seen


def record_names() -> dict[str, str]:
    """Record id -> the name a resident sees (service name, plan item title, FAQ question)."""
    from bot import settings
    from bot.records.loader import load_records
    from bot.resolver.examples import titles

    return {label.split(":", 1)[1]: name for label, name in titles(load_records(settings.get("RECORDS_DIR"))).items()}

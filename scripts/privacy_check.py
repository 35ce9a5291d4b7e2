"""Sends every form of personal information in tests/privacy_forms.yml through every channel and
prints, per store, how many forms were found unmasked (0 is the pass line).

Each form is said in a conversation of its own on REST, the web chat and the hotline, followed by a
request for a person, so that it reaches the tracker store, a handoff ticket and the hotline's
handoff package. Then that conversation's text in the tracker store, its tickets, its call state,
the feedback table and its replies, and the whole server log, are searched for the form's secrets
in normalised form (full-width and Chinese digits folded, separators removed), so that
"139 1234 5678" kept as written counts. Only text is searched, never timestamps or ticket ids,
whose digits could match a fragment by chance; in the log, which holds every conversation, only
fragments of six characters or more. The look-alikes are said too, and must be stored unchanged.

Usage: .venv/bin/python scripts/privacy_check.py [--forms tests/privacy_forms.yml]
It starts its own assistant on free ports (as scripts/fuzz_requests.py does).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_SEPARATORS = re.compile(r"[\s\-.()（）·•:：]")
STORES = ("tracker store", "tickets", "call state", "feedback", "logs", "replies")


# folded here, not by bot.privacy: the check must not share the code it checks
_FOLD = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
        **dict(zip("〇零一幺二两三四五六七八九", "0011223456789")),
    }
)
_LOG_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?|\[\d+\]|pid=\d+")


# ticket numbers are random: their digits could match a fragment by chance
_TICKET_ID = re.compile(r"HT\d{8}-[0-9A-F]{6}")


def view(text: str) -> str:
    """Text as the secrets are written: every digit as an ASCII digit, no separators, upper case."""
    return _SEPARATORS.sub("", _TICKET_ID.sub(" ", text).translate(_FOLD)).upper()


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["forms"]:
        entry["secret"] = [str(s) for s in entry["secret"]]
    return data


class Client:
    def __init__(self, base: str, hotline_token: str, rest_token: str):
        self.base, self.hotline_token, self.rest_token = base, hotline_token, rest_token

    def post(self, path: str, body: dict, headers: dict[str, str]) -> tuple[dict, object]:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return dict(exc.headers), exc.read().decode("utf-8", "replace")

    def conversation(self, channel: str, key: str, messages: list[str]) -> tuple[str, list[str]]:
        """(the id the conversation ran under, the text of every reply and handoff package)."""
        texts: list[str] = []
        if channel == "hotline":
            auth = {"Authorization": f"Bearer {self.hotline_token}"}
            self.post("/webhooks/hotline/webhook", {"call_id": key, "event": "start"}, auth)
            for message in messages:
                _, result = self.post(
                    "/webhooks/hotline/webhook",
                    {"call_id": key, "event": "message", "text": message, "asr_confidence": 0.95},
                    auth,
                )
                if isinstance(result, dict):
                    texts += [r.get("text", "") for r in result.get("replies") or []]
                    texts += package_texts(result.get("handoff") or {})
            return key, texts
        sender = key  # the web chat replaces it with an id of its own, which the next message carries
        headers = {"Origin": self.base} if channel == "web" else {"Authorization": f"Bearer {self.rest_token}"}
        for message in messages:
            answer_headers, result = self.post(
                f"/webhooks/{channel}/webhook", {"sender": sender, "message": message}, headers
            )
            sender = answer_headers.get("X-Jiangcheng-Sender", sender)
            texts += [r.get("text") or "" for r in result] if isinstance(result, list) else [str(result)]
        return sender, texts


def package_texts(package: dict) -> list[str]:
    return (
        [str(package.get("summary") or "")]
        + [str(line.get("text", "")) for line in package.get("transcript") or []]
        + [json.dumps(package.get("slots") or {}, ensure_ascii=False)]
    )


def event_texts(event: dict) -> list[str]:
    """What a person said or was told, and what was remembered: not timestamps or ids, whose digits
    could match a fragment of a number by chance."""
    parse = event.get("parse_data") or {}
    texts = [event.get("text") or "", parse.get("text") or ""]
    texts += [str(e.get("value", "")) for e in parse.get("entities") or []]
    if event.get("event") == "slot":
        texts.append(json.dumps(event.get("value"), ensure_ascii=False))
    return texts


def ticket_texts(summary, transcript, slots) -> list[str]:
    """A ticket's words: its summary, what was said and the slots, not the times of the transcript.
    JSON columns come back decoded from PostgreSQL and as text from SQLite."""
    transcript = json.loads(transcript) if isinstance(transcript, str) else transcript or []
    slots = json.loads(slots) if isinstance(slots, str) else slots or {}
    return (
        [str(summary or "")]
        + [str(line.get("text", "")) for line in transcript]
        + [json.dumps(slots, ensure_ascii=False)]
    )


# a row's number, its time and the conversation's one-way hash: their digits could match a fragment by chance
_FEEDBACK_NOT_TEXT = ("id", "created_at", "conversation")


_HASH = re.compile(r"[0-9a-f]{16}")


def feedback_texts(row) -> str:
    """Every column of a feedback row that could hold a resident's words, whatever columns it gains;
    the conversation too, unless it is the one-way hash it should be (a raw sender id is a leak)."""
    texts = [str(value) for column, value in row.items() if column not in _FEEDBACK_NOT_TEXT]
    conversation = str(row.get("conversation") or "")
    if not _HASH.fullmatch(conversation):
        texts.append(conversation)
    return " ".join(texts)


def conversation_ids(channel: str, sender: str) -> list[str]:
    """Every name a conversation may have in the stores, before and after channel namespaces."""
    return [f"{channel}:{sender}", sender, f"hotline-{sender}"]


def stores(env: dict[str, str], channel: str, sender: str, replies: list[str]) -> dict[str, str]:
    """One conversation's text in each store."""
    from sqlalchemy import bindparam, create_engine, inspect, text

    ids = conversation_ids(channel, sender)
    with sqlite3.connect(env["TRACKER_DB"]) as db:
        rows = db.execute(f"SELECT data FROM events WHERE sender_id IN ({','.join('?' * len(ids))})", ids).fetchall()
    found = {"tracker store": " ".join(" ".join(event_texts(json.loads(row[0]))) for row in rows)}
    engine = create_engine(env["DATABASE_URL"], future=True)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        tickets = conn.execute(
            text("SELECT summary, transcript, slots FROM handoff_tickets WHERE sender_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        ).all()
        found["tickets"] = " ".join(" ".join(ticket_texts(*row)) for row in tickets)
        calls = (
            conn.execute(
                text("SELECT pending_text FROM hotline_calls WHERE call_id IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": ids},
            ).all()
            if channel == "hotline"
            else []
        )
        found["call state"] = " ".join(str(row[0] or "") for row in calls)
        feedback = conn.execute(text("SELECT * FROM feedback")).mappings().all() if "feedback" in tables else []
        found["feedback"] = " ".join(feedback_texts(row) for row in feedback)
    engine.dispose()
    found["replies"] = " ".join(replies)
    return found


def check(
    data: dict, conversations: list[tuple[int, dict[str, str]]], log_text: str, lookalike_texts: str
) -> tuple[dict[str, list[str]], list[str]]:
    """(per store the forms found unmasked, look-alikes that did not survive in the tracker store)."""
    leaks: dict[str, list[str]] = {name: [] for name in STORES}
    log_view = view(_LOG_STAMP.sub(" ", log_text))
    for n, contents in conversations:
        entry = data["forms"][n]
        secrets = [view(secret) for secret in entry["secret"]]
        for name, content in contents.items():
            if any(secret in view(content) for secret in secrets) and entry["text"] not in leaks[name]:
                leaks[name].append(entry["text"])
        # the log holds every conversation: only fragments long enough not to occur by chance
        if any(len(secret) >= 6 and secret in log_view for secret in secrets) and entry["text"] not in leaks["logs"]:
            leaks["logs"].append(entry["text"])
    lost = [entry["text"] for entry in data["lookalikes"] if not all(k in lookalike_texts for k in entry["keep"])]
    return leaks, lost


def run(
    client: Client, data: dict, env: dict[str, str], logs: Callable[[], list[Path]]
) -> tuple[dict[str, list[str]], list[str]]:
    """`logs` lists the launcher's and every server's log once the conversations are over."""
    conversations = []
    for n, entry in enumerate(data["forms"]):
        for channel in ("rest", "web", "hotline"):
            sender, replies = client.conversation(channel, f"privacy-{channel}-{n}", [entry["text"], "转人工"])
            conversations.append((n, stores(env, channel, sender, replies)))
    kept = []
    for n, entry in enumerate(data["lookalikes"]):
        sender, _ = client.conversation("rest", f"privacy-lookalike-{n}", [entry["text"]])
        kept.append(stores(env, "rest", sender, [])["tracker store"])
    log_text = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in logs() if f.exists())
    return check(data, conversations, log_text, " ".join(kept))


def report(leaks: dict[str, list[str]], lost: list[str], forms: int) -> bool:
    for name in STORES:
        print(f"{name:14} {len(leaks.get(name, [])):4} of {forms} forms found unmasked")
        for text in leaks.get(name, [])[:5]:
            print(f"               e.g. {text}")
    print(f"look-alikes changed: {len(lost)}" + "".join(f"\n               e.g. {t}" for t in lost[:5]))
    ok = not any(leaks.values()) and not lost
    print("pass: no form unmasked in any store, every look-alike kept" if ok else "FAIL")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", default=str(ROOT / "tests" / "privacy_forms.yml"))
    args = parser.parse_args()
    from scripts.fuzz_requests import start_assistant

    data = load(Path(args.forms))
    folder = Path(tempfile.mkdtemp(prefix="jiangcheng-privacy-"))
    process, env = start_assistant(folder)
    try:
        client = Client(f"http://127.0.0.1:{env['RASA_PORT']}", env["HOTLINE_TOKEN"], env.get("REST_CLIENT_TOKEN", ""))
        leaks, lost = run(
            client, data, env, lambda: [folder / "launcher.log", *sorted(Path(env["LOG_DIR"]).glob("*.log"))]
        )
        return 0 if report(leaks, lost, len(data["forms"])) else 1
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())

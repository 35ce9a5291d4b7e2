"""`python -m bot.call_simulator simulate`: play a caller in the terminal against the running hotline endpoint.

Type what the caller says. Lines starting with ':' are gateway events:
  :silence   the caller said nothing        :dtmf 0   the caller pressed keys
  :hangup    the caller hung up              :asr 0.4 <text>   speech recognised with low confidence
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid

from bot import settings


def post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def parse_line(line: str) -> dict:
    line = line.strip()
    if line.startswith(":silence"):
        return {"event": "silence"}
    if line.startswith(":hangup"):
        return {"event": "hangup"}
    if line.startswith(":dtmf"):
        return {"event": "dtmf", "digits": line.split(maxsplit=1)[1] if " " in line else "0"}
    if line.startswith(":asr"):
        _, confidence, text = (line.split(maxsplit=2) + ["", ""])[:3]
        return {"event": "message", "text": text, "asr_confidence": float(confidence)}
    return {"event": "message", "text": line, "asr_confidence": 0.95}


def show(status: int, result: dict, out=sys.stdout) -> None:
    if status != 200:
        print(f"[HTTP {status}] {result.get('error', result)}", file=out)
        return
    for reply in result.get("replies", []):
        print(f"  🔊 {reply['text']}", file=out)
    print(f"  [gateway action: {result.get('action')}]", file=out)
    if result.get("handoff"):
        h = result["handoff"]
        print(
            f"  [handoff ticket {h.get('ticket_id')} ({h.get('mode')}, {h.get('reason')}): {h.get('summary')}]",
            file=out,
        )


def simulate(url: str, token: str, call_id: str) -> int:
    print(__doc__)
    status, result = post(url, token, {"call_id": call_id, "event": "start"})
    show(status, result)
    if status != 200:
        return 1
    while result.get("action") == "continue":
        try:
            line = input("caller> ")
        except (EOFError, KeyboardInterrupt):
            post(url, token, {"call_id": call_id, "event": "hangup"})
            print()
            return 0
        if not line.strip():
            continue
        status, result = post(url, token, {"call_id": call_id, **parse_line(line)})
        show(status, result)
        if status != 200:
            result = {"action": "continue"}
    return 0


def running_token() -> str:
    """The hotline token of the assistant `make run` started on this machine, if any."""
    tokens = settings.ROOT / "var" / "tokens.env"
    if tokens.exists():
        for line in tokens.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name == "HOTLINE_TOKEN":
                return value.strip()
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.call_simulator", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser("simulate", help="play a caller")
    sim.add_argument("--url", default=f"http://127.0.0.1:{settings.get('RASA_PORT')}/webhooks/hotline/webhook")
    sim.add_argument(
        "--token",
        default=settings.get("HOTLINE_TOKEN") or running_token(),
        help="bearer token (env HOTLINE_TOKEN; else the one `make run` keeps in var/tokens.env)",
    )
    sim.add_argument("--call-id", default=f"sim-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("no token: pass --token or set HOTLINE_TOKEN (make run keeps the one it uses in var/tokens.env)")
    return simulate(args.url, args.token, args.call_id)


if __name__ == "__main__":
    sys.exit(main())

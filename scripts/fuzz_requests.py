"""Generated bad requests against every HTTP endpoint: prints status counts, passes on 0 x 5xx.

Each request goes over a raw socket, so the framing itself can be wrong: negative, non-numeric,
duplicated or contradictory Content-Length, Transfer-Encoding beside it or misspelt, bad chunk
sizes, oversize and malformed headers; and bodies: JSON nested thousands deep, every field of the
wrong type, lone surrogates, undecodable bytes, wrong content types, deflate bodies and bombs.
After every 50 requests a normal message must still be answered within a second; a server that
stops answering ends the run (it would otherwise wait out every remaining request).

Usage: .venv/bin/python scripts/fuzz_requests.py [--per-endpoint 1000] [--seed 1]
         [--rasa-url http://127.0.0.1:5005 --action-url http://127.0.0.1:5055
          --hotline-token T --action-secret S]
Without --rasa-url it starts its own assistant (`bot.launcher run`) on free ports and databases of
its own, as `make test` does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import intents  # noqa: E402
from bot.launcher import READY  # noqa: E402

SECRET_HEADER = "X-Jiangcheng-Action-Secret"
NORMAL = {"sender": "fuzz-normal", "message": "到2028年武汉人工智能产业规模目标是多少"}


def raw_request(
    host: str, port: int, data: bytes, timeout: float = 5.0, trickle: Optional[float] = None
) -> tuple[Optional[int], bytes]:
    """(status or None when nothing came back in time, whole response) for raw bytes sent as is."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        try:
            if trickle:
                for i in range(len(data)):
                    s.sendall(data[i : i + 1])
                    time.sleep(trickle)
            else:
                s.sendall(data)
        except OSError:
            pass  # the server may close as soon as it has refused the head; its answer is still readable
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except socket.timeout:
            if not chunks:
                return None, b""
        except OSError:
            pass
    reply = b"".join(chunks)
    try:
        return int(reply.split(b" ", 2)[1]), reply
    except (IndexError, ValueError):
        return None, reply


def http(
    method: str, path: str, headers: dict[str, str], body: bytes = b"", *, length: Optional[str] = "auto"
) -> bytes:
    """A request as bytes; `length` "auto" adds the right Content-Length, None adds none."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if length == "auto":
        lines.append(f"Content-Length: {len(body)}")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def nested(rng: random.Random) -> bytes:
    depth = rng.choice([40, 100, 999, 1001, 5000, 20000])
    if rng.random() < 0.5:
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def odd_value(rng: random.Random):
    return rng.choice(
        [
            None,
            True,
            0,
            -1,
            10**30,
            1.5e308,
            [],
            {},
            [1, [2, [3]]],
            {"x": {"y": []}},
            "",
            "\ud800",
            "a\udfffb",
            "x" * rng.choice([10, 600, 70000]),
            "办" * 3000,
            "<script>",
            "/restart",
            f"/{intents.REQUEST_HUMAN}",
            '/ask_service{"service": 1}',
            "\x00\x1b[31m",
        ]
    )


def message_body(rng: random.Random, fields: list[str]) -> bytes:
    body = {name: odd_value(rng) for name in fields if rng.random() < 0.8}
    if rng.random() < 0.3:
        body[rng.choice(["metadata", "x", "__proto__"])] = odd_value(rng)
    value = body if rng.random() < 0.85 else odd_value(rng)
    return json.dumps(value, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


def bad_framing(rng: random.Random, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    kind = rng.randrange(14)
    if kind == 0:
        return http(method, path, headers, body, length=rng.choice(["-1", "-100", "-0"]))
    if kind == 1:
        return http(method, path, headers, body, length=rng.choice(["abc", "1e3", "0x10", "+5", "5 5", "", "١٢"]))
    if kind == 2:
        return http(method, path, {**headers, "Content-Length": str(len(body) + rng.choice([0, 1, 7]))}, body)
    if kind == 3:
        return http(method, path, {**headers, "Transfer-Encoding": "chunked"}, body)
    if kind == 4:
        te = rng.choice(["Chunked", "gzip, chunked", "chunked, identity", "identity", "x"])
        chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
        return http(method, path, {**headers, "Transfer-Encoding": te}, chunked, length=None)
    if kind == 5:
        size = rng.choice(["zz", "-1", "fffffffffffffffffffff", "1;" + "x" * 100, ""])
        return http(
            method,
            path,
            {**headers, "Transfer-Encoding": "chunked"},
            f"{size}\r\n".encode() + body + b"\r\n0\r\n\r\n",
            length=None,
        )
    if kind == 6:
        return http(method, path, {**headers, "X-Big": "a" * rng.choice([9000, 20000, 70000])}, body)
    if kind == 7:
        return http(method, path, {**headers, "Content-Length ": str(len(body))}, body, length=None)
    if kind == 8:
        return f"{method} {path} HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n".encode() + body
    if kind == 9:
        return http(method, path, headers, body[: max(0, len(body) - 3)], length=str(max(0, len(body) - 3)))
    if kind == 10:  # smaller than the body: the rest is read as the next request
        return http(method, path, headers, body + b"GARBAGE / HTTP/1.1\r\n\r\n", length=str(len(body)))
    if kind == 11:
        return http(method, path, headers, body, length=str(10 ** rng.choice([7, 9, 15, 30])))
    if kind == 12:
        return f"{method} {path} HTTP/9.9\r\nContent-Length: 0\r\n\r\n".encode()
    return rng.choice(
        [
            b"\r\n\r\n",
            b"GET\r\n\r\n",
            b"\x16\x03\x01\x00\xa5\x01\x00\x00",
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n1",
        ]
    )


def bad_body(rng: random.Random, fields: list[str]) -> tuple[dict[str, str], bytes]:
    kind = rng.randrange(8)
    ctype = {"Content-Type": "application/json"}
    if kind == 0:
        return ctype, nested(rng)
    if kind == 1:
        return ctype, rng.choice([b"\xff\xfe\x00", b'{"message": "\xc3\x28"}', b"{", b"null", b"NaN", b"1" * 5000, b""])
    if kind == 2:
        return {
            "Content-Type": rng.choice(
                [
                    "text/plain",
                    "",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data",
                    "application/json; charset=latin-1",
                ]
            )
        }, message_body(rng, fields)
    if kind == 3:
        return {**ctype, "Content-Encoding": rng.choice(["deflate", "gzip", "br"])}, zlib.compress(
            message_body(rng, fields)
        )
    return ctype, message_body(rng, fields)


class Endpoint:
    def __init__(self, name: str, host: str, port: int, path: str, headers: dict[str, str], fields: list[str]):
        self.name, self.host, self.port, self.path, self.headers, self.fields = name, host, port, path, headers, fields

    def generate(self, rng: random.Random) -> bytes:
        headers, body = bad_body(rng, self.fields)
        headers = {**self.headers, **headers}
        if rng.random() < 0.4:
            return bad_framing(rng, "POST", self.path, headers, body)
        return http("POST", self.path, headers, body)


def action_call_body(rng: random.Random) -> bytes:
    tracker = {
        "sender_id": odd_value(rng),
        "slots": odd_value(rng),
        "latest_message": odd_value(rng),
        "events": rng.choice([[], [odd_value(rng)], odd_value(rng)]),
        "active_loop": odd_value(rng),
    }
    call = {
        "next_action": rng.choice(["action_handoff", "action_answer_plan", "nope", odd_value(rng)]),
        "tracker": tracker if rng.random() < 0.8 else odd_value(rng),
        "domain": odd_value(rng),
        "version": "3.6.21",
    }
    return json.dumps(call).encode("utf-8", "surrogatepass")


class ActionEndpoint(Endpoint):
    """The action server's webhook: mostly without the secret, some with it and broken calls."""

    def __init__(self, host: str, port: int, secret: str):
        super().__init__("action /webhook", host, port, "/webhook", {}, [])
        self.secret = secret

    def generate(self, rng: random.Random) -> bytes:
        headers: dict[str, str] = {"Content-Type": rng.choice(["application/json", "text/plain"])}
        if self.secret and rng.random() < 0.6:
            headers[SECRET_HEADER] = self.secret
        elif rng.random() < 0.3:
            headers[SECRET_HEADER] = rng.choice(["", "wrong", "a" * 300])
        body = action_call_body(rng)
        choice = rng.random()
        if choice < 0.15:
            headers["Content-Encoding"] = "deflate"
            body = zlib.compress(b" " * rng.choice([1000, 30_000_000]) + body, 9)
        elif choice < 0.3:
            headers["Content-Type"] = "application/json"
            body = nested(rng)
        if rng.random() < 0.3:
            return bad_framing(rng, "POST", self.path, headers, body)
        return http("POST", self.path, headers, body)


def normal_answered(host: str, port: int) -> bool:
    body = json.dumps(NORMAL, ensure_ascii=False).encode()
    started = time.monotonic()
    status, reply = raw_request(
        host, port, http("POST", "/webhooks/rest/webhook", {"Content-Type": "application/json"}, body), timeout=2
    )
    return status == 200 and b"recipient_id" in reply and time.monotonic() - started < 1.0


def fuzz(
    endpoints: list[Endpoint],
    per_endpoint: int,
    seed: int,
    check: Callable[[], bool],
    log: Callable[[str], None] = print,
    timeout: float = 3.0,
) -> dict[str, Counter]:
    """Status counts per endpoint ('none' where nothing came back in time, 'hang' for a failed check)."""
    counts: dict[str, Counter] = {}
    for endpoint in endpoints:
        rng = random.Random(f"{seed}-{endpoint.name}")
        tally = counts.setdefault(endpoint.name, Counter())
        silent_in_a_row = 0
        for n in range(per_endpoint):
            status, _ = raw_request(endpoint.host, endpoint.port, endpoint.generate(rng), timeout=timeout)
            tally[str(status) if status else "none"] += 1
            silent_in_a_row = silent_in_a_row + 1 if status is None else 0
            if (n + 1) % 50 == 0 or silent_in_a_row >= 5:
                if not check():
                    tally["hang"] += 1
                    log(
                        f"{endpoint.name}: a normal message was not answered within 1 s after {n + 1} requests; stopping"
                    )
                    return counts
    return counts


def report(counts: dict[str, Counter]) -> bool:
    ok = True
    for name, tally in counts.items():
        five = sum(v for k, v in tally.items() if k.startswith("5"))
        ok = ok and five == 0 and not tally.get("hang")
        print(
            f"{name:24} {sum(v for k, v in tally.items() if k != 'hang'):5} requests  5xx: {five:3}  "
            + "  ".join(f"{k}×{v}" for k, v in sorted(tally.items()))
        )
    print("pass: 0 × 5xx and every server still answering" if ok else "FAIL")
    return ok


def endpoints_for(rasa_url: str, action_url: str, token: str, secret: str) -> list[Endpoint]:
    rasa, action = urlsplit(rasa_url), urlsplit(action_url)
    r, a = (rasa.hostname, rasa.port or 80), (action.hostname, action.port or 80)
    message = ["sender", "message"]
    return [
        Endpoint("rest /webhook", *r, "/webhooks/rest/webhook", {}, message),
        Endpoint("web /webhook", *r, "/webhooks/web/webhook", {"Origin": rasa_url.rstrip("/")}, message),
        Endpoint(
            "web /feedback", *r, "/webhooks/web/feedback", {"Origin": rasa_url.rstrip("/")}, ["sender", "kind", "value"]
        ),
        Endpoint(
            "hotline /webhook",
            *r,
            "/webhooks/hotline/webhook",
            {"Authorization": f"Bearer {token}"},
            ["call_id", "event", "text", "asr_confidence", "digits"],
        ),
        ActionEndpoint(*a, secret),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_assistant(folder: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    rasa_port, action_port = free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{folder / 'records.db'}",
        TRACKER_DB=str(folder / "tracker.db"),
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        HOTLINE_TOKEN="fuzz-hotline-token",
        ACTION_SECRET="fuzz-action-secret",
        REST_CLIENT_TOKEN="fuzz-rest-client",
        PYTHONPATH=str(ROOT),
        MESSAGES_PER_MINUTE_PER_ADDRESS="1000000",
        LOG_DIR=str(folder / "logs"),
    )
    subprocess.run([sys.executable, "-m", "bot.records", "build"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (folder / "launcher.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.launcher", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 300
    while READY.encode() not in (folder / "launcher.log").read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit("the assistant did not start:\n" + (folder / "launcher.log").read_text(errors="replace")[-2000:])
        time.sleep(1)
    return process, env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-endpoint", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rasa-url")
    parser.add_argument("--action-url")
    parser.add_argument("--hotline-token", default="")
    parser.add_argument("--action-secret", default="")
    args = parser.parse_args()
    process = None
    if args.rasa_url:
        rasa_url, action_url, token, secret = args.rasa_url, args.action_url, args.hotline_token, args.action_secret
    else:
        folder = Path(tempfile.mkdtemp(prefix="jiangcheng-fuzz-"))
        process, env = start_assistant(folder)
        rasa_url, action_url = f"http://127.0.0.1:{env['RASA_PORT']}", f"http://127.0.0.1:{env['ACTION_PORT']}"
        token, secret = env["HOTLINE_TOKEN"], env["ACTION_SECRET"]
    try:
        host, port = urlsplit(rasa_url).hostname, urlsplit(rasa_url).port
        started = time.monotonic()
        counts = fuzz(
            endpoints_for(rasa_url, action_url, token, secret),
            args.per_endpoint,
            args.seed,
            lambda: normal_answered(host, port),
        )
        print(f"{sum(sum(c.values()) for c in counts.values())} requests in {time.monotonic() - started:.0f} s")
        return 0 if report(counts) else 1
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())

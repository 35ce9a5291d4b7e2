"""The production layout: two Rasa servers sharing a PostgreSQL tracker store and a Redis lock store,
two action servers, nginx in front of each pair (as `make run-prod` starts them)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import (
    HOTLINE_TOKEN,
    MODEL,
    PG_ADMIN_URL,
    RASA_API_TOKEN,
    REST_CLIENT_TOKEN,
    ROOT,
    Assistant,
    free_port,
)

pytestmark = [pytest.mark.servers, pytest.mark.postgres]


def redis_reason():
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping()
        return None
    except Exception as exc:
        return f"Redis not reachable at 127.0.0.1:6379: {exc.__class__.__name__}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_database):
    reason = redis_reason()
    if reason:
        pytest.skip(reason)
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}")
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=7).flushdb()
    folder = tmp_path_factory.mktemp("cluster")
    tracker_db = f"jc_tracker_{uuid.uuid4().hex[:8]}"
    ports = [free_port(), free_port()]
    action_ports, front, action_front = [free_port(), free_port()], free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=postgres_database,
        RASA_ENDPOINTS="endpoints.prod.yml",
        RASA_PORTS=",".join(map(str, ports)),
        RASA_PORT=str(ports[0]),
        ACTION_PORTS=",".join(map(str, action_ports)),
        NGINX_ACTION_PORT=str(action_front),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_front}/webhook",
        PROD_TRACKER_DB=tracker_db,
        PG_LOGIN_DB=PG_ADMIN_URL.rsplit("/", 1)[1],
        REDIS_DB="7",
        NGINX_PORT=str(front),
        HOTLINE_TOKEN=HOTLINE_TOKEN,
        RASA_API_TOKEN=RASA_API_TOKEN,
        REST_CLIENT_TOKEN=REST_CLIENT_TOKEN,
    )
    subprocess.run(
        [sys.executable, "-m", "bot.records", "--database-url", postgres_database, "build"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    a = Assistant(env, folder / "cluster.log")
    a.start()
    yield a, ports, tracker_db, front
    a.stop()
    admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": tracker_db}
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{tracker_db}"'))
    admin.dispose()


def say(port: int, sender: str, message: str) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        method="POST",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {REST_CLIENT_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def tracker_events(tracker_db: str, sender: str) -> list[tuple[str, dict]]:
    engine = create_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{tracker_db}", future=True)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": f"rest:{sender}"}
        ).all()
    engine.dispose()
    return [(t, json.loads(d)) for t, d in rows]


def test_context_carries_over_between_servers(cluster):
    _, (first, second), _, _ = cluster
    fee = say(first, "alt-1", "补办身份证要多少钱")
    assert "居民身份证补领" in fee[0]["text"]
    materials = say(second, "alt-1", "那要带什么材料")
    assert materials[0]["text"].startswith("办理居民身份证补领需要带")


def test_concurrent_messages_for_one_sender_are_stored_in_order(cluster):
    _, (first, second), tracker_db, _ = cluster
    sender = "race-1"
    messages = [f"补办身份证要多少钱{n}" if n % 2 else "到2028年武汉人工智能产业规模目标是多少" for n in range(8)]
    errors = []

    def send(n, message):
        try:
            say(first if n % 2 else second, sender, message)
        except Exception as exc:  # collected: the assertion below names them
            errors.append(repr(exc))

    threads = [threading.Thread(target=send, args=(n, m)) for n, m in enumerate(messages)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not errors
    events = tracker_events(tracker_db, sender)
    users = [d["text"] for t, d in events if t == "user"]
    # every message is stored; one may be stored twice, because Rasa's two-stage fallback replays
    # a message that resolves it (UserUtteranceReverted, then the message again)
    stored, sent = Counter(users), Counter(messages)
    assert all(stored[m] >= n for m, n in sent.items()), (stored, sent)
    assert set(stored) == set(sent)
    # the lock store serialises turns: each message is answered before the next one is read
    kinds = [t for t, _ in events if t in ("user", "bot", "action")]
    for previous, current in zip(kinds, kinds[1:]):
        assert not (previous == "user" and current == "user"), "two user messages without an answer between them"
    listens = [d.get("name") for t, d in events if t == "action"].count("action_listen")
    assert listens >= len(messages)


def rasa_server_pid(launcher_pid: int, port: int) -> int:
    out = subprocess.run(
        ["ps", "-ww", "-o", "pid=,args=", "--ppid", str(launcher_pid)], capture_output=True, text=True
    ).stdout
    for line in out.splitlines():
        pid, _, args = line.strip().partition(" ")
        if "run --model" in args and f"--port {port} " in args + " ":
            return int(pid)
    raise AssertionError(f"no Rasa server on port {port} under the launcher")


def test_nginx_spreads_turns_and_survives_a_killed_rasa_server(cluster):
    assistant, (first, second), _, front = cluster
    assert "居民身份证补领" in say(front, "nginx-1", "补办身份证要多少钱")[0]["text"]
    os.kill(rasa_server_pid(assistant.process.pid, first), signal.SIGKILL)  # mid-conversation
    follow = say(front, "nginx-1", "那要带什么材料")
    assert follow[0]["text"].startswith("办理居民身份证补领需要带"), follow
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:  # the launcher starts the killed server again
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{first}/", timeout=2)
            break
        except (urllib.error.URLError, OSError):
            time.sleep(2)
    else:
        raise AssertionError("the killed Rasa server was not restarted")
    assert "需要带" in say(first, "nginx-1", "要带什么材料")[0]["text"]


def test_malformed_framing_through_nginx_stops_nothing(cluster):
    """The same malformed framings as tests/test_edge_live.py, sent to nginx in front of both Rasa servers."""
    from scripts.fuzz_requests import raw_request
    from tests.test_edge_live import FRAMINGS

    a, ports, _, front = cluster
    headers = {"Content-Type": "application/json"}
    for name, (build, _) in FRAMINGS.items():
        status, reply = raw_request("127.0.0.1", front, build("/webhooks/rest/webhook", headers), timeout=5)
        assert status is not None and status < 500, (name, reply[:300])
        started = time.monotonic()
        assert "2000" in say(front, "nginx-framing", "到2028年武汉人工智能产业规模目标是多少")[0]["text"]
        assert time.monotonic() - started < 1.0, name
    # and straight to each Rasa server behind it: none of them was stopped by what got through
    for port in ports:
        assert "2000" in say(port, "nginx-framing-direct", "到2028年武汉人工智能产业规模目标是多少")[0]["text"]


def test_personal_information_is_masked_on_postgresql(cluster, postgres_database):
    """A share of tests/privacy_forms.yml through nginx: the PostgreSQL tracker store and tickets."""
    from scripts.privacy_check import event_texts, load, ticket_texts, view

    a, _, tracker_db, front = cluster
    data = load(ROOT / "tests" / "privacy_forms.yml")
    forms = data["forms"][::5]
    for n, entry in enumerate(forms):
        say(front, f"pg-privacy-{n}", entry["text"])
        say(front, f"pg-privacy-{n}", "转人工")
    engine = create_engine(postgres_database, future=True)
    leaks = []
    for n, entry in enumerate(forms):
        stored = " ".join(" ".join(event_texts(event)) for _, event in tracker_events(tracker_db, f"pg-privacy-{n}"))
        with engine.connect() as conn:
            tickets = conn.execute(
                text("SELECT summary, transcript, slots FROM handoff_tickets WHERE sender_id = :s"),
                {"s": f"rest:pg-privacy-{n}"},
            ).all()
        stored += " ".join(" ".join(ticket_texts(*row)) for row in tickets)
        assert stored, f"nothing stored for {entry['text']}"
        if any(view(secret) in view(stored) for secret in entry["secret"]):
            leaks.append(entry["text"])
    engine.dispose()
    assert len(forms) >= 40 and not leaks, leaks

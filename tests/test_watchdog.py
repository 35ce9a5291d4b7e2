"""The launcher's watchdog: a server that no longer answers is restarted; Ctrl-C stops every server
within 10 s, hung or not. The per-address message limit is checked here too, on an assistant
whose limit is small (the shared one speaks to every test from 127.0.0.1)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ACTION_SECRET, HOTLINE_TOKEN, MODEL, RASA_API_TOKEN, ROOT, Assistant, children, free_port

pytestmark = pytest.mark.servers


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def watched(tmp_path):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}")
    db_url = f"sqlite:///{tmp_path / 'records.db'}"
    subprocess.run(
        [sys.executable, "-m", "bot.records", "--database-url", db_url, "build"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    rasa_port, action_port = free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=db_url,
        TRACKER_DB=str(tmp_path / "tracker.db"),
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        HOTLINE_TOKEN=HOTLINE_TOKEN,
        RASA_API_TOKEN=RASA_API_TOKEN,
        ACTION_SECRET=ACTION_SECRET,
        WATCHDOG_INTERVAL="1",
        WATCHDOG_TIMEOUT="1",
        WATCHDOG_FAILURES="2",
        MESSAGES_PER_MINUTE_PER_ADDRESS="20",
    )
    a = Assistant(env, tmp_path / "launcher.log")
    a.start()
    yield a
    for pid in children(a.process.pid).values():
        os.kill(pid, signal.SIGCONT)
    a.stop()


def test_a_server_that_stops_answering_is_restarted(watched):
    assert watched.say("wd-1", "你好")
    before = children(watched.process.pid)
    os.kill(before["rasa"], signal.SIGSTOP)  # alive, but its event loop answers nobody
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        now = children(watched.process.pid)
        if now.get("rasa") not in (None, before["rasa"]) and "is answering again" in watched.log.read_text(
            errors="replace"
        ):
            break
        time.sleep(1)
    else:
        pytest.fail("the stopped Rasa server was not restarted:\n" + watched.log.read_text(errors="replace")[-3000:])
    assert not alive(before["rasa"])
    assert "did not answer 2 probes in a row" in watched.log.read_text(errors="replace")
    replies = watched.say("wd-1", "到2028年武汉人工智能产业规模目标是多少")
    assert "2000" in replies[0]["text"]


def test_ctrl_c_stops_every_server_within_ten_seconds_even_a_hung_one(watched):
    servers = children(watched.process.pid)
    assert set(servers) == {"rasa", "actions"}
    os.kill(servers["actions"], signal.SIGSTOP)  # a hung server cannot act on SIGTERM
    started = time.monotonic()
    watched.process.send_signal(signal.SIGINT)
    watched.process.wait(timeout=30)
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    assert not any(alive(pid) for pid in servers.values())


def test_one_address_may_not_flood_from_new_conversations(watched):
    def send(address: str) -> int:
        request = urllib.request.Request(
            f"{watched.base}/webhooks/web/webhook",
            method="POST",
            data=json.dumps({"sender": "", "message": "你好"}).encode(),
            headers={"Content-Type": "application/json", "Origin": watched.base, "X-Real-IP": address},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    statuses = [send("203.0.113.5") for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    assert send("203.0.113.6") == 200

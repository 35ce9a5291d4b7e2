"""Faults in the production layout, each one real: processes are stopped and started again.

The layout runs on a PostgreSQL instance and a Redis server of its own (made here, on free ports), so
stopping them disturbs nothing else on the machine: two Rasa servers and two action servers, each
pair behind nginx, as `make run-prod` starts them. The resident must get a short apology naming
12345 while a part is down (never a 500 or silence) and the conversation must go on, with its
context, once the part is back.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from bot.launcher import http_ok
from tests.conftest import (
    ACTION_SECRET,
    HOTLINE_TOKEN,
    MODEL,
    RASA_API_TOKEN,
    REST_CLIENT_TOKEN,
    ROOT,
    Assistant,
    free_port,
)

pytestmark = [pytest.mark.servers, pytest.mark.postgres]

PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
REDIS = shutil.which("redis-server")
NGINX = Path("/usr/sbin/nginx").exists() or shutil.which("nginx")
RASA = str(Path(sys.executable).parent / "rasa")


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; Debian's package has a postgres user for it
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _wait(check, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} not ready after {timeout:.0f} s")


class PrivatePostgres:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="jc-pg-"))
        self.data, self.port = self.folder / "data", free_port()
        bin_dir = PG_BINS[-1].parent
        self.initdb, self.pg_ctl = str(bin_dir / "initdb"), str(bin_dir / "pg_ctl")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [
                    self.initdb,
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(
                [
                    self.pg_ctl,
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.folder / "log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            check=True,
            capture_output=True,
        )

    def remove(self) -> None:
        subprocess.run(
            _as_postgres([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        def up():
            try:
                return redis.Redis(port=self.port, socket_timeout=1).ping()
            except redis.RedisError:
                return False

        _wait(up, "private Redis", 30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class ActionServers:
    """Action servers started here, not by the launcher, so that they can stay down for a while."""

    def __init__(self, ports: list[int], env: dict[str, str], log: Path) -> None:
        self.ports, self.env, self.log = ports, env, log
        self.processes: dict[int, subprocess.Popen] = {}

    def start(self, port: int) -> None:
        self.processes[port] = subprocess.Popen(
            [sys.executable, "-m", "bot.action_server", "--port", str(port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

    def start_all(self) -> None:
        for port in self.ports:
            self.start(port)
        for port in self.ports:
            _wait(lambda port=port: http_ok(f"http://127.0.0.1:{port}/health"), f"action server {port}")

    def kill(self, port: int) -> None:
        process = self.processes.pop(port)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for port in list(self.processes):
            self.kill(port)


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    if not PG_BINS:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql")
    if not REDIS:
        pytest.skip("redis-server not found on PATH")
    if not NGINX:
        pytest.skip("nginx not installed (make test installs Debian's nginx)")
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}")
    folder = tmp_path_factory.mktemp("faults")
    pg, red = PrivatePostgres(), PrivateRedis()
    pg.start()
    red.start()
    rasa_ports, action_ports = [free_port(), free_port()], [free_port(), free_port()]
    front, action_front = free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"{pg.url}/jiangcheng",
        RASA_ENDPOINTS="endpoints.prod.yml",
        RASA_PORTS=",".join(map(str, rasa_ports)),
        RASA_PORT=str(front),
        ACTION_PORTS=",".join(map(str, action_ports)),
        NGINX_PORT=str(front),
        NGINX_ACTION_PORT=str(action_front),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_front}/webhook",
        PG_PORT=str(pg.port),
        PG_LOGIN_DB="postgres",
        PROD_TRACKER_DB="jiangcheng_tracker",
        REDIS_PORT=str(red.port),
        REDIS_DB="0",
        LAUNCH="rasa,nginx",
        HOTLINE_TOKEN=HOTLINE_TOKEN,
        RASA_API_TOKEN=RASA_API_TOKEN,
        ACTION_SECRET=ACTION_SECRET,
        REST_CLIENT_TOKEN=REST_CLIENT_TOKEN,
    )
    built = subprocess.run(
        [sys.executable, "-m", "bot.records", "build"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr[-2000:]
    actions = ActionServers(action_ports, env, folder / "actions.log")
    actions.start_all()
    assistant = Assistant(env, folder / "launcher.log")
    try:
        assistant.start()
        yield assistant, pg, red, actions
    finally:
        assistant.stop()
        actions.stop_all()
        red.stop()
        pg.remove()


def apologises(status: int, replies) -> bool:
    return status == 200 and len(replies) == 1 and "抱歉" in replies[0]["text"] and "12345" in replies[0]["text"]


def test_action_servers_stopped_then_started_again(layout):
    assistant, _, _, actions = layout
    sender = "fault-actions"
    assert "居民身份证补领" in assistant.say(sender, "补办身份证要多少钱")[0]["text"]
    first, second = actions.ports
    actions.kill(first)  # one of two is down: nginx sends the action calls to the other
    assert assistant.say(sender, "那要带什么材料")[0]["text"].startswith("办理居民身份证补领需要带")
    actions.kill(second)  # none left
    status, replies = assistant.post("/webhooks/rest/webhook", {"sender": sender, "message": "在哪里办"})
    assert apologises(status, replies), replies
    actions.start_all()
    # back means reachable through nginx again, which skips a server for 2 s after it refused
    _wait(lambda: http_ok(assistant.env["ACTION_ENDPOINT_URL"].replace("/webhook", "/health")), "actions via nginx", 30)
    assert assistant.say(sender, "在哪里办")[0]["text"].startswith("居民身份证补领的办理地点"), "context kept"


@pytest.mark.parametrize("part", ["database", "redis"])
def test_a_stopped_part_then_started_again(layout, part):
    assistant, pg, red, _ = layout
    server = pg if part == "database" else red
    sender = f"fault-{part}"
    assert "居民身份证补领" in assistant.say(sender, "补办身份证要多少钱")[0]["text"]
    server.stop()
    try:
        status, replies = assistant.post("/webhooks/rest/webhook", {"sender": sender, "message": "那要带什么材料"})
        assert apologises(status, replies), replies
        status, call = assistant.call(
            {"call_id": f"fault-{part}-call", "event": "message", "text": "补办身份证要带什么"}
        )
        assert status == 200 and "12345" in call["replies"][0]["text"], call
    finally:
        server.start()
    # the first message after the restart is answered, with the conversation's context
    assert assistant.say(sender, "那要带什么材料")[0]["text"].startswith("办理居民身份证补领需要带")

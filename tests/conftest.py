"""Shared fixtures: the records built into a real database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.launcher import READY
from bot.records.build import build
from bot.records.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
RECORDS_DIR = ROOT / "data" / "records"
ARTICLE = ROOT.parent / "shared" / "source" / "action-plan-article.txt"
# every test speaks from 127.0.0.1: the per-address limit is tested on an assistant of its own
os.environ.setdefault("MESSAGES_PER_MINUTE_PER_ADDRESS", "1000000")
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, future=True, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: no server to test against here
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}"


@contextmanager
def _private_postgres_database(prefix: str):
    """A uniquely named PostgreSQL database, dropped afterwards (skips when no server answers)."""
    reason = _postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        from bot.records.db import dispose_all

        dispose_all()
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database():
    """A fresh PostgreSQL database shared by the session's tests."""
    with _private_postgres_database("jiangcheng_test") as url:
        yield url


@pytest.fixture
def empty_postgres_database():
    """A PostgreSQL database of its own for one test (schema tests need one that nothing has touched)."""
    with _private_postgres_database("jiangcheng_empty") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("empty_postgres_database")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def built_database(database_url, monkeypatch):
    """The repository's records built into the database; DATABASE_URL points at it."""
    engine = make_engine(database_url)
    build(engine, RECORDS_DIR)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


@pytest.fixture(scope="session")
def executor():
    """The rasa-sdk executor with our actions, as the action server runs them."""
    from rasa_sdk.executor import ActionExecutor

    ex = ActionExecutor()
    ex.register_package("actions")
    return ex


@pytest.fixture(scope="session")
def article_text() -> str:
    if not ARTICLE.exists():
        pytest.fail(f"the source article is missing at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")


# ---- the running assistant (launcher, action server, Rasa server), shared by the server tests ----
MODEL = ROOT / "models" / "jiangcheng.tar.gz"
HOTLINE_TOKEN = "test-hotline-token-6f1c"
RASA_API_TOKEN = "test-rasa-api-token-93ad"
ACTION_SECRET = "test-action-secret-51be"
REST_CLIENT_TOKEN = "test-rest-client-7d20"
SENDER_HEADER = "X-Jiangcheng-Sender"


def children(pid: int) -> dict[str, int]:
    """The launcher's servers by kind ('rasa', 'actions')."""
    found: dict[str, int] = {}
    try:
        pids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # the launcher has ended
        return found
    for child in pids:
        try:
            args = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "bot.action_server" in args:
            found["actions"] = int(child)
        elif "run" in args and "--model" in args:
            found["rasa"] = int(child)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Assistant:
    """The launcher's own output goes to `log`; each server's to its file in `logs`."""

    def __init__(self, env: dict[str, str], log: Path):
        self.logs = Path(env.get("LOG_DIR") or log.with_suffix(".servers"))
        env["LOG_DIR"] = str(self.logs)
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None
        # the web chat issues its own conversation ids: a test's name for a sender -> the issued id
        self.web_ids: dict[str, str] = {}

    def start(self, timeout: float = 300) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "run", "--startup-timeout", str(timeout)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY.encode() in self.log.read_bytes()[offset:]:
                return
            if self.process.poll() is not None:
                break
            time.sleep(1)
        self.stop()
        pytest.fail("assistant did not start:\n" + self.log.read_text(errors="replace")[-3000:])

    def log_files(self) -> list[Path]:
        return [self.log, *sorted(self.logs.glob("*.log"))]

    def mark(self) -> dict[Path, int]:
        """Where every log ends now, for output_since."""
        return {f: f.stat().st_size for f in self.log_files()}

    def output_since(self, mark: dict[Path, int] | None = None) -> str:
        """What the launcher and every server have written since `mark` (everything without one)."""
        mark = mark or {}
        return "\n".join(
            f.read_bytes()[mark.get(f, 0) :].decode("utf-8", "replace") for f in self.log_files() if f.exists()
        )

    def stop(self) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            return self.process.wait(timeout=60)
        return self.process.returncode if self.process else 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    def post(self, path: str, body, headers=None, raw: bytes | None = None) -> tuple[int, object]:
        """(status, decoded JSON body) for any status, so tests can check refusals too.

        REST requests come as a trusted client (REST_CLIENT_TOKEN), which may name its senders;
        on the web chat a sender's name is replaced by the id the server issued for it."""
        extra = {}
        if path.startswith("/webhooks/web/"):
            # the web chat accepts only its own origin, as a browser on its page would send
            extra["Origin"] = self.base
        if path.startswith("/webhooks/rest/"):
            extra["Authorization"] = f"Bearer {self.env.get('REST_CLIENT_TOKEN', '')}"
        named = body.get("sender") if path.startswith("/webhooks/web/") and isinstance(body, dict) else None
        if isinstance(named, str) and named in self.web_ids:
            body = {**body, "sender": self.web_ids[named]}
        data = raw if raw is not None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", **extra, **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                if isinstance(named, str) and response.headers.get(SENDER_HEADER):
                    self.web_ids.setdefault(named, response.headers[SENDER_HEADER])
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            try:
                return exc.code, json.loads(payload or b"null")
            except ValueError:
                return exc.code, payload.decode("utf-8", "replace")

    def say(self, sender: str, message: str, channel: str = "rest") -> list[dict]:
        status, replies = self.post(f"/webhooks/{channel}/webhook", {"sender": sender, "message": message})
        assert status == 200, replies
        return replies

    def call(self, body: dict, token: str | None = None) -> tuple[int, dict]:
        token = HOTLINE_TOKEN if token is None else token
        return self.post(
            "/webhooks/hotline/webhook", body, headers={"Authorization": f"Bearer {token}"} if token else {}
        )


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it before running pytest")
    folder = tmp_path_factory.mktemp("assistant")
    db_url = f"sqlite:///{folder / 'records.db'}"
    subprocess.run([sys.executable, "-m", "bot.records", "--database-url", db_url, "build"], cwd=ROOT, check=True)
    rasa_port, action_port = free_port(), free_port()
    env = dict(
        os.environ,
        DATABASE_URL=db_url,
        TRACKER_DB=str(folder / "tracker.db"),
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        HOTLINE_TOKEN=HOTLINE_TOKEN,
        RASA_API_TOKEN=RASA_API_TOKEN,
        ACTION_SECRET=ACTION_SECRET,
        REST_CLIENT_TOKEN=REST_CLIENT_TOKEN,
        HANDOFF_HOURS="00:00-24:00",
        HANDOFF_WEEKDAYS="1-7",
    )
    a = Assistant(env, folder / "launcher.log")
    a.start()
    yield a
    a.stop()

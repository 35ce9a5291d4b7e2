"""Configuration from environment variables, with the documented defaults in one place.

Every process (launcher, action server, CLI, tests) reads its settings here, so the defaults
listed in docs/production.md cannot drift apart between them.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> (default, meaning); the table in docs/production.md ("Environment variables") is written from this.
DEFAULTS: dict[str, tuple[str, str]] = {
    "DATABASE_URL": (f"sqlite:///{ROOT / 'var' / 'records.db'}", "records database (SQLAlchemy URL)"),
    "RECORDS_DIR": (str(ROOT / "data" / "records"), "folder of the record YAML files"),
    "TRACKER_DIALECT": ("sqlite", "SQL dialect of the tracker store"),
    "TRACKER_DB": (str(ROOT / "var" / "tracker.db"), "tracker store database (file for SQLite)"),
    "RASA_PORT": ("5005", "port of the Rasa server (REST channel)"),
    "ACTION_PORT": ("5055", "port of the action server"),
    "ACTION_ENDPOINT_URL": ("http://127.0.0.1:5055/webhook", "where the Rasa server calls actions"),
    "RASA_MODEL": (str(ROOT / "models" / "jiangcheng.tar.gz"), "trained model the Rasa server loads"),
    "HOTLINE_NUMBER": ("12345", "the city's service hotline named in answers"),
    "HOTLINE_NUMBER_SPOKEN": ("", "how the hotline reads HOTLINE_NUMBER aloud, in characters (empty: digit by digit)"),
    "HOTLINE_TOKEN": ("", "bearer token of the hotline endpoint (empty: `make run` makes one, in var/tokens.env)"),
    "HOTLINE_ASR_CONFIRM_BELOW": ("0.6", "ASR confidence under which the hotline asks the caller to confirm"),
    "HANDOFF_HOURS": ("09:00-18:00", "hours human agents are on duty (Wuhan time)"),
    "HANDOFF_WEEKDAYS": ("1-5", "days agents are on duty, 1 = Monday"),
    "MAX_MESSAGE_CHARS": ("500", "longest message the channels accept"),
    "RASA_MAX_REQUEST_BYTES": ("1048576", "largest request body the Rasa server reads (larger: 413 before reading)"),
    "ACTION_HOST": ("127.0.0.1", "address the action server listens on (only the Rasa servers need to reach it)"),
    "ACTION_SECRET": ("", "shared secret Rasa sends to the action server (empty: `make run` makes one per run)"),
    "ACTION_MAX_REQUEST_BYTES": ("16777216", "largest action call the action server reads or inflates"),
    "WATCHDOG_INTERVAL": ("5", "seconds between the launcher's probes of each running server"),
    "WATCHDOG_TIMEOUT": ("5", "seconds a probe waits for an answer"),
    "WATCHDOG_FAILURES": ("3", "probes in a row a server may miss before the launcher restarts it"),
    "STOP_GRACE": ("5", "seconds a server has to stop after SIGTERM before it is killed"),
    "RASA_ENDPOINTS": ("endpoints.yml", "endpoints file: endpoints.yml (SQLite) or endpoints.prod.yml"),
    "RASA_PORTS": ("", "production: comma-separated ports of several Rasa servers (empty: RASA_PORT only)"),
    "NGINX_PORT": ("", "production: port of nginx in front of the Rasa servers (empty: no nginx)"),
    "ACTION_PORTS": ("", "production: comma-separated ports of several action servers (empty: ACTION_PORT only)"),
    "NGINX_ACTION_PORT": (
        "",
        "production: port of nginx in front of the action servers; point ACTION_ENDPOINT_URL at it",
    ),
    "LOG_DIR": (str(ROOT / "var" / "logs"), "folder of the servers' and `make run` steps' logs"),
    "LAUNCH": (
        "actions,rasa,nginx",
        "parts `bot.launcher run` starts on this machine (a city spreads them over several)",
    ),
    "PG_HOST": ("127.0.0.1", "production: PostgreSQL host of the tracker store"),
    "PG_PORT": ("5432", "production: PostgreSQL port"),
    "PG_USER": ("postgres", "production: PostgreSQL user"),
    "PG_LOGIN_DB": ("postgres", "production: database Rasa connects to first to create the tracker database"),
    "PROD_TRACKER_DB": ("jiangcheng_tracker", "production: tracker store database"),
    "REDIS_HOST": ("127.0.0.1", "production: Redis host of the lock store"),
    "REDIS_PORT": ("6379", "production: Redis port"),
    "REDIS_DB": ("1", "production: Redis database number of the lock store"),
    "RASA_API_TOKEN": ("", "token of Rasa's HTTP API (empty: `make run` makes one, in var/tokens.env)"),
    "RASA_API_TOKEN_FILE": ("", "file holding the token of Rasa's HTTP API (read instead of RASA_API_TOKEN when set)"),
    "SESSION_KEY": (
        "",
        "key that signs the conversation ids the web and REST channels issue (empty: `make run` keeps one in var/session.key)",
    ),
    "REST_CLIENT_TOKEN": (
        "",
        "bearer token of trusted REST clients, which may choose their own sender ids (empty: `make run` makes one)",
    ),
    "MESSAGES_PER_MINUTE_PER_CONVERSATION": ("30", "messages one conversation may send per minute (REST and web)"),
    "MESSAGES_PER_MINUTE_PER_ADDRESS": (
        "120",
        "messages one client address may send per minute (REST and web), per Rasa server",
    ),
    "TRUSTED_PROXIES": ("127.0.0.1", "proxies whose X-Real-IP header names the client (our nginx sets it)"),
    "WEB_ALLOWED_ORIGINS": ("", "origins the web chat accepts, comma-separated (empty: the server's own address)"),
}


def get(name: str) -> str:
    default, _ = DEFAULTS[name]
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def environment() -> dict[str, str]:
    """The process environment with every unset setting filled with its default."""
    env = dict(os.environ)
    for name in DEFAULTS:
        env[name] = get(name)
    # the action server imports `actions` and `bot` from the repository root
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env

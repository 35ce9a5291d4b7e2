"""Start the action server and the Rasa server together; Ctrl-C stops both. Their output goes to LOG_DIR.

`python -m bot.launcher run`            start both and wait (what `make run` does)
`python -m bot.launcher exec -- CMD…`   run CMD with the documented defaults filled in
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from bot import settings

BIN = Path(sys.executable).parent
# the first words of the banner, printed once every server answers: tests and the benchmark wait for it
READY = "江城助手已启动"
STOPPED = "江城助手已停止"
# how the servers are started: with the documented filter of dependencies' warnings
QUIET = [sys.executable, "-m", "bot.dependency_warnings"]
TAIL_LINES = 30


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when the URL answers 200 within the timeout (readiness and liveness of a server)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(started: list[subprocess.Popen | None], grace: float) -> None:
    """SIGTERM to each, then SIGKILL to any still running after `grace` seconds (a hung server
    ignores SIGTERM; a stopped one cannot act on it)."""
    processes = [p for p in started if p is not None]
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in processes:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Server:
    """One process the launcher keeps running, how it is probed, and the log its output goes to."""

    def __init__(self, name: str, command: list[str], probe: str, watched: bool, env: dict[str, str], log: Path):
        self.name, self.command, self.probe, self.watched, self.env, self.log = name, command, probe, watched, env, log
        self.process: subprocess.Popen | None = None
        self.misses = 0
        self.ready = False
        self.started = 0.0

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as output:  # the child keeps its own copy of the file descriptor
            self.process = subprocess.Popen(
                self.command, cwd=settings.ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        self.misses, self.ready, self.started = 0, False, time.monotonic()

    def exit_code(self) -> int | None:
        """The exit code once the process has stopped; None while it runs."""
        return self.process.poll() if self.process is not None else None

    def tail(self, lines: int = TAIL_LINES) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return f"--- the last lines of {self.log} ---\n" + "\n".join(text.splitlines()[-lines:])

    def restart(self, reason: str, grace: float) -> None:
        _say(f"{self.name} {reason}; restarting it (log: {self.log}).")
        _stop([self.process], grace)
        self.start()


@dataclass
class Plan:
    """What this launcher starts and how it knows they are all up."""

    servers: list[Server]
    checks: list[str]
    front_port: str
    rasa_ports: list[str]
    action_ports: list[str]


def fill_secrets(env: dict[str, str]) -> bool:
    """Tokens and keys that are not configured are made for this run; True when the hotline's was."""
    generated_token = not env["HOTLINE_TOKEN"]
    if generated_token:
        # never an open hotline endpoint: without a configured token, one is made for this run
        env["HOTLINE_TOKEN"] = secrets.token_urlsafe(24)
    if not env["RASA_API_TOKEN"]:
        # Rasa's HTTP API (tracker, /model/parse) is only ever enabled behind a token
        env["RASA_API_TOKEN"] = secrets.token_urlsafe(24)
    if not env["ACTION_SECRET"]:
        # the action server lets in only callers with the secret; Rasa sends it (endpoints.yml)
        env["ACTION_SECRET"] = secrets.token_urlsafe(24)
    if not env["REST_CLIENT_TOKEN"]:
        env["REST_CLIENT_TOKEN"] = secrets.token_urlsafe(24)
    if not env["SESSION_KEY"]:
        env["SESSION_KEY"] = session_key(settings.ROOT / "var" / "session.key")
    keep_tokens(env, TOKENS_FILE)
    return generated_token


def plan(env: dict[str, str], model: Path) -> Plan:
    """The servers the settings ask for on this machine (LAUNCH), each with its port, probe and log."""
    logs = Path(env["LOG_DIR"])
    # several Rasa servers share one conversation store, several action servers one records
    # database (production layout, endpoints.prod.yml); nginx spreads the load over each group
    rasa_ports = _items(env["RASA_PORTS"]) or [env["RASA_PORT"]]
    action_ports = _items(env["ACTION_PORTS"]) or [env["ACTION_PORT"]]
    parts = set(_items(env["LAUNCH"]))
    servers: list[Server] = []
    if "actions" in parts:
        for port in action_ports:
            command = [*QUIET, "-m", "bot.action_server", "--port", port]
            probe = f"http://127.0.0.1:{port}/health"
            servers.append(Server(f"action server {port}", command, probe, True, env, logs / f"actions-{port}.log"))
    if "rasa" in parts:
        for port in rasa_ports:
            command = [
                *QUIET,
                "rasa",
                "run",
                "--model",
                str(model),
                "--port",
                port,
                "--endpoints",
                env["RASA_ENDPOINTS"],
                # the API token reaches Rasa from the environment (bot/api_access.py), never the command line
                "--credentials",
                "credentials.yml",
                "--enable-api",
            ]
            # behind nginx only nginx may reach a Rasa server: its X-Real-IP is then the client's
            command += ["--interface", "127.0.0.1"] if env["NGINX_PORT"] else []
            probe = f"http://127.0.0.1:{port}/"
            servers.append(Server(f"rasa server {port}", command, probe, True, env, logs / f"rasa-{port}.log"))
    checks: list[str] = [s.probe for s in servers]
    if "nginx" in parts and (env["NGINX_PORT"] or env["NGINX_ACTION_PORT"]):
        # nginx's own probe goes through to a Rasa server: it is watched for dying, not for hanging
        command = nginx_command(env["NGINX_PORT"], rasa_ports, env["NGINX_ACTION_PORT"], action_ports)
        servers.append(Server("nginx", command, "", False, env, logs / "nginx.log"))
        checks += [f"http://127.0.0.1:{env['NGINX_PORT']}/"] if env["NGINX_PORT"] else []
        checks += [f"http://127.0.0.1:{env['NGINX_ACTION_PORT']}/health"] if env["NGINX_ACTION_PORT"] else []
    return Plan(servers, checks, env["NGINX_PORT"] or rasa_ports[0], rasa_ports, action_ports)


def banner(env: dict[str, str], planned: Plan, generated_token: bool) -> str:
    """What a maintainer needs once everything answers: addresses, tokens (abridged), logs."""
    front_port = planned.front_port
    tokens = TOKENS_FILE.relative_to(settings.ROOT)
    token_note = f" (made for this run: {tokens}; set HOTLINE_TOKEN to fix it)" if generated_token else ""
    return (
        f"\n{READY} (Jiangcheng Assistant is running)\n"
        f"  web chat:       http://127.0.0.1:{front_port}/webhooks/web/\n"
        f"  REST:           POST http://127.0.0.1:{front_port}/webhooks/rest/webhook\n"
        f'                  body {{"sender": "", "message": "到2028年武汉人工智能产业规模目标是多少"}}\n'
        f"                  (the reply's X-Jiangcheng-Sender header is the id to send next time)\n"
        f"  hotline:        POST http://127.0.0.1:{front_port}/webhooks/hotline/webhook\n"
        f"                  Authorization: Bearer {abridged(env['HOTLINE_TOKEN'])}{token_note}\n"
        f"  Rasa HTTP API:  http://127.0.0.1:{front_port}/status, Authorization: Bearer {abridged(env['RASA_API_TOKEN'])}\n"
        f"  tokens:         {tokens} (RASA_API_TOKEN, HOTLINE_TOKEN, REST_CLIENT_TOKEN)\n"
        f"  action servers: {env['ACTION_HOST']}, ports {', '.join(planned.action_ports)}; Rasa calls {env['ACTION_ENDPOINT_URL']}\n"
        f"  Rasa servers:   ports {', '.join(planned.rasa_ports)} ({env['RASA_ENDPOINTS']})"
        + (f", behind nginx on {front_port}" if env["NGINX_PORT"] else "")
        + "\n"
        f"  started here:   {', '.join(s.name for s in planned.servers)}\n"
        f"  logs:           {env['LOG_DIR']}\n"
        "  stop:           Ctrl-C\n"
    )


def supervise(planned: Plan, env: dict[str, str], startup_timeout: float, on_ready: Callable[[], None]) -> int:
    """Start every server, call on_ready once all answer, then keep them running until Ctrl-C.

    A server that dies while starting stops the others (exit 1, its log's tail printed); one that
    dies or stops answering later is restarted while the others keep serving."""
    servers = planned.servers
    interval, probe_timeout = float(env["WATCHDOG_INTERVAL"]), float(env["WATCHDOG_TIMEOUT"])
    failures, grace = int(env["WATCHDOG_FAILURES"]), float(env["STOP_GRACE"])
    for server in servers:
        server.start()
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    announced = False
    next_probe = 0.0
    code = 0
    while not stopping:
        dead = [s for s in servers if s.exit_code() is not None]
        if dead and not announced:
            _say(f"{', '.join(s.name for s in dead)} stopped while starting; stopping the others.")
            _say("\n".join(s.tail() for s in dead))
            code = 1
            break
        for server in dead:
            # a server that dies while running is started again; the others keep serving meanwhile
            _say(f"{server.name} stopped unexpectedly (exit {server.exit_code()}); restarting it (log: {server.log}).")
            server.start()
        if not announced:
            if all(http_ok(url) for url in planned.checks):
                announced = True
                for server in servers:
                    server.ready = True
                on_ready()
            elif time.monotonic() - started > startup_timeout:
                _say(f"Servers not ready after {startup_timeout:.0f} s; stopping.")
                _say("\n".join(s.tail() for s in servers if s.watched and not http_ok(s.probe)))
                code = 1
                break
        elif time.monotonic() >= next_probe:
            next_probe = time.monotonic() + interval
            watchdog(servers, probe_timeout, failures, grace, startup_timeout, lambda: stopping)
        time.sleep(0.5)
    _stop([s.process for s in servers], grace)
    return code


def run(startup_timeout: float) -> int:
    env = settings.environment()
    model = Path(env["RASA_MODEL"])
    if not model.exists():
        _say(f"No trained model at {model}: run `make run` (it trains when needed).")
        return 2
    generated_token = fill_secrets(env)
    planned = plan(env, model)
    if not planned.servers:
        _say(f"LAUNCH={env['LAUNCH']!r} names nothing to start (actions, rasa, nginx).")
        return 2
    print(f"· starting {len(planned.servers)} servers, logs in {env['LOG_DIR']} …", flush=True)
    began = time.monotonic()

    def announce() -> None:
        print(f"  all answering after {time.monotonic() - began:.0f} s", flush=True)
        print(banner(env, planned, generated_token), flush=True)

    code = supervise(planned, env, startup_timeout, announce)
    print(f"{STOPPED} (stopped).", flush=True)
    return code


def watchdog(
    servers: list[Server],
    timeout: float,
    failures: int,
    grace: float,
    startup_timeout: float,
    stopping: Callable[[], bool],
) -> None:
    """A real request through each server's event loop: a server that is alive but no longer answers
    (a spinning or stopped event loop) is restarted like one that died."""
    for server in servers:
        if stopping():  # Ctrl-C during a round of probes: stop now, not after every probe has waited
            return
        if not server.watched or server.exit_code() is not None:
            continue
        if not server.ready:  # restarted: it has startup_timeout to load its model again
            if http_ok(server.probe, timeout):
                server.ready = True
                _say(f"{server.name} is answering again.")
            elif time.monotonic() - server.started > startup_timeout:
                server.restart(f"not ready {startup_timeout:.0f} s after a restart", grace)
            continue
        if http_ok(server.probe, timeout):
            server.misses = 0
            continue
        server.misses += 1
        if server.misses >= failures:
            server.restart(f"did not answer {failures} probes in a row ({timeout:.0f} s each)", grace)


TOKENS_FILE = settings.ROOT / "var" / "tokens.env"
TOKEN_NAMES = ("HOTLINE_TOKEN", "RASA_API_TOKEN", "REST_CLIENT_TOKEN")


def abridged(token: str) -> str:
    """Enough of a token to tell which one it is, never the whole of it."""
    return f"{token[:4]}…" if len(token) > 8 else "…"


def keep_tokens(env: dict[str, str], path: Path) -> None:
    """This run's tokens, readable by the owner only, for the tools that need them (simulator, curl)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(f"{name}={env[name]}\n" for name in TOKEN_NAMES))


def session_key(path: Path) -> str:
    """The key that signs conversation ids, kept on disk so that residents' ids outlive a restart."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or just now by a launcher started beside this one
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.1)
    raise SystemExit(f"{path} is empty: delete it, or set SESSION_KEY")


def _items(value: str) -> list[str]:
    """A comma-separated setting as a list (ports, parts)."""
    return [p.strip() for p in value.split(",") if p.strip()]


def nginx_command(
    rasa_front: str, rasa_ports: list[str], action_front: str = "", action_ports: Sequence[str] = ()
) -> list[str]:
    """nginx in the foreground with a configuration written under var/ (Debian's nginx binary)."""
    prefix = settings.ROOT / "var" / f"nginx-{rasa_front or action_front}"
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)

    def upstream(name: str, ports: list[str]) -> str:
        # a server that refused is skipped for 2 s, then tried again: one back from a restart gets
        # work within 2 s (nginx has no active health checks)
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in ports)
        # keepalive: Rasa opens a connection per action call; nginx reuses its own to the servers
        # least_conn: replies differ threefold in cost, so round robin left one server queueing
        return f"  upstream {name} {{\n    least_conn;\n{servers}\n    keepalive 16;\n  }}\n"

    blocks = ""
    if rasa_front:
        # a Rasa server that is down or restarting: the request goes to another one. Messages are
        # POSTs, so non_idempotent is needed; a message whose server died while answering may be
        # handled twice, which the resident sees as one repeated answer rather than an error.
        blocks += (
            upstream("rasa", rasa_ports)
            + f"""  server {{
    listen 127.0.0.1:{rasa_front};
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # the client's address, for the per-address message limit (TRUSTED_PROXIES)
      proxy_set_header X-Real-IP $remote_addr;
      proxy_read_timeout 120s;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }}
  }}
"""
        )
    if action_front:
        # an action call that never reached a server (refused, reset before sending) is retried on
        # another one; one that did is not (non_idempotent off), so a handoff ticket is never made twice
        blocks += (
            upstream("actions", list(action_ports))
            + f"""  server {{
    listen 127.0.0.1:{action_front};
    location / {{
      proxy_pass http://actions;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 60s;
      # an action call carries the whole conversation and the domain (50 kB and more). Kept in
      # memory, the body goes upstream in one write with the headers; spooled to a file, it went
      # in a second write that waited for a delayed ACK: 44 ms more per action call, measured
      client_max_body_size 16m;
      client_body_buffer_size 16m;
      proxy_next_upstream error timeout http_502 http_503;
    }}
  }}
"""
        )
    conf = f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/tmp/body;
  proxy_temp_path {prefix}/tmp/proxy;
  fastcgi_temp_path {prefix}/tmp/fastcgi;
  uwsgi_temp_path {prefix}/tmp/uwsgi;
  scgi_temp_path {prefix}/tmp/scgi;
  client_max_body_size 128k;
  client_body_buffer_size 128k;
{blocks}}}
"""
    (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
    binary = "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "nginx"
    return [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.launcher")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--startup-timeout", type=float, default=300.0)
    e = sub.add_parser("exec")
    e.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.startup_timeout)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("exec needs a command")
    env = settings.environment()
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    os.execvpe(cmd[0], cmd, env)


if __name__ == "__main__":
    sys.exit(main())

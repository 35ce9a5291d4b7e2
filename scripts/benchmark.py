"""`make bench`: simulated residents in multi-turn conversations over the REST channel.

For each layout it starts its own assistant on free ports: the SQLite default (one Rasa server, one
action server) and the production layout (PostgreSQL records and tracker store, Redis lock store, two
Rasa servers and two action servers behind nginx, on this machine's PostgreSQL and Redis, in
databases of its own that are dropped afterwards). It drives 1, 10 and 50 concurrent residents,
each going straight on to the next message when a reply arrives (no reading time: a stress test),
through plan questions, service look-ups with follow-ups and unclear messages, and prints per level:
p50/p95/p99 reply latency, replies per second, errors, and the peak RSS of each process; then Rasa's
own /model/parse on the same messages and end-to-end p50 / parse p50.
Results go to reports/bench/ as JSON and a PNG chart of latency against concurrency.

Usage: .venv/bin/python scripts/benchmark.py [--layouts sqlite,production]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.replies import apology  # noqa: E402
from bot import settings  # noqa: E402
from bot.launcher import READY  # noqa: E402

LEVELS = (1, 10, 50)
CONVERSATIONS_PER_RESIDENT = 3
CONVERSATIONS = [
    ["你好", "到2028年武汉人工智能产业规模目标是多少", "谢谢"],
    ["补办身份证要多少钱", "那要带什么材料", "在哪里办"],
    ["政务服务中心在哪里", "洪山区", "那江汉区呢"],
    ["基础设施提升工程要干什么", "那数据要素开发工程呢"],
    ["咕噜咕噜啦啦啦", "武汉数字经济排名全国第几", "拜拜"],
]
APOLOGY = apology()  # the one apology any failure behind Rasa becomes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def children(pid: int) -> dict[str, int]:
    """The launcher's processes by name (nginx's workers too), for their peak RSS."""
    out = subprocess.run(["ps", "-e", "-ww", "-o", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    rows = [line.strip().split(None, 2) for line in out.splitlines()]
    procs: dict[str, int] = {}
    for child, parent, args in (r for r in rows if len(r) == 3):
        if int(parent) != pid:
            continue
        if "bot.action_server" in args:
            procs[f"action server {args.split('--port')[-1].split()[0]}"] = int(child)
        elif "run --model" in args:
            procs[f"rasa server {args.split('--port')[-1].split()[0]}"] = int(child)
        elif "nginx" in args:
            procs["nginx master"] = int(child)
            for n, (worker, _parent, _) in enumerate(r for r in rows if len(r) == 3 and int(r[1]) == int(child)):
                procs[f"nginx worker {n + 1}"] = int(worker)
    return procs


async def resident(session, url, number, conversations, latencies, errors):
    for c in range(conversations):
        sender = f"bench-{number}-{c}-{time.monotonic_ns()}"
        for message in CONVERSATIONS[(number + c) % len(CONVERSATIONS)]:
            started = time.perf_counter()
            try:
                async with session.post(
                    url,
                    json={"sender": sender, "message": message},
                    headers={"Authorization": "Bearer bench-rest-client"},
                ) as response:
                    body = await response.json(content_type=None)
                    ok = response.status == 200 and body and not any(m.get("text") == APOLOGY for m in body)
            except Exception:
                ok = False
            latencies.append(time.perf_counter() - started)
            if not ok:
                errors.append(message)


async def level(url: str, concurrency: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.perf_counter()
        # one resident alone holds few conversations at once: give it more, so its percentiles mean something
        conversations = max(CONVERSATIONS_PER_RESIDENT, 80 // concurrency)
        await asyncio.gather(*(resident(session, url, n, conversations, latencies, errors) for n in range(concurrency)))
        wall = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": 1000 * percentile(latencies, 50),
        "p95_ms": 1000 * percentile(latencies, 95),
        "p99_ms": 1000 * percentile(latencies, 99),
        "replies_per_s": len(latencies) / wall,
    }


async def parse_p50(base: str, token: str) -> float:
    messages = [m for conversation in CONVERSATIONS for m in conversation] * 4
    timings = []
    async with aiohttp.ClientSession() as session:
        for m in messages:
            started = time.perf_counter()
            async with session.post(f"{base}/model/parse?token={token}", json={"text": m}) as response:
                await response.read()
            timings.append(time.perf_counter() - started)
    return 1000 * statistics.median(timings)


def chart(layouts: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    styles = {"p50_ms": "-", "p95_ms": "--", "p99_ms": ":"}
    for n, layout in enumerate(layouts):
        xs = [r["concurrency"] for r in layout["levels"]]
        for key, style in styles.items():
            ax.plot(
                xs,
                [r[key] for r in layout["levels"]],
                style,
                marker="o",
                color=f"C{n}",
                label=f"{layout['layout']} {key.replace('_ms', '')}",
            )
    xs = list(LEVELS)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(xs)
    ax.set_xticklabels([str(x) for x in xs])
    ax.set_xlabel("concurrent residents (no reading time)")
    ax.set_ylabel("reply latency (ms)")
    ax.set_title("Jiangcheng assistant, REST channel, reply latency")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def _pg_admin_url() -> str:
    return os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def production_unavailable() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(_pg_admin_url(), future=True, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {_pg_admin_url()}: {exc.__class__.__name__}"
    try:
        import redis

        redis.Redis(host=settings.get("REDIS_HOST"), port=int(settings.get("REDIS_PORT")), socket_timeout=2).ping()
    except Exception as exc:
        return f"Redis not reachable: {exc.__class__.__name__}"
    if not (
        Path("/usr/sbin/nginx").exists() or subprocess.run(["which", "nginx"], capture_output=True).returncode == 0
    ):
        return "nginx not installed (make run-prod installs it)"
    return None


def drop_databases(names: list[str]) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(_pg_admin_url(), future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def layout_env(name: str, work: Path) -> tuple[dict[str, str], str, list[str]]:
    """Environment of one layout, the URL residents talk to, and PostgreSQL databases to drop after."""
    env = settings.environment()
    env.update(
        RASA_API_TOKEN="bench-token",
        HOTLINE_TOKEN="bench-hotline",
        REST_CLIENT_TOKEN="bench-rest-client",
        MESSAGES_PER_MINUTE_PER_ADDRESS="1000000",
    )
    if name == "sqlite":
        rasa_port, action_port = free_port(), free_port()
        env.update(
            DATABASE_URL=f"sqlite:///{work / 'records.db'}",
            TRACKER_DB=str(work / "tracker.db"),
            RASA_PORT=str(rasa_port),
            ACTION_PORT=str(action_port),
            RASA_PORTS="",
            ACTION_PORTS="",
            NGINX_PORT="",
            NGINX_ACTION_PORT="",
            RASA_ENDPOINTS="endpoints.yml",
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        )
        return env, f"http://127.0.0.1:{rasa_port}", []
    records_db, tracker_db = "jiangcheng_bench_records", "jiangcheng_bench_tracker"
    drop_databases([records_db, tracker_db])
    front, action_front = free_port(), free_port()
    env.update(
        DATABASE_URL=_pg_admin_url().rsplit("/", 1)[0] + f"/{records_db}",
        RASA_ENDPOINTS="endpoints.prod.yml",
        RASA_PORTS=f"{free_port()},{free_port()}",
        ACTION_PORTS=f"{free_port()},{free_port()}",
        NGINX_PORT=str(front),
        NGINX_ACTION_PORT=str(action_front),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_front}/webhook",
        PROD_TRACKER_DB=tracker_db,
        REDIS_DB=os.environ.get("BENCH_REDIS_DB", "3"),
        LAUNCH="actions,rasa,nginx",
    )
    return env, f"http://127.0.0.1:{front}", [records_db, tracker_db]


DESCRIPTIONS = {
    "sqlite": "default: SQLite records and tracker store, one Rasa server, one action server",
    "production": "production: PostgreSQL records and tracker store, Redis lock store, "
    "2 Rasa servers and 2 action servers behind nginx",
}


def run_layout(name: str) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"jc-bench-{name}-"))
    env, base, databases = layout_env(name, work)
    built = subprocess.run(
        [sys.executable, "-m", "bot.records", "--database-url", env["DATABASE_URL"], "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if built.returncode:
        raise RuntimeError(f"records build failed: {built.stderr[-1000:]}")
    log_path = work / "assistant.log"
    with log_path.open("w") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 300
        while READY not in log_path.read_text(errors="replace"):
            if launcher.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("assistant did not start:\n" + log_path.read_text(errors="replace")[-2000:])
            time.sleep(1)
        url = f"{base}/webhooks/rest/webhook"
        asyncio.run(level(url, 4))  # warm-up: the first parses and predictions load lazily
        processes = children(launcher.pid)
        cpu_before = {proc: cpu_seconds(pid) for proc, pid in processes.items()}
        results = [asyncio.run(level(url, c)) for c in LEVELS]
        replies = sum(r["requests"] for r in results)
        cpu = {proc: 1000 * (cpu_seconds(pid) - cpu_before[proc]) / replies for proc, pid in processes.items()}
        parse = asyncio.run(parse_p50(base, "bench-token"))
        rss = {proc: peak_rss_mb(pid) for proc, pid in processes.items()}
    finally:
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=90)
        if databases:
            drop_databases(databases)
    return {
        "layout": name,
        "description": DESCRIPTIONS[name],
        "levels": results,
        "parse_p50_ms": parse,
        "e2e_over_parse_p50": results[0]["p50_ms"] / parse,
        "peak_rss_mb": rss,
        "cpu_ms_per_reply": cpu,
    }


def report(layout: dict) -> None:
    print(f"\nlayout {layout['description']}")
    print(f"{'residents':>9} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'replies/s':>9}")
    for r in layout["levels"]:
        print(
            f"{r['concurrency']:>9} {r['requests']:>8} {r['errors']:>6} {r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} "
            f"{r['p99_ms']:>7.0f} {r['replies_per_s']:>9.1f}"
        )
    print(
        f"/model/parse p50 {layout['parse_p50_ms']:.1f} ms; end-to-end p50 (1 resident) / parse p50 = "
        f"{layout['e2e_over_parse_p50']:.1f}"
    )
    print("peak RSS: " + ", ".join(f"{proc} {mb:.0f} MB" for proc, mb in layout["peak_rss_mb"].items()))
    print("CPU per reply: " + ", ".join(f"{proc} {ms:.1f} ms" for proc, ms in layout["cpu_ms_per_reply"].items()))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--layouts", default="sqlite,production")
    args = parser.parse_args()
    out_dir = ROOT / "reports" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    layouts, skipped = [], {}
    for name in [n.strip() for n in args.layouts.split(",") if n.strip()]:
        reason = production_unavailable() if name == "production" else None
        if reason:
            skipped[name] = reason
            print(f"\nlayout {name}: skipped, {reason}")
            continue
        layouts.append(run_layout(name))
        report(layouts[-1])
    summary = {
        "layouts": layouts,
        "skipped": skipped,
        "conversations": CONVERSATIONS,
        "conversations_per_resident": f"max({CONVERSATIONS_PER_RESIDENT}, 80 // residents)",
        "cpus": os.cpu_count(),
        "seconds": round(time.monotonic() - started),
    }
    (out_dir / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if layouts:
        chart(layouts, out_dir / "latency.png")
    print(f"\nresults: {out_dir / 'results.json'}, chart: {out_dir / 'latency.png'} ({summary['seconds']} s)")
    return 0 if layouts else 1


if __name__ == "__main__":
    sys.exit(main())

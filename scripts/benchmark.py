"""`make bench`: simulated residents in multi-turn conversations over the REST channel.

Starts its own assistant (SQLite default layout) on free ports, drives 1, 10 and 50 concurrent
residents through plan questions, service look-ups with follow-ups and unclear messages, and
prints per level: p50/p95/p99 reply latency, replies per second, errors, and the peak RSS of each
process; then Rasa's own /model/parse on the same messages and end-to-end p50 / parse p50.
Results go to reports/bench/ as JSON and a PNG chart of latency against concurrency.
"""
from __future__ import annotations

import asyncio
import json
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

from bot import settings  # noqa: E402

LEVELS = (1, 10, 50)
CONVERSATIONS_PER_RESIDENT = 3
CONVERSATIONS = [
    ["你好", "到2028年武汉人工智能产业规模目标是多少", "谢谢"],
    ["补办身份证要多少钱", "那要带什么材料", "在哪里办"],
    ["政务服务中心在哪里", "洪山区", "那江汉区呢"],
    ["基础设施提升工程要干什么", "那数据要素开发工程呢"],
    ["咕噜咕噜啦啦啦", "武汉数字经济排名全国第几", "拜拜"],
]
APOLOGY = "系统暂时无法回答"


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


def children(pid: int) -> dict[str, int]:
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    procs = {}
    for line in out.splitlines():
        child, _, args = line.strip().partition(" ")
        procs["action server" if "run actions" in args else "rasa server"] = int(child)
    return procs


async def resident(session, url, number, latencies, errors):
    for c in range(CONVERSATIONS_PER_RESIDENT):
        sender = f"bench-{number}-{c}-{time.monotonic_ns()}"
        for message in CONVERSATIONS[(number + c) % len(CONVERSATIONS)]:
            started = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": message}) as response:
                    body = await response.json(content_type=None)
                    ok = response.status == 200 and body and not any(APOLOGY in (m.get("text") or "") for m in body)
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
        await asyncio.gather(*(resident(session, url, n, latencies, errors) for n in range(concurrency)))
        wall = time.perf_counter() - started
    return {"concurrency": concurrency, "requests": len(latencies), "errors": len(errors),
            "p50_ms": 1000 * percentile(latencies, 50), "p95_ms": 1000 * percentile(latencies, 95),
            "p99_ms": 1000 * percentile(latencies, 99), "replies_per_s": len(latencies) / wall}


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


def chart(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["concurrency"] for r in results]
    fig, ax = plt.subplots(figsize=(6, 4))
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        ax.plot(xs, [r[key] for r in results], marker="o", label=key.replace("_ms", ""))
    ax.set_xscale("log")
    ax.set_xticks(xs)
    ax.set_xticklabels([str(x) for x in xs])
    ax.set_xlabel("concurrent residents")
    ax.set_ylabel("reply latency (ms)")
    ax.set_title("Jiangcheng assistant, SQLite layout, REST channel")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> int:
    out_dir = ROOT / "reports" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="jc-bench-"))
    rasa_port, action_port = free_port(), free_port()
    env = settings.environment()
    env.update(DATABASE_URL=f"sqlite:///{work / 'records.db'}", TRACKER_DB=str(work / "tracker.db"),
               RASA_PORT=str(rasa_port), ACTION_PORT=str(action_port),
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
               RASA_API_TOKEN="bench-token", HOTLINE_TOKEN="bench-hotline")
    subprocess.run([sys.executable, "-m", "bot.records", "--database-url", env["DATABASE_URL"], "build"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    log = (work / "assistant.log").open("w")
    launcher = subprocess.Popen([sys.executable, "-m", "bot.launcher", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{rasa_port}"
    try:
        deadline = time.monotonic() + 300
        while "江城助手已启动" not in (work / "assistant.log").read_text(errors="replace"):
            if launcher.poll() is not None or time.monotonic() > deadline:
                print((work / "assistant.log").read_text(errors="replace")[-2000:], file=sys.stderr)
                return 1
            time.sleep(1)
        url = f"{base}/webhooks/rest/webhook"
        asyncio.run(level(url, 2))  # warm-up: first parses load lazily
        results = [asyncio.run(level(url, c)) for c in LEVELS]
        parse = asyncio.run(parse_p50(base, "bench-token"))
        rss = {name: peak_rss_mb(pid) for name, pid in children(launcher.pid).items()}
    finally:
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=60)
    print("layout: default (SQLite records and tracker store, one Rasa server, one action server)")
    print(f"{'residents':>9} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'replies/s':>9}")
    for r in results:
        print(f"{r['concurrency']:>9} {r['requests']:>8} {r['errors']:>6} {r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} "
              f"{r['p99_ms']:>7.0f} {r['replies_per_s']:>9.1f}")
    ratio = results[0]["p50_ms"] / parse
    print(f"/model/parse p50 {parse:.0f} ms; end-to-end p50 (1 resident) / parse p50 = {ratio:.2f}")
    print("peak RSS: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in rss.items()))
    print("production layout (make run-prod): not measured by make bench yet, see issue 7")
    summary = {"layout": "sqlite-default", "levels": results, "parse_p50_ms": parse,
               "e2e_over_parse_p50": ratio, "peak_rss_mb": rss, "conversations": CONVERSATIONS}
    (out_dir / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    chart(results, out_dir / "latency.png")
    print(f"results: {out_dir / 'results.json'}, chart: {out_dir / 'latency.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

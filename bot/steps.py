"""One line per step of `make run`; the step's own output goes to var/logs/<log>.log.

`python -m bot.steps "building the records" records -- python -m bot.records build`

prints `· building the records … done (2 s)`. While a step runs on a terminal, the line shows the
seconds so far and, when training, the component being trained. When the step fails, the last
lines of its log are printed and the step's exit code is returned, so make stops there.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from bot import settings

TAIL_LINES = 30
# what `rasa train` logs as it goes: the progress shown beside the seconds
COMPONENT = re.compile(r"Starting to train component '([^']+)'")


def log_dir() -> Path:
    return Path(settings.get("LOG_DIR"))


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _progress(path: Path) -> str:
    try:
        found = COMPONENT.findall(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ""
    return f", {found[-1]}" if found else ""


def run_step(title: str, command: list[str], log: Path, out: IO[str] = sys.stdout) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    live = out.isatty()
    out.write(f"· {title} …")
    out.flush()
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as f:
        process = subprocess.Popen(
            command, cwd=settings.ROOT, env=settings.environment(), stdout=f, stderr=subprocess.STDOUT
        )
        done = threading.Event()

        def show_progress() -> None:
            while not done.wait(1.0):
                out.write(f"\r· {title} … {time.monotonic() - started:.0f} s{_progress(log)}\033[K")
                out.flush()

        watcher = threading.Thread(target=show_progress, daemon=True) if live else None
        if watcher:
            watcher.start()
        try:
            code = process.wait()
        except KeyboardInterrupt:
            process.terminate()
            code = process.wait()
        done.set()
        if watcher:
            watcher.join()
    elapsed = time.monotonic() - started
    if live:
        out.write(f"\r· {title} …\033[K")
    if code == 0:
        out.write(f" done ({elapsed:.0f} s)\n")
        return 0
    out.write(f" failed (exit {code}); the last lines of {log}:\n{tail(log)}\n")
    out.flush()
    return code


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        print('usage: python -m bot.steps "TITLE" LOG -- COMMAND…', file=sys.stderr)
        return 2
    title, name, command = argv[0], argv[1], argv[3:]
    return run_step(title, command, log_dir() / f"{name}.log")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

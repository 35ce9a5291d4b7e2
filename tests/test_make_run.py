"""`make run` on a set-up checkout: one line per step, then the banner, all on one screen."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from bot.launcher import READY, STOPPED
from tests.conftest import MODEL, ROOT, free_port

pytestmark = pytest.mark.servers

SCREEN_LINES = 30  # a terminal of 80 × 30 shows it whole


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it before running pytest")
    folder = tmp_path_factory.mktemp("make-run")
    rasa_port, action_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "MFLAGS"}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'records.db'}",
        TRACKER_DB=str(folder / "tracker.db"),
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{action_port}/webhook",
        LOG_DIR=str(folder / "logs"),
    )
    out = folder / "make-run.out"
    with out.open("wb") as f:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C goes to make and everything it started
        )
    deadline = time.monotonic() + 600
    while READY not in out.read_text(errors="replace") and process.poll() is None and time.monotonic() < deadline:
        time.sleep(1)
    started = out.read_text(errors="replace")
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    yield started, out.read_text(errors="replace"), folder / "logs"


def test_make_run_fits_on_one_screen_up_to_the_end_of_the_banner(make_run):
    started, _, _ = make_run
    assert READY in started, started[-3000:]
    lines = started.rstrip("\n").splitlines()
    assert len(lines) <= SCREEN_LINES, "\n".join(lines)
    assert lines[-1].strip().startswith("stop:"), lines[-1]  # the banner is whole, and last


def test_each_step_is_one_line_and_no_warning_reaches_the_screen(make_run):
    started, _, _ = make_run
    before_banner = started.split(READY)[0]
    steps = [line for line in before_banner.splitlines() if line.startswith("· ")]
    assert [s.split(" …")[0] for s in steps][:4] == [
        "· building the records database",
        "· generating the NLU artefacts from the records",
        "· training the model when its inputs changed (about 2 minutes)",
        steps[3].split(" …")[0],
    ] and steps[3].startswith("· starting "), before_banner
    assert all("done (" in s for s in steps[:3]), before_banner
    assert "Warning" not in started and "INFO" not in started, started


def test_the_servers_output_goes_to_their_logs_with_the_dependencies_warnings_left_out(make_run):
    _, everything, logs = make_run
    assert STOPPED in everything  # Ctrl-C stopped it cleanly
    rasa = next(logs.glob("rasa-*.log")).read_text(errors="replace")
    actions = next(logs.glob("actions-*.log")).read_text(errors="replace")
    assert "Starting Rasa server" in rasa, rasa[-2000:]
    assert "Registered function for" in actions, actions[-2000:]
    for name, text in (("rasa", rasa), ("actions", actions)):
        assert "DeprecationWarning" not in text, f"{name}: " + text[:2000]

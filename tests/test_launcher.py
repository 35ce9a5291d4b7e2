"""The launcher's nginx configuration and its choice of parts, checked without starting servers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import launcher
from tests.conftest import ROOT

NGINX = "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else shutil.which("nginx")


def test_nginx_configuration_is_valid_and_routes_both_groups():
    if not NGINX:
        pytest.skip("nginx not installed (make test installs Debian's nginx)")
    command = launcher.nginx_command("18080", ["15005", "15006"], "18081", ["15055", "15056"])
    conf = Path(command[command.index("-c") + 1])
    text = conf.read_text()
    checked = subprocess.run(
        [NGINX, "-t", "-p", command[command.index("-p") + 1], "-c", str(conf)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    rasa, actions = text.split("upstream actions")
    assert "127.0.0.1:15005" in rasa and "127.0.0.1:15006" in rasa and "listen 127.0.0.1:18080" in rasa
    assert "127.0.0.1:15055" in actions and "127.0.0.1:15056" in actions and "listen 127.0.0.1:18081" in actions
    # messages may be retried on another Rasa server; an action call that reached a server never is
    assert "non_idempotent" in rasa and "non_idempotent" not in actions
    # action calls (50 kB and more) stay in memory: spooled to a file they waited for a delayed ACK
    assert "client_body_buffer_size 16m" in actions


def test_a_launch_naming_no_part_is_refused():
    env = dict(os.environ, LAUNCH="nothing")
    out = subprocess.run(
        [sys.executable, "-m", "bot.launcher", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and "names nothing to start" in out.stderr

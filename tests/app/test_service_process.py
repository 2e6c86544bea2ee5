"""The service as a person runs it: `python -m app serve` with no configuration."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app.embedded_mongo import free_port


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_serve_starts_on_embedded_defaults_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MONGODB_URI", "AMQP_URL", "SECRET_KEY", "ADMIN_PASSWORD")
    }
    env.update({"PORT": str(port), "DATA_DIR": str(tmp_path / "data"), "LOG_FORMAT": "json"})
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, as in a terminal
    )
    try:
        deadline = time.monotonic() + 60
        status, body = 0, {}
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/ready")
                if status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.2)
        assert status == 200, body
        assert body["checks"]["mongodb"]["embedded"] is True
        assert body["checks"]["broker"]["kind"] == "in-process"
    finally:
        # Ctrl-C in a terminal signals the whole foreground process group: the service
        # must stop in order (workers drained, then its database), not see its database
        # die under it and restart it on the way out.
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "embedded_mongo_died" not in err and "embedded_mongo_restarted" not in err, err
    assert "Traceback" not in err, err
    assert f"http://127.0.0.1:{port}/admin" in out  # the dashboard URL is printed
    assert (tmp_path / "data" / "mongo").is_dir()
    assert "embedded_mongo_stopped" in err
    secret = (tmp_path / "data" / "secret.key").read_text()
    assert secret not in out + err


def test_help_explains_each_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "app", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("serve", "web", "worker", "import"):
        assert command in out
    assert "MONGODB_URI" in out and "AMQP_URL" in out
    for command in ("serve", "web", "worker", "import"):
        sub = subprocess.run(
            [sys.executable, "-m", "app", command, "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "usage: vtex-linio " + command in sub


def test_bad_configuration_names_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "PORT": "eighty", "DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve"], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "configuration error: PORT='eighty' is not a whole number" in result.stderr

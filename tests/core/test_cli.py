import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

LINLI = str(Path(sys.executable).with_name("linli"))


def env_for(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LINLI_VAR_DIR"] = str(var_dir)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_manage_passes_through_to_django(tmp_path: Path) -> None:
    out = subprocess.run(
        [LINLI, "manage", "check"],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "no issues" in out.stdout


def test_seed_then_serve_answers_on_its_port(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    subprocess.run([LINLI, "manage", "migrate", "-v0"], env=env, check=True)
    seeded = subprocess.run(
        [LINLI, "seed", "--residents", "50", "--password", "pw-123456", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(seeded.stdout)["counts"]["residents"] == 50

    port = free_port()
    server = subprocess.Popen(
        [LINLI, "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("linli serve did not answer within 30 s")
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
            page = r.read().decode()
        assert "htmx-2.min.js" in page  # served locally, no CDN
        static = f"http://127.0.0.1:{port}/static/django_htmx/htmx-2.min.js"
        with urllib.request.urlopen(static, timeout=5) as r:
            assert r.status == 200
    finally:
        server.terminate()
        server.wait(timeout=15)

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux's /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`linli serve` with its background worker, up and running; its output in a file."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux's /proc to see the worker process")
    env = {**env_for(tmp_path), "PYTHONUNBUFFERED": "1"}
    subprocess.run([LINLI, "manage", "migrate", "-v0"], env=env, check=True)
    output = tmp_path / "serve.log"
    with output.open("wb") as out:
        server = subprocess.Popen(
            [LINLI, "serve", "--port", str(free_port()), "--workers", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "Starting worker" not in output.read_text(errors="replace"):
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"linli serve did not start its worker:\n{output.read_text()}")
            time.sleep(0.3)
        yield server, output
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def stopped_cleanly(server: subprocess.Popen[bytes], output: Path, children: set[int]) -> None:
    server.wait(timeout=40)
    text = output.read_text(errors="replace")
    assert "starting it again" not in text, text
    assert text.count("Starting worker") == 1, text
    assert server.returncode == 0, text
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if alive(pid)]  # the worker did not outlive the server


def test_serve_stops_on_sigterm_without_starting_its_worker_again(
    serving: tuple[subprocess.Popen[bytes], Path],
) -> None:
    server, output = serving
    children = children_of(server.pid)
    assert children  # the background worker and the web worker

    server.send_signal(signal.SIGTERM)

    stopped_cleanly(server, output, children)

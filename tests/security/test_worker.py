"""The background worker outlives its accidents: `linli serve` starts it again when it stops,
and a locked database is waited out."""

import subprocess
import sys
import time
from typing import Any

import pytest
from django.db import OperationalError

from linli import cli


def test_serve_starts_the_worker_again_when_it_dies() -> None:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        # The first two die at once (as a worker killed by "database is locked" did).
        code = "import sys; sys.exit(1)" if len(started) < 2 else "import time; time.sleep(30)"
        child = subprocess.Popen([sys.executable, "-c", code])
        started.append(child)
        return child

    supervisor = cli.Supervisor(start, pause=0.05)
    supervisor.start()
    deadline = time.monotonic() + 10
    while supervisor.starts < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert supervisor.starts == 3
        assert started[-1].poll() is None  # the third one lives
    finally:
        supervisor.stop()
    assert started[-1].poll() is not None  # and is stopped with the server


def test_a_locked_database_is_retried_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def db_worker(*args: Any) -> None:
        calls.append(args)
        if len(calls) < 3:
            raise OperationalError("database is locked")

    monkeypatch.setattr("django.core.management.call_command", db_worker)
    cli.run_tasks(["--batch"], pause=0)
    assert len(calls) == 3


def test_other_database_errors_still_stop_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def db_worker(*args: Any) -> None:
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr("django.core.management.call_command", db_worker)
    with pytest.raises(OperationalError):
        cli.run_tasks([], pause=0)

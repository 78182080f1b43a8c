"""Shared by the fuzz tests of the APIs: a log of the examples they sent and the answers they
got, reported at the end of the session and written to test-artifacts/fuzz-summary.json."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class FuzzLog:
    """Requests sent by the fuzz tests, by test and operation ("token GET /api/v1/requests"),
    and their answers' status codes. One example is one request, except in the test without a
    token, which sends each of its examples twice (no token, then an unknown one)."""

    examples: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)

    def record(self, operation: str, status: int) -> None:
        self.examples[operation] += 1
        self.statuses[f"{operation} {status}"] += 1


FUZZ_LOG = pytest.StashKey[FuzzLog]()


@pytest.fixture(scope="session")
def fuzz_log(pytestconfig: pytest.Config) -> FuzzLog:
    return pytestconfig.stash.setdefault(FUZZ_LOG, FuzzLog())


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand this worker's log to the controller, which writes the summary
    (tests/conftest.py, pytest_testnodedown)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    log = session.config.stash.get(FUZZ_LOG, None)
    if workeroutput is not None and log is not None:
        workeroutput["fuzz_log"] = {
            "examples": dict(log.examples),
            "statuses": dict(log.statuses),
        }


def write_fuzz_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Called by tests/conftest.py, which the controller of an xdist run loads (this file it
    does not: the controller collects nothing)."""
    log = terminalreporter.config.stash.get(FUZZ_LOG, None)
    if log is None or not log.examples:
        return
    total = sum(log.examples.values())
    summary = {
        "database": connection.vendor,
        "examples": total,
        "by_operation": dict(sorted(log.examples.items())),
        "by_answer": dict(sorted(log.statuses.items())),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fuzz-summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    terminalreporter.write_line(
        f"fuzz: {total} examples on {connection.vendor} over {len(log.examples)} operations "
        "(test-artifacts/fuzz-summary.json)"
    )

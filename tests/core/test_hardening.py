"""Deployment hardening: the deploy checks, security headers, session timeouts, login brakes."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.middleware import STRICT
from linli.core.models import Community, User
from linli.core.roles import Role
from tests.factories import PASSWORD, make_resident, make_user
from tests.ledger.factories import make_medical_request, make_visit_pass

LINLI = Path(__file__).resolve().parents[2] / "linli"


def test_production_settings_pass_the_deploy_checks_without_a_warning(tmp_path: Path) -> None:
    # The browser tests allow Django's async-unsafe calls in this process; production does not.
    dropped = ("LINLI_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env |= {
        "LINLI_HTTPS": "1",
        "LINLI_SECRET_KEY": secrets.token_urlsafe(50),
        "LINLI_VAR_DIR": str(tmp_path),
        "LINLI_ALLOWED_HOSTS": "linli.example.org",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "linli.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_page_carries_a_strict_content_security_policy(
    client: Client, worker_a: User, community_a: Community
) -> None:
    client.force_login(worker_a)
    for url in ("/", reverse("login"), f"/r/{community_a.code}/", "/api/v1/openapi.json"):
        response = client.get(url)
        assert response["Content-Security-Policy"] == STRICT, url
        assert "script-src 'self';" in STRICT and "unsafe" not in STRICT
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["Referrer-Policy"] == "same-origin"


def test_no_template_of_ours_has_inline_script_or_style() -> None:
    """What the policy would refuse: an inline <script>, a <style> block, a style attribute or
    an on* handler. (Each page keeps its styles in a static file.)"""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"")
    found = [
        f"{path.relative_to(LINLI)}: {match.group(0)}"
        for path in LINLI.rglob("templates/**/*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert not found, found


def test_an_idle_session_ends_and_says_why(
    client: Client, worker_a: User, settings: LazySettings, english: None
) -> None:
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker_a)
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # still there: the clock restarts
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/people/residents/?q=zs", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/people/residents/%3Fq%3Dzs" in response["Location"]
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "logged out after 30 minutes without activity" in page.content.decode()
    assert client.get("/").status_code == 302  # the session is gone


def test_a_session_ends_after_its_hours_however_busy(
    client: Client, worker_a: User, settings: LazySettings
) -> None:
    settings.SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=10)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker_a)
        for _ in range(19):  # busy every half hour for nine and a half hours
            clock.shift(timedelta(minutes=30))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get("/").status_code == 302


def test_an_expired_htmx_request_sends_the_whole_page_to_login(
    client: Client, worker_a: User, settings: LazySettings
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker_a)
        clock.shift(settings.SESSION_IDLE_TIMEOUT + timedelta(minutes=1))
        response = client.get("/ledger/desk/household/?phone=138", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("login"))


def login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def test_one_address_trying_many_accounts_is_stopped(
    settings: LazySettings, worker_a: User, community_a: Community
) -> None:
    settings.LOGIN_IP_FAILURES = 3
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for n in range(3):
        assert login(attacker, f"guess-{n}", "123456").status_code == 200
    refused = login(attacker, worker_a.username, PASSWORD)
    assert refused.status_code == 429
    assert 'data-testid="too-many-logins"' in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    # Colleagues behind another address are not held up, and the account is not locked.
    colleague = Client(REMOTE_ADDR="198.51.100.5")
    assert login(colleague, worker_a.username, PASSWORD).status_code == 302


def test_successful_logins_do_not_use_up_the_address_brake(
    settings: LazySettings, community_a: Community
) -> None:
    settings.LOGIN_IP_FAILURES = 2
    office = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        user = make_user(Role.WORKER, community_a)
        assert login(office, user.username, PASSWORD).status_code == 302
        office.post(reverse("logout"))


def test_guessing_pass_codes_is_stopped_but_checkpoints_are_not(
    settings: LazySettings, community_a: Community, worker_a: User
) -> None:
    settings.LINLI_PUBLIC_FORM_LIMITS = {"pass_miss_ip": (3, 3600)}
    real = make_visit_pass(
        make_medical_request(community_a, worker_a, make_resident(community_a)), worker_a
    )
    checkpoint = Client(REMOTE_ADDR="203.0.113.80")
    for _ in range(10):  # many real passes checked from one place: never refused
        assert checkpoint.get(reverse("public:pass-verify", args=[real.code])).status_code == 200
    guesser = Client(REMOTE_ADDR="203.0.113.81")
    for n in range(3):
        assert guesser.get(reverse("public:pass-verify", args=[f"NOPE{n}"])).status_code == 404
    assert guesser.get(reverse("public:pass-verify", args=[real.code])).status_code == 429

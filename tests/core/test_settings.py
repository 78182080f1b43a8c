import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from linli.settings import env_bool, env_int


def test_bad_boolean_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="LINLI_X"):
        env_bool("LINLI_X", False)


def test_bad_integer_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="LINLI_X"):
        env_int("LINLI_X", 1)


def run_with_settings(code: str, var_dir: Path) -> str:
    """Run `code` in a fresh interpreter on the embedded default, with var/ at `var_dir`."""
    env = {k: v for k, v in os.environ.items() if k not in ("LINLI_SECRET_KEY", "DATABASE_URL")}
    env["LINLI_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_secret_key_is_generated_into_var_once(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_with_settings(code, tmp_path)
    assert len(first) >= 50
    assert run_with_settings(code, tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_embedded_default_is_a_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0], connection.settings_dict['NAME'])"
    )
    mode, name = run_with_settings(code, tmp_path).split()
    assert mode == "wal"
    assert Path(name) == tmp_path / "linli.sqlite3"


def test_a_sqlite_url_starts_and_keeps_wal_and_immediate_transactions(tmp_path: Path) -> None:
    """DATABASE_URL=sqlite:///… gets the embedded default's options, not PostgreSQL's."""
    env = {k: v for k, v in os.environ.items() if k != "LINLI_SECRET_KEY"}
    env["LINLI_VAR_DIR"] = str(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    code = (
        "import django; django.setup(); from django.db import connection; "
        "from django.core.management import call_command; call_command('check'); "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); "
        "print(c.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'], "
        "connection.settings_dict['NAME'])"
    )
    out = (
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        .stdout.splitlines()[-1]
        .split()
    )
    assert out[:2] == ["wal", "IMMEDIATE"]
    assert Path(out[2]) == tmp_path / "elsewhere.sqlite3"

"""Every user-facing string has its Chinese text, and the compiled catalogues match the sources."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "linli" / "locale"


def entries(catalogue: polib.POFile | polib.MOFile) -> dict[tuple[str | None, str], object]:
    """(context, msgid) → its translation, for the entries that have one."""
    found: dict[tuple[str | None, str], object] = {}
    for e in catalogue:
        value = e.msgstr_plural or e.msgstr
        filled = any(value.values()) if isinstance(value, dict) else bool(value)
        if e.msgid and filled and not e.obsolete:
            found[(e.msgctxt, e.msgid)] = value
    return found


@pytest.fixture
def fresh_catalogue(tmp_path: Path) -> polib.POFile:
    """The zh_Hans catalogue as `makemessages` makes it from today's code (sources restored)."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed: the test command installs it (make test)")
    backup = tmp_path / "locale"
    shutil.copytree(LOCALE, backup)
    try:
        call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)
        return polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    finally:
        shutil.rmtree(LOCALE)
        shutil.copytree(backup, LOCALE)


def test_every_string_in_the_code_has_a_chinese_translation(
    fresh_catalogue: polib.POFile,
) -> None:
    untranslated = [e.msgid for e in fresh_catalogue if not e.translated() and not e.obsolete]
    assert untranslated == []


def test_compiled_catalogues_match_their_sources() -> None:
    for lang in ("zh_Hans", "en"):
        po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES/django.po"))
        mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES/django.mo"))
        assert entries(mo) == entries(po), lang


@pytest.mark.django_db
def test_chinese_form_labels_end_in_full_width_punctuation(client: Client) -> None:
    body = client.get(reverse("public:track")).content.decode()

    assert "查询码：" in body
    assert "查询码:" not in body

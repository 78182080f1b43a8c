"""Every user-facing string has its Chinese text, and the compiled catalogues match the sources."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

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


# English a Chinese text keeps on purpose: names of formats and products, and the words of a
# protocol or a schedule that must be typed as they are (Open311's parameters, "Tue/Thu/Sat").
KEPT_AS_IS = {
    "excel", "xlsx", "csv", "xml", "json", "api", "authorization", "bearer",
    "lat", "long", "address", "string", "start", "date", "open", "closed", "both",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun",
}  # fmt: skip
CODE = re.compile(r"%\(\w+\)[sd]|\{[^}]*\}|<[^>]+>|&\w+;|https?://\S+")
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}")
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_no_chinese_text_keeps_english_words_of_its_source() -> None:
    """A translation that leaves the source's English beside the Chinese ("物资送到门口
    Deliveries to the door") reads as untranslated to a clerk, and doubles every line."""
    po = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    glued = []
    for e in po:
        if not HAN.search(e.msgstr):
            continue
        source = {w.lower() for w in WORD.findall(CODE.sub(" ", e.msgid))}
        kept = [
            w
            for w in WORD.findall(CODE.sub(" ", e.msgstr))
            if w.lower() in source and w.lower() not in KEPT_AS_IS
        ]
        if kept:
            glued.append(f"{e.msgid!r} → {e.msgstr!r}: {kept}")
    assert glued == []


@pytest.mark.parametrize(
    ("context", "msgid", "clerk_says"),
    [
        ("dial", "Call", "拨打"),
        ("team", "Members", "成员"),
        (None, "Access log", "访问记录"),
        (None, "Whose data", "被查看的居民"),
        (None, "for the whole household", "全户"),
    ],
)
def test_the_terms_are_the_ones_a_clerk_uses(
    context: str | None, msgid: str, clerk_says: str
) -> None:
    with translation.override("zh-hans"):
        said = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert said == clerk_says

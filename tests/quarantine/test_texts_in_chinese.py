"""What the quarantine writes into the ledger and the care plans is written as a worker writes
it, in the community's language: no English glued to the Chinese ("接站/入户 Reception: …").
The reader's language is the category's and the page's job."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.care.models import ServiceItem
from linli.quarantine import actions
from tests.factories import make_resident
from tests.quarantine.factories import make_gates, traveller

pytestmark = pytest.mark.django_db

# A word of English, outside the names and numbers the traveller gave.
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def english_in(text: str, *given: str) -> list[str]:
    for value in given:
        text = text.replace(value, "")
    return ENGLISH.findall(text)


def test_a_reception_request_is_written_in_chinese() -> None:
    gates = make_gates()
    soon = timezone.now() + timedelta(hours=2)  # its reception is due: its request is open
    arriving = traveller(gates, "John Smith", arrives=soon)
    unknown = traveller(
        gates, "Mary Jones", arrives=soon, household=None, address_given="长宁路1号"
    )

    for who in (arriving, unknown):
        request = who.reception.request
        assert request is not None
        given = (who.name, who.transport, who.origin)
        assert english_in(request.description, *given) == [], request.description
    assert "住址待核：长宁路1号" in unknown.reception.request.description  # type: ignore[union-attr]


def test_a_home_quarantine_s_services_are_named_in_chinese() -> None:
    gates = make_gates()
    resident = make_resident(gates.community, "张三", room="601")

    actions.do_start_home_quarantine(resident, actor=gates.worker)

    names = list(ServiceItem.objects.values_list("description", flat=True))
    assert names and all(english_in(name) == [] for name in names), names

"""The demo reads as a Shanghai committee's own data: each request filed under the category its
words imply (a stroke is an emergency, not a medicine run), health details and team names in
Chinese."""

import re

import pytest

from linli.core.models import Team
from linli.core.seeding import seed
from linli.ledger.models import Request
from linli.ledger.triage import assess
from linli.people.models import Vulnerability
from linli.quarantine.models import Hotel

# Words that file a request under each category, as a clerk reads them; the triage decides
# what is an emergency.
IMPLIED = {
    "medicine": ("药", "胰岛素"),
    "medical_visit": ("就医", "复查"),
    "dialysis": ("血透",),
    "prenatal": ("产检",),
    "groceries": ("菜", "米", "吃的"),
    "meals": ("餐",),
    "home_testing": ("核酸",),
    "psychological": ("心里", "睡不着"),
    "repair": ("漏水", "维修"),
    "garbage": ("垃圾",),
    "enquiry": ("问一下",),
    "other": ("接站",),  # the quarantine's receptions
}
LATIN = re.compile(r"[A-Za-z]")


@pytest.mark.django_db
def test_each_seeded_request_is_filed_under_the_category_its_words_imply() -> None:
    seed(communities=2, residents=600, seed=1, password="p")

    filed = set(Request.objects.values_list("category__code", "description"))

    assert filed
    for code, text in sorted(filed):
        emergency = assess(text, code, "normal", []).emergency_signs
        assert (code == "emergency") == bool(emergency), (code, text, emergency)
        if code != "emergency":
            assert any(word in text for word in IMPLIED[code]), (code, text)


@pytest.mark.django_db
def test_seeded_health_details_team_and_hotel_names_are_in_chinese() -> None:
    seed(communities=2, residents=600, seed=1, password="p")

    details = Vulnerability.objects.filter(
        kind__in=[Vulnerability.Kind.CHRONIC, Vulnerability.Kind.DISABLED]
    ).values_list("details", flat=True)
    words = {
        str(word)
        for detail in details
        for key, value in detail.items()
        if key != "grade"
        for word in (value if isinstance(value, list) else [value])
    }
    names = set(Team.objects.values_list("name", flat=True))
    names |= set(Hotel.objects.values_list("name", flat=True))

    assert words and len(names) >= 6  # two ledger and two reception teams, two hotels
    assert [w for w in words if LATIN.search(w)] == []
    assert [n for n in names if LATIN.search(n)] == []

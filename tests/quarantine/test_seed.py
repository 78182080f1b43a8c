"""The demo street has quarantine work to show: arrivals (one at night, one with no known
household), two households in home quarantine per community, and hotel guests."""

import pytest

from linli.core.seeding import seed
from linli.quarantine.models import HomeQuarantine, Hotel, Reception, Stay, Traveller

pytestmark = pytest.mark.django_db


def test_the_demo_has_arrivals_quarantines_and_hotel_guests() -> None:
    seed(communities=2, residents=600, seed=3, password="p")
    assert Traveller.objects.count() == 6
    assert Traveller.objects.filter(household__isnull=True).count() == 2  # flagged, one each
    assert Reception.objects.filter(shift="night").count() >= 2
    assert HomeQuarantine.objects.filter(status="active", plan__isnull=False).count() == 4
    assert Hotel.objects.count() == 2 and Stay.objects.filter(checked_out_at=None).count() == 6
    assert all(h.staff.exists() for h in Hotel.objects.all())
    seed(communities=2, residents=600, seed=3, password="p", reset=True)  # a reset starts over
    assert Traveller.objects.count() == 6 and Hotel.objects.count() == 2

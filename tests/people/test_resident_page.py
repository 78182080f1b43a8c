from datetime import date

from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.people.models import Resident
from tests.factories import make_resident
from tests.people.list_factories import in_english


def page(client: Client, resident: Resident, *, reveal: bool = False) -> str:
    url = reverse("people:resident-detail", args=[resident.pk])
    return (client.post(url) if reveal else client.get(url)).content.decode()


def test_resident_page_lists_the_other_members_of_the_household(
    client: Client, community_a: Community, worker_a: User
) -> None:
    father = make_resident(community_a, "张父")
    home = father.household
    daughter = Resident.objects.create(
        community=community_a, household=home, name="张女", sex=Resident.Sex.FEMALE,
        date_of_birth=date(2001, 5, 1),
    )  # fmt: skip
    Resident.objects.create(
        community=community_a, household=home, name="搬走的", sex=Resident.Sex.MALE,
        date_of_birth=date(1980, 1, 1), is_active=False,
    )  # fmt: skip
    client.force_login(worker_a)

    body = page(client, father)

    daughter_url = reverse("people:resident-detail", args=[daughter.pk])
    assert f'<a href="{daughter_url}">张女</a>' in body
    assert "搬走的" not in body


def test_nationality_and_languages_are_named_for_an_english_reader(
    client: Client, community_a: Community, worker_a: User
) -> None:
    visitor = make_resident(community_a, "Yuki Tanaka")
    visitor.nationality, visitor.languages = "JP", ["ja", "en"]
    visitor.save()
    client.force_login(worker_a)
    in_english(client)

    body = page(client, visitor)

    assert 'data-testid="nationality">Japan · Japanese, English</dd>' in body


def test_a_revealed_phone_can_be_dialled_from_the_page(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a)
    client.force_login(worker_a)

    assert 'href="tel:' not in page(client, resident)
    assert '<a href="tel:13812345678">13812345678</a>' in page(client, resident, reveal=True)

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from linli.people.models import Resident
from linli.people.search import name_keys, search
from tests.factories import make_resident


def test_name_keys() -> None:
    assert name_keys("张三") == ("zhangsan", "zs")
    assert name_keys("欧阳修文") == ("ouyangxiuwen", "oyxw")
    assert name_keys("John Miller") == ("johnmiller", "jm")
    assert name_keys("Léa Moreau") == ("leamoreau", "lm")


ZS_ID, ZSF_ID, LS_ID = "310101199001011234", "31010119800101123X", "310104194203154424"
OTHER_ID = "310101199001011242"


@pytest.fixture
def residents(community_a: Community, community_b: Community) -> dict[str, Resident]:
    a = community_a
    return {
        "zs": make_resident(a, "张三", phone="13812345678", id_number=ZS_ID, room="502"),
        "zsf": make_resident(a, "张三丰", phone="13900001111", id_number=ZSF_ID, room="601"),
        "ls": make_resident(a, "李四", phone="13700002222", id_number=LS_ID, room="702"),
        "other": make_resident(community_b, "张三", phone="13812345678", id_number=OTHER_ID),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zs", {"zs", "zsf"}),
        ("ZSF", {"zsf"}),
        ("zhangsan", {"zs", "zsf"}),
        ("zhang san", {"zs", "zsf"}),
        ("张三", {"zs", "zsf"}),
        ("李", {"ls"}),
        ("5678", {"zs"}),
        ("123X", {"zsf"}),
        ("13900001111", {"zsf"}),
        ("310104194203154424", {"ls"}),
        ("3-502", {"zs"}),
        ("3-1-601", {"zsf"}),
        ("3-2-601", set()),
        ("wangwu", set()),
    ],
)
def test_search_forms(
    residents: dict[str, Resident], community_a: Community, query: str, expected: set[str]
) -> None:
    scoped = Resident.objects.filter(community=community_a)
    found = set(search(scoped, query).values_list("pk", flat=True))
    assert found == {residents[key].pk for key in expected}


def test_register_page_searches_only_the_own_community(
    client: Client, residents: dict[str, Resident], worker_a: User
) -> None:
    client.force_login(worker_a)
    response = client.get(reverse("people:resident-list"), {"q": "zs"})
    assert {r.pk for r in response.context["page"]} == {residents["zs"].pk, residents["zsf"].pk}

"""The register kept by hand: each write checked as an import row is, with history, never a
delete, and a warning where the register contradicts itself."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Community, User
from linli.core.roles import Role
from linli.lib.idcard import make_id_number
from linli.people.actions.register import (
    Departure,
    do_add_resident,
    do_add_tag,
    do_change_resident,
    do_change_tag,
    do_end_tag,
    do_move_household,
    do_record_departure,
    room_at,
)
from linli.people.models import Resident, Vulnerability
from tests.factories import make_resident, make_room, make_user
from tests.people.list_factories import in_english

pytestmark = pytest.mark.usefixtures("english")

ID = make_id_number("310101", date(1990, 1, 1), 123, True)
OTHER_ID = make_id_number("310101", date(1948, 5, 6), 21, False)


def registered(community: Community, name: str = "张三") -> Resident:
    return make_resident(community, name, id_number=ID)


def test_a_resident_added_by_hand_gets_birth_date_and_sex_from_the_id_number(
    community_a: Community, worker_a: User
) -> None:
    home = registered(community_a).household

    saved = do_add_resident(
        home, actor=worker_a, name=" 王  阿姨 ", id_number=OTHER_ID.lower(), phone="139 1234 5678"
    )

    added = Resident.objects.get(pk=saved.obj.pk)
    assert (added.name, added.date_of_birth, added.sex) == ("王 阿姨", date(1948, 5, 6), "F")
    assert added.phone == "13912345678" and added.phone_tail == "5678"
    assert added.history.get().history_change_reason == "added"
    assert added.history.get().history_user == worker_a


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"id_number": "310101199001011238"}, "id_number", "check digit"),
        ({"id_number": OTHER_ID, "date_of_birth": date(1950, 1, 1)}, "date_of_birth", "differs"),
        ({"id_number": OTHER_ID, "sex": "M"}, "sex", "differs"),
        ({"id_number": ID}, "id_number", "already has this number"),
        ({"id_number": OTHER_ID, "phone": "12345"}, "phone", "not a phone number"),
        ({"id_number": OTHER_ID, "ltc_level": 9}, "ltc_level", "0 to 6"),
        ({"id_number": OTHER_ID, "name": ""}, "name", "empty"),
    ],
)
def test_a_bad_resident_is_refused_naming_the_field_and_nothing_is_written(
    community_a: Community, worker_a: User, values: dict[str, object], field: str, words: str
) -> None:
    home = registered(community_a).household
    before = Resident.objects.count()

    with pytest.raises(ValidationError) as refused:
        do_add_resident(home, actor=worker_a, **{"name": "李四", **values})

    assert words in " ".join(refused.value.message_dict[field])
    assert Resident.objects.count() == before


def test_a_correction_changes_only_what_was_given_and_keeps_the_old_values_in_history(
    community_a: Community, worker_a: User
) -> None:
    resident = registered(community_a)

    do_change_resident(resident, actor=worker_a, reason="电话换了", phone="13900001111")

    resident.refresh_from_db()
    assert resident.phone == "13900001111" and resident.id_number == ID
    latest, first = resident.history.all()[:2]
    assert latest.history_change_reason == "电话换了" and first.phone == "13812345678"


def test_an_invalid_id_on_edit_is_refused_and_the_resident_stays_as_they_were(
    community_a: Community, worker_a: User
) -> None:
    resident = registered(community_a)

    with pytest.raises(ValidationError) as refused:
        do_change_resident(resident, actor=worker_a, id_number="31010119900101123X")

    assert "id_number" in refused.value.message_dict
    resident.refresh_from_db()
    assert resident.id_number == ID and resident.history.count() == 1


def test_a_departure_keeps_the_resident_and_ends_their_tags(
    community_a: Community, worker_a: User
) -> None:
    resident = registered(community_a)
    tag = do_add_tag(
        resident, actor=worker_a, kind="chronic", since=date(2020, 1, 1), details={}
    ).obj
    day = timezone.localdate() - timedelta(days=1)

    do_record_departure(resident, actor=worker_a, why=Departure.DECEASED, on=day)

    resident.refresh_from_db()
    tag.refresh_from_db()
    assert not resident.is_active and Resident.objects.filter(pk=resident.pk).exists()
    assert tag.until == day
    with pytest.raises(ValidationError):  # once is enough
        do_record_departure(resident, actor=worker_a, why=Departure.MOVED, on=day)


def test_a_tag_ending_before_it_started_is_refused(community_a: Community, worker_a: User) -> None:
    resident = registered(community_a)
    tag = do_add_tag(resident, actor=worker_a, kind="dialysis", since=date(2024, 3, 1)).obj

    with pytest.raises(ValidationError) as refused:
        do_end_tag(tag, actor=worker_a, until=date(2024, 2, 1))

    assert "before the start" in refused.value.message_dict["until"][0]
    tag.refresh_from_db()
    assert tag.until is None


def test_a_tag_keeps_its_attributes_and_can_be_corrected_and_ended(
    community_a: Community, worker_a: User
) -> None:
    resident = registered(community_a)
    tag = do_add_tag(
        resident, actor=worker_a, kind="dialysis", since=date(2024, 3, 1),
        details={"hospital": "瑞金医院", "schedule": "二四六 07:00"},
    ).obj  # fmt: skip

    do_change_tag(tag, actor=worker_a, since=date(2024, 2, 1), details={"hospital": "华山医院"})
    do_end_tag(tag, actor=worker_a, until=date(2024, 6, 1), reason="换肾")

    tag = Vulnerability.objects.get(pk=tag.pk)
    assert (tag.since, tag.until, tag.details) == (
        date(2024, 2, 1),
        date(2024, 6, 1),
        {"hospital": "华山医院"},
    )
    assert tag.history.count() == 3
    with pytest.raises(ValidationError):
        do_add_tag(resident, actor=worker_a, kind="pregnant", since=date(2099, 1, 1))


def test_lives_alone_in_a_room_of_several_is_a_warning(
    community_a: Community, worker_a: User
) -> None:
    resident = registered(community_a)
    assert do_add_tag(resident, actor=worker_a, kind="alone", since=date(2023, 1, 1)).warnings == []

    saved = do_add_resident(resident.household, actor=worker_a, name="张妻", id_number=OTHER_ID)

    assert len(saved.warnings) == 1 and "lives alone" in saved.warnings[0]


def test_a_household_moves_within_its_community_only(
    community_a: Community, community_b: Community, worker_a: User
) -> None:
    home = registered(community_a).household
    elsewhere = make_room(community_b, "101")

    with pytest.raises(ValidationError) as refused:
        do_move_household(home, room=elsewhere, actor=worker_a)
    assert "community" in refused.value.message_dict["room"][0]

    room = room_at(home.room.unit.building, "2", "1203").obj
    do_move_household(home, room=room, actor=worker_a)
    home.refresh_from_db()
    assert (home.room.unit.number, home.room.number, home.room.floor) == ("2", "1203", 12)


def test_the_edit_form_shows_the_action_s_error_on_its_field(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = registered(community_a)
    client.force_login(worker_a)
    in_english(client)
    url = reverse("people:resident-edit", args=[resident.pk])
    form = client.get(url).context["form"].initial

    posted = {k: ("" if v is None else v) for k, v in form.items()}
    posted.update(id_number="310101199001011238", languages="zh")
    body = client.post(url, posted).content.decode()

    assert "check digit is wrong" in body
    resident.refresh_from_db()
    assert resident.id_number == ID


def test_roles_that_do_not_keep_the_register_cannot_edit_it(
    client: Client, community_a: Community
) -> None:
    resident = registered(community_a)
    for role in (Role.OPERATOR, Role.DOCTOR, Role.VOLUNTEER):
        client.force_login(make_user(role, community_a))
        url = reverse("people:resident-edit", args=[resident.pk])
        assert client.post(url, {"name": "改名"}).status_code == 403
    resident.refresh_from_db()
    assert resident.name == "张三"


def test_the_resident_page_lists_their_requests_and_opens_one_for_them(
    client: Client, community_a: Community, worker_a: User
) -> None:
    from tests.ledger.factories import make_category, make_request

    resident = registered(community_a)
    make_request(community_a, worker_a, resident=resident, description="买药")
    client.force_login(worker_a)
    in_english(client)

    part = client.get(reverse("ledger:resident-requests", args=[resident.pk])).content.decode()
    assert "Medicine" in part or "Groceries" in part
    new = reverse("ledger:request-for-resident", args=[resident.pk])
    assert new in part

    response = client.post(
        new,
        {
            "channel": "walk_in",
            "category": make_category("medicine").pk,
            "description": "降压药吃完了",
        },
    )

    assert response.status_code == 302
    opened = resident.requests.order_by("-pk").first()
    assert opened is not None and opened.channel == "walk_in"
    assert opened.household_id == resident.household_id and opened.created_by == worker_a


def test_correcting_a_tag_on_its_page_keeps_the_attributes_the_form_does_not_show(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = registered(community_a)
    tag = do_add_tag(
        resident, actor=worker_a, kind="dialysis", since=date(2024, 3, 1),
        details={"weekdays": ["Tue", "Thu", "Sat"], "time": "08:00", "hospital": "瑞金医院"},
    ).obj  # fmt: skip
    client.force_login(worker_a)

    client.post(
        reverse("people:tag-edit", args=[tag.pk]),
        {"since": "2024-03-01", "hospital": "华山医院", "schedule": "", "due": "", "note": ""},
    )

    tag.refresh_from_db()
    assert tag.details == {
        "weekdays": ["Tue", "Thu", "Sat"],
        "time": "08:00",
        "hospital": "华山医院",
    }
    page = client.get(reverse("people:resident-detail", args=[resident.pk])).content.decode()
    shown = page.split('data-testid="tags"')[1].split("</ul>")[0]
    # In any order (jsonb); the weekdays named in the page's language.
    assert all(v in shown for v in ("星期二、星期四、星期六", "08:00", "华山医院"))


def test_a_mistyped_id_number_is_the_one_error_not_three(
    community_a: Community, worker_a: User
) -> None:
    home = registered(community_a).household

    with pytest.raises(ValidationError) as refused:
        do_add_resident(home, actor=worker_a, name="刘奶奶", id_number="310101194102031529")

    assert list(refused.value.message_dict) == ["id_number"]


def test_a_tenant_with_no_document_is_added_with_a_warning_unless_the_community_requires_one(
    community_a: Community, worker_a: User
) -> None:
    home = registered(community_a).household

    saved = do_add_resident(home, actor=worker_a, name="阿卜杜拉", sex="M", phone="13812340000")
    community_a.residents_need_identity = True
    community_a.save()
    with pytest.raises(ValidationError) as refused:
        do_add_resident(home, actor=worker_a, name="阿依古丽", sex="F")

    assert saved.obj.date_of_birth is None
    assert any("no birth date on file" in w for w in saved.warnings)
    assert "birth date is needed" in " ".join(refused.value.message_dict["date_of_birth"])
    assert not Resident.objects.filter(name="阿依古丽").exists()

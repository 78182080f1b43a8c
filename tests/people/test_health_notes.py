import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, PiiAccess, User
from linli.core.roles import Role
from linli.people.actions.health import do_add_health_note
from linli.people.models import HealthNote
from tests.factories import make_resident, make_user


def health_url(pk: int) -> str:
    return reverse("people:resident-health", args=[pk])


def test_doctor_adds_a_note_and_sees_it(client: Client, community_a: Community) -> None:
    resident = make_resident(community_a)
    doctor = make_user(Role.DOCTOR, community_a)
    client.force_login(doctor)

    added = client.post(health_url(resident.pk), {"text": "高血压，每日服药"})
    body = client.get(health_url(resident.pk)).content.decode()

    assert added.status_code == 302
    assert added["Location"] == health_url(resident.pk)
    note = HealthNote.objects.get()
    assert (note.resident, note.author, note.community, note.text) == (
        resident,
        doctor,
        community_a,
        "高血压，每日服药",
    )
    assert note.history.get().history_user == doctor
    assert "高血压，每日服药" in body


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.OPERATOR, Role.OFFICIAL])
def test_roles_without_the_need_cannot_read_or_write_health_notes(
    client: Client, community_a: Community, worker_a: User, role: Role
) -> None:
    resident = make_resident(community_a)
    do_add_health_note(resident, actor=worker_a, text="糖尿病")
    if role == Role.OFFICIAL:
        client.force_login(make_user(role, street=community_a.street))
    else:
        client.force_login(make_user(role, community_a))

    read = client.get(health_url(resident.pk))
    write = client.post(health_url(resident.pk), {"text": "x"})

    assert (read.status_code, write.status_code) == (403, 403)
    assert "糖尿病" not in read.content.decode()
    assert HealthNote.objects.count() == 1
    assert not PiiAccess.objects.exists()


def test_viewing_health_notes_is_logged(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a)
    client.force_login(worker_a)

    response = client.get(health_url(resident.pk))

    assert response.status_code == 200
    access = PiiAccess.objects.get()
    assert (access.user, access.community, access.subject_id, access.fields) == (
        worker_a,
        community_a,
        resident.pk,
        "health_notes",
    )
    assert access.path == health_url(resident.pk)


def test_hotel_staff_get_404_for_the_health_notes_of_someone_not_their_guest(
    client: Client, community_a: Community, worker_a: User
) -> None:
    """Hotel staff see the people checked in to their own hotel; until the hotel app exists
    nobody is, so every resident of their street is a 404 to them (as if not there at all)."""
    resident = make_resident(community_a)
    do_add_health_note(resident, actor=worker_a, text="需要透析")
    client.force_login(make_user(Role.HOTEL, street=community_a.street))

    read = client.get(health_url(resident.pk))
    write = client.post(health_url(resident.pk), {"text": "x"})

    assert (read.status_code, write.status_code) == (404, 404)
    assert "需要透析" not in read.content.decode()
    assert HealthNote.objects.count() == 1
    assert not PiiAccess.objects.exists()


def test_another_communitys_resident_is_404(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    theirs = make_resident(community_b, "李四")
    client.force_login(worker_a)

    read = client.get(health_url(theirs.pk))
    write = client.post(health_url(theirs.pk), {"text": "x"})

    assert (read.status_code, write.status_code) == (404, 404)
    assert not HealthNote.objects.exists()
    assert not PiiAccess.objects.exists()


def test_empty_note_is_refused(client: Client, community_a: Community, worker_a: User) -> None:
    resident = make_resident(community_a)
    client.force_login(worker_a)

    response = client.post(health_url(resident.pk), {"text": "   "})

    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not HealthNote.objects.exists()
    with pytest.raises(ValidationError) as error:
        do_add_health_note(resident, actor=worker_a, text="  ")
    assert "text" in error.value.message_dict


def test_notes_of_other_residents_are_not_shown(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a, "张三")
    neighbour = make_resident(community_a, "王五", room="601")
    do_add_health_note(neighbour, actor=worker_a, text="王五的病历")
    client.force_login(worker_a)

    body = client.get(health_url(resident.pk)).content.decode()

    assert "王五的病历" not in body

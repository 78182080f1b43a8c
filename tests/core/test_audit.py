from django.test import Client
from django.urls import reverse

from linli.core.models import Community, PiiAccess, User
from linli.core.roles import Role
from tests.factories import make_resident, make_user


def test_register_shows_masked_phone_and_id_by_default(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a)
    client.force_login(worker_a)
    body = client.get(reverse("people:resident-detail", args=[resident.pk])).content.decode()
    assert "138****5678" in body
    assert "310***********1237" in body
    assert "13812345678" not in body
    assert not PiiAccess.objects.exists()


def test_full_view_is_logged(client: Client, community_a: Community, worker_a: User) -> None:
    resident = make_resident(community_a)
    client.force_login(worker_a)
    body = client.post(reverse("people:resident-detail", args=[resident.pk])).content.decode()
    assert "13812345678" in body
    assert "310101199001011237" in body
    access = PiiAccess.objects.get()
    assert (access.user, access.subject_id, access.community) == (
        worker_a,
        resident.pk,
        community_a,
    )
    assert access.fields == "phone,id_number"


def test_role_without_pii_need_cannot_reveal(client: Client, community_a: Community) -> None:
    resident = make_resident(community_a)
    client.force_login(make_user(Role.OFFICIAL, street=community_a.street))
    body = client.post(reverse("people:resident-detail", args=[resident.pk])).content.decode()
    assert "13812345678" not in body
    assert not PiiAccess.objects.exists()


def test_access_log_shows_only_own_community(
    client: Client, community_a: Community, community_b: Community, worker_a: User
) -> None:
    ours, theirs = make_resident(community_a, "张三"), make_resident(community_b, "李四")
    worker_b = make_user(Role.WORKER, community_b)
    client.force_login(worker_b)
    client.post(reverse("people:resident-detail", args=[theirs.pk]))
    client.force_login(worker_a)
    client.post(reverse("people:resident-detail", args=[ours.pk]))
    community_a.head = worker_a
    community_a.save(update_fields=["head"])
    body = client.get(reverse("core:pii-log")).content.decode()
    assert "张三" in body
    assert "李四" not in body


def test_resident_changes_keep_history(community_a: Community) -> None:
    resident = make_resident(community_a)
    resident.phone = "13900000000"
    resident.save(update_fields=["phone"])
    phones = list(resident.history.order_by("history_id").values_list("phone", flat=True))
    assert phones == ["13812345678", "13900000000"]


def test_access_log_names_what_was_seen(
    client: Client, community_a: Community, worker_a: User
) -> None:
    resident = make_resident(community_a)
    client.force_login(worker_a)
    client.post(reverse("people:resident-detail", args=[resident.pk]))
    community_a.head = worker_a
    community_a.save(update_fields=["head"])
    client.cookies["django_language"] = "en"

    body = client.get(reverse("core:pii-log")).content.decode()

    assert "phone, identity number" in body
    assert "phone,id_number" not in body

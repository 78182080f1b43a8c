from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from linli.core.models import Community, User
from tests.factories import PASSWORD


def login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def test_correct_login_lands_on_home(client: Client, worker_a: User) -> None:
    response = login(client, worker_a.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_wrong_login_is_refused_with_a_clear_message(client: Client, worker_a: User) -> None:
    response = login(client, worker_a.username, "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "请输入一个正确的" in response.content.decode()  # Django's own zh-hans message


def test_wrong_login_message_in_english(client: Client, worker_a: User) -> None:
    client.cookies["django_language"] = "en"
    response = login(client, worker_a.username, "wrong")
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_and_say_so(
    client: Client, worker_a: User, settings: LazySettings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, worker_a.username, "wrong").status_code == 200
    locked = login(client, worker_a.username, "wrong")
    assert locked.status_code == 429
    assert "账户已被锁定" in locked.content.decode()
    # Even the right password is refused while the account is locked.
    again = login(client, worker_a.username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(client: Client, worker_a: User, community_a: Community) -> None:
    other = User.objects.create_user("other", password=PASSWORD, community=community_a)
    for _ in range(5):
        login(client, worker_a.username, "wrong")
    assert login(client, other.username, PASSWORD).status_code == 302


def test_password_change(client: Client, worker_a: User) -> None:
    client.force_login(worker_a)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    worker_a.refresh_from_db()
    assert worker_a.check_password("a-new-long-passphrase")


def test_logout_needs_post_and_ends_the_session(client: Client, worker_a: User) -> None:
    client.force_login(worker_a)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_session_cookie_is_not_readable_by_scripts(settings: LazySettings) -> None:
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE

"""Signing in: repeated wrong passwords lock the account out (django-axes)."""

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # UserFactory's
HERE = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


def sign_in(client, username: str, password: str, address: str = HERE):
    """POST the sign-in form from ``address``."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username: str, times: int, address: str = HERE) -> list[int]:
    """Sign in with a wrong password ``times`` times; the status codes."""
    return [
        sign_in(client, username, "wrong-password", address).status_code
        for _ in range(times)
    ]


def test_the_limit_is_five_failures():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client):
    UserFactory(username="ana")
    # The form again for four, then the fifth failure locks the account.
    assert fail(client, "ana", 5) == [200, 200, 200, 200, 429]
    response = sign_in(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Still locked on the next try.
    assert sign_in(client, "ana", PASSWORD).status_code == 429


def test_four_wrong_passwords_do_not_lock(client):
    UserFactory(username="ana")
    assert fail(client, "ana", 4) == [200] * 4
    response = sign_in(client, "ana", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:dashboard")


def test_a_lockout_leaves_other_accounts_and_addresses_alone(client):
    ana = UserFactory(username="ana")
    ben = UserFactory(username="ben")
    assert fail(client, "ana", 5)[-1] == 429
    assert sign_in(client, "ana", PASSWORD).status_code == 429
    # Another account from the same address.
    response = sign_in(client, "ben", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ben.pk)
    client.logout()
    # The same account from another address.
    response = sign_in(client, "ana", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ana.pk)


def test_a_successful_sign_in_before_the_limit_resets_the_count(client):
    ana = UserFactory(username="ana")
    fail(client, "ana", 4)
    assert sign_in(client, "ana", PASSWORD).status_code == 302
    client.logout()
    # Eight failures in all, but never five in a row.
    assert fail(client, "ana", 4) == [200] * 4
    response = sign_in(client, "ana", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ana.pk)


def test_a_failed_sign_in_shows_the_form_error_not_a_lockout(client):
    UserFactory(username="ana")
    response = sign_in(client, "ana", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "12345678901", "qwertyuiop"],
    ids=["too short", "common", "numeric", "common keyboard row"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password)


def test_a_password_like_the_username_is_refused():
    user = UserFactory.build(username="factchecker", email="fc@example.org")
    with pytest.raises(ValidationError):
        password_validation.validate_password("factchecker1", user=user)


def test_a_long_uncommon_password_is_accepted():
    password_validation.validate_password("walnut-harbour-lantern-42")


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ],
)
def test_password_reset_by_email_is_off(client, path):
    # The desk sends no mail: an admin sets a new password instead.
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "ana@example.org"}).status_code == 404


def test_signed_in_people_still_change_their_own_password(client):
    ana = UserFactory(username="ana")
    client.force_login(ana)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "walnut-harbour-lantern-42",
            "new_password2": "walnut-harbour-lantern-42",
        },
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.check_password("walnut-harbour-lantern-42")


def test_role_memory_lasts_its_whole_lifetime_from_the_read_after_forgetting(
    monkeypatch, django_assert_num_queries
):
    from django.contrib.auth.models import Group

    from annotations import roles

    clock = [1000.0]
    monkeypatch.setattr(roles.time, "monotonic", lambda: clock[0])
    groups = frozenset(Group.objects.values_list("pk", flat=True))
    roles.group_permissions(groups)  # a window opens at 1000
    clock[0] += settings.ROLE_CACHE_SECONDS - 1
    roles.forget_roles()
    with django_assert_num_queries(1):
        roles.group_permissions(groups)  # read again: a new whole window
    clock[0] += settings.ROLE_CACHE_SECONDS - 1
    with django_assert_num_queries(0):
        roles.group_permissions(groups)
    clock[0] += 1
    with django_assert_num_queries(1):
        roles.group_permissions(groups)

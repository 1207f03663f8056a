"""Signing up, logging in and out, and resetting a password, as a person does it in the browser."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from openhouse.accounts.models import Account
from tests.conftest import PASSWORD, text

pytestmark = pytest.mark.django_db


def test_sign_up_logs_in_and_asks_for_a_profile(client):
    response = client.post(
        reverse("signup"),
        {"handle": "Ada.Codes", "email": "ada@example.org", "password": PASSWORD, "display_name": "Ada"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("edit-profile")
    assert "Welcome to openhouse" in text(response)
    account = Account.objects.get()
    assert account.handle == "ada.codes"
    assert account.password.startswith("md5$")  # the test hasher; production uses Argon2 (below)


def test_production_hashes_passwords_with_argon2():
    from openhouse import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_weak_password_is_refused_with_the_reason(client):
    response = client.post(
        reverse("signup"),
        {"handle": "ada", "email": "ada@example.org", "password": "password", "display_name": ""},
    )
    assert "This password is too short" in text(response) or "too common" in text(response)
    assert not Account.objects.exists()


@pytest.mark.parametrize("login", ["curious.teen", "@Curious.Teen", "CURIOUS.TEEN@example.org"])
def test_log_in_with_handle_or_email_in_any_case(client, member_of_public, login):
    response = client.post(reverse("login"), {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("edit-profile")).status_code == 200


def test_unknown_account_and_wrong_password_look_the_same(client, member_of_public):
    unknown = client.post(reverse("login"), {"username": "nobody.here", "password": PASSWORD})
    wrong = client.post(
        reverse("login"), {"username": member_of_public.handle, "password": "wrong " + PASSWORD}
    )
    assert unknown.status_code == wrong.status_code == 200

    def message(r):
        return re.search(r'<div class="form-errors".*?</div>', text(r), re.S).group(0)

    assert message(unknown) == message(wrong)
    assert "don't match an account" in message(wrong)


def test_log_out_is_a_post(client, member_of_public):
    client.force_login(member_of_public)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("edit-profile")).status_code == 302


def test_login_throttle_per_account_fires_even_from_rotating_addresses(client, member_of_public):
    for n in range(10):
        r = client.post(
            reverse("login"),
            {"username": member_of_public.handle, "password": "nope"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )
        assert r.status_code == 200
    blocked = client.post(
        reverse("login"), {"username": member_of_public.handle, "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )
    assert blocked.status_code == 429
    assert "too often" in text(blocked)


def test_login_throttle_per_address_ignores_spoofed_forwarded_for(client):
    for n in range(30):
        client.post(
            reverse("login"), {"username": f"user{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"
        )
    r = client.post(reverse("login"), {"username": "user99", "password": "x"}, HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert r.status_code == 429


def test_trusted_proxy_count_picks_the_address_the_proxy_saw():
    from openhouse.web.middleware import client_address

    assert client_address("10.0.0.1", "6.6.6.6, 203.0.113.7", 1) == "203.0.113.7"
    assert client_address("10.0.0.1", "6.6.6.6, 203.0.113.7", 0) == "10.0.0.1"
    assert client_address("10.0.0.1", "", 2) == "10.0.0.1"


def _reset_link(client, email) -> str:
    client.post(reverse("password_reset"), {"email": email})
    assert len(mail.outbox) == 1
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)


def test_password_reset_link_works_once(client, member_of_public):
    link = _reset_link(client, member_of_public.email)
    form = client.get(link, follow=True)
    new = "a brand new passphrase 42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Password changed" in text(done)
    again = client.get(link, follow=True)
    assert "This link has expired" in text(again)
    assert client.login(username=member_of_public.handle, password=new)


def test_password_reset_link_expires_after_an_hour(client, member_of_public):
    link = _reset_link(client, member_of_public.email)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        assert "This link has expired" in text(client.get(link, follow=True))


def test_password_reset_does_not_say_whether_an_address_has_an_account(client, member_of_public):
    known = client.post(reverse("password_reset"), {"email": member_of_public.email}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert text(known) == text(unknown)


def test_password_reset_throttle_per_address_fires(client, member_of_public):
    for _ in range(3):
        client.post(reverse("password_reset"), {"email": member_of_public.email})
    assert client.post(reverse("password_reset"), {"email": member_of_public.email}).status_code == 429
    assert len(mail.outbox) == 3

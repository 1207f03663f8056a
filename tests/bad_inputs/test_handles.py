"""Handles people could confuse with others are refused with a sentence that says why."""

import pytest
from django.urls import reverse

from openhouse.accounts.models import Account
from tests.conftest import PASSWORD, text

pytestmark = pytest.mark.django_db


def _sign_up(client, handle, email="new@example.org"):
    return client.post(
        reverse("signup"), {"handle": handle, "email": email, "password": PASSWORD, "display_name": "New"}
    )


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ("mi5\u043efficial", "U+043E (CYRILLIC SMALL LETTER O) is not allowed"),  # a Cyrillic o
        ("mi5\u202eofficial", "U+202E"),
        ("mi5\u200bofficial", "U+200B"),
        ("a" * 31, "at most 30 characters; this one has 31"),
        ("admin", "'admin' is reserved"),
        ("explore", "'explore' is reserved"),
        ("has space", "U+0020 (SPACE) is not allowed"),
        ("", "Choose a handle"),
    ],
)
def test_bad_handles_are_refused_with_a_reason(client, handle, message):
    response = _sign_up(client, handle)
    assert response.status_code == 200
    assert message in text(response)
    assert not Account.objects.exists()


def test_handle_differing_only_in_case_is_taken(client, member_of_public):
    response = _sign_up(client, member_of_public.handle.upper())
    assert f"The handle '{member_of_public.handle}' is taken." in text(response)
    assert Account.objects.count() == 1


def test_handle_of_exactly_30_characters_is_accepted(client):
    assert _sign_up(client, "a" * 30).status_code == 302
    assert Account.objects.get().handle == "a" * 30


def test_same_email_in_other_case_is_refused(client, member_of_public):
    response = _sign_up(client, "someone.else", email=member_of_public.email.upper())
    assert "An account already uses this e-mail address." in text(response)
    assert Account.objects.count() == 1


def test_database_refuses_upper_case_handles_and_verified_people(member_of_public):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=member_of_public.pk).update(handle="Curious.Teen")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=member_of_public.pk).update(is_verified=True)

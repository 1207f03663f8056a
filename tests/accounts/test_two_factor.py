"""Two-factor authentication through the pages: set-up with a QR code, recovery codes shown once and
single-use, the code step after the password, turning it off, and the throttles on code attempts."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openhouse.accounts import twofactor
from openhouse.audit.models import AuditEntry
from openhouse.core import ratelimit
from tests.conftest import PASSWORD, code_for, enrol, log_in_verified, person, text

hash_codes = importlib.import_module("openhouse.accounts.migrations.0005_hash_recovery_codes").hash_codes

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 23, 12, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def _logged_in_handle(client) -> str | None:
    from django.contrib.auth import SESSION_KEY

    from openhouse.accounts.models import Account

    pk = client.session.get(SESSION_KEY)
    return Account.objects.get(pk=pk).handle if pk else None


def _enrol_through_pages(client, account, clock):
    client.force_login(account)
    assert client.post(reverse("two-factor-start"))["Location"] == reverse("two-factor-setup")
    device = TOTPDevice.objects.get(user=account)
    return device, client.post(reverse("two-factor-setup"), {"code": code_for(device)})


def test_set_up_shows_qr_and_key_then_recovery_codes_once(client, member_of_public, clock):
    client.force_login(member_of_public)
    client.post(reverse("two-factor-start"))
    page = client.get(reverse("two-factor-setup"))
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=member_of_public, confirmed=False)
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    assert key[:4] + " " + key[4:8] in text(page)
    assert client.get(reverse("two-factor-setup")).context["key"] == page.context["key"]  # same on reload

    done = client.post(reverse("two-factor-setup"), {"code": code_for(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in text(done) for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session is verified
    security = client.get(reverse("security"))
    assert "Recovery codes left: 10" in " ".join(text(security).split()).replace("<strong>", "").replace(
        "</strong>", ""
    )
    assert not any(code in text(security) for code in codes)  # never shown again


def test_wrong_code_at_set_up_confirms_nothing(client, member_of_public, clock):
    client.force_login(member_of_public)
    client.post(reverse("two-factor-start"))
    response = client.post(reverse("two-factor-setup"), {"code": "000000"})
    if response.status_code == 200 and "codes" in response.context:  # the one-in-a-million real code
        pytest.skip("000000 happened to be the current code")
    assert response.status_code == 400 and "didn't match" in text(response)
    assert not TOTPDevice.objects.filter(user=member_of_public, confirmed=True).exists()
    assert not StaticToken.objects.exists()
    too_long = client.post(reverse("two-factor-setup"), {"code": "1" * 33})
    assert too_long.status_code == 400 and not StaticToken.objects.exists()


def test_cannot_start_twice_once_on(client, officer):
    client.force_login(officer)
    response = client.post(reverse("two-factor-start"), follow=True)
    assert "already on" in text(response)
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_set_up_page_without_a_pending_authenticator_goes_back_to_settings(client, member_of_public):
    client.force_login(member_of_public)
    assert client.get(reverse("two-factor-setup"))["Location"] == reverse("security")


def test_enrolling_as_a_team_member_is_in_the_audit_log(client, organisation, officer, clock):
    TOTPDevice.objects.filter(user=officer).delete()
    _enrol_through_pages(client, officer, clock)
    entry = AuditEntry.objects.get(organisation=organisation)
    assert (entry.action, entry.subject, entry.actor_handle) == (
        "team.two_factor_enabled",
        "member:officer.canary",
        "officer.canary",
    )


# Logging in.


def _password(client, account, next_url=""):
    data = {"username": account.handle, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_account_without_two_factor_logs_in_with_the_password(client, member_of_public):
    response = _password(client, member_of_public)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _logged_in_handle(client) == member_of_public.handle


def test_password_alone_does_not_log_in_an_account_with_two_factor(client, officer, clock):
    response = _password(client, officer, next_url="/mi5official/team/")
    assert response["Location"] == reverse("login-code") + "?next=%2Fmi5official%2Fteam%2F"
    assert _logged_in_handle(client) is None
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Enter your code" in text(page)
    assert _logged_in_handle(client) is None

    wrong = client.post(reverse("login-code"), {"code": "12345", "next": "/mi5official/team/"})
    assert wrong.status_code == 400 and "didn't work" in text(wrong)
    assert _logged_in_handle(client) is None

    clock.shift(2)  # past django-otp's one-second pause after a failure
    device = TOTPDevice.objects.get(user=officer)
    right = client.post(reverse("login-code"), {"code": code_for(device), "next": "/mi5official/team/"})
    assert right["Location"] == "/mi5official/team/"
    assert _logged_in_handle(client) == officer.handle
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/mi5official/team/").status_code == 200


def test_a_code_works_once(client, officer, clock):
    device = TOTPDevice.objects.get(user=officer)
    code = code_for(device)
    _password(client, officer)
    client.post(reverse("login-code"), {"code": code})
    assert _logged_in_handle(client) == officer.handle
    client.post(reverse("logout"))
    _password(client, officer)
    replay = client.post(reverse("login-code"), {"code": code})
    assert replay.status_code == 400 and _logged_in_handle(client) is None


def test_the_code_step_expires(client, officer, clock):
    _password(client, officer)
    clock.shift(301)
    response = client.post(reverse("login-code"), {"code": code_for(TOTPDevice.objects.get(user=officer))})
    assert response["Location"] == reverse("login")
    assert _logged_in_handle(client) is None


def test_code_page_without_a_password_step_sends_to_log_in(client):
    assert client.get(reverse("login-code"))["Location"] == reverse("login")


def test_code_step_never_redirects_off_site(client, officer, clock):
    _password(client, officer)
    code = code_for(TOTPDevice.objects.get(user=officer))
    response = client.post(reverse("login-code"), {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_recovery_code_logs_in_once(client, member_of_public, clock):
    _, done = _enrol_through_pages(client, member_of_public, clock)
    codes = done.context["codes"]
    client.post(reverse("logout"))

    _password(client, member_of_public)
    response = client.post(reverse("login-code"), {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert _logged_in_handle(client) == member_of_public.handle
    assert "9 left" in text(response)
    client.post(reverse("logout"))

    _password(client, member_of_public)
    again = client.post(reverse("login-code"), {"code": codes[0]})
    assert again.status_code == 400 and _logged_in_handle(client) is None
    assert StaticToken.objects.filter(device__user=member_of_public).count() == 9


def test_recovery_codes_are_kept_only_as_keyed_hashes_and_survive_a_key_rotation(
    client, settings, member_of_public, clock
):
    """A copy of the database must not hold codes that pass; rotating SECRET_KEY (the old one moved to
    SECRET_KEY_FALLBACKS) must not lock anyone out of their recovery codes."""
    _, done = _enrol_through_pages(client, member_of_public, clock)
    codes = done.context["codes"]
    kept = set(StaticToken.objects.filter(device__user=member_of_public).values_list("token", flat=True))
    assert len(kept) == 10
    assert not kept & {c.replace("-", "") for c in codes} and not kept & set(codes)
    client.post(reverse("logout"))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-key-" + "x" * 40
    _password(client, member_of_public)
    client.post(reverse("login-code"), {"code": codes[3]})
    assert _logged_in_handle(client) == member_of_public.handle
    client.post(reverse("logout"))
    settings.SECRET_KEY_FALLBACKS = []  # the old key retired: its codes no longer pass
    _password(client, member_of_public)
    assert client.post(reverse("login-code"), {"code": codes[4]}).status_code == 400


def test_codes_stored_as_typed_before_are_converted_by_the_migration(member_of_public):
    device = StaticDevice.objects.create(user=member_of_public, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcdefghjk")
    hash_codes(django_apps, None)
    hash_codes(django_apps, None)  # a second run changes nothing
    assert StaticToken.objects.get().token == twofactor.stored_form("abcdefghjk")
    assert twofactor.verify_code(account=member_of_public, code="abcde-fghjk").used_recovery_code


def test_signed_in_session_passes_the_code_step_for_team_pages(client, organisation, officer, clock):
    client.force_login(officer)
    response = client.post(
        reverse("login-code"),
        {"code": code_for(TOTPDevice.objects.get(user=officer)), "next": "/mi5official/team/"},
    )
    assert response["Location"] == "/mi5official/team/"
    assert client.get("/mi5official/team/").status_code == 200


def test_code_page_lets_verified_and_plain_sessions_through(client, officer, member_of_public):
    log_in_verified(client, officer)
    assert client.get(reverse("login-code") + "?next=/explore/")["Location"] == "/explore/"
    client.force_login(member_of_public)  # no authenticator: nothing to ask
    assert client.get(reverse("login-code"))["Location"] == "/"


# Throttles (each must fire).


def _fill(scope: str, key: str, times: int) -> None:
    for _ in range(times):
        ratelimit.hit(scope, key, limit=10**9, window=3600)


def test_code_attempts_are_limited_per_account(client, officer, clock):
    _password(client, officer)
    _fill("2fa-account", str(officer.pk), 10)
    response = client.post(reverse("login-code"), {"code": code_for(TOTPDevice.objects.get(user=officer))})
    assert response.status_code == 429 and _logged_in_handle(client) is None


def test_code_attempts_are_limited_per_address(client, officer, clock):
    _password(client, officer)
    _fill("2fa-ip", "127.0.0.1", 30)
    response = client.post(reverse("login-code"), {"code": code_for(TOTPDevice.objects.get(user=officer))})
    assert response.status_code == 429 and _logged_in_handle(client) is None


def test_django_otp_throttle_pauses_after_failures(client, officer, clock):
    _password(client, officer)
    device = TOTPDevice.objects.get(user=officer)
    client.post(reverse("login-code"), {"code": "111111" if code_for(device) != "111111" else "222222"})
    # Within the pause even the right code is refused.
    assert client.post(reverse("login-code"), {"code": code_for(device)}).status_code == 400
    clock.shift(2)
    assert client.post(reverse("login-code"), {"code": code_for(device)}).status_code == 302


# Turning off, new recovery codes.


def test_turning_off_needs_a_valid_code(client, organisation, officer, clock):
    log_in_verified(client, officer)
    refused = client.post(reverse("two-factor-disable"), {"code": "999999x"}, follow=True)
    assert "didn't work" in text(refused)
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    empty = client.post(reverse("two-factor-disable"), {"code": ""}, follow=True)
    assert "Enter a code" in text(empty)

    clock.shift(2)
    done = client.post(
        reverse("two-factor-disable"), {"code": code_for(TOTPDevice.objects.get(user=officer))}, follow=True
    )
    assert "is off" in text(done)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEntry.objects.filter(organisation=organisation, action="team.two_factor_disabled").exists()
    assert client.get("/mi5official/team/").status_code == 403  # now told to set it up again


def test_new_recovery_codes_replace_the_old_ones(client, member_of_public, clock):
    _, done = _enrol_through_pages(client, member_of_public, clock)
    old = done.context["codes"]
    clock.shift(30)
    device = TOTPDevice.objects.get(user=member_of_public)
    fresh = client.post(reverse("recovery-codes"), {"code": code_for(device)})
    assert fresh.status_code == 200
    new = fresh.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    client.post(reverse("logout"))
    _password(client, member_of_public)
    assert client.post(reverse("login-code"), {"code": old[1]}).status_code == 400
    clock.shift(2)
    assert client.post(reverse("login-code"), {"code": new[1]}).status_code == 302


def test_new_recovery_codes_refused_without_a_valid_code(client, officer, clock):
    enrol_tokens = StaticToken.objects.count()
    log_in_verified(client, officer)
    response = client.post(reverse("recovery-codes"), {"code": "nope"}, follow=True)
    assert "didn't work" in text(response)
    assert StaticToken.objects.count() == enrol_tokens
    assert "Enter a code" in text(client.post(reverse("recovery-codes"), {}, follow=True))


def test_security_page_needs_a_log_in(client):
    assert client.get(reverse("security"))["Location"].startswith(reverse("login"))


def test_services_refuse_acting_for_someone_else(officer, reviewer):
    from openhouse.accounts import twofactor
    from openhouse.core.errors import Invalid, NotAllowed

    for verb in (
        twofactor.confirm_enrolment,
        twofactor.disable_two_factor,
        twofactor.regenerate_recovery_codes,
    ):
        with pytest.raises(NotAllowed):
            verb(actor=officer, account=reviewer, code="123456")
    with pytest.raises(NotAllowed):
        twofactor.begin_enrolment(actor=officer, account=reviewer)
    TOTPDevice.objects.filter(user=reviewer).delete()
    with pytest.raises(Invalid, match="not on"):
        twofactor.disable_two_factor(actor=reviewer, account=reviewer, code="123456")
    with pytest.raises(Invalid, match="first"):
        twofactor.regenerate_recovery_codes(actor=reviewer, account=reviewer, code="123456")
    from openhouse.core.errors import NotFound

    with pytest.raises(NotFound):
        twofactor.confirm_enrolment(actor=reviewer, account=reviewer, code="123456")
    enrol(reviewer)


def test_starting_again_reuses_the_waiting_authenticator(member_of_public):
    from openhouse.accounts import twofactor

    first = twofactor.begin_enrolment(actor=member_of_public, account=member_of_public)
    again = twofactor.begin_enrolment(actor=member_of_public, account=member_of_public)
    assert first.pk == again.pk and TOTPDevice.objects.filter(user=member_of_public).count() == 1


def test_empty_and_overlong_codes_are_refused_without_a_device_lookup(officer):
    from openhouse.accounts import twofactor
    from openhouse.core.errors import Invalid

    with pytest.raises(Invalid, match="didn't work"):
        twofactor.verify_code(account=officer, code=" - ")
    with pytest.raises(Invalid, match="too long"):
        twofactor.verify_code(account=officer, code="1" * 33)


def test_site_admin_log_in_goes_through_the_code_step(client, officer):
    officer.is_staff = True
    officer.save()
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0] == reverse("login") + "?next=%2Fadmin%2F"
    client.post(reverse("login") + "?next=/admin/", {"username": officer.handle, "password": PASSWORD})
    assert _logged_in_handle(client) is None
    assert client.get("/admin/").status_code == 302  # still outside until the code


def test_site_staff_without_two_factor_never_reach_the_admin(client):
    staff = person("site.staff", "Site Staff Realname", is_staff=True, is_superuser=True)
    client.force_login(staff)  # the right password, no authenticator
    page = client.get("/admin/", follow=True)
    assert page.status_code == 403 and "before you use the site admin" in text(page)
    assert "Site administration" not in text(page)
    assert client.get(reverse("admin:accounts_membership_changelist")).status_code == 302


def test_site_staff_with_an_authenticator_pass_a_code_in_this_session_first(client):
    staff = person("site.staff", "Site Staff Realname", is_staff=True, is_superuser=True)
    enrol(staff)
    client.force_login(staff)
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0] == reverse("login-code") + "?next=%2Fadmin%2F"
    log_in_verified(client, staff)
    assert "Site administration" in text(client.get("/admin/"))


def test_people_who_are_not_staff_get_a_404_from_the_admin_door(client, member_of_public):
    log_in_verified(client, member_of_public)
    assert client.get("/admin/login/?next=/admin/").status_code == 404
    assert client.get("/admin/login/?next=https://evil.example/").status_code == 404


def test_security_page_lists_the_teams_one_is_on(client, organisation, officer, member_of_public):
    client.force_login(officer)
    page = text(client.get(reverse("security")))
    assert reverse("team", args=[organisation.handle]) in page and "Author" in page
    client.force_login(member_of_public)
    assert "Your teams" not in text(client.get(reverse("security")))

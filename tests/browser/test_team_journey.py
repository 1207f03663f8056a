"""A team admin logs in with a password and a code, invites a colleague by link; the colleague accepts on a
phone, is told to set up two-factor authentication, scans (reads) the key, saves the recovery codes and then
sees the team. Every step through the pages a person uses."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import PASSWORD, code_for, person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def test_admin_invites_and_the_colleague_joins_with_two_factor(
    browser_allowed, live_server, new_context, organisation, team_admin
):
    base = live_server.url
    colleague = person("new.colleague", "New Colleague")

    admin = new_context().new_page()
    admin.goto(base + "/mi5official/team/")
    assert admin.title().startswith("Page not found")  # the public doesn't learn the team page exists
    admin.goto(base + "/accounts/login/?next=/mi5official/team/")
    admin.get_by_label("Handle or e-mail").fill(team_admin.handle)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    expect(admin.get_by_role("heading", name="Enter your code")).to_be_visible()
    admin.get_by_label("Code").fill(code_for(team_admin.totpdevice_set.get()))
    admin.get_by_role("button", name="Continue").click()
    expect(admin).to_have_url(base + "/mi5official/team/")

    invite = admin.locator("#invite")
    invite.get_by_label("Reviewer").check()
    invite.get_by_role("button", name="Create invitation").click()
    link = admin.get_by_role("textbox", name="Invitation link").input_value()
    assert re.fullmatch(re.escape(base) + r"/accounts/invitations/[A-Za-z0-9_-]+/", link)
    expect(admin.locator("#invitations")).to_contain_text("Author, Reviewer")

    phone = new_context(**PHONE).new_page()
    phone.goto(link)  # not signed in yet: the log-in page, then back to the invitation
    phone.get_by_label("Handle or e-mail").fill(colleague.handle)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", name=re.compile("Join the team of"))).to_be_visible()
    phone.get_by_role("button", name="Accept and join").click()
    expect(phone.get_by_role("heading", name="Two-factor authentication needed")).to_be_visible()

    phone.get_by_role("link", name="Set up two-factor authentication").click()
    phone.get_by_role("button", name="Set up two-factor authentication").click()
    expect(phone.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    key = phone.locator(".secret-key code").inner_text().replace(" ", "")
    phone.get_by_label("Code").fill(f"{totp(b32decode(key)):06d}")
    phone.get_by_role("button", name="Turn on").click()
    expect(phone.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert phone.locator(".codes li").count() == 10
    phone.get_by_role("link", name="I've saved them").click()
    expect(phone.get_by_text("Recovery codes left:")).to_be_visible()

    phone.goto(base + "/mi5official/team/")
    members = phone.locator("#members")
    expect(members).to_contain_text("new.colleague")
    expect(members).to_contain_text("Reviewer")
    expect(phone.get_by_role("link", name="Audit log")).to_have_count(0)  # admins only

    admin.get_by_role("link", name="Audit log").click()
    expect(admin.get_by_text("Every entry checks out")).to_be_visible()
    expect(admin.locator(".audit-list")).to_contain_text("team.joined")
    expect(admin.locator(".audit-list")).to_contain_text("team.two_factor_enabled")

"""`openhouse demo` gives mi5official a team admin who can log in with the printed key, and role labels."""

import datetime as dt
import re
from base64 import b32decode
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from openhouse.accounts.models import Account, Membership, RoleLabel
from openhouse.audit import services as audit

pytestmark = pytest.mark.django_db


def test_demo_team_admin_logs_in_with_the_printed_password_and_key(client, media_root):
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    org = Account.objects.get(handle="mi5official")
    lead = Account.objects.get(handle="mi5.comms")
    assert Membership.objects.filter(organisation=org, member=lead, role="admin").exists()
    assert list(RoleLabel.objects.filter(organisation=org).values_list("name", flat=True)) == [
        "Press office",
        "Surveillance officer",
        "Agent runner",
        "Analyst",
        "Archivist",
        "Recruitment team",
    ]
    assert audit.verify(organisation_id=org.pk) == []

    password = re.search(r"password (\S+)", printed).group(1)
    key = re.search(r"authenticator app.*:\n\s+([A-Z2-7 ]+)\n", printed).group(1).replace(" ", "")
    response = client.post(reverse("login"), {"username": "mi5.comms", "password": password})
    assert response["Location"].startswith(reverse("login-code"))
    # The demo confirmed the key with the current code; a code works once, so take the next one.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=30)):
        client.post(reverse("login-code"), {"code": f"{totp(b32decode(key)):06d}"})
        assert client.get(reverse("team", args=["mi5official"])).status_code == 200

    call_command("demo", stdout=StringIO())  # again: nothing duplicated
    assert RoleLabel.objects.filter(organisation=org).count() == 6


def test_demo_site_admin_opens_the_admin_with_the_printed_password_and_key(client, media_root):
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    password = re.search(r"password (\S+)", printed).group(1)
    key = re.search(r"authenticator key ([A-Z2-7 ]+)\n", printed).group(1).replace(" ", "")
    response = client.post(
        reverse("login") + "?next=/admin/", {"username": "siteadmin", "password": password}
    )
    assert response["Location"].startswith(reverse("login-code"))
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=30)):
        client.post(reverse("login-code") + "?next=/admin/", {"code": f"{totp(b32decode(key)):06d}"})
        assert "Site administration" in client.get("/admin/").content.decode()

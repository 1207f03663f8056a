"""Careers listings, the profile's Apply and Report-something buttons, and the links behind them."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from openhouse.accounts.models import Membership
from openhouse.audit.models import AuditEntry
from openhouse.careers import services as careers
from openhouse.careers.models import JobListing, ProfileSettings
from openhouse.core.errors import Invalid, NotAllowed
from tests.conftest import log_in_verified, text

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin(organisation, officer):
    Membership.objects.create(organisation=organisation, member=officer, role=Membership.Role.ADMIN)
    return officer


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def listing(organisation, actor, **overrides):
    values = {
        "title": "Intelligence Officer",
        "team": "Development Programme",
        "region": "London",
        "closes_on": dt.date(2026, 3, 10),
        "summary": "Turn fragments into judgements.",
        "apply_url": "https://careers.example.org/io",
    } | overrides
    return careers.create_listing(actor=actor, organisation=organisation, **values)


def test_listing_shows_on_the_careers_tab_with_an_apply_link(client, organisation, officer, today):
    listing(organisation, officer)
    page = text(client.get(reverse("careers", args=[organisation.handle])))
    assert "Intelligence Officer" in page and "Development Programme" in page and "London" in page
    assert "Closes 10 March 2026" in page
    assert 'href="https://careers.example.org/io"' in page
    assert "officer.canary" not in page


def test_listings_disappear_by_themselves_after_their_closing_date(client, organisation, officer, today):
    listing(organisation, officer, title="Closes soon", closes_on=dt.date(2026, 3, 3))
    listing(organisation, officer, title="Closes later", closes_on=dt.date(2026, 3, 20))
    url = reverse("careers", args=[organisation.handle])
    today.move_to(dt.datetime(2026, 3, 3, 23, 59, tzinfo=dt.UTC))
    assert "Closes soon" in text(client.get(url))
    today.move_to(dt.datetime(2026, 3, 4, 0, 0, tzinfo=dt.UTC))
    page = text(client.get(url))
    assert "Closes soon" not in page and "Closes later" in page
    assert JobListing.objects.count() == 2  # nothing ran: the page simply stops selecting it


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://careers.example.org/io", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("ftp://careers.example.org", "must start with https://"),
        ("https://", "isn't a valid web address"),
        ("", "The Apply link is needed"),
        ("https://example.org/" + "x" * 300, "at most 300 characters"),
    ],
)
def test_apply_link_must_be_https(organisation, officer, today, url, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        listing(organisation, officer, apply_url=url)
    assert not JobListing.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "The job title is needed"),
        ("title", "t" * 101, "at most 100 characters"),
        ("summary", "<p>hi</p>" * 100, "at most 600 characters"),
        ("region", "Lon\u200bdon", "U+200B"),
        ("closes_on", dt.date(2026, 3, 1), "already passed"),
    ],
)
def test_listing_fields_are_checked(organisation, officer, today, field, value, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        listing(organisation, officer, **{field: value})
    assert not JobListing.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "member_of_public", "director", "reviewer"])
def test_only_admins_and_authors_list_jobs(request, organisation, today, who):
    with pytest.raises(NotAllowed):
        listing(organisation, request.getfixturevalue(who))
    assert not JobListing.objects.exists()


def test_withdrawing_a_listing_is_audited(organisation, officer, outsider, today):
    job = listing(organisation, officer)
    with pytest.raises(NotAllowed):
        careers.withdraw_listing(actor=outsider, listing=job)
    careers.withdraw_listing(actor=officer, listing=job)
    assert not JobListing.objects.exists()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "careers.listing.create",
        "careers.listing.withdraw",
    ]


def _settings(organisation, actor, **overrides):
    values = {
        "careers_url": "https://careers.example.org/",
        "secure_channel_url": "https://secure.example.org/report",
        "colour_background": "#10223D",
        "colour_text": "#ffffff",
        "colour_accent": "#f2c14e",
    } | overrides
    return careers.update_profile_settings(actor=actor, organisation=organisation, **values)


def test_profile_shows_apply_and_report_something(client, organisation, admin):
    _settings(organisation, admin)
    page = text(client.get(reverse("profile", args=[organisation.handle])))
    assert 'href="https://careers.example.org/"' in page and ">Apply<" in page
    assert "Report something" in page
    report = text(client.get(reverse("report-something", args=[organisation.handle])))
    assert "Don't send it here." in report
    assert "official secure channel" in report
    assert 'href="https://secure.example.org/report"' in report


def test_without_settings_there_are_no_buttons(client, organisation):
    page = text(client.get(reverse("profile", args=[organisation.handle])))
    assert ">Apply<" not in page and "Report something" not in page


def test_people_have_no_careers_or_report_pages(client, member_of_public):
    assert client.get(reverse("careers", args=[member_of_public.handle])).status_code == 404
    assert client.get(reverse("report-something", args=[member_of_public.handle])).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("careers_url", "http://careers.example.org/", "must start with https://"),
        ("secure_channel_url", "http://secure.example.org/", "must start with https://"),
        ("colour_background", "navy", "must be a colour like"),
        ("colour_text", "#10223e", "too close to the background"),
    ],
)
def test_profile_settings_are_checked(organisation, admin, field, value, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        _settings(organisation, admin, **{field: value})
    assert not ProfileSettings.objects.exists()


def test_only_admins_change_profile_settings(organisation, officer, outsider):
    for actor in (officer, outsider):  # officer is an author, not an admin, here
        with pytest.raises(NotAllowed):
            _settings(organisation, actor)
    assert not ProfileSettings.objects.exists()


def test_settings_are_saved_lower_case_and_audited(organisation, admin):
    row = _settings(organisation, admin)
    assert row.colour_background == "#10223d"
    _settings(organisation, admin, careers_url="")
    row.refresh_from_db()
    assert row.careers_url == ""
    entries = AuditEntry.objects.filter(action="profile.settings").order_by("seq")
    assert entries[1].before["careers_url"] == "https://careers.example.org/"


def test_listing_form_shows_the_https_sentence(client, organisation, officer, today):
    log_in_verified(client, officer)
    response = client.post(
        reverse("careers-new", args=[organisation.handle]),
        {
            "title": "Analyst",
            "team": "Analysis",
            "region": "Manchester",
            "closes_on": "2026-03-20",
            "summary": "Read and connect.",
            "apply_url": "http://careers.example.org/analyst",
        },
    )
    assert response.status_code == 400
    assert "The Apply link must start with https://" in text(response)
    assert not JobListing.objects.exists()


def test_settings_form_through_the_page(client, organisation, admin, outsider):
    url = reverse("profile-settings", args=[organisation.handle])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    log_in_verified(client, admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "careers_url": "https://careers.example.org/",
            "secure_channel_url": "http://secure.example.org/",
            "colour_background": "#10223d",
            "colour_text": "#ffffff",
            "colour_accent": "#f2c14e",
        },
    )
    assert response.status_code == 400 and "secure channel link must start with https://" in text(response)


def test_an_upper_case_https_scheme_is_accepted_and_stored_as_https(organisation, officer, today):
    url = careers.clean_https_url(
        "HTTPS://careers.example.org/io", field="apply_url", label="x", required=True
    )
    assert url == "https://careers.example.org/io"

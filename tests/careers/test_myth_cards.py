"""Myth-busting cards: drawn in the organisation's colours from typed text, refused for bad text."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from openhouse.accounts.models import Membership
from openhouse.careers import cards
from openhouse.careers import services as careers
from openhouse.core.errors import Invalid, NotAllowed
from tests.conftest import log_in_verified, text

pytestmark = pytest.mark.django_db

MYTH = "Spies spend their days in car chases."
REALITY = "Most of the work is careful analysis at a desk, by people from every background."


def test_card_is_drawn_in_the_organisations_colours(organisation, officer):
    admin = officer
    Membership.objects.create(organisation=organisation, member=admin, role=Membership.Role.ADMIN)
    careers.update_profile_settings(
        actor=admin,
        organisation=organisation,
        careers_url="",
        secure_channel_url="",
        colour_background="#5a0f2e",
        colour_text="#fff4e0",
        colour_accent="#00c2a8",
    )
    image = Image.open(
        io.BytesIO(careers.myth_card(actor=officer, organisation=organisation, myth=MYTH, reality=REALITY))
    )
    assert image.format == "JPEG" and image.size == (cards.WIDTH, cards.HEIGHT)
    background = image.convert("RGB").getpixel((cards.WIDTH // 2, cards.HEIGHT - 20))
    assert all(abs(a - b) <= 6 for a, b in zip(background, (0x5A, 0x0F, 0x2E), strict=True))
    accent = image.convert("RGB").getpixel((8, cards.HEIGHT // 2))
    assert all(abs(a - b) <= 6 for a, b in zip(accent, (0x00, 0xC2, 0xA8), strict=True))


def test_card_has_text_on_it(organisation, officer):
    blank = cards.render(
        cards.CardText("x", "y"), colours=cards.Colours("#10223d", "#ffffff", "#f2c14e"), handle="a"
    )
    full = careers.myth_card(actor=officer, organisation=organisation, myth=MYTH, reality=REALITY)
    ink = [
        Image.open(io.BytesIO(b)).convert("L").point(lambda v: 255 if v > 200 else 0).histogram()[255]
        for b in (blank, full)
    ]
    assert ink[1] > ink[0] * 2


def test_longest_texts_fit_on_the_card(organisation, officer):
    data = careers.myth_card(
        actor=officer, organisation=organisation, myth="m" * cards.MYTH_MAX, reality="word " * 56
    )
    assert Image.open(io.BytesIO(data)).size == (cards.WIDTH, cards.HEIGHT)


@pytest.mark.parametrize(
    ("myth", "reality", "message"),
    [
        ("", REALITY, "Write the myth first."),
        ("   ", REALITY, "Write the myth first."),
        (MYTH, "\n\t ", "Write the reality first."),
        ("m" * 141, REALITY, "at most 140 characters; this is 141"),
        (MYTH, "r" * 281, "at most 280 characters; this is 281"),
        ("<script>alert(1)</script>", REALITY, "plain text"),
        (MYTH, "Zero\u200bwidth", "U+200B"),
    ],
)
def test_bad_card_text_is_refused(organisation, officer, myth, reality, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        careers.myth_card(actor=officer, organisation=organisation, myth=myth, reality=reality)


@pytest.mark.parametrize("who", ["outsider", "member_of_public", "director", "reviewer"])
def test_only_admins_and_authors_make_cards(request, organisation, who):
    with pytest.raises(NotAllowed):
        careers.myth_card(
            actor=request.getfixturevalue(who), organisation=organisation, myth=MYTH, reality=REALITY
        )


def test_card_page_previews_the_card(client, organisation, officer, outsider):
    url = reverse("myth-card", args=[organisation.handle])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    log_in_verified(client, officer)
    response = client.post(url, {"myth": MYTH, "reality": REALITY})
    assert response.status_code == 200
    assert 'src="data:image/jpeg;base64,' in response.content.decode()
    bad = client.post(url, {"myth": "", "reality": REALITY})
    assert bad.status_code == 400 and "Write the myth first." in text(bad)


def test_a_card_becomes_a_draft_that_waits_for_review(client, organisation, officer, reviewer):
    from openhouse.posts.models import Post
    from openhouse.publishing import services as publishing
    from openhouse.publishing.models import Draft

    log_in_verified(client, officer)
    url = reverse("myth-card", args=[organisation.handle])
    response = client.post(url, {"myth": MYTH, "reality": REALITY, "action": "draft"})
    draft = Draft.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response["Location"] == reverse("studio-draft", args=[organisation.handle, draft.pk])
    assert draft.status == Draft.Status.DRAFT
    [photo] = publishing.draft_photos(draft)
    assert MYTH in photo.alt_text and REALITY in photo.alt_text
    assert not Post.objects.filter(author=organisation).exists()  # nothing public before review
    assert client.get(reverse("profile", args=[organisation.handle])).status_code == 200


def test_bad_text_makes_no_draft(client, organisation, officer):
    from openhouse.publishing.models import Draft

    log_in_verified(client, officer)
    url = reverse("myth-card", args=[organisation.handle])
    response = client.post(url, {"myth": " ", "reality": REALITY, "action": "draft"})
    assert response.status_code == 400 and "Write the myth first." in text(response)
    assert not Draft.objects.exists()

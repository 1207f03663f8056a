"""The leak test: after a full author -> reviewer -> published flow through the web, nothing the public can
reach names the member who wrote, reviewed or published the post.

Every public page and endpoint that shows the post or the organisation (web pages and the public API) is fetched as an anonymous visitor,
as a follower, and as someone the caption mentions (notifications); the bodies and headers are searched for
the author's and reviewer's handle, display name, e-mail address and numeric id, and for the caption of a
draft that was never published. Served media files are fetched too.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from openhouse.accounts.models import Account, Membership, RoleLabel
from openhouse.posts.models import Post
from openhouse.publishing.models import Draft
from openhouse.social import services as social
from tests.conftest import PASSWORD, enrol, log_in_verified
from tests.publishing.conftest import photos

pytestmark = pytest.mark.django_db(transaction=True)  # tasks (fan-out, notifications) run at commit

AUTHOR_ID, REVIEWER_ID = 7340001, 7340002
UNPUBLISHED = "UNPUBLISHED-DRAFT-CANARY about the pods"


def member(pk: int, handle: str, name: str, role: str, organisation: Account) -> Account:
    account = Account.objects.create_user(
        handle, f"{handle}.secret@example.org", PASSWORD, display_name=name, pk=pk
    )
    Membership.objects.create(organisation=organisation, member=account, role=role)
    enrol(account)
    return account


def canaries(*accounts: Account) -> list[str]:
    out = [UNPUBLISHED]
    for a in accounts:
        out += [a.handle, a.display_name, a.email, str(a.pk)]
    return out


def publish_through_the_studio(organisation: Account, author: Account, reviewer: Account, label) -> Post:
    writer, checker = Client(), Client()
    log_in_verified(writer, author)
    log_in_verified(checker, reviewer)
    response = writer.post(reverse("studio-new", args=[organisation.handle]), {"photos": photos(2)})
    draft = Draft.objects.get()
    assert response["Location"] == reverse("studio-draft", args=[organisation.handle, draft.pk])
    ids = [p.media_id for p in draft.photos.order_by("position")]
    form = {
        "caption": "Ask @curious.teen anything about the archive #archives",
        "role_label": label.pk,
        f"order_{ids[0]}": 1,
        f"order_{ids[1]}": 2,
        f"alt_{ids[0]}": "Archive boxes on a shelf",
        f"alt_{ids[1]}": "A reading room lamp",
    }
    writer.post(reverse("studio-draft", args=[organisation.handle, draft.pk]), form)
    writer.post(reverse("studio-draft-action", args=[organisation.handle, draft.pk, "submit"]))
    draft.refresh_from_db()
    checker.post(
        reverse("studio-draft-action", args=[organisation.handle, draft.pk, "approve"]),
        {"revision": draft.revision, "when": "now"},
    )
    # A second draft that stays in review: its caption must never surface anywhere public.
    writer.post(reverse("studio-new", args=[organisation.handle]), {"photos": photos(1)})
    other = Draft.objects.exclude(pk=draft.pk).get()
    ids = [p.media_id for p in other.photos.all()]
    writer.post(
        reverse("studio-draft", args=[organisation.handle, other.pk]),
        {"caption": UNPUBLISHED, "role_label": "", f"order_{ids[0]}": 1, f"alt_{ids[0]}": ""},
    )
    writer.post(reverse("studio-draft-action", args=[organisation.handle, other.pk, "submit"]))
    return Post.objects.get()


def test_nothing_public_identifies_who_wrote_reviewed_or_published_a_post(
    organisation, member_of_public, outsider
):
    label = RoleLabel.objects.create(organisation=organisation, name="Archivist")
    author = member(AUTHOR_ID, "leaky.author", "Leaky Author Realname", Membership.Role.AUTHOR, organisation)
    reviewer = member(
        REVIEWER_ID, "leaky.reviewer", "Leaky Reviewer Realname", Membership.Role.REVIEWER, organisation
    )
    social.follow(actor=outsider, target=organisation)  # a follower: the post reaches their home feed
    post = publish_through_the_studio(organisation, author, reviewer, label)
    assert post.author == organisation and post.role_label == "Archivist"
    social.like_post(actor=outsider, post_id=post.pk)
    social.add_comment(actor=outsider, post_id=post.pk, body="Love the lamp")
    draft_ids = [str(pk) for pk in Draft.objects.values_list("pk", flat=True)]

    pages = [
        "/",
        reverse("profile", args=[organisation.handle]),
        reverse("post", args=[post.pk]),
        reverse("liked-by", args=[post.pk]),
        reverse("hashtag", args=["archives"]),
        reverse("hashtag", args=["archives"]) + "?tab=recent",
        reverse("explore"),
        reverse("search") + "?q=mi5",
        reverse("search") + "?q=archivist",
        reverse("search") + "?q=archives",
        reverse("people", args=[organisation.handle, "followers"]),
        reverse("people", args=[organisation.handle, "following"]),
        reverse("notifications"),
        # Error pages the public can reach around the post and the organisation.
        reverse("studio", args=[organisation.handle]),
        reverse("studio-settings", args=[organisation.handle]),
        reverse("team", args=[organisation.handle]),
        *[reverse("studio-draft", args=[organisation.handle, pk]) for pk in draft_ids],
        *[reverse("post", args=[pk]) for pk in draft_ids],
        reverse("post", args=[post.pk + 1]),
        # The public API: Mastodon client endpoints and openhouse's own REST API.
        f"/api/v1/accounts/lookup?acct={organisation.handle}",
        f"/api/v1/accounts/{organisation.pk}",
        f"/api/v1/accounts/{organisation.pk}/statuses",
        f"/api/v1/statuses/{post.pk}",
        f"/api/v1/statuses/{post.pk}/context",
        f"/api/v1/statuses/{post.pk}/favourited_by",
        "/api/v1/timelines/public",
        "/api/v1/timelines/tag/archives",
        f"/api/openhouse/v1/organisations/{organisation.handle}",
        f"/api/openhouse/v1/accounts/{organisation.handle}/posts",
        f"/api/openhouse/v1/posts/{post.pk}",
        *[f"/api/v1/statuses/{pk}" for pk in draft_ids],
        *[f"/api/openhouse/v1/posts/{pk}" for pk in draft_ids],
    ]
    secrets = canaries(author, reviewer)
    seen_post_page = 0
    for viewer in (AnonymousUser(), outsider, member_of_public):
        client = Client()
        if viewer.is_authenticated:
            client.force_login(viewer)
        for url in pages:
            response = client.get(url)
            if url == reverse("post", args=[post.pk]):
                body = response.content.decode()
                assert "Archivist" in body and organisation.handle in body
                seen_post_page += 1
                media_urls = set(re.findall(r'/media/m/[^"\s,]+\.(?:webp|jpg)', body))
                assert media_urls
                for media_url in media_urls:
                    assert_clean(client.get(media_url), secrets, media_url, binary=True)
            if url in (f"/api/v1/statuses/{post.pk}", f"/api/openhouse/v1/posts/{post.pk}"):
                assert response.status_code == 200 and "Archivist" in response.content.decode(), url
            if url == "/" and viewer == outsider:
                assert "Archivist" in response.content.decode()  # the post is in the follower's feed
            assert_clean(response, secrets, url)
    assert seen_post_page == 3
    mentioned = Client()
    mentioned.force_login(member_of_public)
    notes = mentioned.get(reverse("notifications")).content.decode()
    assert "mentioned you" in notes and organisation.handle in notes


def assert_clean(response, secrets: list[str], url: str, binary: bool = False) -> None:
    body = (
        response.content
        if not binary
        else b"".join(response.streaming_content)
        if response.streaming
        else response.content
    )
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    for secret in secrets:
        if secret.isdigit():
            found = re.search(rf"(?<!\d){secret}(?!\d)", text + headers)
        else:
            found = secret.lower() in (text + headers).lower()
        assert not found, f"{secret!r} leaks in {url} ({response.status_code})"

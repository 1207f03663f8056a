"""Home feed cards: the parts every viewer sees alike are rendered once, and never carry anyone's own state."""

import pytest
from django.urls import reverse

from openhouse.accounts.models import Account
from openhouse.media.models import MediaItem
from openhouse.posts.models import Post
from openhouse.social import services as social
from openhouse.web import fragments
from tests.conftest import person, text
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_fragments():
    fragments.forget_all()
    yield
    fragments.forget_all()


def _home(client, viewer) -> str:
    client.force_login(viewer)
    return text(client.get(reverse("home")))


def test_each_viewer_sees_their_own_like_and_token_around_shared_parts(client, member_of_public, outsider):
    social.follow(actor=outsider, target=member_of_public)
    post = _post(member_of_public, 2, caption="Open day #museum")
    social.like_post(actor=outsider, post_id=post.pk)
    theirs = _home(client, outsider)
    owners = _home(client, member_of_public)
    assert "Open day" in theirs and "Open day" in owners
    assert 'aria-pressed="true"' in theirs and 'aria-pressed="false"' in owners
    assert f"/p/{post.pk}/unlike/" in theirs and f"/p/{post.pk}/like/" in owners
    token = 'name="csrfmiddlewaretoken" value="'
    assert theirs.split(token)[1][:64] != owners.split(token)[1][:64]


def test_an_edited_caption_alt_text_or_author_shows_at_once(client, member_of_public):
    post = _post(member_of_public, 1, caption="First words")
    assert "First words" in _home(client, member_of_public)
    Post.objects.filter(pk=post.pk).update(caption="Second thoughts")
    MediaItem.objects.filter(post=post).update(alt_text="A red door")
    Account.objects.filter(pk=member_of_public.pk).update(handle="renamed.teen")
    member_of_public.refresh_from_db()
    page = _home(client, member_of_public)
    assert "Second thoughts" in page and "First words" not in page
    assert 'alt="A red door"' in page and "/renamed.teen/" in page


def test_a_card_seen_by_a_follower_does_not_reach_others(client, member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    follower = person("close.friend", "Close Friend")
    social.follow(actor=follower, target=member_of_public)
    social.answer_follow_request(actor=member_of_public, requester=follower, approve=True)
    _post(member_of_public, 1, caption="Only for friends")
    assert "Only for friends" in _home(client, follower)
    assert "Only for friends" not in _home(client, outsider)
    client.logout()
    assert "Only for friends" not in text(client.get(reverse("home")))

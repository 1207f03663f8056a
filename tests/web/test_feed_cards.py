"""Home feed cards: the parts every viewer sees alike are rendered once, and never carry anyone's own state."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone

from openhouse.accounts.models import Account
from openhouse.media.models import MediaItem
from openhouse.posts.models import Post
from openhouse.social import services as social
from openhouse.web import fragments
from openhouse.web.paths import id_path
from openhouse.web.templatetags.openhouse import ago
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


def test_card_links_and_times_are_those_of_the_post_under_any_script_prefix(client, member_of_public):
    """Card links come from per-process path formats (web/paths.py): they must be exactly what the URL
    configuration gives, for every post and verb, also when the site is mounted under a prefix."""
    post = _post(member_of_public, 1, caption="Dated")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=3, minutes=5))
    page = _home(client, member_of_public)
    for href in (
        reverse("post", args=[post.pk]),
        reverse("like", args=[post.pk, "like"]),
        reverse("liked-by", args=[post.pk]),
    ):
        assert f'"{href}' in page
    assert ">3 hours ago</time>" in page
    big = 9_223_372_036_854_775_807
    assert id_path("post", big) == reverse("post", args=[big]) == f"/p/{big}/"
    assert id_path("like", 7, "unlike") == reverse("like", args=[7, "unlike"])
    set_script_prefix("/social/")
    try:
        assert id_path("liked-by", 42) == reverse("liked-by", args=[42]) == "/social/p/42/likes/"
    finally:
        set_script_prefix("/")
    assert id_path("post", 42) == "/p/42/"
    with pytest.raises(NoReverseMatch):
        id_path("like", 7, "shout")  # not a verb of the route: as {% url %} would, it fails loudly
    with pytest.raises(NoReverseMatch):
        id_path("like", -5, "like")  # the route takes digits only
    with pytest.raises(NoReverseMatch):
        id_path("like", 10**19, "like")  # nor more than 19 of them
    for odd in (True, 1.0, "007", "a handle.with.dots"):
        assert id_path("post", odd) == reverse("post", args=[odd])


@pytest.mark.parametrize(
    ("age", "short", "long"),
    [
        (timedelta(seconds=20), "now", "just now"),
        (timedelta(minutes=1, seconds=5), "1m", "1 minute ago"),
        (timedelta(hours=2, minutes=59), "2h", "2 hours ago"),
        (timedelta(days=1, hours=23), "1d", "1 day ago"),
        (timedelta(days=15), "2w", "2 weeks ago"),
    ],
)
def test_times_read_as_people_say_them(age, short, long):
    moment = timezone.now() - age
    assert (ago(moment), ago(moment, "long")) == (short, long)
    old = timezone.now() - timedelta(days=400)
    assert ago(old) == ago(old, "long") == old.strftime("%-d %b %Y")

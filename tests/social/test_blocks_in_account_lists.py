"""Lists of people (followers, following, likers) leave out, for each viewer, the accounts blocked either
way, on the web pages and in the Mastodon API; anyone else still sees everybody, and counts stay exact."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from openhouse.accounts.models import Account
from openhouse.posts.models import Post
from openhouse.social import services as social
from tests.api.conftest import ApiClient, token_for
from tests.conftest import person, text
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db

LISTS = ["followers", "following", "likers"]


@dataclass
class Scene:
    """`member_of_public` is followed by, follows, and has a post liked by three people: `blocked` (whom the
    viewer blocked), `blocker` (who blocked the viewer) and `friend`. The viewer is the outsider."""

    subject: Account
    post: Post
    viewer: Account
    blocked: Account
    blocker: Account
    friend: Account
    bystander: Account


@pytest.fixture
def scene(member_of_public, outsider) -> Scene:
    post = _post(member_of_public, 1)
    blocked = person("blocked.one", "Blocked One")
    blocker = person("blocker.one", "Blocker One")
    friend = person("friend.one", "Friend One")
    for someone in (blocked, blocker, friend):
        social.follow(actor=someone, target=member_of_public)
        social.follow(actor=member_of_public, target=someone)
        social.like_post(actor=someone, post_id=post.pk)
    social.block(actor=outsider, target=blocked)
    social.block(actor=blocker, target=outsider)
    return Scene(
        subject=member_of_public,
        post=post,
        viewer=outsider,
        blocked=blocked,
        blocker=blocker,
        friend=friend,
        bystander=person("bystander", "By Stander"),
    )


def _web_handles(client, scene: Scene, which: str, viewer: Account | None) -> set[str]:
    if viewer is not None:
        client.force_login(viewer)
    if which == "likers":
        url = reverse("liked-by", args=[scene.post.pk])
    else:
        url = reverse("people", args=[scene.subject.handle, which])
    page = text(client.get(url))
    return {a.handle for a in (scene.blocked, scene.blocker, scene.friend) if f">{a.handle}</a>" in page}


def _api_handles(scene: Scene, which: str, viewer: Account | None) -> set[str]:
    reader = ApiClient(token_for(viewer) if viewer is not None else None)
    if which == "likers":
        path = f"/api/v1/statuses/{scene.post.pk}/favourited_by"
    else:
        path = f"/api/v1/accounts/{scene.subject.pk}/{which}"
    response = reader.get(path)
    assert response.status_code == 200, response.content
    return {a["username"] for a in response.json()}


@pytest.mark.parametrize("which", LISTS)
def test_web_lists_leave_out_accounts_blocked_either_way(client, scene, which):
    assert _web_handles(client, scene, which, scene.viewer) == {scene.friend.handle}


@pytest.mark.parametrize("which", LISTS)
def test_web_lists_show_everyone_to_an_unrelated_viewer_and_to_the_anonymous(client, scene, which):
    everyone = {scene.blocked.handle, scene.blocker.handle, scene.friend.handle}
    assert _web_handles(client, scene, which, None) == everyone
    assert _web_handles(client, scene, which, scene.bystander) == everyone


@pytest.mark.parametrize("which", LISTS)
def test_mastodon_lists_leave_out_accounts_blocked_either_way(scene, which):
    assert _api_handles(scene, which, scene.viewer) == {scene.friend.handle}


@pytest.mark.parametrize("which", LISTS)
def test_mastodon_lists_show_everyone_to_an_unrelated_viewer_and_to_the_anonymous(scene, which):
    everyone = {scene.blocked.handle, scene.blocker.handle, scene.friend.handle}
    assert _api_handles(scene, which, None) == everyone
    assert _api_handles(scene, which, scene.bystander) == everyone


def test_deactivated_accounts_leave_every_list_as_they_already_did_in_the_api(client, scene):
    scene.friend.is_active = False
    scene.friend.save()
    for which in LISTS:
        assert scene.friend.handle not in _web_handles(client, scene, which, None), which
        assert scene.friend.handle not in _api_handles(scene, which, None), which


def test_counts_stay_the_exact_totals_for_the_viewer(client, scene):
    client.force_login(scene.viewer)
    page = " ".join(text(client.get(reverse("profile", args=[scene.subject.handle]))).split())
    page = page.replace("<strong>", "").replace("</strong>", "")
    assert "3 followers" in page
    status = ApiClient(token_for(scene.viewer)).get(f"/api/v1/statuses/{scene.post.pk}").json()
    account = ApiClient(token_for(scene.viewer)).get(f"/api/v1/accounts/{scene.subject.pk}").json()
    assert (status["favourites_count"], account["followers_count"], account["following_count"]) == (3, 3, 3)


@pytest.mark.parametrize("which", LISTS)
@pytest.mark.parametrize("count", [1, 6])
def test_list_query_count_is_constant_whatever_the_blocks(
    client, member_of_public, outsider, django_assert_num_queries, which, count
):
    post = _post(member_of_public, 1)
    for n in range(count):
        fan = person(f"fan{n}", f"Fan {n}")
        social.follow(actor=fan, target=member_of_public)
        social.follow(actor=member_of_public, target=fan)
        social.like_post(actor=fan, post_id=post.pk)
        if n % 2:
            social.block(actor=outsider, target=fan)
        elif n % 3:
            social.block(actor=fan, target=outsider)
    client.force_login(outsider)
    if which == "likers":
        url = reverse("liked-by", args=[post.pk])
        expected = 5  # session, user, the post with its block check, the likers, unread count
    else:
        url = reverse("people", args=[member_of_public.handle, which])
        expected = 7  # session, user, account, 2 block checks, the people, unread count
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200

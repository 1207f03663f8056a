"""One post page and every list of posts must agree on who sees what: viewable_post (one row, checked in
Python for speed) against viewable_posts (the query every list uses), for every kind of viewer and author."""

import pytest
from django.contrib.auth.models import AnonymousUser

from openhouse.core.errors import NotFound
from openhouse.posts.access import followed_posts, viewable_post, viewable_posts
from openhouse.social import services as social
from tests.conftest import person
from tests.posts.test_publish_and_view import _post

pytestmark = pytest.mark.django_db


def _sees_one(viewer, post) -> bool:
    try:
        viewable_post(viewer=viewer, post_id=post.pk)
    except NotFound:
        return False
    return True


@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("active", [True, False])
def test_the_single_post_rule_is_the_list_rule(private, active):
    author = person("author", "Author", is_private=private)
    post = _post(author, 1)
    follower, requester, stranger, blocked, blocker = (
        person(h, h.title()) for h in ("follower", "requester", "stranger", "blocked", "blocker")
    )
    social.follow(actor=follower, target=author)
    social.follow(actor=requester, target=author)
    if private:  # the follower is approved; the requester's request still waits
        social.answer_follow_request(actor=author, requester=follower, approve=True)
    social.block(actor=author, target=blocked)
    social.block(actor=blocker, target=author)
    author.is_active = active
    author.save(update_fields=["is_active"])
    viewers = [AnonymousUser(), author, follower, requester, stranger, blocked, blocker]
    seen = {}
    for viewer in viewers:
        listed = viewable_posts(viewer=viewer).filter(pk=post.pk).exists()
        assert _sees_one(viewer, post) == listed, (viewer, private, active)
        seen[getattr(viewer, "handle", "anonymous")] = listed
    expected_public = {"anonymous", "author", "follower", "requester", "stranger"}
    expected = {"author", "follower"} if private else expected_public
    assert {who for who, ok in seen.items() if ok} == (expected if active else set())
    # The home feed's rule is the list rule narrowed to followed accounts and oneself.
    for viewer in viewers[1:]:
        in_feed = followed_posts(viewer=viewer).filter(pk=post.pk).exists()
        follows = viewer.handle in {"author", "follower"} or (viewer.handle == "requester" and not private)
        assert in_feed == (active and follows and seen[viewer.handle]), viewer.handle

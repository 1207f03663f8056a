"""Highlights: named, ordered collections of posts and Q&A sessions under a profile's header."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.media import services as media
from openhouse.posts import queries
from openhouse.posts import services as posts
from openhouse.posts.models import HIGHLIGHTS_MAX, Highlight, HighlightItem
from openhouse.qa import services as qa
from tests.conftest import jpeg_bytes, log_in_verified, publish_for_organisation, stored_files, text, upload

pytestmark = pytest.mark.django_db


def _post(author, colour="teal"):
    if author.is_organisation:
        return publish_for_organisation(author, caption="From the archive")
    items = media.store_photos(owner=author, uploads=[upload(jpeg_bytes((800, 800), colour))])
    return posts.create_post(author=author, media_ids=[items[0].pk], caption="From the archive")


def test_team_author_creates_ordered_highlights_with_a_cover(organisation, officer, media_root):
    before = len(stored_files(media_root))
    archive = posts.create_highlight(
        actor=officer, account=organisation, title="From the archive", cover=upload(jpeg_bytes((600, 600)))
    )
    careers = posts.create_highlight(actor=officer, account=organisation, title="Careers")
    assert archive.cover_key and not careers.cover_key
    assert len(stored_files(media_root)) == before + 4  # two square sizes, WebP and JPEG
    assert [h.title for h in Highlight.objects.filter(account=organisation)] == [
        "From the archive",
        "Careers",
    ]
    posts.move_highlight(actor=officer, highlight=careers, offset=-1)
    assert [h.title for h in Highlight.objects.filter(account=organisation)] == [
        "Careers",
        "From the archive",
    ]


@pytest.mark.parametrize("who", ["outsider", "member_of_public", "director", "reviewer"])
def test_only_the_account_or_its_publishing_team_curates(request, organisation, who):
    with pytest.raises(NotAllowed):
        posts.create_highlight(actor=request.getfixturevalue(who), account=organisation, title="Careers")
    assert not Highlight.objects.exists()


def test_people_curate_their_own_highlights_only(member_of_public, outsider):
    posts.create_highlight(actor=member_of_public, account=member_of_public, title="Walks")
    with pytest.raises(NotAllowed):
        posts.create_highlight(actor=outsider, account=member_of_public, title="Mine now")


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Give the highlight a name."), ("  ", "Give the highlight a name."), ("t" * 31, "at most 30")],
)
def test_highlight_names_are_checked(organisation, officer, title, message):
    with pytest.raises(Invalid, match=message):
        posts.create_highlight(actor=officer, account=organisation, title=title)


def test_a_bad_cover_stores_nothing(organisation, officer, media_root):
    before = stored_files(media_root)
    with pytest.raises(Invalid):
        posts.create_highlight(
            actor=officer, account=organisation, title="Careers", cover=upload(b"not a photo", "x.jpg")
        )
    assert stored_files(media_root) == before and not Highlight.objects.exists()


def test_a_duplicate_name_removes_its_new_cover(organisation, officer, media_root):
    posts.create_highlight(actor=officer, account=organisation, title="Careers")
    before = stored_files(media_root)
    with pytest.raises(Invalid, match="already a highlight called"):
        posts.create_highlight(
            actor=officer, account=organisation, title="Careers", cover=upload(jpeg_bytes((300, 300)))
        )
    assert stored_files(media_root) == before


def test_highlights_are_bounded(member_of_public):
    for n in range(HIGHLIGHTS_MAX):
        Highlight.objects.create(account=member_of_public, title=f"h{n}", position=n)
    with pytest.raises(Invalid, match=f"up to {HIGHLIGHTS_MAX} highlights"):
        posts.create_highlight(actor=member_of_public, account=member_of_public, title="one more")


def test_a_refused_highlight_never_decodes_or_stores_its_cover(member_of_public, media_root):
    Highlight.objects.create(account=member_of_public, title="Trips", position=0)
    with pytest.raises(Invalid, match="already a highlight called 'Trips'"):
        posts.create_highlight(
            actor=member_of_public,
            account=member_of_public,
            title="Trips",
            cover=upload(jpeg_bytes((64, 64))),
        )
    assert stored_files(media_root) == [] and ratelimit_count(member_of_public) == 0


def ratelimit_count(account) -> int:
    from django.core.cache import cache

    from openhouse.media.services import UPLOADS

    return cache.get(f"rl:{UPLOADS.scope}:{account.pk}") or 0


def test_items_are_the_accounts_own_posts_once_each(organisation, officer, member_of_public):
    highlight = posts.create_highlight(actor=officer, account=organisation, title="From the archive")
    own = _post(organisation)
    posts.add_to_highlight(actor=officer, highlight=highlight, post_id=own.pk)
    with pytest.raises(Invalid, match="already in"):
        posts.add_to_highlight(actor=officer, highlight=highlight, post_id=own.pk)
    someone_elses = _post(member_of_public)
    with pytest.raises(NotFound):
        posts.add_to_highlight(actor=officer, highlight=highlight, post_id=someone_elses.pk)
    with pytest.raises(Invalid, match="Choose one post or one Q&A"):
        posts.add_to_highlight(actor=officer, highlight=highlight)
    assert HighlightItem.objects.count() == 1


def test_a_closed_qa_can_be_pinned_and_an_open_one_cannot(organisation, officer, outsider):
    opens = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(opens, tick=False) as traveller:
        session = qa.open_session(
            actor=officer,
            organisation=organisation,
            title="Ask us",
            intro="",
            opens_at=opens,
            closes_at=opens + dt.timedelta(hours=1),
        )
        highlight = posts.create_highlight(actor=officer, account=organisation, title="Q&A")
        with pytest.raises(Invalid, match="once it has closed"):
            qa.pin_to_highlight(actor=officer, session=session, highlight=highlight)
        traveller.move_to(opens + dt.timedelta(hours=2))
        with pytest.raises(NotAllowed):
            qa.pin_to_highlight(actor=outsider, session=session, highlight=highlight)
        qa.pin_to_highlight(actor=officer, session=session, highlight=highlight)
        with pytest.raises(Invalid, match="already in"):
            qa.pin_to_highlight(actor=officer, session=session, highlight=highlight)
        other = posts.create_highlight(actor=outsider, account=outsider, title="Mine")
        with pytest.raises(NotFound):
            qa.pin_to_highlight(actor=officer, session=session, highlight=other)
    assert HighlightItem.objects.get().qa_session_id == session.pk


def test_profile_shows_highlight_circles_and_the_viewer_opens_full_screen(client, organisation, officer):
    archive = posts.create_highlight(actor=officer, account=organisation, title="From the archive")
    first, second = _post(organisation, "teal"), _post(organisation, "navy")
    posts.add_to_highlight(actor=officer, highlight=archive, post_id=first.pk)
    posts.add_to_highlight(actor=officer, highlight=archive, post_id=second.pk)
    page = text(client.get(reverse("profile", args=[organisation.handle])))
    assert 'aria-label="Highlights"' in page and "From the archive" in page
    url = reverse("highlight", args=[organisation.handle, archive.pk])
    viewer = text(client.get(url))
    assert "viewer" in viewer and f'href="{reverse("post", args=[first.pk])}"' in viewer
    assert 'href="?i=1"' in viewer
    last = text(client.get(url, {"i": "1"}))
    assert f'href="{reverse("post", args=[second.pk])}"' in last and 'href="?i=0"' in last
    for odd in ("²", "-1", "x", "99999"):  # '²'.isdigit() is true but int('²') fails: the first item, no 500
        page = client.get(url, {"i": odd})
        assert page.status_code == 200 and f'href="{reverse("post", args=[first.pk])}"' in text(page)
    assert client.get(reverse("highlight", args=["someoneelse", archive.pk])).status_code == 404


def test_profile_highlights_take_three_queries_whatever_their_number(
    organisation, officer, django_assert_num_queries
):
    for n in range(5):
        h = posts.create_highlight(actor=officer, account=organisation, title=f"H{n}")
        posts.add_to_highlight(actor=officer, highlight=h, post_id=_post(organisation).pk)
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(3):
        found = queries.profile_highlights(viewer=AnonymousUser(), account=organisation)
    assert len(found) == 5 and all(h.cover is not None for h in found)


def test_private_accounts_highlights_are_hidden_from_strangers(client, member_of_public, outsider):
    h = posts.create_highlight(actor=member_of_public, account=member_of_public, title="Walks")
    member_of_public.is_private = True
    member_of_public.save()
    client.force_login(outsider)
    assert client.get(reverse("highlight", args=[member_of_public.handle, h.pk])).status_code == 404
    assert "Walks" not in text(client.get(reverse("profile", args=[member_of_public.handle])))


def test_deleting_a_highlight_keeps_its_posts(organisation, officer):
    h = posts.create_highlight(
        actor=officer, account=organisation, title="Careers", cover=upload(jpeg_bytes((300, 300)))
    )
    post = _post(organisation)
    posts.add_to_highlight(actor=officer, highlight=h, post_id=post.pk)
    posts.delete_highlight(actor=officer, highlight=h)
    assert not HighlightItem.objects.exists()
    post.refresh_from_db()


def test_deleting_a_post_removes_it_from_highlights(organisation, officer):
    h = posts.create_highlight(actor=officer, account=organisation, title="Careers")
    post = _post(organisation)
    posts.add_to_highlight(actor=officer, highlight=h, post_id=post.pk)
    from openhouse.accounts.models import Account

    staff = Account.objects.create_user("staffer", "s@example.org", "x", is_staff=True)
    posts.delete_post(actor=staff, post=post)
    assert not HighlightItem.objects.exists()


def test_curation_through_the_pages(client, organisation, officer, outsider):
    post = _post(organisation)
    client.force_login(outsider)
    assert client.get(reverse("highlights-manage", args=[organisation.handle])).status_code == 404
    log_in_verified(client, officer)
    response = client.post(
        reverse("highlights-manage", args=[organisation.handle]), {"title": "From the archive"}
    )
    assert response.status_code == 302
    h = Highlight.objects.get()
    assert "Add to highlight" in text(client.get(reverse("post", args=[post.pk])))
    client.post(reverse("highlight-add-post", args=[post.pk]), {"highlight": h.pk})
    assert HighlightItem.objects.get().post_id == post.pk
    client.post(reverse("highlight-change", args=[organisation.handle, h.pk, "delete"]))
    assert not Highlight.objects.exists()

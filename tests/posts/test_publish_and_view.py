"""Publishing photo posts and seeing them: the post page, the profile grid, hashtags, deletion."""

import pytest
from django.urls import reverse

from openhouse.core.errors import Invalid, NotAllowed, NotFound
from openhouse.media import services as media
from openhouse.media.models import MediaItem
from openhouse.posts import access, services
from openhouse.posts.models import Post
from tests.conftest import jpeg_bytes, stored_files, text, upload

pytestmark = pytest.mark.django_db


def _photos(owner, count=3):
    return media.store_photos(
        owner=owner, uploads=[upload(jpeg_bytes((300, 200), (40 * i, 100, 100))) for i in range(count)]
    )


def _post(author, count=3, caption="Hello", **kwargs):
    return services.create_post(
        author=author, media_ids=[m.pk for m in _photos(author, count)], caption=caption, **kwargs
    )


def test_carousel_keeps_the_chosen_order_and_alt_texts(client, member_of_public):
    items = _photos(member_of_public, 3)
    order = [items[2].pk, items[0].pk, items[1].pk]
    post = services.create_post(
        author=member_of_public, media_ids=order, caption="Three", alt_texts=["third", "first", "second"]
    )
    assert list(post.media.order_by("position").values_list("pk", "alt_text")) == list(
        zip(order, ["third", "first", "second"], strict=True)
    )
    page = client.get(reverse("post", args=[post.pk])).content.decode()
    assert page.index('alt="third"') < page.index('alt="first"') < page.index('alt="second"')
    assert "1</span> / 3" in page


def test_web_compose_flow_publishes_in_the_order_given(client, member_of_public):
    client.force_login(member_of_public)
    photos = [upload(jpeg_bytes((300, 200), (i * 80, 0, 0)), f"{i}.jpg") for i in range(3)]
    compose_url = client.post(reverse("new-post"), {"photos": photos})["Location"]
    ids = [int(x) for x in compose_url.split("m=")[1].split(",")]
    form = {"caption": "Ordered #three", f"order_{ids[0]}": 3, f"order_{ids[1]}": 1, f"order_{ids[2]}": 2}
    form |= {f"alt_{pk}": f"photo {n}" for n, pk in enumerate(ids)}
    response = client.post(compose_url, form)
    post = Post.objects.get()
    assert response["Location"] == reverse("post", args=[post.pk])
    assert list(post.media.order_by("position").values_list("pk", flat=True)) == [ids[1], ids[2], ids[0]]


def test_caption_links_hashtags_and_mentions_and_escapes_html(client, member_of_public, outsider):
    post = _post(member_of_public, 1, caption="Look <script>x</script> #Museum with @outsider and @ghost.")
    page = client.get(reverse("post", args=[post.pk])).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert '<a href="/tags/museum/">#Museum</a>' in page
    assert '<a href="/outsider/">@outsider</a>' in page
    assert list(post.mentions.all()) == [outsider]
    assert list(post.hashtags.values_list("name", flat=True)) == ["museum"]


def test_hashtag_page_lists_public_posts_with_the_tag(client, member_of_public):
    post = _post(member_of_public, 1, caption="#Archive day")
    _post(member_of_public, 1, caption="no tag")
    page = client.get(reverse("hashtag", args=["archive"])).content.decode()
    assert page.count('class="tile"') == 1 and reverse("post", args=[post.pk]) in page


def test_someone_elses_media_cannot_be_attached(member_of_public, outsider):
    theirs = _photos(outsider, 1)
    with pytest.raises(Invalid, match="isn't available"):
        services.create_post(author=member_of_public, media_ids=[theirs[0].pk])
    with pytest.raises(Invalid, match="isn't available"):
        services.create_post(author=member_of_public, media_ids=[987654321])
    assert not Post.objects.exists()


def test_attached_media_cannot_be_reused(member_of_public):
    post = _post(member_of_public, 1)
    with pytest.raises(Invalid, match="isn't available"):
        services.create_post(author=member_of_public, media_ids=[post.media.get().pk])


def test_deleting_a_post_deletes_its_files(
    client, member_of_public, media_root, django_capture_on_commit_callbacks
):
    post = _post(member_of_public, 2)
    assert len(stored_files(media_root)) == 12
    client.force_login(member_of_public)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delete-post", args=[post.pk]))
    assert response.status_code == 302
    assert stored_files(media_root) == []
    assert not Post.objects.exists() and not MediaItem.objects.exists()
    assert client.get(reverse("post", args=[post.pk])).status_code == 404


def test_only_the_author_deletes(client, member_of_public, outsider):
    post = _post(member_of_public, 1)
    with pytest.raises(NotAllowed):
        services.delete_post(actor=outsider, post=post)
    client.force_login(outsider)
    assert client.post(reverse("delete-post", args=[post.pk])).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


def test_private_account_posts_are_hidden_from_everyone_else(client, member_of_public, outsider):
    member_of_public.is_private = True
    member_of_public.save()
    post = _post(member_of_public, 1, caption="secret #hidden")
    with pytest.raises(NotFound):
        access.viewable_post(viewer=outsider, post_id=post.pk)
    client.force_login(outsider)
    assert client.get(reverse("post", args=[post.pk])).status_code == 404
    profile = text(client.get(reverse("profile", args=[member_of_public.handle])))
    assert "This account is private" in profile and str(post.pk) not in profile
    assert str(post.pk) not in client.get(reverse("home")).content.decode()
    assert str(post.pk) not in client.get(reverse("hashtag", args=["hidden"])).content.decode()
    client.force_login(member_of_public)
    assert client.get(reverse("post", args=[post.pk])).status_code == 200


def test_unknown_and_hidden_posts_give_the_same_page(client, member_of_public):
    member_of_public.is_private = True
    member_of_public.save()
    hidden = _post(member_of_public, 1)
    a = client.get(reverse("post", args=[hidden.pk]))
    b = client.get(reverse("post", args=[hidden.pk + 1]))
    c = client.get("/p/not-a-number/")
    assert a.status_code == b.status_code == c.status_code == 404
    assert a.content == b.content == c.content


@pytest.mark.parametrize("count", [1, 6])
def test_profile_grid_query_count_does_not_grow_with_posts(
    client, member_of_public, django_assert_num_queries, count
):
    for _ in range(count):
        _post(member_of_public, 2)
    with django_assert_num_queries(5):  # account, post count, posts, their media, highlights
        response = client.get(reverse("profile", args=[member_of_public.handle]))
    assert text(response).count('class="tile"') == count


@pytest.mark.parametrize("count", [1, 6])
def test_home_query_count_does_not_grow_with_posts(
    client, member_of_public, django_assert_num_queries, count
):
    for _ in range(count):
        _post(member_of_public, 2)
    with django_assert_num_queries(3):  # posts with authors, their media, pending like and comment counts
        response = client.get(reverse("home"))
    assert text(response).count('class="card"') == count


@pytest.mark.parametrize("count", [1, 10])
def test_post_page_query_count_does_not_grow_with_photos(
    client, member_of_public, django_assert_num_queries, count
):
    post = _post(member_of_public, count)
    with django_assert_num_queries(
        5
    ):  # access, post with author, media, pending counts, comments (no replies)
        response = client.get(reverse("post", args=[post.pk]))
    assert text(response).count("<figure") == count


def test_media_files_are_served_with_safe_headers(client, member_of_public, settings):
    settings.MEDIA_STORAGE = "local"
    item = _photos(member_of_public, 1)[0]
    response = client.get(f"/media/{item.prefix}/w640.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert client.get(f"/media/{item.prefix}/original.jpg").status_code == 404
    assert client.get("/media/m/ab/../../../etc/passwd").status_code == 404

"""Profiles people edit and organisations site staff verify."""

import pytest
from django.urls import reverse
from PIL import Image

from openhouse.accounts import services
from openhouse.accounts.models import Account
from openhouse.core.errors import Invalid, NotAllowed
from tests.conftest import jpeg_bytes, log_in_verified, stored_files, text, upload
from tests.media.camera import CANARIES, camera_jpeg

pytestmark = pytest.mark.django_db


def _edit(client, **changes):
    data = {"display_name": "Curious Teen", "bio": "", "link": "", **changes}
    return client.post(reverse("edit-profile"), data, follow=True)


def test_profile_edit_shows_on_the_profile(client, member_of_public):
    client.force_login(member_of_public)
    response = _edit(client, bio="I like <b>museums</b>", link="https://example.org/me")
    page = text(response)
    assert "I like <b>museums</b>" in page  # escaped in HTML, shown as typed
    assert "&lt;b&gt;museums" in response.content.decode()
    assert 'href="https://example.org/me"' in response.content.decode()


def test_avatar_is_square_and_clean(client, member_of_public, media_root):
    client.force_login(member_of_public)
    response = _edit(client, avatar=upload(camera_jpeg((1600, 1000))))
    assert response.status_code == 200
    member_of_public.refresh_from_db()
    files = stored_files(media_root)
    assert len(files) == 4
    for path in files:
        assert Image.open(path).size in {(320, 320), (150, 150)}
        assert not any(c in path.read_bytes() for c in CANARIES.values())
    assert member_of_public.avatar_key in response.content.decode()


def test_replacing_an_avatar_removes_the_old_files(
    client, member_of_public, media_root, django_capture_on_commit_callbacks
):
    client.force_login(member_of_public)
    with django_capture_on_commit_callbacks(execute=True):
        _edit(client, avatar=upload(jpeg_bytes((400, 400), (255, 0, 0))))
        _edit(client, avatar=upload(jpeg_bytes((400, 400), (0, 0, 255))))
    member_of_public.refresh_from_db()
    files = stored_files(media_root)
    assert len(files) == 4 and all(member_of_public.avatar_key in str(p) for p in files)


def test_bad_avatar_keeps_the_old_profile_entirely(client, member_of_public, media_root):
    client.force_login(member_of_public)
    response = _edit(client, bio="new bio", avatar=upload(b"GIF89a not really", "a.gif"))
    assert "GIFs aren't supported" in text(response)
    member_of_public.refresh_from_db()
    assert member_of_public.bio == "" and member_of_public.avatar_key == ""
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bio": "x" * 151}, "Bio is at most 150 characters; this is 151."),
        ({"link": "javascript:alert(1)"}, "Enter a full web address starting with https://."),
        ({"display_name": "Officer\u202e"}, "U+202E"),
    ],
)
def test_profile_limits(client, member_of_public, changes, message):
    client.force_login(member_of_public)
    assert message in text(_edit(client, **changes))
    member_of_public.refresh_from_db()
    assert member_of_public.bio == "" and member_of_public.link == ""


def test_bio_of_exactly_150_characters_is_kept(client, member_of_public):
    client.force_login(member_of_public)
    _edit(client, bio="x" * 150)
    member_of_public.refresh_from_db()
    assert member_of_public.bio == "x" * 150


def test_nobody_edits_someone_elses_profile(member_of_public, outsider):
    with pytest.raises(NotAllowed):
        services.update_profile(
            actor=outsider, account=member_of_public, display_name="x", bio="", link="", is_private=False
        )


def test_only_staff_verify_and_only_organisations_can_be_verified(organisation, member_of_public, outsider):
    staff = Account.objects.create_user("site.staff", "staff@example.org", "x" * 12, is_staff=True)
    with pytest.raises(NotAllowed):
        services.set_verified(actor=outsider, organisation=organisation, verified=False)
    with pytest.raises(Invalid, match="not an organisation"):
        services.set_verified(actor=staff, organisation=member_of_public, verified=True)
    services.set_verified(actor=staff, organisation=organisation, verified=False)
    organisation.refresh_from_db()
    assert not organisation.is_verified


def test_verified_badge_shows_next_to_the_handle(client, organisation, member_of_public):
    page = client.get(reverse("profile", args=[organisation.handle])).content.decode()
    assert 'aria-label="Verified organisation"' in page
    person = client.get(reverse("profile", args=[member_of_public.handle])).content.decode()
    assert "Verified organisation" not in person


def test_admin_verifies_through_the_action(client, organisation):
    organisation.is_verified = False
    organisation.save()
    admin = Account.objects.create_superuser("site.admin", "a@example.org", "x" * 12)
    log_in_verified(client, admin)
    response = client.post(
        reverse("admin:accounts_account_changelist"),
        {"action": "mark_verified", "_selected_action": [organisation.pk]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified


def test_admin_refuses_an_organisation_as_a_team_member(organisation):
    from openhouse.accounts.admin import MembershipForm

    other = services.create_organisation(handle="citymuseum", display_name="City Museum")
    form = MembershipForm({"organisation": organisation.pk, "member": other.pk, "role": "author"})
    assert not form.is_valid()
    assert "member" in form.errors

"""Team management: invitations (link and e-mail), accepting them, roles, the last-admin rule, members
leaving, role labels with their limits, and an audit entry for every change."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openhouse.accounts import services as accounts
from openhouse.accounts.models import Invitation, Membership, RoleLabel
from openhouse.audit.models import AuditEntry
from openhouse.core.errors import Invalid, NotAllowed, NotFound
from tests.conftest import enrol, log_in_verified, person, text

pytestmark = pytest.mark.django_db

A, W, R = Membership.Role.ADMIN, Membership.Role.AUTHOR, Membership.Role.REVIEWER


def roles(organisation, account) -> set[str]:
    return set(
        Membership.objects.filter(organisation=organisation, member=account).values_list("role", flat=True)
    )


def actions(organisation) -> list[str]:
    return list(
        AuditEntry.objects.filter(organisation=organisation).order_by("seq").values_list("action", flat=True)
    )


def team_url(organisation, name="team", *args) -> str:
    return reverse(name, args=[organisation.handle, *args])


# Invitations by link.


def test_admin_invites_by_link_shown_once_and_stored_hashed(client, organisation, team_admin):
    log_in_verified(client, team_admin)
    response = client.post(team_url(organisation, "team-invite"), {"roles": [W, R]}, follow=True)
    link = response.context["new_link"]
    token = re.search(r"/accounts/invitations/([A-Za-z0-9_-]+)/$", link).group(1)
    invitation = Invitation.objects.get()
    assert invitation.roles == [W, R] and invitation.email == ""
    assert token not in invitation.token_hash and invitation.token_hash == accounts.token_hash(token)
    assert link in text(response)
    assert link not in text(client.get(team_url(organisation)))  # shown once
    entry = AuditEntry.objects.get(organisation=organisation)
    assert (entry.action, entry.actor_handle, entry.after["roles"]) == ("team.invited", "team.admin", [W, R])
    assert token not in str(entry.after)


def test_invitee_accepts_and_holds_the_offered_roles(client, organisation, team_admin, member_of_public):
    _, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W, R])
    client.force_login(member_of_public)
    page = client.get(reverse("invitation", args=[token]))
    assert page.status_code == 200 and "Join the team of" in text(page) and "Reviewer" in text(page)
    response = client.post(reverse("invitation", args=[token]))
    assert response["Location"] == team_url(organisation)
    assert roles(organisation, member_of_public) == {W, R}
    assert Invitation.objects.get().accepted_by == member_of_public
    assert actions(organisation)[-1] == "team.joined"
    # Joined, but without two-factor authentication they are told to set it up first.
    assert client.get(team_url(organisation)).status_code == 403


def test_invitation_needs_a_signed_in_account(client, organisation, team_admin):
    _, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W])
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    with pytest.raises(NotAllowed):
        from django.contrib.auth.models import AnonymousUser

        accounts.accept_invitation(account=AnonymousUser(), token=token)


def test_invitation_link_works_once(client, organisation, team_admin, member_of_public, outsider):
    _, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W])
    accounts.accept_invitation(account=member_of_public, token=token)
    client.force_login(outsider)
    assert client.get(reverse("invitation", args=[token])).status_code == 404
    response = client.post(reverse("invitation", args=[token]))
    assert response.status_code == 404 and "already used" in text(response)
    assert roles(organisation, outsider) == set()


def test_expired_invitation_is_refused(client, organisation, team_admin, member_of_public, settings):
    settings.INVITATION_MAX_AGE_HOURS = 2
    _, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2, seconds=1)):
        client.force_login(member_of_public)
        assert client.post(reverse("invitation", args=[token])).status_code == 404
    assert roles(organisation, member_of_public) == set()
    assert Invitation.objects.get().accepted_at is None


def test_unknown_and_malformed_tokens_are_404(client, member_of_public):
    client.force_login(member_of_public)
    assert client.get(reverse("invitation", args=["x" * 43])).status_code == 404
    with pytest.raises(NotFound):
        accounts.accept_invitation(account=member_of_public, token="y" * 101)


def test_withdrawn_invitation_stops_working(client, organisation, team_admin, member_of_public):
    invitation, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W])
    log_in_verified(client, team_admin)
    client.post(team_url(organisation, "team-invitation-revoke", invitation.pk))
    assert actions(organisation)[-1] == "team.invitation_revoked"
    with pytest.raises(NotFound):
        accounts.accept_invitation(account=member_of_public, token=token)
    again = client.post(team_url(organisation, "team-invitation-revoke", invitation.pk), follow=True)
    assert "already used, withdrawn" in text(again)


def test_invitation_by_email_is_sent_and_only_for_that_address(
    client, organisation, team_admin, member_of_public, outsider, django_capture_on_commit_callbacks
):
    log_in_verified(client, team_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            team_url(organisation, "team-invite"),
            {"roles": [R], "email": " curious.teen@example.org "},
            follow=True,
        )
    assert "Invitation sent to curious.teen@example.org" in text(response)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["curious.teen@example.org"]
    link = re.search(r"https?://\S+/accounts/invitations/[A-Za-z0-9_-]+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    client.force_login(outsider)  # someone else got hold of the link
    wrong = client.post("/" + path)
    assert wrong.status_code == 400 and "another e-mail address" in text(wrong)
    assert roles(organisation, outsider) == set()

    client.force_login(member_of_public)
    assert client.post("/" + path).status_code == 302
    assert roles(organisation, member_of_public) == {R}


def test_organisation_account_cannot_accept(organisation, team_admin):
    other = accounts.create_organisation(handle="citymuseum", display_name="City Museum")
    _, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W])
    with pytest.raises(Invalid, match="organisation account"):
        accounts.accept_invitation(account=other, token=token)


def test_existing_member_accepting_gains_only_new_roles(organisation, team_admin, officer):
    _, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W, R])
    accounts.accept_invitation(account=officer, token=token)
    assert roles(organisation, officer) == {W, R}
    entry = AuditEntry.objects.filter(organisation=organisation).latest("seq")
    assert entry.before == {"roles": [W]} and entry.after["roles"] == [W, R]


def test_only_admins_invite(client, organisation, officer, outsider):
    with pytest.raises(NotAllowed):
        accounts.invite(actor=officer, organisation=organisation, roles=[W])
    log_in_verified(client, officer)
    assert client.post(team_url(organisation, "team-invite"), {"roles": [W]}).status_code == 404
    log_in_verified(client, outsider)
    assert client.post(team_url(organisation, "team-invite"), {"roles": [W]}).status_code == 404
    assert not Invitation.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"roles": []}, "Choose at least one role."),
        ({"roles": ["owner"]}, "Select a valid choice"),
        ({"roles": [W], "email": "not-an-address"}, "valid e-mail"),
        ({"roles": [W], "email": "a" * 255}, "at most 254"),
    ],
)
def test_bad_invitations_store_nothing(
    client, organisation, team_admin, django_capture_on_commit_callbacks, data, message
):
    log_in_verified(client, team_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(team_url(organisation, "team-invite"), data, follow=True)
    assert message in text(response)
    assert not Invitation.objects.exists() and not AuditEntry.objects.exists() and not mail.outbox


def test_pending_invitations_are_capped(organisation, team_admin):
    later = timezone.now() + dt.timedelta(hours=1)
    Invitation.objects.bulk_create(
        Invitation(organisation=organisation, roles=[W], token_hash=f"{n:064}", expires_at=later)
        for n in range(accounts.MAX_PENDING_INVITATIONS)
    )
    with pytest.raises(Invalid, match="already 50 invitations"):
        accounts.invite(actor=team_admin, organisation=organisation, roles=[W])
    assert Invitation.objects.count() == 50


def test_invite_throttle_fires(client, organisation, team_admin):
    from openhouse.core import ratelimit

    for _ in range(60):
        ratelimit.hit("invite", str(team_admin.pk), limit=10**9, window=3600)
    log_in_verified(client, team_admin)
    assert client.post(team_url(organisation, "team-invite"), {"roles": [W]}).status_code == 429
    assert not Invitation.objects.exists()


def test_invitation_page_throttle_fires(client, member_of_public):
    from openhouse.core import ratelimit

    for _ in range(60):
        ratelimit.hit("invitation-ip", "127.0.0.1", limit=10**9, window=3600)
    client.force_login(member_of_public)
    assert client.get(reverse("invitation", args=["z" * 43])).status_code == 429


# Roles and the last admin.


def test_admin_changes_roles(client, organisation, team_admin, officer):
    log_in_verified(client, team_admin)
    client.post(team_url(organisation, "team-member-roles", officer.handle), {"roles": [R, A]})
    assert roles(organisation, officer) == {A, R}
    entry = AuditEntry.objects.get(organisation=organisation)
    assert (entry.action, entry.subject, entry.before, entry.after) == (
        "team.roles_changed",
        "member:officer.canary",
        {"roles": [W]},
        {"roles": [A, R]},
    )
    # Saving the same roles again changes and records nothing.
    client.post(team_url(organisation, "team-member-roles", officer.handle), {"roles": [A, R]})
    assert AuditEntry.objects.filter(organisation=organisation).count() == 1


def test_roles_cannot_be_emptied_or_invented(client, organisation, team_admin, officer):
    log_in_verified(client, team_admin)
    empty = client.post(team_url(organisation, "team-member-roles", officer.handle), {}, follow=True)
    assert "Choose at least one role." in text(empty)
    bad = client.post(
        team_url(organisation, "team-member-roles", officer.handle), {"roles": "god"}, follow=True
    )
    assert "valid choice" in text(bad)
    assert roles(organisation, officer) == {W} and not AuditEntry.objects.exists()


def test_last_admin_cannot_be_demoted_or_removed(client, organisation, team_admin):
    log_in_verified(client, team_admin)
    demote = client.post(
        team_url(organisation, "team-member-roles", team_admin.handle), {"roles": [W]}, follow=True
    )
    assert "only admin" in text(demote)
    leave = client.post(team_url(organisation, "team-member-remove", team_admin.handle), follow=True)
    assert "only admin" in text(leave)
    assert roles(organisation, team_admin) == {A} and not AuditEntry.objects.exists()


def test_with_a_second_admin_the_first_may_step_down(organisation, team_admin, officer):
    accounts.set_roles(actor=team_admin, organisation=organisation, member=officer, roles=[A])
    accounts.set_roles(actor=team_admin, organisation=organisation, member=team_admin, roles=[R])
    assert roles(organisation, team_admin) == {R}
    with pytest.raises(Invalid, match="only admin"):
        accounts.remove_member(actor=officer, organisation=organisation, member=officer)


def test_admin_removes_a_member(client, organisation, team_admin, officer):
    log_in_verified(client, team_admin)
    response = client.post(team_url(organisation, "team-member-remove", officer.handle), follow=True)
    assert "no longer on the team" in text(response)
    assert roles(organisation, officer) == set()
    assert actions(organisation) == ["team.member_removed"]
    # Gone from the team: the page is a 404 for them now.
    log_in_verified(client, officer)
    assert client.get(team_url(organisation)).status_code == 404


def test_member_may_leave_but_not_remove_others(client, organisation, officer, reviewer):
    log_in_verified(client, officer)
    assert client.post(team_url(organisation, "team-member-remove", reviewer.handle)).status_code == 403
    with pytest.raises(NotAllowed):
        accounts.remove_member(actor=officer, organisation=organisation, member=reviewer)
    response = client.post(team_url(organisation, "team-member-remove", officer.handle))
    assert response["Location"] == reverse("profile", args=[organisation.handle])
    assert roles(organisation, officer) == set() and roles(organisation, reviewer) == {R}
    assert actions(organisation) == ["team.member_left"]


def test_non_members_are_not_found(client, organisation, team_admin, outsider):
    log_in_verified(client, team_admin)
    assert (
        client.post(team_url(organisation, "team-member-roles", outsider.handle), {"roles": [W]}).status_code
        == 404
    )
    with pytest.raises(NotFound):
        accounts.set_roles(actor=team_admin, organisation=organisation, member=outsider, roles=[W])
    with pytest.raises(NotFound):
        accounts.remove_member(actor=team_admin, organisation=organisation, member=outsider)


def test_site_staff_appoint_the_first_admin(organisation, member_of_public, outsider):
    staff = person("site.staff", "Site Staff", is_staff=True)
    with pytest.raises(NotAllowed):
        accounts.appoint_first_admin(actor=outsider, organisation=organisation, member=member_of_public)
    with pytest.raises(Invalid):
        accounts.appoint_first_admin(actor=staff, organisation=member_of_public, member=outsider)
    accounts.appoint_first_admin(actor=staff, organisation=organisation, member=member_of_public)
    accounts.appoint_first_admin(actor=staff, organisation=organisation, member=member_of_public)  # no-op
    assert roles(organisation, member_of_public) == {A}
    assert actions(organisation) == ["team.admin_appointed"]


# Role labels.


def label_names(organisation) -> list[str]:
    return list(
        RoleLabel.objects.filter(organisation=organisation)
        .order_by("position")
        .values_list("name", flat=True)
    )


def test_admin_manages_role_labels(client, organisation, team_admin):
    log_in_verified(client, team_admin)
    for name in ("Agent runner", "Surveillance officer", "Analyst"):
        client.post(team_url(organisation, "team-labels"), {"name": name})
    assert label_names(organisation) == ["Agent runner", "Surveillance officer", "Analyst"]
    runner, officer_label, analyst = RoleLabel.objects.filter(organisation=organisation).order_by("position")

    client.post(team_url(organisation, "team-label", analyst.pk, "up"))
    assert label_names(organisation) == ["Agent runner", "Analyst", "Surveillance officer"]
    client.post(team_url(organisation, "team-label", runner.pk, "down"))
    assert label_names(organisation) == ["Analyst", "Agent runner", "Surveillance officer"]
    client.post(team_url(organisation, "team-label", analyst.pk, "up"))  # already first: nothing
    client.post(
        team_url(organisation, "team-label", officer_label.pk, "rename"), {"name": "  Surveillance   lead "}
    )
    client.post(team_url(organisation, "team-label", runner.pk, "delete"))
    assert label_names(organisation) == ["Analyst", "Surveillance lead"]
    assert actions(organisation) == [
        "team.label_added",
        "team.label_added",
        "team.label_added",
        "team.labels_reordered",
        "team.labels_reordered",
        "team.label_renamed",
        "team.label_deleted",
    ]
    page = client.get(team_url(organisation))
    assert "Surveillance lead" in text(page)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 41, "at most 40 characters"),
        ("x" * 81, "at most 80 characters"),
        ("   ", "Give the role label a name."),
        ("agent RUNNER", "already a role label"),
        ("Agent\u202erunner", "invisible or direction-changing"),
    ],
)
def test_bad_role_labels_store_nothing(client, organisation, team_admin, name, message):
    accounts.add_role_label(actor=team_admin, organisation=organisation, name="Agent runner")
    log_in_verified(client, team_admin)
    response = client.post(team_url(organisation, "team-labels"), {"name": name}, follow=True)
    assert message in text(response)
    assert label_names(organisation) == ["Agent runner"]
    assert AuditEntry.objects.filter(organisation=organisation).count() == 1


def test_label_of_exactly_40_characters_is_fine(organisation, team_admin):
    assert len(accounts.add_role_label(actor=team_admin, organisation=organisation, name="y" * 40).name) == 40


def test_rename_to_a_taken_name_is_refused(client, organisation, team_admin):
    accounts.add_role_label(actor=team_admin, organisation=organisation, name="Analyst")
    label = accounts.add_role_label(actor=team_admin, organisation=organisation, name="Archivist")
    accounts.rename_role_label(actor=team_admin, label=label, name="Archivist")  # same name: no change
    log_in_verified(client, team_admin)
    response = client.post(
        team_url(organisation, "team-label", label.pk, "rename"), {"name": "analyst"}, follow=True
    )
    assert "already a role label" in text(response)
    assert "at most 80" in text(
        client.post(team_url(organisation, "team-label", label.pk, "rename"), {"name": "z" * 81}, follow=True)
    )
    assert label_names(organisation) == ["Analyst", "Archivist"]
    assert AuditEntry.objects.filter(organisation=organisation).count() == 2


def test_role_labels_are_capped(organisation, team_admin):
    RoleLabel.objects.bulk_create(
        RoleLabel(organisation=organisation, name=f"Label {n}", position=n)
        for n in range(accounts.ROLE_LABELS_MAX)
    )
    with pytest.raises(Invalid, match="up to 50 role labels"):
        accounts.add_role_label(actor=team_admin, organisation=organisation, name="One more")


def test_labels_are_per_organisation_and_admin_only(client, organisation, team_admin, officer):
    museum = accounts.create_organisation(handle="citymuseum", display_name="City Museum")
    Membership.objects.create(organisation=museum, member=officer, role=A)
    theirs = accounts.add_role_label(actor=officer, organisation=museum, name="Curator")
    log_in_verified(client, team_admin)
    assert client.post(team_url(organisation, "team-label", theirs.pk, "delete")).status_code == 404
    with pytest.raises(NotAllowed):
        accounts.add_role_label(actor=team_admin, organisation=museum, name="Mine")
    with pytest.raises(Invalid):
        accounts.move_role_label(actor=officer, label=theirs, offset=5)
    log_in_verified(client, officer)
    assert client.post(team_url(organisation, "team-labels"), {"name": "Sneaky"}).status_code == 404
    assert RoleLabel.objects.filter(organisation=organisation).count() == 0


# What the team page shows, to whom, and at what cost.


def test_team_page_shows_members_roles_and_who_lacks_two_factor(client, organisation, team_admin, officer):
    newcomer = person("new.joiner", "New Joiner")
    Membership.objects.create(organisation=organisation, member=newcomer, role=W)
    log_in_verified(client, officer)
    page = text(client.get(team_url(organisation)))
    assert "team.admin" in page and "officer.canary" in page and "new.joiner" in page
    assert "No two-factor" in page
    assert "Invite someone" not in page and "Audit log" not in page  # admin tools for admins only
    log_in_verified(client, team_admin)
    admin_page = text(client.get(team_url(organisation)))
    assert "Invite someone" in admin_page and "Audit log" in admin_page


def test_team_page_query_count_does_not_grow_with_the_team(client, organisation, team_admin):
    log_in_verified(client, team_admin)
    accounts.add_role_label(actor=team_admin, organisation=organisation, name="Analyst")
    accounts.invite(actor=team_admin, organisation=organisation, roles=[W])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(team_url(organisation)).status_code == 200
        return len(queries)

    few = count()
    for n in range(8):
        member = person(f"member{n}", f"Member {n}")
        enrol(member)
        Membership.objects.bulk_create(
            [Membership(organisation=organisation, member=member, role=role) for role in (W, R)]
        )
        accounts.invite(actor=team_admin, organisation=organisation, roles=[R], email=f"x{n}@example.org")
        accounts.add_role_label(actor=team_admin, organisation=organisation, name=f"Label {n}")
    assert count() == few
    assert few <= 12


def test_services_check_what_forms_usually_catch(organisation, team_admin, officer):
    with pytest.raises(Invalid, match="Choose roles from"):
        accounts.set_roles(actor=team_admin, organisation=organisation, member=officer, roles=["owner"])
    with pytest.raises(Invalid, match="Give the role label a name"):
        accounts.add_role_label(actor=team_admin, organisation=organisation, name=" \n ")
    assert not AuditEntry.objects.exists()


def test_team_objects_in_urls_belong_to_the_organisation(organisation, team_admin, outsider):
    from openhouse.accounts import access

    with pytest.raises(NotFound):
        access.team_member(organisation=organisation, handle=outsider.handle)
    for bad in ("abc", "9" * 19, "12345"):
        with pytest.raises(NotFound):
            access.team_role_label(organisation=organisation, label_id=bad)
        with pytest.raises(NotFound):
            access.team_invitation(organisation=organisation, invitation_id=bad)
    with pytest.raises(NotFound):
        access.pending_invitation(token="t" * 101)
    with pytest.raises(NotFound):
        access.team_organisation(viewer=team_admin, handle="x" * 31)

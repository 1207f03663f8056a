"""The audit log's pages: organisation admins only (everyone else gets 404), newest first with keyset
pages, the chain's status, a CSV download, read-only in the site admin. Nothing public names a member."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openhouse.accounts import services as accounts
from openhouse.accounts.models import Membership
from openhouse.audit import services as audit
from openhouse.audit.models import AuditEntry
from tests.conftest import log_in_verified, person, text

pytestmark = pytest.mark.django_db


def audit_url(organisation, name="team-audit") -> str:
    return reverse(name, args=[organisation.handle])


def _entries(organisation, actor, count: int) -> None:
    for n in range(count):
        audit.record(
            organisation=organisation, actor=actor, action="team.label_added", subject=f"role_label:{n}"
        )


@pytest.mark.parametrize("name", ["team-audit", "team-audit-csv"])
def test_audit_pages_are_404_for_everyone_but_admins(
    client, organisation, team_admin, officer, reviewer, outsider, name
):
    _entries(organisation, team_admin, 1)
    assert client.get(audit_url(organisation, name)).status_code == 404  # the public
    for someone in (outsider, officer, reviewer):
        log_in_verified(client, someone)
        response = client.get(audit_url(organisation, name))
        assert response.status_code == 404, someone
        assert team_admin.handle not in text(response)
    log_in_verified(client, team_admin)
    assert client.get(audit_url(organisation, name)).status_code == 200


def test_admin_session_without_a_code_goes_to_the_code_page(client, organisation, team_admin):
    client.force_login(team_admin)
    response = client.get(audit_url(organisation))
    assert response["Location"].startswith(reverse("login-code") + "?next=")


def test_audit_log_lists_team_changes_newest_first_with_an_intact_chain(
    client, organisation, team_admin, officer
):
    accounts.add_role_label(actor=team_admin, organisation=organisation, name="Analyst")
    accounts.set_roles(
        actor=team_admin, organisation=organisation, member=officer, roles=["author", "reviewer"]
    )
    log_in_verified(client, team_admin)
    response = client.get(audit_url(organisation))
    page = text(response)
    assert [e.seq for e in response.context["entries"]] == [2, 1]
    assert page.index("team.roles_changed") < page.index("team.label_added")
    assert "member:officer.canary" in page and '{"roles": ["author", "reviewer"]}' in page
    assert "Every entry checks out" in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_audit_log_shows_tampering(client, organisation, team_admin):
    _entries(organisation, team_admin, 3)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET subject = %s WHERE seq = 2", ["role_label:forged"])
    log_in_verified(client, team_admin)
    page = text(client.get(audit_url(organisation)))
    assert "tampered with" in page and "Entry 2 was altered after it was written." in page


def test_audit_log_pages_by_sequence(client, organisation, team_admin):
    _entries(organisation, team_admin, 120)
    log_in_verified(client, team_admin)
    first = client.get(audit_url(organisation))
    assert [e.seq for e in first.context["entries"]] == list(range(120, 70, -1))
    assert first.context["more"] == 71
    second = client.get(audit_url(organisation) + "?before=71")
    assert [e.seq for e in second.context["entries"]] == list(range(70, 20, -1))
    third = client.get(audit_url(organisation) + "?before=21")
    assert [e.seq for e in third.context["entries"]] == list(range(20, 0, -1))
    assert third.context["more"] is None
    assert client.get(audit_url(organisation) + "?before=junk").context["entries"][0].seq == 120


def test_audit_log_shows_only_its_own_organisation(client, organisation, team_admin):
    museum = accounts.create_organisation(handle="citymuseum", display_name="City Museum")
    audit.record(organisation=museum, actor=None, action="museum.secret", subject="vault")
    _entries(organisation, team_admin, 1)
    log_in_verified(client, team_admin)
    assert "museum.secret" not in text(client.get(audit_url(organisation)))
    assert client.get(audit_url(museum)).status_code == 404


def test_audit_page_query_count_does_not_grow_with_entries(client, organisation, team_admin):
    log_in_verified(client, team_admin)
    _entries(organisation, team_admin, 5)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(audit_url(organisation))
        return len(queries)

    count()  # the first visit recomputes the whole chain and remembers how far it is intact
    few = count()
    _entries(organisation, team_admin, 200)
    assert count() == few <= 12


def test_csv_download_has_every_entry_and_quotes_formula_cells(client, organisation, team_admin):
    accounts.add_role_label(actor=team_admin, organisation=organisation, name='=HYPERLINK("x")')
    audit.record(organisation=organisation, actor=None, action="system.note", subject="+cmd|' /C calc'!A0")
    log_in_verified(client, team_admin)
    response = client.get(audit_url(organisation, "team-audit-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mi5official-audit-log.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == audit.CSV_COLUMNS
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("1", "team.admin", "team.label_added"),
        ("2", "system", "system.note"),
    ]
    assert rows[2][4] == "'+cmd|' /C calc'!A0"
    assert "=HYPERLINK" in rows[1][6] and rows[1][6].startswith("{")
    assert rows[1][7] == AuditEntry.objects.get(seq=1, organisation=organisation).hash


def test_site_admin_reads_audit_entries_but_cannot_change_them(client, organisation, team_admin):
    _entries(organisation, team_admin, 1)
    entry = AuditEntry.objects.get()
    staff = person("site.staff", "Site Staff", is_staff=True, is_superuser=True)
    log_in_verified(client, staff)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"subject": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.subject == "role_label:0" and audit.verify() == []


def test_site_admin_membership_changes_are_audited(client, organisation, member_of_public):
    staff = person("site.staff", "Site Staff", is_staff=True, is_superuser=True)
    log_in_verified(client, staff)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"organisation": organisation.pk, "member": member_of_public.pk, "role": "admin"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(organisation=organisation)
    assert (entry.action, entry.actor_handle) == ("team.changed_by_site_admin", "site.staff")
    assert entry.after == {"members": {"curious.teen": ["admin"]}}
    membership = Membership.objects.get(member=member_of_public)
    client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.exists()
    assert AuditEntry.objects.filter(organisation=organisation).count() == 2 and audit.verify() == []


def test_site_admin_team_inline_changes_are_audited(client, organisation, member_of_public):
    staff = person("site.staff", "Site Staff", is_staff=True, is_superuser=True)
    log_in_verified(client, staff)
    url = reverse("admin:accounts_account_change", args=[organisation.pk])
    form = client.get(url).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("password", "groups", "last_login", "date_joined")
    }
    data |= {
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-0-member": str(member_of_public.pk),
        "team-0-role": "reviewer",
        "team-0-organisation": str(organisation.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.get(organisation=organisation)
    assert entry.after == {"members": {"curious.teen": ["reviewer"]}}


def test_nothing_public_names_the_team(client, organisation, team_admin, officer, reviewer, member_of_public):
    accounts.add_role_label(actor=team_admin, organisation=organisation, name="Agent runner")
    secrets = [officer.handle, reviewer.handle, team_admin.handle, "Canary Officer Realname", officer.email]
    pages = [
        reverse("profile", args=[organisation.handle]),
        reverse("people", args=[organisation.handle, "followers"]),
        reverse("team", args=[organisation.handle]),
        audit_url(organisation),
        audit_url(organisation, "team-audit-csv"),
        reverse("search") + "?q=mi5",
    ]
    for viewer in (None, member_of_public):
        if viewer:
            log_in_verified(client, viewer)
        for url in pages:
            body = text(client.get(url))
            assert not [s for s in secrets if s in body], url

"""The audit chain: appended in order, exported as CSV, and any tampering in the database is detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from openhouse.audit import services as audit
from openhouse.audit.models import AuditEntry


@pytest.fixture
def chain(organisation, officer):
    for n in range(3):
        audit.record(
            organisation=organisation,
            actor=officer,
            action="draft.created",
            subject=f"draft:{n}",
            after={"caption": f"caption {n}"},
        )
    return list(AuditEntry.objects.filter(organisation=organisation).order_by("seq"))


def test_entries_chain_in_order_and_verify_clean(chain, capsys):
    assert [entry.seq for entry in chain] == [1, 2, 3]
    assert chain[1].prev_hash == chain[0].hash and chain[2].prev_hash == chain[1].hash
    assert audit.verify() == []
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_verification_fails_when_a_row_is_altered_in_the_database(chain):
    with connection.cursor() as cursor:  # what an intruder with database access would do
        cursor.execute(
            "UPDATE audit_auditentry SET subject = %s WHERE id = %s", ["draft:forged", chain[1].pk]
        )
    problems = audit.verify()
    assert [(p.seq, p.reason) for p in problems] == [(2, "was altered after it was written")]
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_verification_fails_when_an_entry_is_deleted(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [chain[2].pk])
    assert [p.reason for p in audit.verify()] == ["the newest entries were removed"]


def _forge(entry: AuditEntry) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET subject = %s WHERE id = %s", ["forged", entry.pk])


def _page_check(organisation) -> list[tuple[int, str]]:
    return [(p.seq, p.reason) for p in audit.verify(organisation_id=organisation.pk, since_last_check=True)]


def test_the_page_check_recomputes_what_is_new_and_the_full_check_everything(chain, organisation, officer):
    assert audit.verify() == []  # intact up to entry 3, remembered
    for n in (3, 4):
        audit.record(organisation=organisation, actor=officer, action="draft.created", subject=f"draft:{n}")
    new = AuditEntry.objects.get(organisation=organisation, seq=5)
    _forge(new)
    assert _page_check(organisation) == [(5, "was altered after it was written")]


def test_old_tampering_is_found_by_the_full_check_and_then_shown_on_the_page(chain, organisation):
    assert _page_check(organisation) == []  # the first check of a chain recomputes all of it
    _forge(chain[0])
    assert _page_check(organisation) == []  # entry 1 was intact when last checked: not recomputed here
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")  # cron's full check finds it, and the page stops trusting the past
    assert _page_check(organisation) == [(1, "was altered after it was written")]


def test_the_entry_the_page_check_starts_from_is_itself_checked(chain, organisation):
    assert _page_check(organisation) == []
    _forge(chain[2])
    assert _page_check(organisation) == [(3, "was altered or removed after it was checked")]


def test_csv_export_lists_every_entry_with_its_actor(chain, officer):
    rows = list(audit.csv_rows(organisation=chain[0].organisation))
    assert rows[0][:4] == ["seq", "time", "actor", "action"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]
    assert {row[2] for row in rows[1:]} == {officer.handle}

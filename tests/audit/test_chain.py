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


def test_csv_export_lists_every_entry_with_its_actor(chain, officer):
    rows = list(audit.csv_rows(organisation=chain[0].organisation))
    assert rows[0][:4] == ["seq", "time", "actor", "action"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]
    assert {row[2] for row in rows[1:]} == {officer.handle}

"""Team rules hold when people act at the same moment: two admins demoting each other leave one admin, and
an invitation link opened by two accounts at once lets in exactly one."""

import threading

import pytest
from django.db import connection

from openhouse.accounts import services as accounts
from openhouse.accounts.models import Membership
from openhouse.audit import services as audit
from openhouse.core.errors import DomainError
from tests.conftest import enrol, person

A, W = Membership.Role.ADMIN, Membership.Role.AUTHOR


def _at_once(*calls) -> list[Exception]:
    barrier = threading.Barrier(len(calls))
    errors: list[Exception] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except DomainError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_leave_one_admin(organisation, team_admin):
    second = person("second.admin", "Second Admin")
    enrol(second)
    Membership.objects.create(organisation=organisation, member=second, role=A)
    errors = _at_once(
        lambda: accounts.set_roles(actor=team_admin, organisation=organisation, member=second, roles=[W]),
        lambda: accounts.set_roles(actor=second, organisation=organisation, member=team_admin, roles=[W]),
    )
    assert len(errors) == 1
    assert Membership.objects.filter(organisation=organisation, role=A).count() == 1
    assert audit.verify(organisation_id=organisation.pk) == []


@pytest.mark.django_db(transaction=True)
def test_an_invitation_link_lets_in_one_of_two_accounts_at_once(organisation, team_admin):
    _, token = accounts.invite(actor=team_admin, organisation=organisation, roles=[W])
    first, second = person("first.taker", "First"), person("second.taker", "Second")
    errors = _at_once(
        lambda: accounts.accept_invitation(account=first, token=token),
        lambda: accounts.accept_invitation(account=second, token=token),
    )
    assert len(errors) == 1
    joined = Membership.objects.filter(organisation=organisation, role=W).values_list(
        "member__handle", flat=True
    )
    assert len(joined) == 1 and joined[0] in {"first.taker", "second.taker"}

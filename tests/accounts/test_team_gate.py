"""The gate before anyone acts for an organisation: a role in its team and two-factor authentication,
and for web pages a session that passed a code. Outsiders learn nothing (404)."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from openhouse.accounts.models import Membership
from openhouse.accounts.services import require_org_role
from openhouse.core.errors import NotAllowed, TwoFactorRequired
from tests.conftest import log_in_verified, open_qa_session, text

pytestmark = pytest.mark.django_db

AUTHOR = (Membership.Role.AUTHOR,)


def test_member_with_role_and_two_factor_passes(organisation, officer):
    require_org_role(account=officer, organisation=organisation, roles=AUTHOR)


def test_member_without_two_factor_cannot_act_and_is_told_why(organisation, officer):
    TOTPDevice.objects.filter(user=officer).delete()
    with pytest.raises(TwoFactorRequired, match="two-factor authentication"):
        require_org_role(account=officer, organisation=organisation, roles=AUTHOR)


def test_unconfirmed_authenticator_does_not_count(organisation, officer):
    TOTPDevice.objects.filter(user=officer).update(confirmed=False)
    with pytest.raises(TwoFactorRequired):
        require_org_role(account=officer, organisation=organisation, roles=AUTHOR)


def test_member_without_the_role_gets_the_outsiders_sentence(organisation, reviewer, outsider):
    with pytest.raises(NotAllowed) as as_member:
        require_org_role(account=reviewer, organisation=organisation, roles=AUTHOR)
    with pytest.raises(NotAllowed) as as_outsider:
        require_org_role(account=outsider, organisation=organisation, roles=AUTHOR)
    assert not isinstance(as_member.value, TwoFactorRequired)
    assert as_member.value.message == as_outsider.value.message


def test_outsider_without_two_factor_is_not_told_about_two_factor(organisation, outsider):
    with pytest.raises(NotAllowed) as refused:
        require_org_role(account=outsider, organisation=organisation, roles=AUTHOR)
    assert not isinstance(refused.value, TwoFactorRequired)


def test_a_personal_account_has_no_team(officer, reviewer):
    with pytest.raises(NotAllowed):
        require_org_role(account=reviewer, organisation=officer, roles=AUTHOR)


def test_anonymous_cannot_act(organisation):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        require_org_role(account=AnonymousUser(), organisation=organisation, roles=AUTHOR)


# The web decorator, through the team page.


def _team(organisation):
    return reverse("team", args=[organisation.handle])


def test_team_page_is_404_for_the_public_and_outsiders(client, organisation, officer, outsider):
    assert client.get(_team(organisation)).status_code == 404
    log_in_verified(client, outsider)
    response = client.get(_team(organisation))
    assert response.status_code == 404
    assert officer.handle not in text(response)


def test_team_page_is_404_under_a_personal_account_or_unknown_handle(client, officer):
    log_in_verified(client, officer)
    assert client.get(reverse("team", args=[officer.handle])).status_code == 404
    assert client.get(reverse("team", args=["nobody.here"])).status_code == 404


def test_member_without_two_factor_is_sent_to_set_it_up(client, organisation, officer):
    TOTPDevice.objects.filter(user=officer).delete()
    client.force_login(officer)
    response = client.get(_team(organisation))
    assert response.status_code == 403
    assert "Set up two-factor authentication" in text(response)
    assert reverse("security") in text(response)


def test_session_that_has_not_passed_a_code_goes_to_the_code_page_and_comes_back(
    client, organisation, officer
):
    client.force_login(officer)  # password only
    response = client.get(_team(organisation))
    assert response.status_code == 302
    assert response["Location"] == reverse("login-code") + "?next=%2Fmi5official%2Fteam%2F"


def test_verified_member_sees_the_team_without_caching(client, organisation, officer, reviewer):
    log_in_verified(client, officer)
    response = client.get(_team(organisation))
    assert response.status_code == 200
    assert officer.handle in text(response) and reviewer.handle in text(response)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_organisation_profile_offers_the_team_link_to_members_only(client, organisation, officer, outsider):
    team = reverse("team", args=[organisation.handle])
    profile = reverse("profile", args=[organisation.handle])
    assert team not in text(client.get(profile))
    client.force_login(outsider)
    assert team not in text(client.get(profile))
    client.force_login(officer)
    assert team in text(client.get(profile))


def test_a_service_refusal_for_lack_of_two_factor_becomes_the_set_up_page(rf, officer):
    from openhouse.web.middleware import DomainErrorMiddleware

    request = rf.get("/")
    request.user = officer
    response = DomainErrorMiddleware(lambda r: None).process_exception(request, TwoFactorRequired())
    assert response.status_code == 403
    assert reverse("security") in response.content.decode()


def test_team_pages_that_name_an_object_are_never_cached_either(client, organisation, officer):
    """Pages gated by team_gate (a Q&A's moderation queue holds questions nobody else may read yet; the
    highlights manager) carry the same no-store as the pages under /<handle>/team."""
    session = open_qa_session(organisation, officer)
    log_in_verified(client, officer)
    for url in (
        reverse("qa-moderate", args=[session.pk]),
        reverse("highlights-manage", args=[organisation.handle]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url

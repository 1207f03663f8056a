"""Schemathesis against the OpenAPI document of /api/openhouse/v1/: generated requests (a bounded number per
operation), no 5xx, and every answer's status, content type and body match the document."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from openhouse.accounts.models import RoleLabel
from openhouse.api.rest import api
from tests.api.conftest import token_for
from tests.api.test_authorization import org_post

EXAMPLES = 15  # per operation: keeps this file to about a minute in CI


# The document as the API object generates it; requests go in-process to Django's WSGI application, so
# they see the test's database.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/openhouse/v1"))
schema.app = get_wsgi_application()


@pytest.fixture
def data(db, organisation, officer, reviewer, member_of_public):
    label = RoleLabel.objects.create(organisation=organisation, name="Surveillance officer")
    org_post(organisation, officer, reviewer, "Consider all angles #launch", n=2, label=label)


@pytest.fixture
def open_connection():
    """Django's test client keeps the test's connection open between requests; so must this WSGI transport.
    (Ask for it after any fixture that uses the test client, which reconnects the signals when done.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(data, member_of_public) -> dict:
    return {"Authorization": f"Bearer {token_for(member_of_public, 'read write')}"}


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_anonymous_requests_conform(case, data, open_connection):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_signed_in_requests_conform(case, bearer, open_connection):
    case.call_and_validate(headers=bearer, checks=CHECKS)


def test_the_docs_page_and_document_are_served(client):
    assert client.get("/api/openhouse/v1/docs").status_code == 200
    document = client.get("/api/openhouse/v1/openapi.json").json()
    assert "/api/openhouse/v1/organisations/{handle}" in document["paths"]

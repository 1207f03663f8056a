"""The Q&A fixtures (an open session with role labels) for the bad-question tests here."""

from tests.qa.conftest import during, labels, session  # noqa: F401

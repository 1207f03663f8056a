"""The text limits the APIs publish are the services' own: the OpenAPI document of /api/openhouse/v1/ and
Mastodon's instance configuration name the same numbers the services enforce, a value at the limit goes
through, and one character more gets a 4xx with a sentence naming the field, never a 500."""

import pytest

from openhouse.accounts.models import HANDLE_MAX, ROLE_LABEL_MAX, RoleLabel
from openhouse.media.models import ALT_TEXT_MAX
from openhouse.posts.models import CAPTION_MAX, PHOTOS_MAX
from openhouse.publishing.models import REASONS_MAX, Draft, Review
from openhouse.qa import services as qa
from openhouse.qa.models import ANSWER_MAX, QUESTION_MAX, Answer, Question
from tests.conftest import open_qa_session
from tests.publishing.conftest import submitted

pytestmark = pytest.mark.django_db

V1 = "/api/openhouse/v1"


def _request_body(document: dict, path: str, method: str = "post") -> dict:
    """The JSON body schema an operation declares, with its $ref resolved."""
    ref = document["paths"][V1 + path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]


def test_the_openapi_document_publishes_the_limits_the_services_enforce(client):
    document = client.get(f"{V1}/openapi.json").json()

    ask = _request_body(document, "/qa/{session_id}/questions")
    assert ask["body"]["maxLength"] == QUESTION_MAX
    answer = _request_body(document, "/qa/questions/{question_id}/answer")
    assert answer["body"]["maxLength"] == ANSWER_MAX
    assert answer["role_label"]["maxLength"] == ROLE_LABEL_MAX
    review = _request_body(document, "/organisations/{handle}/drafts/{draft_id}/reviews")
    assert review["reasons"]["maxLength"] == REASONS_MAX

    parameters = document["paths"][f"{V1}/organisations/{{handle}}"]["get"]["parameters"]
    (handle,) = (p["schema"] for p in parameters if p["name"] == "handle")
    assert handle["pattern"].endswith(f"{{1,{HANDLE_MAX}}}$")


def test_the_mastodon_instance_document_publishes_the_limits_the_services_enforce(client):
    for path in ("/api/v1/instance", "/api/v2/instance"):
        configuration = client.get(path).json()["configuration"]
        assert configuration["statuses"]["max_characters"] == CAPTION_MAX, path
        assert configuration["statuses"]["max_media_attachments"] == PHOTOS_MAX, path
        assert configuration["media_attachments"]["description_limit"] == ALT_TEXT_MAX, path


@pytest.fixture
def open_session(organisation, officer):
    RoleLabel.objects.create(organisation=organisation, name="Agent runner")
    return open_qa_session(organisation, officer)


def _ask(client, session, body: str):
    return client.post(f"{V1}/qa/{session.pk}/questions", {"body": body}, content_type="application/json")


def test_an_over_long_question_gets_a_sentence_and_one_at_the_limit_goes_through(
    api, open_session, member_of_public
):
    asker = api(member_of_public)
    r = _ask(asker, open_session, "a" * (QUESTION_MAX + 1))
    assert r.status_code == 400
    assert r.json() == {"error": f"'body': String should have at most {QUESTION_MAX} characters."}
    assert not Question.objects.exists()

    r = _ask(asker, open_session, "a" * QUESTION_MAX)
    assert r.status_code == 200, r.content
    assert len(Question.objects.get().body) == QUESTION_MAX


@pytest.mark.parametrize(
    "typed",
    [
        " " + "a" * QUESTION_MAX + "\n",  # trimmed
        "\u0065\u0301" * QUESTION_MAX,  # an accent typed as two code points, one character once composed
    ],
)
def test_text_is_measured_as_it_is_kept(api, open_session, member_of_public, typed):
    """The limits are the services': what counts is the text as kept, not as it came over the wire."""
    r = _ask(api(member_of_public), open_session, typed)
    assert r.status_code == 200, r.content
    assert len(Question.objects.get().body) <= QUESTION_MAX


def test_an_over_long_answer_or_role_label_gets_a_sentence_and_one_at_the_line_ends_as_kept_goes_through(
    api, open_session, officer, reviewer, member_of_public
):
    question = qa.ask(
        actor=member_of_public, session=open_session, body="What is a normal day like?"
    ).question
    qa.moderate(actor=reviewer, question=question, action="approve")
    team = api(officer)
    path = f"{V1}/qa/questions/{question.pk}/answer"

    def answer(body: str, role_label: str = "Agent runner"):
        return team.post(path, {"body": body, "role_label": role_label}, content_type="application/json")

    r = answer("a" * (ANSWER_MAX + 1))
    assert r.status_code == 400
    assert r.json() == {"error": f"'body': String should have at most {ANSWER_MAX} characters."}
    r = answer("Mostly paperwork.", role_label="a" * (ROLE_LABEL_MAX + 1))
    assert r.status_code == 400
    assert r.json() == {"error": f"'role_label': String should have at most {ROLE_LABEL_MAX} characters."}
    assert not Answer.objects.exists()

    crlf = ("a" * 99 + "\r\n") * (ANSWER_MAX // 100)  # 2,020 characters sent, 1,999 kept
    r = answer(crlf)
    assert r.status_code == 200, r.content
    assert Answer.objects.get().body == crlf.replace("\r\n", "\n").strip()


def test_over_long_review_reasons_get_a_sentence_and_reasons_at_the_limit_go_through(
    api, organisation, officer, reviewer
):
    label = RoleLabel.objects.create(organisation=organisation, name="Surveillance officer")
    draft = submitted(officer, organisation, label=label)
    path = f"{V1}/organisations/{organisation.handle}/drafts/{draft.pk}/reviews"

    def reject(reasons: str):
        verdict = {"verdict": "reject", "revision": draft.revision, "reasons": reasons}
        return api(reviewer).post(path, verdict, content_type="application/json")

    r = reject("a" * (REASONS_MAX + 1))
    assert r.status_code == 400
    assert r.json() == {"error": f"'reasons': String should have at most {REASONS_MAX} characters."}
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.SUBMITTED

    r = reject("a" * REASONS_MAX)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == Draft.Status.REJECTED
    assert len(Review.objects.get(draft=draft).reasons) == REASONS_MAX

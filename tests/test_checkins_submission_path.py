"""One client check-in from the link to the updated pattern and alerts: what it costs the
database, and that the faster path keeps every guarantee (exactly once, one use per link,
the audit chain, an evaluation failure that loses nothing)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from keywork.audit.models import AuditEvent
from keywork.audit.services import verify_chain
from keywork.checkins import services
from keywork.checkins.models import CheckinLink, CheckinResponse, PrivateComment, SharingChoice
from keywork.checkins.selectors import link_for_token
from keywork.core.errors import ApplicationError
from keywork.signals import store as signal_store
from keywork.signals.models import Alert, RelationshipState

ANSWERS = {"match": 8, "presence": 6, "personal_professional": 9, "cooperation": 7,
           "flexible_support": 7, "role_clarity": 9, "confirmed_power": 5}
FORM = "application/x-www-form-urlencoded"

# Inside a test's transaction (no BEGIN or COMMIT of its own; savepoints instead), on either
# database: a loose bound, for the tests below that look at other things.
MOST_QUERIES = 14
# A submission as a running service sends it, on PostgreSQL: the link with everything it
# brings; BEGIN; the response, the link used up and the rows along with it (a new sharing
# choice, a comment) in one text; the chain's lock and head; the history rows and the audit
# rows; COMMIT; then the engine's read (with what is stored of the relationship) and its
# states and alerts in one text.
ROUND_TRIPS = 8


def _link(world, rel_name: str = "own") -> tuple[CheckinLink, str]:
    return services.checkin_link_create(membership=world.memberships["keyworker"],
                                        relationship=world.relationships[rel_name])


def _post(token: str, *, visibility: str = "nothing", key: uuid.UUID | None = None):
    data = {**ANSWERS, "idempotency_key": str(key or uuid.uuid4()), "visibility": visibility,
            "private_comment": ""}
    return HttpClient().post(f"/c/{token}/", urlencode(data), content_type=FORM)


def test_a_client_checkin_through_the_link_stays_within_its_round_trips(world):
    rel = world.relationships["own"]
    SharingChoice.objects.create(organisation=world.org, relationship=rel, visibility="nothing")
    _, token = _link(world)
    with CaptureQueriesContext(connection) as captured:
        resp = _post(token, visibility="nothing")
    assert resp.status_code == 302
    assert len(captured.captured_queries) <= MOST_QUERIES, "\n".join(
        q["sql"][:120] for q in captured.captured_queries)
    response = CheckinResponse.objects.get(relationship=rel)
    assert RelationshipState.objects.filter(relationship=rel).exists()
    assert AuditEvent.objects.filter(object_type="checkinresponse",
                                     object_id=str(response.pk)).count() == 1
    assert verify_chain().ok


def test_a_first_choice_and_a_comment_add_only_their_own_rows(world):
    _, token = _link(world)
    data = {**ANSWERS, "idempotency_key": str(uuid.uuid4()), "visibility": "pattern",
            "private_comment": "Please call me."}
    with CaptureQueriesContext(connection) as captured:
        resp = HttpClient().post(f"/c/{token}/", urlencode(data), content_type=FORM)
    assert resp.status_code == 302
    # The choice (its row, its history row, its audit row) and the comment (its row and
    # its audit row) share the chain lock already taken for the check-in.
    assert len(captured.captured_queries) <= MOST_QUERIES + 5
    sqls = [q["sql"] for q in captured.captured_queries]
    assert sum("pg_advisory_xact_lock" in s for s in sqls) <= 1
    assert sum('FROM "audit_auditevent" ORDER BY' in s for s in sqls) <= 1
    assert AuditEvent.objects.filter(detail__startswith="client's").count() == 2
    assert verify_chain().ok


def test_a_retry_that_raced_past_the_unused_link_gets_the_first_answers(world):
    """The retry read the link before the first request used it up: its insert meets the
    first one's key, and it returns what the first one stored."""
    link, token = _link(world)
    stale = link_for_token(token)
    key = uuid.uuid4()
    first, created = services.client_checkin_submit(link=link, answers=ANSWERS,
                                                    idempotency_key=key)
    assert created
    assert stale is not None
    assert stale.used_at is None
    again, created_again = services.client_checkin_submit(link=stale, answers=ANSWERS,
                                                          idempotency_key=key)
    assert not created_again
    assert again.pk == first.pk
    assert CheckinResponse.objects.filter(relationship=link.relationship).count() == 1
    assert AuditEvent.objects.filter(object_type="checkinresponse").count() == 1
    assert verify_chain().ok


def test_another_submission_that_raced_past_the_unused_link_is_refused(world):
    """Two different submissions through one link: the second finds the link used up
    when it tries to use it, and its answers are rolled back with everything else."""
    link, token = _link(world)
    stale = link_for_token(token)
    first, _ = services.client_checkin_submit(link=link, answers=ANSWERS,
                                              idempotency_key=uuid.uuid4())
    assert stale is not None
    with pytest.raises(ApplicationError) as refused:
        services.client_checkin_submit(link=stale, answers=ANSWERS,
                                       idempotency_key=uuid.uuid4(), visibility="nothing",
                                       private_comment="Second one")
    assert refused.value.code == "link_used"
    assert list(CheckinResponse.objects.values_list("pk", flat=True)) == [first.pk]
    assert not SharingChoice.objects.exists()
    assert AuditEvent.objects.filter(object_type="checkinresponse").count() == 1
    link.refresh_from_db()
    assert link.response_id == first.pk
    assert verify_chain().ok


def test_an_evaluation_failing_in_the_database_rolls_back_alone(world, monkeypatch, caplog):
    """Inside a caller's transaction the evaluation runs behind a savepoint: a failure
    halfway through its writes rolls them back and leaves the check-in, its audit row and
    the caller's transaction intact."""
    real = signal_store.store

    def half_written(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(signal_store, "store", half_written)
    link, _token = _link(world)
    response, created = services.client_checkin_submit(link=link, answers=ANSWERS,
                                                       idempotency_key=uuid.uuid4())
    assert created
    assert CheckinResponse.objects.filter(pk=response.pk).exists()
    assert not RelationshipState.objects.filter(relationship=link.relationship).exists()
    assert AuditEvent.objects.filter(object_type="checkinresponse",
                                     object_id=str(response.pk)).exists()
    assert "signals after a check-in on relationship" in caplog.text
    assert verify_chain().ok


def test_the_evaluation_uses_the_thresholds_that_came_with_the_link(world):
    from keywork.signals.models import SignalSettings

    SignalSettings.objects.create(organisation=world.org, overrides={"no_contact_days": 3})
    link, token = _link(world)
    fresh = link_for_token(token)
    assert fresh is not None
    with CaptureQueriesContext(connection) as captured:
        services.client_checkin_submit(link=fresh, answers=ANSWERS,
                                       idempotency_key=uuid.uuid4())
    assert not any("checkins_checkinpolicy" in q["sql"] or "signals_signalsettings" in q["sql"]
                   for q in captured.captured_queries)
    state = RelationshipState.objects.get(relationship=link.relationship)
    assert state.pattern


def test_a_refused_submission_leaves_the_link_open_for_the_page_that_shows_the_error(world):
    from keywork.checkins.selectors import link_is_open

    _, token = _link(world)
    link = link_for_token(token)
    assert link is not None
    with pytest.raises(ApplicationError):
        services.client_checkin_submit(link=link, answers=ANSWERS,
                                       idempotency_key=uuid.uuid4(), visibility="scores")
    assert link_is_open(link)
    assert link.response is None
    response, created = services.client_checkin_submit(link=link, answers=ANSWERS,
                                                       idempotency_key=uuid.uuid4())
    assert created
    assert link.response == response
    assert not link_is_open(link)


def _low(rel) -> dict[str, int]:
    return {**ANSWERS, "match": 1, "presence": 1, "personal_professional": 1,
            "cooperation": 1, "flexible_support": 1}


@pytest.mark.parametrize("first_choice", [False, True])
def test_a_committed_checkin_takes_at_most_eight_round_trips(committed_world, first_choice):
    """Counted as a running service sends them (its own BEGIN and COMMIT): the plain case
    and the fullest one (a first sharing choice, a comment to the supervisor, low ratings
    that open alerts)."""
    if connection.vendor != "postgresql":
        pytest.skip("the round trips are counted on PostgreSQL, where they cost")
    world = committed_world
    rel = world.relationships["own"]
    # One check-in first, so that the form's reliable change is known to this process.
    _, warm = _link(world)
    assert _post(warm, visibility="nothing").status_code == 302
    _, token = _link(world)
    data = {**(_low(rel) if first_choice else ANSWERS), "idempotency_key": str(uuid.uuid4()),
            "visibility": "pattern" if first_choice else "nothing",
            "private_comment": "Please call me." if first_choice else ""}
    alerts_before = Alert.objects.filter(relationship=rel).count()
    with CaptureQueriesContext(connection) as captured:
        resp = HttpClient().post(f"/c/{token}/", urlencode(data), content_type=FORM)
    assert resp.status_code == 302
    sqls = [q["sql"] for q in captured.captured_queries]
    assert len(sqls) <= ROUND_TRIPS, "\n".join(s[:120] for s in sqls)
    assert sqls.count("BEGIN") == 1, sqls
    assert sqls.count("COMMIT") == 1, sqls
    latest = CheckinResponse.objects.filter(relationship=rel).latest("id")
    assert AuditEvent.objects.filter(object_type="checkinresponse",
                                     object_id=str(latest.pk)).count() == 1
    assert RelationshipState.objects.get(relationship=rel).evaluated_at >= latest.submitted_at
    if first_choice:
        assert SharingChoice.objects.get(relationship=rel).visibility == "pattern"
        assert SharingChoice.history.filter(relationship_id=rel.pk).count() == 2
        assert PrivateComment.objects.filter(relationship=rel).count() == 1
        assert Alert.objects.filter(relationship=rel).count() > alerts_before
    assert verify_chain().ok


def test_a_committed_checkin_is_kept_when_the_evaluation_fails(committed_world, monkeypatch,
                                                              caplog):
    """Outside a caller's transaction the evaluation runs once the check-in is committed:
    its failure is logged and loses nothing of the check-in."""
    def broken(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(signal_store, "store", broken)
    link, token = _link(committed_world)
    assert _post(token, visibility="nothing").status_code == 302
    response = CheckinResponse.objects.get(relationship=link.relationship)
    assert AuditEvent.objects.filter(object_type="checkinresponse",
                                     object_id=str(response.pk)).exists()
    assert not RelationshipState.objects.filter(relationship=link.relationship).exists()
    assert "signals after a check-in on relationship" in caplog.text
    assert verify_chain().ok

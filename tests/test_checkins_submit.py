"""Check-in links and submissions through the services: one-time links that expire,
exactly-once storage, scoring, the client's choice and private comments."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins import hooks, services
from keywork.checkins.models import (
    CheckinLink,
    CheckinPolicy,
    CheckinResponse,
    PrivateComment,
    Rater,
    SharingChoice,
    Visibility,
)
from keywork.checkins.selectors import (
    CLIENT_SHORT,
    KEYWORKER_SHORT,
    current_version,
    keyworker_visibility,
    link_for_token,
    token_digest,
)
from keywork.core.errors import ApplicationError
from tests.matrix.checkins import form_version

CLIENT_ANSWERS = {"match": 8, "presence": 6, "personal_professional": 10, "cooperation": 4,
                  "flexible_support": 7, "role_clarity": 9, "confirmed_power": 5,
                  "helped": "  You called my landlord. ", "could_be_better": "Be on time."}
WORKER_ANSWERS = {"match": 7, "presence": 5, "personal_professional": 8, "cooperation": 6,
                  "flexible_support": 7, "estimate_match": 9, "estimate_presence": 9,
                  "estimate_personal_professional": 9, "estimate_cooperation": 9,
                  "estimate_flexible_support": 9, "went_well": "The court letter."}


def _link(world, rel_name: str = "own", mode: str = "link") -> tuple[CheckinLink, str]:
    return services.checkin_link_create(membership=world.memberships["keyworker"],
                                        relationship=world.relationships[rel_name], mode=mode)


def _client_submit(link: CheckinLink, key: uuid.UUID | None = None, **answers):
    return services.client_checkin_submit(link=link, answers=answers or CLIENT_ANSWERS,
                                          idempotency_key=key or uuid.uuid4())


def _worker_submit(world, key: uuid.UUID | None = None, who: str = "keyworker"):
    rel = world.relationships["own"]
    version = form_version(KEYWORKER_SHORT)
    return services.checkin_submit(
        relationship=rel, instrument_version=version, rater=Rater.KEYWORKER,
        answers=WORKER_ANSWERS, mode="staff", idempotency_key=key or uuid.uuid4(),
        submitted_by=world.users[who])


# --- links ----------------------------------------------------------------------------------


def test_link_stores_only_a_digest_and_expires_after_the_policy_hours(world):
    CheckinPolicy.objects.create(organisation=world.org, link_hours=24)
    with time_machine.travel(timezone.now(), tick=False):
        link, token = _link(world)
        assert link.expires_at == timezone.now() + dt.timedelta(hours=24)
    assert len(token) >= 32
    assert link.token_digest == token_digest(token) != token
    assert not CheckinLink.objects.filter(token_digest=token).exists()
    assert link_for_token(token) == link
    assert link_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert link.instrument_version == current_version(CLIENT_SHORT)
    row = AuditEvent.objects.filter(object_type="checkinlink").get()
    assert (row.actor_id, row.client_id) == (world.keyworker.pk, world.clients["own"].pk)


def test_policy_is_created_with_its_defaults_when_missing(world):
    assert not CheckinPolicy.objects.filter(organisation=world.org).exists()
    link, _token = _link(world)
    policy = CheckinPolicy.objects.get(organisation=world.org)
    assert policy.link_hours == 72
    assert policy.keyworker_visibility == Visibility.PATTERN
    assert link.expires_at - link.created_at > dt.timedelta(hours=71)


def test_tablet_link_lives_two_hours_at_most(world):
    link, _token = _link(world, mode="tablet")
    assert link.expires_at - link.created_at <= dt.timedelta(hours=2, seconds=1)


def test_no_link_to_a_form_that_is_not_for_the_client(world):
    with pytest.raises(ApplicationError, match="not one for the client"):
        services.checkin_link_create(membership=world.memberships["keyworker"],
                                     relationship=world.relationships["own"],
                                     instrument_code=KEYWORKER_SHORT)


def test_no_link_for_a_closed_relationship(world):
    with pytest.raises(ApplicationError, match="has closed"):
        services.checkin_link_create(membership=world.memberships["supervisor"],
                                     relationship=world.relationships["ended"])


def test_link_works_once(world):
    link, _token = _link(world)
    first, created = _client_submit(link)
    assert created
    link.refresh_from_db()
    assert link.used_at is not None
    assert link.response == first
    with pytest.raises(ApplicationError) as refused:
        _client_submit(link)
    assert refused.value.code == "link_used"
    assert CheckinResponse.objects.filter(relationship=link.relationship).count() == 1


def test_expired_link_takes_no_answers(world):
    link, _token = _link(world)
    with (time_machine.travel(link.expires_at + dt.timedelta(seconds=1)),
          pytest.raises(ApplicationError) as refused):
        _client_submit(link)
    assert refused.value.code == "link_expired"
    assert not CheckinResponse.objects.exists()


# --- exactly once ---------------------------------------------------------------------------


def test_the_same_submission_twice_is_stored_once(world):
    link, _token = _link(world)
    key = uuid.uuid4()
    first, created_first = _client_submit(link, key)
    again, created_again = _client_submit(link, key)
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert CheckinResponse.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="checkinresponse").count() == 1


def test_two_racing_submissions_store_one_row(world, monkeypatch):
    """The second request checks for the key before the first has stored it, then hits
    the unique key: it must return the first one's row, not fail or store a second."""
    key = uuid.uuid4()
    first, _ = _worker_submit(world, key)
    real = services._already_stored
    calls = {"n": 0}

    def missed_the_first_time(k, rel):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(k, rel)

    monkeypatch.setattr(services, "_already_stored", missed_the_first_time)
    second, created = _worker_submit(world, key)
    assert calls["n"] == 2
    assert not created
    assert second.pk == first.pk
    assert CheckinResponse.objects.filter(idempotency_key=key).count() == 1


def test_a_retry_through_a_used_link_returns_the_stored_answers(world):
    link, _token = _link(world)
    key = uuid.uuid4()
    first, _ = _client_submit(link, key)
    link.refresh_from_db()
    with time_machine.travel(link.expires_at + dt.timedelta(hours=1)):
        again, created = _client_submit(link, key)
    assert not created
    assert again.pk == first.pk


def test_a_key_from_another_relationship_is_refused(world):
    key = uuid.uuid4()
    _worker_submit(world, key)
    link, _token = _link(world, "same_unit")
    with pytest.raises(ApplicationError, match="already sent"):
        _client_submit(link, key)


# --- what is stored -------------------------------------------------------------------------


def test_client_checkin_is_scored_with_words_kept_and_audited_without_an_actor(world):
    link, _token = _link(world)
    resp, _ = _client_submit(link)
    assert resp.rater == Rater.CLIENT
    assert resp.mode == "link"
    assert resp.submitted_by is None
    assert (resp.score_match, resp.score_cooperation) == (80.0, 40.0)
    assert resp.overall == pytest.approx((80 + 60 + 100 + 40 + 70) / 5)
    assert resp.estimate_overall is None
    assert not resp.at_max
    assert resp.helped == "You called my landlord."
    assert resp.could_be_better == "Be on time."
    assert resp.answers["helped"] == "You called my landlord."
    row = AuditEvent.objects.get(object_type="checkinresponse", object_id=str(resp.pk))
    assert row.actor_id is None
    assert row.detail == "client check-in via link"
    assert row.client_id == world.clients["own"].pk


def test_missing_answers_leave_dimensions_and_overall_unscored(world):
    link, _token = _link(world)
    resp, _ = _client_submit(link, match=9, presence=9, cooperation=9)
    assert resp.score_match == 90.0
    assert resp.score_flexible_support is None
    assert resp.overall is None  # 3 of 5 dimensions: fewer than the 4 the form needs


def test_answers_off_the_scale_are_refused_in_plain_words(world):
    link, _token = _link(world)
    with pytest.raises(ApplicationError, match="Some answers could not be read"):
        _client_submit(link, match=11)
    link.refresh_from_db()
    assert link.used_at is None
    assert not CheckinResponse.objects.exists()


def test_keyworker_checkin_keeps_the_estimate_and_names_its_author(world):
    resp, created = _worker_submit(world)
    assert created
    assert resp.rater == Rater.KEYWORKER
    assert resp.mode == "staff"
    assert resp.submitted_by == world.keyworker
    assert resp.estimate_overall == 90.0
    assert resp.answers["went_well"] == "The court letter."
    row = AuditEvent.objects.get(object_type="checkinresponse", object_id=str(resp.pk))
    assert row.actor_id == world.keyworker.pk
    assert row.detail == "keyworker's own check-in"


@pytest.mark.parametrize("who", ["deputy", "supervisor"])
def test_only_the_relationships_keyworker_gives_the_keyworker_checkin(world, who):
    with pytest.raises(ApplicationError, match="Only the keyworker"):
        _worker_submit(world, who=who)


def test_client_checkin_needs_a_link(world):
    rel = world.relationships["own"]
    with pytest.raises(ApplicationError, match="through a check-in link"):
        services.checkin_submit(relationship=rel, instrument_version=form_version(CLIENT_SHORT),
                                rater=Rater.CLIENT, answers={"match": 5}, mode="staff",
                                idempotency_key=uuid.uuid4(), submitted_by=world.keyworker)


def test_the_relationship_is_re_evaluated_after_a_new_checkin_only(world):
    seen: list[int] = []
    with hooks.checkin_stored.overridden(
            "signals", lambda *, relationship: seen.append(relationship.pk)):
        key = uuid.uuid4()
        _worker_submit(world, key)
        _worker_submit(world, key)
    assert seen == [world.relationships["own"].pk]


def test_checkins_are_stored_when_no_app_follows_them(world):
    with hooks.checkin_stored.overridden("signals", None):
        assert len(hooks.checkin_stored) == 0
        resp, created = _worker_submit(world)
    assert created
    assert CheckinResponse.objects.filter(pk=resp.pk).exists()


def test_a_failing_evaluation_does_not_lose_the_checkin(world, caplog):
    def broken(*, relationship):
        raise RuntimeError("engine down")

    with hooks.checkin_stored.overridden("signals", broken):
        resp, created = _worker_submit(world)
    assert created
    assert CheckinResponse.objects.filter(pk=resp.pk).exists()
    assert "signals after a check-in on relationship" in caplog.text


# --- the client's choice and comments -----------------------------------------------------------


def test_client_choice_can_lower_but_not_raise_what_the_keyworker_sees(world):
    rel = world.relationships["own"]
    CheckinPolicy.objects.create(organisation=world.org,
                                 keyworker_visibility=Visibility.PATTERN)
    assert keyworker_visibility(rel) == Visibility.PATTERN
    with pytest.raises(ApplicationError, match="does not share that much"):
        services.sharing_choice_set(relationship=rel, visibility=Visibility.SCORES)
    services.sharing_choice_set(relationship=rel, visibility=Visibility.NOTHING)
    assert keyworker_visibility(rel) == Visibility.NOTHING
    assert SharingChoice.objects.get(relationship=rel).visibility == Visibility.NOTHING


def test_a_stricter_policy_wins_over_an_earlier_client_choice(world):
    rel = world.relationships["own"]
    policy = CheckinPolicy.objects.create(organisation=world.org,
                                          keyworker_visibility=Visibility.SCORES)
    services.sharing_choice_set(relationship=rel, visibility=Visibility.SCORES)
    policy.keyworker_visibility = Visibility.NOTHING
    policy.save()
    assert keyworker_visibility(rel) == Visibility.NOTHING


def test_choice_and_comment_are_stored_with_the_checkin_and_only_once(world):
    link, _token = _link(world)
    key = uuid.uuid4()
    for _ in range(2):
        services.client_checkin_submit(link=link, answers={"match": 5}, idempotency_key=key,
                                       visibility=Visibility.NOTHING,
                                       private_comment="  He shouts at me.  ")
    comment = PrivateComment.objects.get()
    assert comment.text == "He shouts at me."
    assert comment.client == world.clients["own"]
    assert SharingChoice.objects.get().visibility == Visibility.NOTHING
    assert AuditEvent.objects.filter(object_type="privatecomment", actor_id=None).count() == 1


def test_a_refused_choice_stores_nothing_at_all(world):
    link, _token = _link(world)
    with pytest.raises(ApplicationError):
        services.client_checkin_submit(link=link, answers={"match": 5},
                                       idempotency_key=uuid.uuid4(),
                                       visibility=Visibility.SCORES, private_comment="Hi.")
    link.refresh_from_db()
    assert link.used_at is None
    assert not CheckinResponse.objects.exists()
    assert not PrivateComment.objects.exists()


def test_an_empty_private_comment_is_refused(world):
    with pytest.raises(ApplicationError, match="Write your message"):
        services.private_comment_send(relationship=world.relationships["own"], text="   ")

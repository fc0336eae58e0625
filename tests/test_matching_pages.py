"""Matching as staff use it: the ranked list, the intake group, conflicts of interest,
the client's wishes, staff profiles and the organisation's weights."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.boundaries import services as boundary_services
from keywork.matching import selectors, services
from keywork.matching.models import ConflictDeclaration, MatchingWeights, Skill, StaffProfile
from keywork.relationships.models import Relationship, StartReason, Status
from keywork.signals.models import Alert
from tests.helpers import login_as
from tests.world import admit


@pytest.fixture
def waiting(world):
    """Two new clients in unit A without a keyworker; profiles for the unit's keyworkers."""
    sup = world.memberships["supervisor"]
    start = timezone.localdate() - dt.timedelta(days=3)
    a = admit(sup, world.unit_a, world.legal_basis, "Fatima", "Waiting", start)
    b = admit(sup, world.unit_a, world.voluntary, "Gustav", "Waiting", start)
    a.preferred_language = "Arabic"
    a.save()
    services.skills_ensure_core(organisation_id=world.org.pk)
    trauma = Skill.objects.get(organisation=world.org, code="trauma")
    for name, langs, gender, years in [("keyworker", "Swedish", "man", 3),
                                       ("colleague", "Swedish, English", "woman", 8),
                                       ("deputy", "Arabic, Swedish", "woman", 12)]:
        m = world.memberships[name]
        services.profile_save(membership=m, of=m, languages=langs, gender=gender,
                              skills=[trauma] if name == "deputy" else [],
                              experience_years=years)
    return {"arabic": a, "swedish": b}


def _sup(world) -> HttpClient:
    return login_as(HttpClient(), world.supervisor)


# --- the ranked list ------------------------------------------------------------------------


def test_supervisor_sees_ranked_keyworkers_with_reasons(world, waiting):
    episode = waiting["arabic"].episodes.get()
    resp = _sup(world).get(reverse("matching:rank", args=[episode.pk]))
    assert resp.status_code == 200
    rows = resp.context["rows"]
    assert rows[0]["worker"].user_id == world.deputy.pk  # speaks Arabic, most experience
    assert any("arabic" in r for r in rows[0]["reasons"])
    assert "Does not speak arabic" in resp.content.decode()


@pytest.mark.parametrize("who", ["keyworker", "supervisor_b", "manager", "administrator",
                                 "outsider"])
def test_ranking_is_for_the_units_supervisor_only(world, waiting, who):
    episode = waiting["arabic"].episodes.get()
    resp = login_as(HttpClient(), world.users[who]).get(
        reverse("matching:rank", args=[episode.pk]))
    assert resp.status_code == 404


def test_proposing_from_the_ranking_creates_a_proposed_relationship(world, waiting):
    episode = waiting["arabic"].episodes.get()
    resp = _sup(world).post(reverse("matching:rank", args=[episode.pk]),
                            {"keyworker": world.deputy.pk})
    rel = Relationship.objects.get(episode=episode)
    assert resp.status_code == 302
    assert (rel.keyworker_id, rel.status, rel.start_reason) == (
        world.deputy.pk, Status.PROPOSED, StartReason.FIRST_ALLOCATION)


def test_a_declared_conflict_excludes_the_pairing(world, waiting):
    client = waiting["arabic"]
    episode = client.episodes.get()
    resp = _sup(world).post(reverse("matching:conflict", args=[client.pk]),
                            {"worker": world.deputy.pk, "kind": "knows_privately",
                             "note": "Neighbours for years."})
    assert resp.status_code == 302
    ranking = selectors.rank_for_episode(episode)
    assert world.deputy.pk not in [r.worker.user_id for r in ranking.ranked]
    assert [r.excluded for r in ranking.excluded] == ["conflict_of_interest"]
    resp = _sup(world).post(reverse("matching:rank", args=[episode.pk]),
                            {"keyworker": world.deputy.pk})
    assert resp.status_code == 200
    assert "excluded" in resp.context["error"]
    assert not Relationship.objects.filter(episode=episode).exists()


def test_a_conflict_recorded_as_a_boundary_event_excludes_the_pairing(world, waiting):
    client = waiting["arabic"]
    boundary_services.event_record(
        membership=world.memberships["supervisor"], client=client, worker_id=world.deputy.pk,
        kind="conflict_of_interest", occurred_on=timezone.localdate(),
        context="Cousins; they grew up together.")
    ranking = selectors.rank_for_episode(client.episodes.get())
    assert world.deputy.pk in [r.worker.user_id for r in ranking.excluded]
    assert world.deputy.pk not in [r.worker.user_id for r in ranking.ranked]


def test_keyworker_declares_own_connection_and_the_supervisor_is_alerted(world):
    http = login_as(HttpClient(), world.keyworker)
    client = world.clients["own"]
    resp = http.post(reverse("matching:conflict", args=[client.pk]),
                     {"worker": world.keyworker.pk, "kind": "family"})
    assert resp.status_code == 302
    assert ConflictDeclaration.objects.filter(worker=world.keyworker, client=client).exists()
    assert Alert.objects.filter(relationship=world.relationships["own"],
                                code="matching_conflict_declared").count() == 1


def test_keyworker_cannot_declare_for_someone_else(world):
    http = login_as(HttpClient(), world.keyworker)
    resp = http.post(reverse("matching:conflict", args=[world.clients["own"].pk]),
                     {"worker": world.colleague.pk, "kind": "family"})
    assert resp.status_code == 200
    assert resp.context["form"].errors["worker"]
    assert not ConflictDeclaration.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "supervisor_b", "administrator", "outsider"])
def test_conflict_page_refuses_people_outside_the_clients_scope(world, who):
    resp = login_as(HttpClient(), world.users[who]).get(
        reverse("matching:conflict", args=[world.clients["own"].pk]))
    assert resp.status_code == 404


def test_the_clients_wishes_change_the_ranking(world, waiting):
    client = waiting["swedish"]
    episode = client.episodes.get()
    before = [r.worker.user_id for r in selectors.rank_for_episode(episode).ranked]
    resp = login_as(HttpClient(), world.supervisor).post(
        reverse("matching:preferences", args=[client.pk]),
        {"worker_gender": "Man", "languages": "Swedish", "note": "Wants a man."})
    assert resp.status_code == 302
    after = selectors.rank_for_episode(episode)
    assert after.need.gender == "man"
    assert after.ranked[0].worker.user_id == world.keyworker.pk
    assert before[0] != world.keyworker.pk


@pytest.mark.parametrize("who", ["colleague", "supervisor_b", "manager", "researcher"])
def test_wishes_page_refuses_the_wrong_people(world, who):
    resp = login_as(HttpClient(), world.users[who]).get(
        reverse("matching:preferences", args=[world.clients["own"].pk]))
    assert resp.status_code == 404


def test_coerced_episodes_are_weighed_as_demanding(world, waiting):
    coerced = selectors.rank_for_episode(waiting["arabic"].episodes.get())
    voluntary = selectors.rank_for_episode(waiting["swedish"].episodes.get())
    assert coerced.need.demanding
    assert not voluntary.need.demanding
    forced = selectors.rank_for_episode(waiting["swedish"].episodes.get(), demanding=True)
    assert forced.need.demanding


def test_an_earlier_good_relationship_counts_as_continuity(world, waiting):
    client = world.clients["ended"]  # closed with "episode ended" by the keyworker
    pairs = selectors.continuity(world.org.pk, [client.pk])
    assert (world.keyworker.pk, client.pk) in pairs
    assert (world.colleague.pk, client.pk) not in pairs


# --- the intake group -----------------------------------------------------------------------


def test_intake_group_proposes_and_accepts_a_whole_allocation(world, waiting):
    http = _sup(world)
    url = reverse("matching:intake", args=[world.unit_a.pk])
    resp = http.get(url)
    assert resp.status_code == 200
    rows = {r.need.client.pk: r for r in resp.context["proposal"].rows}
    # The client whose relationship closed while the episode goes on waits too.
    assert set(rows) == {waiting["arabic"].pk, waiting["swedish"].pk, world.clients["ended"].pk}
    assert rows[waiting["arabic"].pk].proposed.user_id == world.deputy.pk
    data = {f"episode_{r.need.episode.pk}": str(r.proposed.user_id) for r in rows.values()}
    resp = http.post(url, data)
    assert resp.status_code == 302
    made = Relationship.objects.filter(client__in=list(waiting.values()))
    assert made.count() == 2
    back = Relationship.objects.get(client=world.clients["ended"], status=Status.PROPOSED)
    assert back.keyworker_id == world.keyworker.pk  # continuity with an earlier good one
    assert set(made.values_list("status", flat=True)) == {Status.PROPOSED}
    assert http.get(url).context["proposal"].rows == []


def test_intake_refuses_more_clients_than_free_places(world, waiting):
    world.unit_a.caseload_limit = 1
    world.unit_a.save()
    http = _sup(world)
    url = reverse("matching:intake", args=[world.unit_a.pk])
    proposal = http.get(url).context["proposal"]
    free = {w.user_id: w.free for w in proposal.workers}
    assert free == {world.keyworker.pk: 0, world.colleague.pk: 0, world.deputy.pk: 1}
    # The optimum gives the one free place to one client; the other waits.
    assert sorted(r.proposed is None for r in proposal.rows) == [False, True, True]
    data = {f"episode_{r.need.episode.pk}": str(world.deputy.pk) for r in proposal.rows}
    resp = http.post(url, data)
    assert resp.status_code == 200
    assert "More clients than free places" in resp.content.decode()
    assert not Relationship.objects.filter(client__in=list(waiting.values())).exists()


def test_intake_never_proposes_an_excluded_pair(world, waiting):
    services.conflict_declare(membership=world.memberships["supervisor"],
                              client=waiting["arabic"], worker_id=world.deputy.pk,
                              kind="knows_privately")
    proposal = selectors.intake_for_unit(world.unit_a)
    row = next(r for r in proposal.rows if r.need.client.pk == waiting["arabic"].pk)
    assert row.proposed is not None
    assert row.proposed.user_id != world.deputy.pk
    assert world.deputy.pk not in [w.user_id for w, _s in row.options]
    assert proposal.value >= proposal.greedy_value


@pytest.mark.parametrize("who", ["keyworker", "supervisor_b", "manager", "administrator"])
def test_intake_is_for_the_units_supervisor_only(world, who):
    resp = login_as(HttpClient(), world.users[who]).get(
        reverse("matching:intake", args=[world.unit_a.pk]))
    assert resp.status_code in (403, 404)


def test_supervisor_home_lists_units_with_waiting_clients(world, waiting):
    resp = _sup(world).get(reverse("matching:home"))
    assert resp.status_code == 200
    assert [(u.pk, n) for u, n in resp.context["overview"].units] == [(world.unit_a.pk, 3)]
    assert login_as(HttpClient(), world.keyworker).get(
        reverse("matching:home")).status_code == 404


# --- profiles, skills, weights ---------------------------------------------------------------


def test_keyworker_keeps_their_own_profile(world):
    http = login_as(HttpClient(), world.keyworker)
    services.skills_ensure_core(organisation_id=world.org.pk)
    mi = Skill.objects.get(organisation=world.org, code="motivational_interviewing")
    resp = http.post(reverse("matching:profile"),
                     {"languages": "swedish, Finnish", "gender": "non-binary",
                      "experience_years": "4", "skills": [mi.pk]})
    assert resp.status_code == 302
    profile = StaffProfile.objects.get(membership=world.memberships["keyworker"])
    assert profile.languages == "finnish, swedish"
    assert list(profile.skills.all()) == [mi]


def test_profile_refuses_impossible_years_with_a_message(world):
    http = login_as(HttpClient(), world.keyworker)
    resp = http.post(reverse("matching:profile"), {"experience_years": "400"})
    assert resp.status_code == 200
    assert resp.context["form"].errors["experience_years"]


def test_administrator_edits_profiles_adds_skills_and_sets_weights(world):
    http = login_as(HttpClient(), world.administrator)
    assert http.get(reverse("matching:profiles")).status_code == 200
    resp = http.post(reverse("matching:skills"), {"name": "Cognitive behavioural therapy"})
    assert resp.status_code == 302
    cbt = Skill.objects.get(organisation=world.org, code="cognitive_behavioural_therapy")
    m = world.memberships["colleague"]
    resp = http.post(reverse("matching:profile_edit", args=[m.pk]),
                     {"languages": "Swedish", "experience_years": "6", "skills": [cbt.pk]})
    assert resp.status_code == 302
    assert list(StaffProfile.objects.get(membership=m).skills.all()) == [cbt]
    values = {"capacity": "1", "language": "5", "preference": "2", "skills": "2",
              "experience": "1", "continuity": "2", "demanding_factor": "3"}
    assert http.post(reverse("matching:weights"), values).status_code == 302
    assert selectors.weights_for(world.org.pk).language == 5.0
    assert selectors.weights_for(world.other_org.pk).language == 3.0  # the other's own


def test_a_skill_change_that_names_no_skill_of_ours_is_not_found(world):
    http = login_as(HttpClient(), world.administrator)
    services.skills_ensure_core(organisation_id=world.other_org.pk)
    theirs = Skill.objects.filter(organisation=world.other_org).first()
    for bad in ("not a number", "", str(theirs.pk)):
        resp = http.post(reverse("matching:skills"), {"skill": bad, "is_active": "on"})
        assert resp.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_core


def test_weights_that_weigh_nothing_are_refused(world):
    http = login_as(HttpClient(), world.administrator)
    zero = dict.fromkeys(("capacity", "language", "preference", "skills", "experience",
                          "continuity"), "0")
    resp = http.post(reverse("matching:weights"), {**zero, "demanding_factor": "1"})
    assert resp.status_code == 200
    assert resp.context["form"].non_field_errors()
    assert not MatchingWeights.objects.exists()


def test_administrator_cannot_edit_another_organisations_profile(world):
    http = login_as(HttpClient(), world.administrator)
    other = world.memberships["outsider"]
    assert http.get(reverse("matching:profile_edit", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("name", ["matching:profiles", "matching:skills", "matching:weights"])
@pytest.mark.parametrize("who", ["keyworker", "supervisor", "manager"])
def test_organisation_pages_are_for_the_administrator(world, name, who):
    resp = login_as(HttpClient(), world.users[who]).get(reverse(name))
    assert resp.status_code == 403


def test_pages_audit_the_reads_of_client_records(world, waiting):
    episode = waiting["arabic"].episodes.get()
    before = AuditEvent.objects.filter(client_id=waiting["arabic"].pk, action="view").count()
    _sup(world).get(reverse("matching:rank", args=[episode.pk]))
    after = AuditEvent.objects.filter(client_id=waiting["arabic"].pk, action="view").count()
    assert after > before

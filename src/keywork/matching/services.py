"""Writes for matching: profiles, preferences, weights, conflicts of interest, allocation
from the ranked list or the intake group, and the client's request for a change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.clients.models import Client, Episode
from keywork.core.errors import ApplicationError
from keywork.domain import matching as dm
from keywork.matching.models import (
    CORE_SKILLS,
    ChangeRequest,
    ClientPreference,
    ConflictDeclaration,
    ConflictKind,
    MatchingWeights,
    Skill,
    StaffProfile,
)
from keywork.matching.selectors import (
    pairing_exclusion,
    waiting_episodes,
    workers_for_unit,
)
from keywork.organisations.models import Membership, Role, Unit
from keywork.organisations.selectors import unit_ids
from keywork.relationships import services as rel_services
from keywork.relationships.models import Relationship, StartReason, Status
from keywork.signals.services import alert_raise

MAX_YEARS = 60


def _audit(membership: Membership, action: str, obj: object, detail: str,
           client_id: int | None = None) -> None:
    audit_record(actor=membership.user, action=action, role=membership.role,
                 organisation_id=membership.organisation_id, client_id=client_id, obj=obj,
                 detail=detail)


def _require(membership: Membership, *roles: str) -> None:
    if membership.role not in roles:
        raise ApplicationError(_("You cannot do this in your role."))


# --- skills, profiles, weights ------------------------------------------------------------------


@transaction.atomic
def skills_ensure_core(*, organisation_id: int) -> None:
    """The skills every organisation starts with (idempotent)."""
    have = set(Skill.objects.filter(organisation_id=organisation_id)
               .values_list("code", flat=True))
    Skill.objects.bulk_create([
        Skill(organisation_id=organisation_id, code=code, name=str(name), is_core=True)
        for code, name in CORE_SKILLS if code not in have])


@transaction.atomic
def skill_add(*, membership: Membership, name: str, is_core: bool = False) -> Skill:
    _require(membership, Role.ADMINISTRATOR)
    name = name.strip()
    code = slugify(name).replace("-", "_")[:40]
    if not name or not code:
        raise ApplicationError(_("Give the skill a name."), field="name")
    if Skill.objects.filter(organisation_id=membership.organisation_id, code=code).exists():
        raise ApplicationError(_("That skill is already on the list."), field="name")
    skill = Skill.objects.create(organisation_id=membership.organisation_id, code=code,
                                 name=name[:120], is_core=is_core)
    _audit(membership, "create", skill, "skill added")
    return skill


@transaction.atomic
def skill_update(*, membership: Membership, skill: Skill, is_core: bool, is_active: bool
                 ) -> Skill:
    _require(membership, Role.ADMINISTRATOR)
    if skill.organisation_id != membership.organisation_id:
        raise ApplicationError(_("No such skill."))
    skill.is_core, skill.is_active = is_core, is_active
    skill.save()
    _audit(membership, "update", skill, "skill changed")
    return skill


@transaction.atomic
def profile_save(*, membership: Membership, of: Membership, languages: str, gender: str,
                 skills: Iterable[Skill], experience_years: int) -> StaffProfile:
    """An administrator keeps anyone's profile; keyworkers and supervisors keep their own."""
    if of.organisation_id != membership.organisation_id or not (
            membership.role == Role.ADMINISTRATOR or of.pk == membership.pk):
        raise ApplicationError(_("You can change only your own profile."))
    if of.role not in (Role.KEYWORKER, Role.SUPERVISOR):
        raise ApplicationError(_("Profiles are for keyworkers and supervisors."))
    if not 0 <= experience_years <= MAX_YEARS:
        raise ApplicationError(_("Give the years as a whole number from 0 to 60."),
                               field="experience_years")
    chosen = [s for s in skills if s.organisation_id == membership.organisation_id]
    profile, _created = StaffProfile.objects.get_or_create(
        membership=of, defaults={"organisation_id": of.organisation_id})
    profile.languages = ", ".join(sorted(dm.split_words(languages)))[:300]
    profile.gender = gender.strip()[:60]
    profile.experience_years = experience_years
    profile.save()
    profile.skills.set(chosen)
    _audit(membership, "update", profile, "staff profile saved")
    return profile


WEIGHT_FIELDS = ("capacity", "language", "preference", "skills", "experience", "continuity",
                 "demanding_factor")


@transaction.atomic
def weights_save(*, membership: Membership, values: Mapping[str, float]) -> MatchingWeights:
    _require(membership, Role.ADMINISTRATOR)
    data = {k: float(values[k]) for k in WEIGHT_FIELDS}
    try:
        dm.Weights(**data).vector()
    except dm.DomainError as exc:
        raise ApplicationError(_("Weights must be zero or more, at least one above zero, and "
                                 "the factor at least 1.")) from exc
    row, _created = MatchingWeights.objects.update_or_create(
        organisation_id=membership.organisation_id, defaults=data)
    _audit(membership, "update", row, "matching weights saved")
    return row


# --- the client's preferences and conflicts of interest -------------------------------------------


@transaction.atomic
def preference_save(*, membership: Membership, client: Client, worker_gender: str,
                    languages: str, skills: Iterable[Skill], note: str) -> ClientPreference:
    """Called after the client's write accessor was passed."""
    _require(membership, Role.KEYWORKER, Role.SUPERVISOR)
    pref, _created = ClientPreference.objects.get_or_create(
        client=client, defaults={"organisation_id": client.organisation_id})
    pref.worker_gender = worker_gender.strip()[:60]
    pref.languages = ", ".join(sorted(dm.split_words(languages)))[:300]
    pref.note = note.strip()
    pref.save()
    pref.skills.set([s for s in skills if s.organisation_id == client.organisation_id])
    _audit(membership, "update", pref, "client's matching preferences saved",
           client_id=client.pk)
    return pref


@transaction.atomic
def conflict_declare(*, membership: Membership, client: Client, worker_id: int, kind: str,
                     note: str = "") -> ConflictDeclaration:
    """A keyworker declares their own connection; a supervisor of the unit may record one
    for any worker. The pairing is excluded from every ranking and allocation."""
    _require(membership, Role.KEYWORKER, Role.SUPERVISOR)
    if membership.role == Role.KEYWORKER and worker_id != membership.user_id:
        raise ApplicationError(_("You can declare only your own connection."), field="worker")
    if not Membership.objects.filter(organisation_id=client.organisation_id, user_id=worker_id,
                                     role__in=(Role.KEYWORKER, Role.SUPERVISOR)).exists():
        raise ApplicationError(_("That person is not a keyworker in this organisation."),
                               field="worker")
    if kind not in ConflictKind.values:
        raise ApplicationError(_("Choose what the connection is."), field="kind")
    if ConflictDeclaration.objects.filter(client=client, worker_id=worker_id).exists():
        raise ApplicationError(_("This connection is already declared."))
    row = ConflictDeclaration.objects.create(
        organisation_id=client.organisation_id, client=client, worker_id=worker_id, kind=kind,
        note=note.strip(), declared_by=membership.user, declared_on=timezone.localdate())
    _audit(membership, "create", row, f"conflict of interest declared ({kind})",
           client_id=client.pk)
    rel = Relationship.objects.filter(client=client, keyworker_id=worker_id,
                                      status__in=(Status.PROPOSED, Status.ACTIVE)).first()
    if rel is not None:
        alert_raise(relationship=rel, code="matching_conflict_declared", source="matching",
                    params={"kind": kind}, evidence="matching_declaration",
                    next_step="matching_reallocate")
    return row


# --- allocation -------------------------------------------------------------------------------


@transaction.atomic
def allocate(*, membership: Membership, episode: Episode, keyworker_id: int,
             start_reason: str = StartReason.FIRST_ALLOCATION, note: str = "") -> Relationship:
    """Propose a keyworker chosen from the ranking, never one the pairing excludes."""
    if pairing_exclusion(episode=episode, worker_id=keyworker_id):
        raise ApplicationError(_("This worker is excluded for this client (a conflict of "
                                 "interest, or the client asked to change from them)."),
                               field="keyworker")
    return rel_services.relationship_propose(
        membership=membership, episode=episode, keyworker_id=keyworker_id,
        start_reason=start_reason, start_note=note)


@transaction.atomic
def intake_accept(*, membership: Membership, unit: Unit, choices: Mapping[int, int | None]
                  ) -> list[Relationship]:
    """Accept the intake group's allocation as the supervisor left it: episode → worker
    (None: the client keeps waiting). Checked as a whole: no worker over their free
    places, no excluded pair."""
    _require(membership, Role.SUPERVISOR)
    if unit.pk not in unit_ids(membership):
        raise ApplicationError(_("This unit is not yours."))
    episodes = {e.pk: e for e in waiting_episodes(unit)}
    workers = workers_for_unit(unit)
    index = {w.user_id: j for j, w in enumerate(workers)}
    picked = [(episodes[e], w) for e, w in choices.items() if w is not None and e in episodes]
    unknown = [w for _e, w in picked if w not in index]
    if unknown:
        raise ApplicationError(_("Choose keyworkers of this unit."))
    full = [workers[j].name for j in dm.over_capacity(
        np.array([index[w] for _e, w in picked], dtype=np.int64),
        np.array([w.free for w in workers], dtype=np.int64))]
    if full:
        raise ApplicationError(
            _("More clients than free places for: %(names)s. Change the choices.")
            % {"names": ", ".join(full)})
    created = []
    for episode, worker_id in picked:
        created.append(allocate(membership=membership, episode=episode,
                                keyworker_id=int(worker_id)))
    return created


# --- the client's request for another keyworker -----------------------------------------------


@transaction.atomic
def change_request_submit(*, relationship: Relationship, reason: str, reason_private: bool
                          ) -> ChangeRequest:
    """From the client's own page. No score, alert or note follows from it."""
    if relationship.status not in (Status.PROPOSED, Status.ACTIVE):
        raise ApplicationError(_("This keyworker relationship is already ending."))
    if ChangeRequest.objects.filter(relationship=relationship,
                                    status=ChangeRequest.Status.PENDING).exists():
        raise ApplicationError(_("You have already asked. The supervisor will decide."))
    row = ChangeRequest.objects.create(
        organisation_id=relationship.organisation_id, relationship=relationship,
        client_id=relationship.client_id, reason=reason.strip()[:4000],
        reason_private=reason_private, asked_at=timezone.now())
    audit_record(actor=None, action="create", organisation_id=relationship.organisation_id,
                 client_id=relationship.client_id, obj=row,
                 detail="the client asked for another keyworker, through their link")
    return row


@transaction.atomic
def change_request_withdraw(*, request: ChangeRequest) -> ChangeRequest:
    if request.status != ChangeRequest.Status.PENDING:
        raise ApplicationError(_("The supervisor has already decided."))
    request.status = ChangeRequest.Status.WITHDRAWN
    request.save()
    audit_record(actor=None, action="update", organisation_id=request.organisation_id,
                 client_id=request.client_id, obj=request,
                 detail="the client withdrew the request, through their link")
    return request


@transaction.atomic
def change_request_decide(*, membership: Membership, request: ChangeRequest, approve: bool,
                          new_keyworker_id: int | None = None, note: str = "",
                          joint_meeting_on: dt.date | None = None,
                          joint_meeting_with: str = "") -> ChangeRequest:
    """The supervisor decides. Approving ends the relationship with the coded reason
    "the client asked for a change" and proposes the new keyworker with the same start
    reason; the client's reason is written nowhere else."""
    _require(membership, Role.SUPERVISOR)
    if request.relationship.episode.unit_id not in unit_ids(membership):
        raise ApplicationError(_("This client is not in your units."))
    if request.status != ChangeRequest.Status.PENDING:
        raise ApplicationError(_("This request has already been decided."))
    now = timezone.now()
    if approve:
        rel = request.relationship
        if new_keyworker_id is None:
            raise ApplicationError(_("Choose the new keyworker."), field="new_keyworker")
        if new_keyworker_id in (rel.keyworker_id,):
            raise ApplicationError(_("Choose someone other than the current keyworker."),
                                   field="new_keyworker")
        if rel.status in (Status.PROPOSED, Status.ACTIVE):
            rel_services.relationship_start_ending(
                membership=membership, relationship=rel,
                end_reason="client_asked_for_change")
        elif rel.status == Status.CLOSED:
            raise ApplicationError(_("This relationship has closed."))
        new = allocate(membership=membership, episode=rel.episode,
                       keyworker_id=new_keyworker_id,
                       start_reason=StartReason.CLIENT_ASKED_FOR_CHANGE)
        request.new_relationship = new
        request.status = ChangeRequest.Status.APPROVED
        request.joint_meeting_on = joint_meeting_on
        request.joint_meeting_with = joint_meeting_with.strip()[:300]
    else:
        if not note.strip():
            raise ApplicationError(_("Write why the keyworker stays the same; the client "
                                     "will be told by you in person."), field="note")
        request.status = ChangeRequest.Status.DECLINED
    request.decision_note = note.strip()
    request.decided_at = now
    request.decided_by = membership.user
    request.save()
    _audit(membership, "update", request,
           "change of keyworker approved" if approve else "change of keyworker declined",
           client_id=request.client_id)
    return request


@transaction.atomic
def handover_record(*, membership: Membership, request: ChangeRequest, handover_note: str,
                    joint_meeting_on: dt.date | None, joint_meeting_with: str
                    ) -> ChangeRequest:
    """The outgoing keyworker's handover note and the joint meeting (the supervisor may
    also record them). Called after the request's write accessor was passed."""
    if request.status != ChangeRequest.Status.APPROVED:
        raise ApplicationError(_("The handover follows an approved change."))
    if not handover_note.strip():
        raise ApplicationError(_("Write the handover note for the new keyworker."),
                               field="handover_note")
    if joint_meeting_on is not None and joint_meeting_on < request.asked_at.date() - \
            dt.timedelta(days=1):
        raise ApplicationError(_("The joint meeting cannot be before the request."),
                               field="joint_meeting_on")
    request.handover_note = handover_note.strip()
    request.handover_by = membership.user
    request.joint_meeting_on = joint_meeting_on
    request.joint_meeting_with = joint_meeting_with.strip()[:300]
    request.save()
    _audit(membership, "update", request, "handover recorded", client_id=request.client_id)
    return request

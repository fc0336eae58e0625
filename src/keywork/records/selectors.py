"""The client's record as a whole: who has opened it, and the subject-access copy of
everything held about the client. Both read through each app's models after the client
accessor (a supervisor of the client's unit: ``clients.selectors.get_client_for_supervisor``)
has been passed; the copy is audited as an export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.audit.selectors import client_access_log
from keywork.audit.services import audit_record
from keywork.checkins.models import CheckinResponse, PrivateComment
from keywork.clients.models import Client, Episode
from keywork.contacts.models import Addendum, Contact
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Relationship
from keywork.signals.models import Alert
from keywork.signals.text import alert_title


def access_log(client: Client) -> QuerySet[AuditEvent]:
    """Every audit row about this client, newest first: reads, writes, exports, and
    refused attempts to open the record from within the organisation."""
    return client_access_log(organisation_id=client.organisation_id, client_id=client.pk)


def staff_names(actor_ids: set[int | None]) -> dict[int, str]:
    """Full names of the staff behind audit rows, in one query."""
    ids = {i for i in actor_ids if i is not None}
    return {
        u.pk: (u.get_full_name() or u.get_username())
        for u in get_user_model().objects.filter(pk__in=ids).only("pk", "username", "first_name",
                                                       "last_name")
    }


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def action_label(action: str) -> str:
    return str(AuditEvent.Action(action).label) if action in AuditEvent.Action.values else action


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _client_part(client: Client) -> dict[str, Any]:
    return {
        "reference": client.pseudonym,
        "given_name": client.given_name,
        "family_name": client.family_name,
        "date_of_birth": client.date_of_birth,
        "preferred_language": client.preferred_language,
        "address": client.address,
        "protected_identity": client.protected_identity,
        "in_my_own_words": client.own_words,
        "recorded_on": client.created_at,
    }


def _episode_part(e: Episode) -> dict[str, Any]:
    return {
        "unit": e.unit.name,
        "legal_basis": e.legal_basis.name,
        "start": e.start_date,
        "planned_end": e.planned_end_date,
        "end": e.end_date,
        "outcome": e.get_outcome_display() if e.outcome else "",
        "about_the_outcome": e.outcome_note,
        "consent": e.get_consent_display(),
        "consent_recorded_on": e.consent_date,
        "what_i_agreed_to": e.consent_note,
    }


def _relationship_part(r: Relationship) -> dict[str, Any]:
    intro = getattr(r, "introduction", None)
    return {
        "episode_start": r.episode.start_date,
        "keyworker": _name(r.keyworker),
        "deputy": _name(r.deputy),
        "status": r.get_status_display(),
        "why_it_started": r.get_start_reason_display(),
        "about_the_start": r.start_note,
        "proposed_on": r.proposed_on,
        "active_from": r.started_on,
        "ending_from": r.ending_from,
        "closed_at": r.closed_at,
        "why_it_ended": r.get_end_reason_display() if r.end_reason else "",
        "about_the_ending": r.end_note,
        "started_without_introduction_because": r.introduction_waiver,
        "introduction": None if intro is None else {
            "held_on": intro.held_on,
            "role_explained": intro.explained_role,
            "purpose_explained": intro.explained_purpose,
            "powers_explained": intro.explained_powers,
            "confidentiality_explained": intro.explained_confidentiality,
            "limits_of_confidentiality_as_explained": intro.confidentiality_limits_shown,
            "what_i_understood": intro.client_understanding,
            "recorded_by": _name(intro.recorded_by),
        },
    }


def _contact_part(c: Contact) -> dict[str, Any]:
    return {
        "when": c.occurred_at,
        "minutes": c.duration_minutes,
        "kind": c.get_kind_display(),
        "started_by": c.get_initiated_by_display(),
        "attended": c.attended,
        "channel": c.get_channel_display(),
        "worker": _name(c.worker),
        "note": c.note,
        "signed_at": c.signed_at,
        "addenda": [
            {"added_at": a.created_at, "by": _name(a.author), "text": a.text}
            for a in c.addenda.all()
        ],
    }


def _checkin_part(r: CheckinResponse) -> dict[str, Any]:
    return {
        "when": r.submitted_at,
        "given_by": r.get_rater_display(),
        "form": r.instrument_version.title("en"),
        "overall_0_to_100": r.overall,
        "answers": r.answers,
        "what_helped": r.helped,
        "what_could_be_better": r.could_be_better,
        "shared_with_the_keyworker": r.get_visibility_display() if r.visibility else "",
    }


def _alert_part(a: Alert) -> dict[str, Any]:
    return {"raised_at": a.raised_at, "alert": str(alert_title(a.code)),
            "status": a.get_status_display(), "resolved_at": a.resolved_at, "note": a.note}


def subject_access_export(*, membership: Membership, client: Client) -> dict[str, Any]:
    """Everything held about the client, and who has accessed the record. Audited as an
    export before the log is read, so the export itself is in the list."""
    audit_record(actor=membership.user, action=AuditEvent.Action.EXPORT, role=membership.role,
                 organisation_id=client.organisation_id, client_id=client.pk, obj=client,
                 detail="subject access export")
    episodes = Episode.objects.filter(client=client).select_related("unit", "legal_basis")
    relationships = (
        Relationship.objects.filter(client=client)
        .select_related("episode", "keyworker", "deputy", "introduction",
                        "introduction__recorded_by")
        .order_by("proposed_on", "id")
    )
    contacts = (
        Contact.objects.filter(client=client)
        .select_related("worker")
        .prefetch_related(Prefetch("addenda", queryset=Addendum.objects.select_related(
            "author")))
        .order_by("occurred_at", "id")
    )
    checkins = (CheckinResponse.objects.filter(client=client)
                .select_related("instrument_version__instrument").order_by("submitted_at", "id"))
    alerts = Alert.objects.filter(client=client).order_by("raised_at", "id")
    comments = PrivateComment.objects.filter(client=client).order_by("created_at", "id")
    rows = list(access_log(client).order_by("occurred_at", "id"))
    names = staff_names({r.actor_id for r in rows})
    accessed = [
        {
            "when": r.occurred_at,
            "who": names.get(r.actor_id or 0, r.actor_name),
            "role": role_label(r.actor_role),
            "what": action_label(r.action),
            "record": r.object_type,
        }
        for r in rows
    ]
    return {
        "exported_at": timezone.now(),
        "organisation": membership.organisation.name,
        "client": _client_part(client),
        "episodes": [_episode_part(e) for e in episodes],
        "keyworker_relationships": [_relationship_part(r) for r in relationships],
        "contacts": [_contact_part(c) for c in contacts],
        "checkins": [_checkin_part(r) for r in checkins],
        "alerts": [_alert_part(a) for a in alerts],
        "my_private_comments_to_the_supervisor": [
            {"sent_at": c.created_at, "text": c.text, "read_at": c.read_at} for c in comments],
        "who_accessed_my_record": accessed,
    }

"""Writes of safeguarding records: each in one transaction, each audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keywork.audit.services import audit_record
from keywork.clients.models import Client
from keywork.core.errors import ApplicationError
from keywork.domain.safeguarding import Decision, decision_problems
from keywork.organisations.models import Membership, Organisation, Role
from keywork.relationships.models import OPEN_STATUSES, Relationship
from keywork.relationships.selectors import current_relationship
from keywork.safeguarding import hooks
from keywork.safeguarding.models import (
    DECISION_HOURS_RANGE,
    URGENT_HOURS_RANGE,
    Category,
    Concern,
    ConcernStatus,
    Enquiry,
    EnquiryOutcome,
    HouseholdMember,
    Jurisdiction,
    LivesWith,
    MemberKind,
    Responsibility,
    Risk,
    SafeguardingPolicy,
    SafetyPlan,
    Topic,
)
from keywork.safeguarding.selectors import open_episode, overdue_enquiries, policy_for
from keywork.signals.models import Alert
from keywork.signals.services import alert_raise, alert_resolve

SOURCE = "safeguarding"
ALERT_CODES = {Topic.CHILDREN: "enquiry_overdue_children",
               Topic.PARTNER_VIOLENCE: "enquiry_overdue_violence"}
MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_TYPES = {  # extension → (content type, the bytes every such file starts with)
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}


def _audit(membership: Membership, action: str, obj: Any, client_id: int, detail: str = ""
           ) -> None:
    audit_record(actor=membership.user, action=action, role=membership.role,
                 organisation_id=membership.organisation_id, client_id=client_id, obj=obj,
                 detail=detail)


def _same_org(membership: Membership, client: Client) -> None:
    if client.organisation_id != membership.organisation_id:
        raise ApplicationError(_("This record is not open to you."), code="not_found")


def _current_relationship(client: Client, user_id: int | None = None) -> Relationship | None:
    rels = Relationship.objects.filter(client=client, organisation_id=client.organisation_id,
                                       status__in=OPEN_STATUSES)
    return current_relationship(rels, user_id)


# --- Settings ----------------------------------------------------------------------------


@transaction.atomic
def policy_update(*, membership: Membership, first_enquiry_days: int,
                  enquiry_interval_days: int, jurisdiction: str | None = None,
                  instructions: str | None = None, urgent_decision_hours: int | None = None,
                  decision_hours: int | None = None) -> SafeguardingPolicy:
    """The organisation's safeguarding settings; a value not given stays as it is."""
    if membership.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only an administrator changes these settings."))
    if not 0 <= first_enquiry_days <= 365:
        raise ApplicationError(_("Give a number of days from 0 to 365."),
                               field="first_enquiry_days")
    if not 7 <= enquiry_interval_days <= 730:
        raise ApplicationError(_("Give a number of days from 7 to 730."),
                               field="enquiry_interval_days")
    current = policy_for(membership.organisation_id)
    jurisdiction = current.jurisdiction if jurisdiction is None else jurisdiction
    if jurisdiction not in Jurisdiction.values:
        raise ApplicationError(_("Choose a jurisdiction."), field="jurisdiction")
    instructions = current.instructions if instructions is None else instructions.strip()
    if len(instructions) > 2000:
        raise ApplicationError(_("Keep it to %(limit)s characters.") % {"limit": 2000},
                               field="instructions")
    if jurisdiction == Jurisdiction.OTHER and not instructions:
        raise ApplicationError(_("Write what a keyworker does after recording a concern: "
                                 "without a jurisdiction, these are the only instructions "
                                 "they see."), field="instructions")
    urgent = current.urgent_decision_hours if urgent_decision_hours is None \
        else urgent_decision_hours
    other = current.decision_hours if decision_hours is None else decision_hours
    low, high = URGENT_HOURS_RANGE
    if not low <= urgent <= high:
        raise ApplicationError(_("Give a number of hours from %(low)s to %(high)s.")
                               % {"low": low, "high": high}, field="urgent_decision_hours")
    low, high = DECISION_HOURS_RANGE
    if not low <= other <= high:
        raise ApplicationError(_("Give a number of hours from %(low)s to %(high)s.")
                               % {"low": low, "high": high}, field="decision_hours")
    if urgent > other:
        raise ApplicationError(_("An urgent concern cannot be given longer than any other "
                                 "concern."), field="urgent_decision_hours")
    policy, _created = SafeguardingPolicy.objects.update_or_create(
        organisation_id=membership.organisation_id,
        defaults={"first_enquiry_days": first_enquiry_days,
                  "enquiry_interval_days": enquiry_interval_days,
                  "jurisdiction": jurisdiction, "instructions": instructions,
                  "urgent_decision_hours": urgent, "decision_hours": other})
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=membership.organisation_id, obj=policy,
                 detail=f"enquiries: first {first_enquiry_days} d, every "
                        f"{enquiry_interval_days} d; {jurisdiction}; decisions within "
                        f"{urgent} h (urgent), {other} h")
    return policy


# --- Household ---------------------------------------------------------------------------

MEMBER_FIELDS = ("kind", "name", "birth_year", "relation", "lives_with",
                 "parental_responsibility", "agencies", "note", "left_on")


def _validate_member(fields: dict[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    if clean.get("kind") not in MemberKind.values:
        raise ApplicationError(_("Choose child or adult."), field="kind")
    clean["name"] = str(clean.get("name") or "").strip()
    if not clean["name"]:
        raise ApplicationError(_("Give a first name or initials."), field="name")
    year = clean.get("birth_year")
    this_year = timezone.localdate().year
    if year is not None and not this_year - 120 <= int(year) <= this_year:
        raise ApplicationError(_("Give a year of birth that has already come."),
                               field="birth_year")
    if clean.get("lives_with") not in LivesWith.values:
        raise ApplicationError(_("Say whether they live with the client."), field="lives_with")
    responsibility = clean.get("parental_responsibility") or ""
    if clean["kind"] == MemberKind.CHILD:
        if year is None:
            raise ApplicationError(_("Give the child's age or year of birth."),
                                   field="birth_year")
        if responsibility not in Responsibility.values:
            raise ApplicationError(_("Say whether the client has parental responsibility."),
                                   field="parental_responsibility")
    else:
        responsibility = ""
    clean["parental_responsibility"] = responsibility
    left_on = clean.get("left_on")
    if isinstance(left_on, dt.date) and left_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="left_on")
    for key in ("relation", "agencies", "note"):
        clean[key] = str(clean.get(key) or "").strip()
    return {k: clean.get(k) for k in MEMBER_FIELDS}


@transaction.atomic
def household_member_add(*, membership: Membership, client: Client, **fields: Any
                         ) -> HouseholdMember:
    _same_org(membership, client)
    member = HouseholdMember.objects.create(
        organisation_id=client.organisation_id, client=client, created_by=membership.user,
        **_validate_member(fields))
    _audit(membership, "create", member, client.pk, f"household member ({member.kind})")
    return member


@transaction.atomic
def household_member_update(*, membership: Membership, member: HouseholdMember,
                            **fields: Any) -> HouseholdMember:
    _same_org(membership, member.client)
    clean = _validate_member({**{k: getattr(member, k) for k in MEMBER_FIELDS}, **fields})
    changed = [k for k in MEMBER_FIELDS if clean[k] != getattr(member, k)]
    for key in changed:
        setattr(member, key, clean[key])
    if changed:
        member.save()
        _audit(membership, "update", member, member.client_id,
               "changed: " + ", ".join(changed))
    return member


# --- Routine enquiries ---------------------------------------------------------------------


@transaction.atomic
def enquiry_record(*, membership: Membership, client: Client, topic: str, asked_on: dt.date,
                   asked_in_private: bool, outcome: str, note: str = "") -> Enquiry:
    _same_org(membership, client)
    if topic not in Topic.values:
        raise ApplicationError(_("Choose what was asked about."), field="topic")
    if not asked_in_private:
        raise ApplicationError(
            _("Ask only when you and the client are alone, where nobody can overhear. If "
              "that was not possible, leave the enquiry open and ask another time."),
            field="asked_in_private")
    if outcome not in EnquiryOutcome.values:
        raise ApplicationError(_("Choose what came of it."), field="outcome")
    if asked_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="asked_on")
    episode = open_episode(client)
    if episode is None:
        raise ApplicationError(_("The client has no open episode of care."))
    if asked_on < episode.start_date:
        raise ApplicationError(_("The date is before the start of the episode."),
                               field="asked_on")
    enquiry = Enquiry.objects.create(
        organisation_id=client.organisation_id, client=client, episode=episode, topic=topic,
        asked_on=asked_on, asked_in_private=True, outcome=outcome, note=note.strip(),
        asked_by=membership.user)
    _audit(membership, "create", enquiry, client.pk, f"routine enquiry: {topic}, {outcome}")
    _resolve_overdue_alert(membership, client, topic, asked_on)
    return enquiry


def _resolve_overdue_alert(membership: Membership, client: Client, topic: str,
                           asked_on: dt.date) -> None:
    alerts = Alert.objects.filter(organisation_id=client.organisation_id, client=client,
                                  code=ALERT_CODES[Topic(topic)], source=SOURCE).exclude(
        status=Alert.Status.RESOLVED)
    for alert in alerts:
        alert_resolve(membership=membership, alert=alert,
                      note=_("The enquiry was made on %(day)s.") % {"day": asked_on.isoformat()})


def enquiries_check(*, organisation_id: int | None = None, today: dt.date | None = None,
                    client_ids: list[int] | None = None) -> int:
    """Raise an alert on the carrying relationship for every overdue routine enquiry.
    Idempotent: an alert that is still unresolved is not raised again. Returns how many
    alerts were raised."""
    today = today or timezone.localdate()
    org_ids = ([organisation_id] if organisation_id is not None
               else list(Organisation.objects.values_list("pk", flat=True)))
    raised = 0
    for org_id in org_ids:
        for item in overdue_enquiries(organisation_id=org_id, today=today,
                                      client_ids=client_ids):
            if item.relationship is None:
                continue
            alert = alert_raise(
                relationship=item.relationship, code=ALERT_CODES[Topic(item.due.topic)],
                source=SOURCE, params={"due": item.due.due.isoformat(),
                                       "days": item.due.overdue_days},
                evidence="ask_even_when_uncomfortable", next_step="ask_in_private")
            raised += alert is not None
    return raised


# --- Concerns ------------------------------------------------------------------------------


@transaction.atomic
def concern_raise(*, membership: Membership, client: Client, category: str,
                  description: str, risk_level: str) -> Concern:
    _same_org(membership, client)
    if category not in Category.values:
        raise ApplicationError(_("Choose a category."), field="category")
    if risk_level not in Risk.values:
        raise ApplicationError(_("Choose the risk level."), field="risk_level")
    if not description.strip():
        raise ApplicationError(_("Describe what happened or what was said."),
                               field="description")
    concern = Concern.objects.create(
        organisation_id=client.organisation_id, client=client,
        relationship=_current_relationship(client, membership.user_id), category=category,
        description=description.strip(), risk_level=risk_level, raised_by=membership.user)
    _audit(membership, "create", concern, client.pk, f"concern raised: {category}, {risk_level}")
    for tell in hooks.concern_raised:
        tell(concern)
    return concern


def concerns_past_limit(*, now: dt.datetime | None = None,
                        organisation_id: int | None = None) -> list[Concern]:
    """Open concerns with no decision whose time limit has passed and that have not yet
    escalated, over every organisation (or one)."""
    now = now or timezone.now()
    qs = Concern.objects.filter(status=ConcernStatus.OPEN, decided_at__isnull=True,
                                escalated_at__isnull=True)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    concerns = list(qs.select_related("client", "raised_by").order_by("created_at", "id"))
    policies = {o: policy_for(o) for o in {c.organisation_id for c in concerns}}
    return [c for c in concerns if c.decision_due(policies[c.organisation_id]) <= now]


def concern_escalate(*, concern_id: int, now: dt.datetime | None = None) -> Concern | None:
    """Mark one concern escalated, once: in its own transaction with the row locked, so two
    runs at the same moment escalate it once. Returns None if it was decided, closed or
    escalated meanwhile. Audited as the command's work (its source)."""
    now = now or timezone.now()
    with transaction.atomic():
        concern = (Concern.objects.select_for_update()
                   .filter(pk=concern_id, status=ConcernStatus.OPEN, decided_at__isnull=True,
                           escalated_at__isnull=True).first())
        if concern is None:
            return None
        concern.escalated_at = now
        concern.save(update_fields=["escalated_at", "updated_at"])
        audit_record(actor=None, action="update", organisation_id=concern.organisation_id,
                     client_id=concern.client_id, obj=concern,
                     detail="concern escalated: no decision within the time limit")
        for tell in hooks.concern_escalated:
            tell(concern)
    return concern


DECISION_MESSAGES = {
    ("notify_authority", "missing"): gettext_lazy("Decide whether an authority is notified."),
    ("authority", "missing"): gettext_lazy("Name the authority that is notified."),
    ("notified_on", "missing"): gettext_lazy("Give the date the authority was notified."),
    ("notified_on", "future"): gettext_lazy("The date cannot be in the future."),
    ("reason", "missing"): gettext_lazy("Write why this was decided."),
    ("client_told", "missing"): gettext_lazy("Say whether the client was told."),
    ("client_told_on", "missing"): gettext_lazy("Give the date the client was told."),
    ("client_told_on", "future"): gettext_lazy("The date cannot be in the future."),
    ("client_not_told_reason", "missing"): gettext_lazy("Write why the client was not told."),
}


@transaction.atomic
def concern_decide(*, membership: Membership, concern: Concern, notify_authority: bool | None,
                   authority: str, notified_on: dt.date | None, reason: str,
                   client_told: bool | None, client_told_on: dt.date | None,
                   client_not_told_reason: str) -> Concern:
    """Record (or revise, while the concern is open) the decision. A revised decision is
    reviewed again; every version is kept in the history."""
    _same_org(membership, concern.client)
    if not concern.is_open:
        raise ApplicationError(_("A closed concern cannot be changed."))
    decision = Decision(
        notify_authority=notify_authority, authority=authority.strip(), notified_on=notified_on,
        reason=reason.strip(), client_told=client_told, client_told_on=client_told_on,
        client_not_told_reason=client_not_told_reason.strip())
    problems = decision_problems(decision, today=timezone.localdate())
    if problems:
        field, code = problems[0]
        raise ApplicationError(str(DECISION_MESSAGES[(field, code)]),
                               field="decision_reason" if field == "reason" else field)
    concern.notify_authority = decision.notify_authority
    concern.authority = decision.authority if decision.notify_authority else ""
    concern.notified_on = decision.notified_on if decision.notify_authority else None
    concern.decision_reason = decision.reason
    concern.client_told = decision.client_told
    concern.client_told_on = decision.client_told_on if decision.client_told else None
    concern.client_not_told_reason = ("" if decision.client_told
                                      else decision.client_not_told_reason)
    revised = concern.is_decided
    concern.decided_by, concern.decided_at = membership.user, timezone.now()
    concern.reviewed_by, concern.reviewed_at, concern.review_note = None, None, ""
    concern.save()
    _audit(membership, "update", concern, concern.client_id,
           ("decision revised" if revised else "decision recorded")
           + (": authority notified" if decision.notify_authority else ": no notification"))
    return concern


@transaction.atomic
def concern_review(*, membership: Membership, concern: Concern, note: str) -> Concern:
    _same_org(membership, concern.client)
    if membership.role != Role.SUPERVISOR:
        raise ApplicationError(_("Only a supervisor reviews a decision."))
    if not concern.is_decided:
        raise ApplicationError(_("There is no decision to review yet."))
    if concern.decided_by_id == membership.user_id:
        raise ApplicationError(_("Another supervisor reviews a decision you took yourself."))
    if not note.strip():
        raise ApplicationError(_("Write what you made of the decision."), field="note")
    concern.reviewed_by, concern.reviewed_at = membership.user, timezone.now()
    concern.review_note = note.strip()
    concern.save()
    _audit(membership, "update", concern, concern.client_id, "decision reviewed")
    return concern


NO_DECISION = gettext_lazy(
    "A concern cannot be closed without a decision. Record the decision first: whether an "
    "authority is notified, why, and whether the client was told.")


@transaction.atomic
def concern_close(*, membership: Membership, concern: Concern, note: str = "") -> Concern:
    _same_org(membership, concern.client)
    if not concern.is_open:
        raise ApplicationError(_("This concern is already closed."))
    if not concern.is_decided:
        raise ApplicationError(str(NO_DECISION), code="no_decision")
    concern.status = ConcernStatus.CLOSED
    concern.closed_at, concern.closed_by = timezone.now(), membership.user
    concern.closing_note = note.strip()
    concern.save()
    _audit(membership, "update", concern, concern.client_id, "concern closed")
    return concern


# --- Safety plans --------------------------------------------------------------------------

PLAN_FIELDS = ("warning_signs", "steps", "contacts", "children", "agreed_with_client",
               "review_on")


def files_dir() -> Path:
    return Path(settings.DATA_DIR) / "safeguarding"


def _check_upload(upload: UploadedFile) -> tuple[str, str, bytes]:
    name = Path(upload.name or "").name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in FILE_TYPES:
        raise ApplicationError(_("Attach a PDF, PNG or JPEG file."), field="document")
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise ApplicationError(_("The file is larger than 5 MB."), field="document")
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ApplicationError(_("The file is larger than 5 MB."), field="document")
    content_type, magic = FILE_TYPES[ext]
    if not data.startswith(magic):
        raise ApplicationError(_("The file is not the kind its name says; attach a PDF, "
                                 "PNG or JPEG file."), field="document")
    return name[:200], content_type, data


@transaction.atomic
def safety_plan_save(*, membership: Membership, concern: Concern,
                     document: UploadedFile | None = None, **fields: Any) -> SafetyPlan:
    _same_org(membership, concern.client)
    if not concern.is_open:
        raise ApplicationError(_("A closed concern cannot be changed."))
    review_on = fields.get("review_on")
    if isinstance(review_on, dt.date) and review_on < concern.created_at.date():
        raise ApplicationError(_("The review date is before the concern was raised."),
                               field="review_on")
    values = {k: fields.get(k) for k in PLAN_FIELDS}
    for key in ("warning_signs", "steps", "contacts", "children"):
        values[key] = str(values[key] or "").strip()
    values["agreed_with_client"] = bool(values["agreed_with_client"])
    checked = _check_upload(document) if document is not None else None
    if checked is None and not any(values[k] for k in ("warning_signs", "steps", "contacts",
                                                      "children")):
        existing = SafetyPlan.objects.filter(concern=concern).first()
        if existing is None or not existing.has_file:
            raise ApplicationError(_("Write the plan, or attach it as a document."))
    plan = SafetyPlan.objects.filter(concern=concern).first() or SafetyPlan(
        organisation_id=concern.organisation_id, concern=concern)
    created = plan.pk is None
    for key, value in values.items():
        setattr(plan, key, value)
    plan.updated_by = membership.user
    if checked is not None:
        name, content_type, data = checked
        folder = files_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stored = f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[-1].lower()}"
        (folder / stored).write_bytes(data)
        plan.file_path, plan.file_name, plan.file_type = stored, name, content_type
        plan.file_size, plan.file_sha256 = len(data), hashlib.sha256(data).hexdigest()
    plan.save()
    _audit(membership, "create" if created else "update", plan, concern.client_id,
           "safety plan" + (f" with document {plan.file_sha256[:12]}" if checked else ""))
    return plan


def safety_plan_file(plan: SafetyPlan) -> Path:
    """The stored document of a plan (after the accessor has been passed)."""
    if not plan.has_file or "/" in plan.file_path or "\\" in plan.file_path:
        raise ApplicationError(_("This safety plan has no document."), code="not_found")
    path = files_dir() / plan.file_path
    if not path.is_file():
        raise ApplicationError(_("The document cannot be found."), code="not_found")
    return path

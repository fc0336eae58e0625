"""Writes of check-ins: instruments loaded as data, one-time links for the client,
submissions stored exactly once, the client's sharing choice and private comments.

Callers have passed the relationship accessor (staff) or hold a valid link (the client).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record, together
from keywork.checkins import hooks
from keywork.checkins.models import (
    CheckinLink,
    CheckinPolicy,
    CheckinResponse,
    Instrument,
    InstrumentVersion,
    PrivateComment,
    Rater,
    SharingChoice,
    Visibility,
)
from keywork.checkins.selectors import (
    CLIENT_SHORT,
    current_version,
    domain_instrument,
    may_read_private_comments,
    policy_of,
    sharing_choice,
    sharing_default,
    token_digest,
)
from keywork.core import batch
from keywork.core.errors import ApplicationError
from keywork.domain import DomainError
from keywork.domain.instruments import INSTRUMENTS_DIR, score_responses, shipped_instruments
from keywork.domain.instruments import Instrument as FormDefinition
from keywork.domain.visibility import Level
from keywork.organisations.models import Membership, Organisation, Role
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship

logger = logging.getLogger(__name__)

# A hand-over link lives on a shared tablet: it stays open for this long at most, however
# long the organisation lets links for the client's own phone live.
TABLET_LINK_HOURS = 2
FREE_TEXT_MAX = 2000


# --- instruments ------------------------------------------------------------------------------


def definition_digest(definition: Mapping[str, Any]) -> str:
    """SHA-256 of the definition as canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class FoundDefinition:
    form: FormDefinition
    definition: dict[str, Any]
    digest: str
    path: Path
    shipped: bool


@dataclass(frozen=True)
class SyncResult:
    code: str
    version: int
    outcome: str  # "created", "new version" or "unchanged"
    path: Path


def _definitions(directory: Path, *, shipped: bool) -> list[FoundDefinition]:
    if not directory.is_dir():
        raise ApplicationError(f"{directory} is not a directory of instrument files.")
    try:
        forms = shipped_instruments(directory)
    except DomainError as exc:
        raise ApplicationError(str(exc)) from exc
    found = []
    for code, form in forms.items():
        path = directory / f"{code}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            digest = definition_digest(data)
        except (TypeError, ValueError) as exc:
            raise ApplicationError(f"{path.name}: the definition cannot be stored as JSON "
                                   f"({exc}).") from exc
        found.append(FoundDefinition(form, data, digest, path, shipped))
    return found


def _sync_one(found: FoundDefinition, *, record: bool) -> SyncResult:
    form = found.form
    instrument, _created = Instrument.objects.get_or_create(
        code=form.code, defaults={"rater": form.rater, "is_shipped": found.shipped})
    if instrument.rater != form.rater:
        raise ApplicationError(
            f"Instrument {form.code!r} ({found.path.name}) changes its rater from "
            f"{instrument.rater} to {form.rater}: a form for another rater needs a new code.")
    stored = instrument.versions.filter(version=form.version).first()
    if stored is not None:
        if stored.digest == found.digest:
            return SyncResult(form.code, form.version, "unchanged", found.path)
        raise ApplicationError(
            f"Instrument {form.code!r} ({found.path.name}) changed but its version is still "
            f"{form.version}: raise the version. Responses already given keep the version "
            f"they were given in.")
    earlier = instrument.versions.exists()
    version = InstrumentVersion.objects.create(
        instrument=instrument, version=form.version, definition=found.definition,
        digest=found.digest)
    if record:
        audit_record(actor=None, action="system", obj=version,
                     detail=f"instrument {form.code} v{form.version} loaded from "
                            f"{found.path.name} ({found.digest[:12]})")
    return SyncResult(form.code, form.version, "new version" if earlier else "created",
                      found.path)


@transaction.atomic
def instruments_sync(*, directory: str | Path | None = None, shipped: bool = True,
                     record: bool = True) -> list[SyncResult]:
    """Load the instruments Keywork ships and, if given, a local directory of licensed or
    local instruments (`<code>.yaml` files). All or nothing: one refused file loads none.

    A code and version already stored with the same digest is left alone; with another
    digest it is refused (a changed form must raise its version); a new version is added
    beside the old ones, and responses keep the version they were given in.
    """
    found: list[FoundDefinition] = []
    if shipped:
        found += _definitions(Path(INSTRUMENTS_DIR), shipped=True)
    if directory:
        found += _definitions(Path(directory), shipped=False)
    return [_sync_one(f, record=record) for f in found]


# --- policy and links ---------------------------------------------------------------------------


def policy_for(organisation: Organisation) -> CheckinPolicy:
    """The organisation's check-in policy, created with the defaults when it has none."""
    # By id: a policy created here is not attached to the organisation object, which
    # keeps ``policy_of`` reading the stored row until a query brings it along.
    policy, _created = CheckinPolicy.objects.get_or_create(organisation_id=organisation.pk)
    return policy


def policy_check(*, keyworker_visibility: str, link_hours: int) -> None:
    """Raise ``ApplicationError`` on the field a policy value does not fit."""
    if keyworker_visibility not in Visibility.values:
        raise ApplicationError(_("Choose what keyworkers may see."),
                               field="keyworker_visibility")
    if not 1 <= link_hours <= 24 * 30:
        raise ApplicationError(_("A link can stay valid from 1 hour to 30 days."),
                               field="link_hours")


@transaction.atomic
def policy_update(*, actor: Membership, keyworker_visibility: str, link_hours: int,
                  also_changed: list[str] | tuple[str, ...] = ()) -> CheckinPolicy:
    """What keyworkers see of client check-ins and how long links live. ``also_changed``
    names settings saved with the policy on the same page (the signal thresholds), so that
    one audit row names everything the administrator changed."""
    if actor.role != Role.ADMINISTRATOR or not actor.is_active:
        raise ApplicationError(_("Only an administrator can change accounts and settings."))
    policy_check(keyworker_visibility=keyworker_visibility, link_hours=link_hours)
    policy, _created = CheckinPolicy.objects.get_or_create(organisation=actor.organisation)
    values = {"keyworker_visibility": keyworker_visibility, "link_hours": link_hours}
    changed = [k for k, v in values.items() if getattr(policy, k) != v]
    for key in changed:
        setattr(policy, key, values[key])
    if changed:
        policy.save()
    if changed or also_changed:
        audit_record(actor=actor.user, action="update", role=actor.role,
                     organisation_id=actor.organisation_id, obj=policy,
                     detail="check-in policy changed: " + ", ".join([*changed, *also_changed]))
    return policy


def _client_form(code: str) -> InstrumentVersion:
    version = current_version(code)
    if version is None:
        raise ApplicationError(_("The check-in forms are not loaded yet. Ask an "
                                 "administrator to run: keywork load_instruments"))
    if version.instrument.rater != Rater.CLIENT:
        raise ApplicationError(_("That form is not one for the client."), field="instrument")
    return version


@transaction.atomic
def checkin_link_create(*, membership: Membership, relationship: Relationship,
                        mode: str = CheckinResponse.Mode.LINK,
                        instrument_code: str = CLIENT_SHORT) -> tuple[CheckinLink, str]:
    """A one-time link to the client's check-in (the current version of a client form,
    the short weekly one unless another is named). Returns the link and its token; only a
    digest of the token is stored, so the token can be shown once and never again."""
    if mode not in (CheckinResponse.Mode.LINK, CheckinResponse.Mode.TABLET):
        raise ApplicationError(_("Unknown kind of check-in link."))
    if relationship.organisation_id != membership.organisation_id:
        raise ApplicationError(_("This relationship belongs to another organisation."))
    if not relationship.is_open:
        raise ApplicationError(_("This relationship has closed: check-ins are for open "
                                 "relationships."))
    version = _client_form(instrument_code)
    hours = policy_for(relationship.organisation).link_hours
    if mode == CheckinResponse.Mode.TABLET:
        hours = min(hours, TABLET_LINK_HOURS)
    token = secrets.token_urlsafe(24)
    link = CheckinLink.objects.create(
        organisation_id=relationship.organisation_id, relationship=relationship,
        instrument_version=version, token_digest=token_digest(token), mode=mode,
        created_by=membership.user, expires_at=timezone.now() + dt.timedelta(hours=hours))
    audit_record(actor=membership.user, action="create", role=membership.role,
                 organisation_id=relationship.organisation_id,
                 client_id=relationship.client_id, obj=link,
                 detail=f"check-in link for the client ({mode})")
    return link, token


# --- submitting -------------------------------------------------------------------------------


def _key(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise ApplicationError(_("The form has expired. Open it again and send it.")) from exc


def _already_stored(key: uuid.UUID, relationship: Relationship) -> CheckinResponse | None:
    found = CheckinResponse.objects.filter(idempotency_key=key).first()
    if found is not None and found.relationship_id != relationship.pk:
        raise ApplicationError(_("This form was already sent."))
    return found


def _clean_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for code, value in answers.items():
        if isinstance(value, str):
            value = value.strip()[:FREE_TEXT_MAX]
        if value is None or value == "":
            continue
        cleaned[str(code)] = value
    return cleaned


class _Retried(Exception):
    """The submission was stored before (the same key): carries what was stored."""

    def __init__(self, response: CheckinResponse) -> None:
        super().__init__("stored before")
        self.response = response


def _check(*, relationship: Relationship, instrument_version: InstrumentVersion, rater: str,
           submitted_by: Any, link: CheckinLink | None, key: uuid.UUID) -> None:
    """Whether this submission may be stored now; raises ``_Retried`` for a submission
    stored before, ``ApplicationError`` for one that may not be stored.

    Through an unused link the key cannot have been stored yet, or the insert finds out
    (the key is unique): the look-up is left out there, the common case."""
    fresh_link = rater == Rater.CLIENT and link is not None and link.used_at is None
    if not fresh_link:
        existing = _already_stored(key, relationship)
        if existing is not None:
            raise _Retried(existing)
    if rater == Rater.CLIENT:
        if link is None or link.relationship_id != relationship.pk or (
                link.instrument_version_id != instrument_version.pk):
            raise ApplicationError(_("A client's check-in is given through a check-in link."))
        if link.used_at is not None:
            raise ApplicationError(_("This link has already been used."), code="link_used")
        if link.expires_at <= timezone.now():
            raise ApplicationError(_("This link has expired."), code="link_expired")
    elif submitted_by is None or submitted_by.pk != relationship.keyworker_id:
        raise ApplicationError(_("Only the keyworker of this relationship gives this "
                                 "check-in."), code="not_keyworker")
    if domain_instrument(instrument_version).rater != rater:
        raise ApplicationError(_("This form is for another rater."))
    if not relationship.is_open:
        raise ApplicationError(_("This relationship has closed: check-ins are for open "
                                 "relationships."), code="closed")


def _response_row(*, relationship: Relationship, instrument_version: InstrumentVersion,
                  rater: str, answers: Mapping[str, Any], mode: str, key: uuid.UUID,
                  submitted_by: Any = None, visibility: str | None = None
                  ) -> CheckinResponse:
    """The scored check-in, not yet stored."""
    cleaned = _clean_answers(answers)
    try:
        scores = score_responses(domain_instrument(instrument_version), cleaned)
    except DomainError as exc:
        raise ApplicationError(_("Some answers could not be read. Check them and send the "
                                 "form again."), code="answers") from exc
    dims = scores.dimensions
    return CheckinResponse(
        organisation_id=relationship.organisation_id, relationship=relationship,
        client_id=relationship.client_id, instrument_version=instrument_version,
        rater=rater, submitted_at=timezone.now(), submitted_by=submitted_by, mode=mode,
        answers=cleaned, score_match=dims.get("match"),
        score_presence=dims.get("presence"),
        score_personal_professional=dims.get("personal_professional"),
        score_cooperation=dims.get("cooperation"),
        score_flexible_support=dims.get("flexible_support"),
        overall=scores.overall, estimate_overall=scores.estimate_overall,
        at_max=scores.at_max, helped=scores.free_text.get("helped", ""),
        could_be_better=scores.free_text.get("could_be_better", ""),
        visibility=visibility, idempotency_key=key)


@dataclass
class _Along:
    """A row stored with a check-in (the client's new sharing choice, a comment to the
    supervisor): written in the check-in's round trip and audited with it."""

    row: Any
    statement: batch.Statement
    returning: tuple[str, ...]
    detail: str
    history: bool = False  # the model keeps history rows (django-simple-history)
    # When the statement was built: a row the database returns with another creation
    # time was there already (it was updated, not created).
    sent_at: Any = None


def _write(response: CheckinResponse, link: CheckinLink | None, along: list[_Along]) -> None:
    """Insert the check-in, use up its link and write the rows along with it. On PostgreSQL
    all of it is one round trip: the insert and the link's conditional update are one
    statement (the update names the new row), the other rows follow in the same text.

    Exactly once, without locking first: the key is unique, so a second request with the
    same key fails its insert (after waiting for the first to commit) and the caller finds
    what the first stored. The link is used up by a conditional update, so of two
    different submissions through one link only the first to commit keeps its check-in."""
    now = response.submitted_at
    insert = batch.insert([response], returning=True)
    statements = [a.statement for a in along]
    if link is not None and connection.vendor == "postgresql":
        table = CheckinLink._meta.db_table
        # Built from the compiled insert and the model's own table name; values are
        # parameters.
        used = batch.Statement(
            f'WITH r AS ({insert.sql}) UPDATE "{table}" SET "used_at" = %s, '  # noqa: S608
            f'"response_id" = (SELECT "id" FROM r), "updated_at" = %s '
            f'WHERE "id" = %s AND "used_at" IS NULL RETURNING "response_id"',
            (*insert.params, now, now, link.pk))
        rows = batch.send([used, *statements])
        if not rows[0]:
            # Another submission through this link committed first.
            raise _LinkTaken
        batch.stored([response], rows[0])
    else:
        rows = batch.send([insert, *statements])
        batch.stored([response], rows[0])
        if link is not None and not CheckinLink.objects.filter(
                pk=link.pk, used_at__isnull=True).update(used_at=now, response=response,
                                                         updated_at=now):
            raise _LinkTaken
    for item, found in zip(along, rows[1:], strict=True):
        batch.stored([item.row], found, item.returning)


class _LinkTaken(Exception):
    """The link was used up by another submission while this one was being stored."""


def _audit_stored(response: CheckinResponse, along: list[_Along], *,
                  submitted_by: Any = None) -> None:
    """The audit rows of a check-in and the rows along with it, written together after one
    look at the chain's head, with the history rows of those that keep history."""
    with together() as pending:
        if response.rater == Rater.CLIENT:
            audit_record(actor=None, action="create",
                         organisation_id=response.organisation_id,
                         client_id=response.client_id, obj=response,
                         detail=f"client check-in via {response.mode}")
        else:
            membership = active_membership(submitted_by)
            audit_record(actor=submitted_by, action="create",
                         role=membership.role if membership else "",
                         organisation_id=response.organisation_id,
                         client_id=response.client_id, obj=response,
                         detail="keyworker's own check-in")
        for item in along:
            if item.history:
                created = item.row.created_at == item.sent_at
                pending.also(batch.insert([batch.history_row(item.row, update=not created)]))
            audit_record(actor=None, action="update" if item.history else "create",
                         organisation_id=response.organisation_id,
                         client_id=response.client_id, obj=item.row, detail=item.detail)


def _after_store(relationship: Relationship) -> None:
    """Let the apps that follow check-ins act on the new one (the signal engine re-evaluates
    the relationship's pattern and alerts), once the check-in is committed. If one fails,
    it is logged and nothing of it is kept; the check-in stays stored, and the next
    evaluation (after another check-in, or the nightly `keywork evaluate_signals`) picks it
    up. Inside a caller's transaction each runs behind a savepoint, so that a failure
    leaves that transaction usable."""
    for key, fn in hooks.checkin_stored.items():
        try:
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                fn(relationship=relationship)
        except Exception:
            logger.exception("%s after a check-in on relationship %s failed", key,
                             relationship.pk)


def _submit(*, relationship: Relationship, instrument_version: InstrumentVersion, rater: str,
            answers: Mapping[str, Any], mode: str, idempotency_key: Any,
            submitted_by: Any = None, link: CheckinLink | None = None,
            visibility: str | None = None,
            along: Callable[[], list[_Along]] | None = None
            ) -> tuple[CheckinResponse, bool]:
    """Check, store and audit one submission in one transaction, then let the apps that
    follow check-ins act on it. The audit rows come last, so the chain's lock is held only
    for the end of the transaction."""
    key = _key(idempotency_key)
    try:
        with transaction.atomic():
            _check(relationship=relationship, instrument_version=instrument_version,
                   rater=rater, submitted_by=submitted_by, link=link, key=key)
            response = _response_row(
                relationship=relationship, instrument_version=instrument_version,
                rater=rater, answers=answers, mode=mode, key=key,
                submitted_by=submitted_by, visibility=visibility)
            rows = along() if along is not None else []
            _write(response, link, rows)
            _audit_stored(response, rows, submitted_by=submitted_by)
    except _Retried as retried:
        return retried.response, False
    except _LinkTaken:
        # A retry of the submission that took the link finds it; any other is refused.
        existing = _already_stored(key, relationship)
        if existing is None:
            raise ApplicationError(_("This link has already been used."),
                                   code="link_used") from None
        return existing, False
    except IntegrityError:
        # A request with the same key stored it first (this insert waited for it).
        existing = _already_stored(key, relationship)
        if existing is None:
            raise
        return existing, False
    for item in rows:
        if isinstance(item.row, SharingChoice) and Relationship.sharing_choice.is_cached(
                relationship):
            # The relationship came with its choice: it has this one now.
            Relationship.sharing_choice.related.set_cached_value(relationship, item.row)
    if link is not None:
        # Only now, when it is stored: a refused submission leaves the caller's link open.
        link.used_at = link.updated_at = response.submitted_at
        link.response = response
    _after_store(relationship)
    return response, True


def checkin_submit(*, relationship: Relationship, instrument_version: InstrumentVersion,
                   rater: str, answers: Mapping[str, Any], mode: str, idempotency_key: Any,
                   submitted_by: Any = None, link: CheckinLink | None = None
                   ) -> tuple[CheckinResponse, bool]:
    """Store a check-in exactly once per idempotency key and score it.

    Returns the response and whether it was stored now. A retried submission (the same
    key) returns what the first one stored, also when both arrive at the same moment.
    A client's check-in needs an open link, which it then uses up; a keyworker's is given
    by the relationship's keyworker. The relationship's pattern and alerts are
    re-evaluated once it is stored.
    """
    return _submit(relationship=relationship, instrument_version=instrument_version,
                   rater=rater, answers=answers, mode=mode, idempotency_key=idempotency_key,
                   submitted_by=submitted_by, link=link)


def client_checkin_submit(*, link: CheckinLink, answers: Mapping[str, Any],
                          idempotency_key: Any, visibility: str | None = None,
                          private_comment: str = "") -> tuple[CheckinResponse, bool]:
    """The client's check-in through a link, with their sharing choice and an optional
    comment to the supervisor, all stored together and exactly once.

    The check-in keeps the choice it was given with (without a choice: the one in force,
    the client's earlier choice or else the policy), on the same insert: the keyworker
    never sees more of it than that, whatever the client chooses later."""
    relationship = link.relationship
    # Read from what came with the link: no further round trip.
    given = visibility or sharing_default(relationship)

    def along() -> list[_Along]:
        rows = []
        if visibility:
            choice = _choice_along(relationship, visibility)
            if choice is not None:
                rows.append(choice)
        if private_comment.strip():
            rows.append(_comment_along(relationship, private_comment))
        return rows

    return _submit(relationship=relationship, instrument_version=link.instrument_version,
                   rater=Rater.CLIENT, answers=answers, mode=link.mode,
                   idempotency_key=idempotency_key, link=link, visibility=given,
                   along=along)


# --- the client's choice and comments ------------------------------------------------------------


def _choice_check(relationship: Relationship, visibility: str) -> None:
    if visibility not in Visibility.values:
        raise ApplicationError(_("Choose what your keyworker may see."), field="visibility")
    allowed = policy_of(relationship.organisation).keyworker_visibility
    if Level.of(visibility) > Level.of(allowed):
        raise ApplicationError(_("The service does not share that much with keyworkers."),
                               field="visibility")


def _choice_detail(visibility: str) -> str:
    return f"client's choice of what the keyworker sees: {visibility}"


def _choice_along(relationship: Relationship, visibility: str) -> _Along | None:
    """The client's new choice as a row stored with their check-in; None when it is the
    choice already in force. Stored as an upsert: a choice made meanwhile is replaced."""
    _choice_check(relationship, visibility)
    choice = sharing_choice(relationship)
    if choice is not None and choice.visibility == visibility:
        return None
    row = SharingChoice(organisation_id=relationship.organisation_id,
                        relationship_id=relationship.pk, visibility=visibility)
    returning = ("id", "created_at")
    statement = batch.insert([row], returning=returning,
                             update_conflicts=("visibility", "updated_at"),
                             unique_fields=("relationship",))
    return _Along(row, statement, returning, _choice_detail(visibility), history=True,
                  sent_at=row.created_at)


def sharing_choice_set(*, relationship: Relationship, visibility: str) -> SharingChoice:
    """The client's own choice of what their keyworker sees: at most what the policy allows."""
    _choice_check(relationship, visibility)
    # Part of the caller's transaction when there is one: no savepoint.
    with transaction.atomic(savepoint=False):
        choice = sharing_choice(relationship)
        if choice is not None and choice.visibility == visibility:
            return choice
        created = choice is None
        if choice is None:
            choice = SharingChoice(organisation_id=relationship.organisation_id,
                                   relationship_id=relationship.pk)
        choice.visibility = visibility
        choice.save()
        if created and Relationship.sharing_choice.is_cached(relationship):
            # The relationship came with its (missing) choice: it has one now.
            Relationship.sharing_choice.related.set_cached_value(relationship, choice)
        audit_record(actor=None, action="update", organisation_id=relationship.organisation_id,
                     client_id=relationship.client_id, obj=choice,
                     detail=_choice_detail(visibility))
    return choice


_COMMENT_DETAIL = "client's private comment to the supervisor"


def _comment_row(relationship: Relationship, text: str) -> PrivateComment:
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write your message first."), field="private_comment")
    if len(text) > 4000:
        raise ApplicationError(_("Please keep the message under 4000 characters."),
                               field="private_comment")
    return PrivateComment(organisation_id=relationship.organisation_id,
                          relationship=relationship, client_id=relationship.client_id,
                          text=text)


def _comment_along(relationship: Relationship, text: str) -> _Along:
    row = _comment_row(relationship, text)
    return _Along(row, batch.insert([row], returning=True), ("id",), _COMMENT_DETAIL)


def private_comment_send(*, relationship: Relationship, text: str) -> PrivateComment:
    """A comment from the client to the supervisors of the unit, never to the keyworker."""
    comment = _comment_row(relationship, text)
    with transaction.atomic(savepoint=False):
        comment.save()
        audit_record(actor=None, action="create", organisation_id=relationship.organisation_id,
                     client_id=relationship.client_id, obj=comment, detail=_COMMENT_DETAIL)
    return comment


@transaction.atomic
def private_comments_mark_read(*, membership: Membership, relationship: Relationship) -> int:
    """A supervisor of the unit marks the client's unread comments as read."""
    if not may_read_private_comments(membership, relationship):
        raise ApplicationError(_("Only a supervisor of the unit reads these comments."))
    unread = list(PrivateComment.objects.select_for_update().filter(
        relationship=relationship, read_at__isnull=True))
    now = timezone.now()
    for comment in unread:
        comment.read_at = now
        comment.read_by = membership.user
        comment.save(update_fields=["read_at", "read_by", "updated_at"])
    if unread:
        audit_record(actor=membership.user, action="update", role=membership.role,
                     organisation_id=relationship.organisation_id,
                     client_id=relationship.client_id, obj=relationship,
                     detail=f"{len(unread)} private comment(s) marked read")
    return len(unread)

"""Check-in pages for staff.

``checkins:response`` and ``checkins:fhir_response`` follow the check-in visibility rules,
which no access kind of the matrix expresses on its own (see keywork.checkins.selectors):
a keyworker's check-in is open to its author and the unit's supervisors, not to managers;
a client's check-in to the unit's supervisors, and to the keyworker only as the policy and
the client's choice allow. The entries below use a client's check-in that the keyworker may
not open, which makes the outcome the SUPERVISE row; tests/test_checkins_access.py walks
every rater × policy × choice × role × scenario.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from keywork.checkins.models import (
    CheckinResponse,
    InstrumentVersion,
    Rater,
    SharingChoice,
    Visibility,
)
from keywork.checkins.selectors import CLIENT_SHORT, KEYWORKER_SHORT, current_version
from tests.matrix import NO_CLIENT, READ, SUPERVISE, WRITE, Entry, Target, relationship_pk


def form_version(code: str) -> InstrumentVersion:
    """The current version of a loaded instrument (tests need it to exist)."""
    version = current_version(code)
    assert version is not None, f"{code} is not loaded"
    return version


def client_checkin(t: Target, *, keep_private: bool = False) -> CheckinResponse:
    """A client's check-in in the target's relationship (made directly: the relationship
    may have closed, and a link is not the point here)."""
    rel = t.relationship
    if keep_private:
        SharingChoice.objects.update_or_create(
            relationship=rel, defaults={"organisation_id": rel.organisation_id,
                                        "visibility": Visibility.NOTHING})
    version = form_version(CLIENT_SHORT)
    return CheckinResponse.objects.create(
        organisation_id=rel.organisation_id, relationship=rel, client_id=rel.client_id,
        instrument_version=version, rater=Rater.CLIENT, submitted_at=timezone.now(),
        mode=CheckinResponse.Mode.LINK, answers={"match": 6, "presence": 4},
        score_match=60.0, score_presence=40.0, idempotency_key=uuid.uuid4())


def _private_client_checkin(t: Target) -> dict[str, Any]:
    return {"pk": client_checkin(t, keep_private=True).pk}


def _client_checkin(t: Target) -> dict[str, Any]:
    return {"pk": client_checkin(t).pk}


def _keyworker_answers(t: Target) -> dict[str, Any]:
    codes = ("match", "presence", "personal_professional", "cooperation",
             "flexible_support", "role_clarity", "confirmed_power", "estimate_match",
             "estimate_presence", "estimate_personal_professional", "estimate_cooperation",
             "estimate_flexible_support")
    answers: dict[str, Any] = dict.fromkeys(codes, "7")
    return {**answers, "instrument": KEYWORKER_SHORT, "idempotency_key": str(uuid.uuid4()),
            "went_well": "Matrix."}


def _instrument(t: Target) -> dict[str, Any]:
    return {"pk": form_version(CLIENT_SHORT).pk}


ENTRIES = [
    Entry("checkins:relationship", READ, relationship_pk,
          note="shows each reader only what the visibility rules allow"),
    Entry("checkins:link_new", WRITE, relationship_pk, method="post",
          note="a closed relationship gets a message, not a link"),
    Entry("checkins:handover", WRITE, relationship_pk,
          note="the page, through the same write accessor as the POST; the POST signs the "
               "worker out, which would end the matrix's session, so its access is tested "
               "in tests/test_checkins_pages.py"),
    Entry("checkins:keyworker_form", WRITE, relationship_pk, method="post",
          data=_keyworker_answers,
          note="the short form, or another the keyworker chooses with ?instrument= (the "
               "POST names the form shown); only the relationship's keyworker can save; "
               "a supervisor gets a message"),
    Entry("checkins:comments", SUPERVISE, relationship_pk),
    Entry("checkins:response", SUPERVISE, _private_client_checkin,
          note="check-in visibility rules; full table in tests/test_checkins_access.py"),
    Entry("checkins:fhir_response", SUPERVISE, _client_checkin,
          note="full answers only: the keyworker's default (pattern) view has no export; "
               "full table in tests/test_checkins_access.py"),
    Entry("checkins:fhir_questionnaire", NO_CLIENT, _instrument,
          note="an instrument holds no client data"),
]

"""Access matrix entries for safeguarding."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from keywork.organisations.models import Membership
from keywork.safeguarding import services
from keywork.safeguarding.models import Concern, SafetyPlan
from tests.matrix import NO_CLIENT, READ, SUPERVISE, WRITE, Entry, Target, client_pk


def _writer(t: Target) -> Membership:
    rel = t.relationship
    return Membership.objects.get(organisation_id=rel.organisation_id, user_id=rel.keyworker_id)


def _member(t: Target) -> dict[str, Any]:
    member = services.household_member_add(
        membership=_writer(t), client=t.client, kind="child", name="M.", birth_year=2015,
        lives_with="yes", parental_responsibility="shared")
    return {"pk": member.pk}


def _concern(t: Target, *, decided: bool = False) -> Concern:
    concern = services.concern_raise(membership=_writer(t), client=t.client, category="child",
                                     description="Matrix: a worry.", risk_level="medium")
    if decided:
        services.concern_decide(
            membership=_writer(t), concern=concern, notify_authority=False, authority="",
            notified_on=None, reason="Matrix: handled within the service.", client_told=True,
            client_told_on=timezone.localdate(), client_not_told_reason="")
    return concern


def _concern_pk(t: Target) -> dict[str, Any]:
    return {"pk": _concern(t).pk}


def _decided_pk(t: Target) -> dict[str, Any]:
    return {"pk": _concern(t, decided=True).pk}


def _plan_with_file(t: Target) -> dict[str, Any]:
    concern = _concern(t)
    folder = services.files_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "matrix-plan.pdf").write_bytes(b"%PDF-1.4\n% matrix\n")
    SafetyPlan.objects.create(organisation_id=concern.organisation_id, concern=concern,
                              steps="Matrix: call the duty team.", file_path="matrix-plan.pdf",
                              file_name="plan.pdf", file_type="application/pdf",
                              file_size=18, updated_by_id=concern.raised_by_id)
    return {"pk": concern.pk}


def _member_fields(t: Target) -> dict[str, Any]:
    return {"kind": "child", "name": "L.", "age": "7", "lives_with": "part",
            "parental_responsibility": "yes", "agencies": "School nurse."}


def _decision(t: Target) -> dict[str, Any]:
    return {"notify_authority": "yes", "authority": "Social services",
            "notified_on": timezone.localdate().isoformat(),
            "decision_reason": "Matrix: a child at risk.", "client_told": "no",
            "client_not_told_reason": "Matrix: telling would put the child at risk."}


ENTRIES = [
    Entry("safeguarding:overview", NO_CLIENT, roles=("supervisor",)),
    Entry("safeguarding:settings", NO_CLIENT, roles=("administrator",)),
    Entry("safeguarding:client", READ, client_pk),
    Entry("safeguarding:member_add", WRITE, client_pk, method="post", data=_member_fields),
    Entry("safeguarding:member_edit", WRITE, _member, method="post", data=_member_fields),
    Entry("safeguarding:enquiry_record", WRITE,
          lambda t: {"pk": t.client.pk, "topic": "children"}, method="post",
          data=lambda t: {"asked_in_private": "on", "outcome": "no_concern",
                          "asked_on": timezone.localdate().isoformat()},
          note="the ended client has no open episode: the service says so (200)"),
    Entry("safeguarding:concern_new", WRITE, client_pk, method="post",
          data=lambda t: {"category": "partner_violence", "risk_level": "high",
                          "description": "Matrix: bruises."}),
    Entry("safeguarding:concern", READ, _concern_pk),
    Entry("safeguarding:concern_decide", WRITE, _concern_pk, method="post", data=_decision),
    Entry("safeguarding:concern_close", WRITE, _decided_pk, method="post",
          data=lambda t: {"note": "Matrix: done."}),
    Entry("safeguarding:concern_review", SUPERVISE, _decided_pk, method="post",
          data=lambda t: {"note": "Matrix: sound decision."}),
    Entry("safeguarding:safety_plan", WRITE, _concern_pk, method="post",
          data=lambda t: {"steps": "Matrix: a safe place to go."}),
    Entry("safeguarding:safety_plan_file", READ, _plan_with_file),
]

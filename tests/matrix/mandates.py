"""Mandates: the staff pages, the basis of an advocacy contact, the client's own pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from keywork.contacts.models import Contact
from keywork.mandates import services
from keywork.mandates.models import Mandate
from tests.matrix import NO_CLIENT, READ, WRITE, Entry, Target, relationship_pk
from tests.matrix.goals import _membership
from tests.matrix.portal import _token


def _mandate(t: Target) -> Mandate:
    return services.mandate_record(
        membership=_membership(t), relationship=t.relationship,
        scope="Matrix: call the landlord about the rent", who_may_be_contacted="Landlord",
        given_how="spoken", valid_from=timezone.localdate() - dt.timedelta(days=30))


def _mandate_pk(t: Target) -> dict[str, Any]:
    return {"pk": _mandate(t).pk}


def _advocacy_contact_pk(t: Target) -> dict[str, Any]:
    rel = t.relationship
    contact = Contact.objects.create(
        organisation=rel.organisation, relationship=rel, client=rel.client,
        worker=rel.keyworker, created_by=rel.keyworker, kind="advocacy",
        occurred_at=timezone.now() - dt.timedelta(days=2), note="Matrix: housing office.")
    return {"pk": contact.pk}


def _portal(t: Target) -> dict[str, Any]:
    return {"token": _token(t)}


def _portal_mandate(t: Target) -> dict[str, Any]:
    return {"token": _token(t), "pk": _mandate(t).pk}


ENTRIES = [
    Entry("mandates:list", READ, relationship_pk),
    Entry("mandates:create", WRITE, relationship_pk, method="post",
          data=lambda t: {"scope": "Matrix: speak to probation", "who_may_be_contacted":
                          "Probation officer", "given_how": "written"}),
    Entry("mandates:withdraw", WRITE, _mandate_pk, method="post",
          data=lambda t: {"note": "Matrix: the client changed their mind."}),
    Entry("mandates:basis", WRITE, _advocacy_contact_pk, method="post",
          data=lambda t: {"basis": "formal", "legal_basis": "Compulsory care"},
          note="the worker who made the contact, or a supervisor of the unit"),
    Entry("portal:mandates_list", NO_CLIENT, _portal, public=True),
    Entry("portal:mandates_give", NO_CLIENT, _portal, public=True, method="post",
          data=lambda t: {"scope": "Matrix: call social services",
                          "who_may_be_contacted": "Social services"}),
    Entry("portal:mandates_withdraw", NO_CLIENT, _portal_mandate, public=True,
          method="post"),
]

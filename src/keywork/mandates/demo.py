"""Demo rows: mandates on the demo keyworker's caseload (one in force, one withdrawn by
the client, one expired) and the basis of the advocacy contacts already logged there."""

from __future__ import annotations

import datetime as dt

from keywork.contacts.models import Contact, Kind
from keywork.mandates.models import AdvocacyBasis, Basis, Mandate
from keywork.relationships.models import Relationship, Status

KEYWORKER = "kim"


def seed(*, organisation_id: int, seed: int, as_of: dt.date) -> None:
    active = Relationship.objects.filter(organisation_id=organisation_id,
                                         status=Status.ACTIVE).select_related(
        "episode__legal_basis").order_by("id")
    rel = active.filter(keyworker__username=KEYWORKER).first() or active.first()
    if rel is None or Mandate.objects.filter(organisation_id=organisation_id).exists():
        return
    start = rel.started_on or rel.proposed_on
    common = {"organisation_id": organisation_id, "relationship": rel,
              "client_id": rel.client_id}
    landlord = Mandate.objects.create(
        **common, scope="Call the landlord about the rent arrears and a payment plan",
        who_may_be_contacted="The landlord and the housing office", valid_from=start,
        given_how="spoken", recorded_by=rel.keyworker)
    Mandate.objects.create(
        **common, scope="Speak to my probation officer about moving the meeting date",
        who_may_be_contacted="Probation officer", valid_from=start,
        valid_until=min(as_of, start + dt.timedelta(days=21)), given_how="written",
        recorded_by=rel.keyworker)
    Mandate.objects.create(
        **common, scope="Talk to my sister about the children",
        who_may_be_contacted="My sister", valid_from=start, given_how="own_page",
        withdrawn_on=max(start, as_of - dt.timedelta(days=5)), withdrawn_by_client=True)
    contacts = list(Contact.objects.filter(relationship=rel, kind=Kind.ADVOCACY)
                    .order_by("occurred_at", "id")[:6])
    for n, contact in enumerate(contacts):
        formal = n % 3 == 2
        AdvocacyBasis.objects.create(
            organisation_id=organisation_id, contact=contact, relationship=rel,
            client_id=rel.client_id, recorded_by=contact.worker,
            basis=Basis.FORMAL if formal else Basis.MANDATE,
            mandate=None if formal else landlord,
            legal_basis=str(rel.episode.legal_basis) if formal else "")

"""The pseudonymised export of dyads for research: one row per open relationship (active or
ending) of an organisation, with its pattern, both sides' latest overall scores and its
unresolved alerts.

The rows are read in bulk: one streamed query for the relationships with their state and
one for the alerts, both in relationship order, merged as they arrive; nothing goes object
by object and memory stays flat however many relationships there are. No name leaves:
the client is their pseudonym, the keyworker their account number. Every export is audited,
one row per organisation exported (``dyads_export_audit``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from keywork.audit.models import AuditEvent
from keywork.audit.services import audit_record
from keywork.core.errors import ApplicationError
from keywork.organisations.models import Organisation
from keywork.relationships.models import Relationship, Status
from keywork.signals.models import Alert

# The columns first and in their order; the organisation was added at the end.
HEADER = ("relationship_id", "client_pseudonym", "keyworker_id", "unit", "legal_basis",
          "pattern", "client_overall", "worker_overall", "open_alerts", "organisation")
OPEN = (Status.ACTIVE, Status.ENDING)
NOT_EVALUATED = "not_evaluated"
CHUNK = 5000


@dataclass(frozen=True)
class ExportedOrganisation:
    pk: int
    slug: str


class DyadRow(NamedTuple):
    """One relationship as exported; the fields are the columns of ``HEADER``."""

    relationship_id: int
    client_pseudonym: str
    keyworker_id: int
    unit: str
    legal_basis: str
    pattern: str
    client_overall: float | None
    worker_overall: float | None
    open_alerts: tuple[str, ...]
    organisation: str


def organisations_for_export(slug: str | None = None) -> list[ExportedOrganisation]:
    """The organisations to export, in id order: the one with ``slug``, or all of them."""
    orgs = Organisation.objects.order_by("pk")
    if slug is not None:
        orgs = orgs.filter(slug=slug)
    found = [ExportedOrganisation(pk, s) for pk, s in orgs.values_list("pk", "slug")]
    if slug is not None and not found:
        raise ApplicationError(f"No organisation with slug {slug!r}.", code="unknown")
    return found


def _open_alerts(organisation_id: int) -> Iterator[tuple[int, str]]:
    return (Alert.objects
            .filter(organisation_id=organisation_id, relationship__status__in=OPEN)
            .exclude(status=Alert.Status.RESOLVED)
            .order_by("relationship_id", "code")
            .values_list("relationship_id", "code")
            .iterator(CHUNK))


def _score(value: float | None) -> float | None:
    return None if value is None else float(value)


def dyad_rows(organisation: ExportedOrganisation) -> Iterator[DyadRow]:
    """The organisation's open relationships, in id order, as export rows."""
    relationships = (
        Relationship.objects
        .filter(organisation_id=organisation.pk, status__in=OPEN)
        .order_by("pk")
        .values_list("pk", "client__pseudonym", "keyworker_id", "episode__unit__name",
                     "episode__legal_basis__code", "signal_state__pattern",
                     "signal_state__features__client_latest",
                     "signal_state__features__worker_latest")
        .iterator(CHUNK))
    alerts = _open_alerts(organisation.pk)
    pending = next(alerts, None)
    for pk, pseudonym, worker, unit, basis, pattern, client, own in relationships:
        codes: list[str] = []
        # Both streams come in relationship order: take this relationship's alerts.
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                codes.append(pending[1])
            pending = next(alerts, None)
        yield DyadRow(pk, pseudonym, worker, unit, basis, pattern or NOT_EVALUATED,
                      _score(client), _score(own), tuple(codes), organisation.slug)


def dyads_export_audit(*, organisation: ExportedOrganisation, rows: int) -> AuditEvent:
    """The audit row of one organisation's export: who (the command), which organisation
    and how many relationships left the system."""
    return audit_record(actor=None, action="export", organisation_id=organisation.pk,
                        object_type="organisation", object_id=organisation.pk,
                        detail=f"dyads exported: {rows} relationships (pseudonymised)")

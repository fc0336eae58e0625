"""The researcher's page: pseudonymised figures and the episode export, never a name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from keywork.audit.services import audit_record
from keywork.clients.models import Episode
from keywork.contacts.models import Contact
from keywork.organisations.models import LegalBasis, Membership, Organisation, Unit


@dataclass
class ResearchCell:
    unit_kind: str
    legal_basis: str
    coerced: bool
    episodes: int = 0
    open: int = 0
    completed: int = 0
    dropped_out: int = 0
    other_outcome: int = 0
    contacts: int = 0

    @property
    def contacts_per_episode(self) -> float | None:
        return round(self.contacts / self.episodes, 1) if self.episodes else None


def research_table(organisation: Organisation) -> list[ResearchCell]:
    """Episodes, outcomes and contacts per unit kind × legal basis. Two queries."""
    kinds = dict(Unit.Kind.choices)
    cells: dict[tuple[str, str], ResearchCell] = {}
    for r in (Episode.objects.filter(organisation=organisation)
              .values("unit__kind", "legal_basis__code", "legal_basis__is_coerced")
              .annotate(
                  n=Count("id"),
                  open=Count("id", filter=Q(end_date__isnull=True)),
                  completed=Count("id", filter=Q(outcome=Episode.Outcome.COMPLETED)),
                  dropped=Count("id", filter=Q(outcome=Episode.Outcome.DROPPED_OUT)),
                  other=Count("id", filter=Q(end_date__isnull=False) & ~Q(
                      outcome__in=(Episode.Outcome.COMPLETED, Episode.Outcome.DROPPED_OUT))),
              )):
        cells[(r["unit__kind"], r["legal_basis__code"])] = ResearchCell(
            unit_kind=str(kinds.get(r["unit__kind"], r["unit__kind"])),
            legal_basis=r["legal_basis__code"], coerced=r["legal_basis__is_coerced"],
            episodes=r["n"], open=r["open"], completed=r["completed"],
            dropped_out=r["dropped"], other_outcome=r["other"],
        )
    for r in (Contact.objects.filter(organisation=organisation)
              .values("relationship__episode__unit__kind",
                      "relationship__episode__legal_basis__code")
              .annotate(n=Count("id"))):
        key = (r["relationship__episode__unit__kind"],
               r["relationship__episode__legal_basis__code"])
        if key in cells:
            cells[key].contacts = r["n"]
    return sorted(cells.values(), key=lambda c: (c.unit_kind, c.legal_basis))


RESEARCH_COLUMNS = ("pseudonym", "birth_year", "unit_kind", "legal_basis", "coerced",
                    "start_date", "end_date", "outcome", "contacts", "relationships")


def research_export(membership: Membership) -> list[tuple[Any, ...]]:
    """One row per episode keyed by the client's pseudonym: never a name, the birth year
    only. The export is audited."""
    episodes = (
        Episode.objects.filter(organisation=membership.organisation)
        .annotate(
            n_contacts=Count("relationships__contacts", distinct=True),
            n_relationships=Count("relationships", distinct=True),
            birth_year=ExtractYear("client__date_of_birth"),
        )
        .values_list("client__pseudonym", "birth_year", "unit__kind", "legal_basis__code",
                     "legal_basis__is_coerced", "start_date", "end_date", "outcome",
                     "n_contacts", "n_relationships")
        .order_by("client__pseudonym", "start_date")
    )
    rows: list[tuple[Any, ...]] = [
        (pseudonym, year, kind, code, int(coerced), start, end or "", outcome, contacts, rels)
        for (pseudonym, year, kind, code, coerced, start, end, outcome, contacts, rels)
        in episodes
    ]
    audit_record(actor=membership.user, action="export", role=membership.role,
                 organisation_id=membership.organisation_id, object_type="episode",
                 detail=f"research export: {len(rows)} episodes, pseudonymised")
    return rows


def legal_bases_in_use(organisation: Organisation) -> QuerySet[LegalBasis]:
    return LegalBasis.objects.filter(organisation=organisation, episodes__isnull=False
                                     ).distinct().order_by("order", "name")

"""The manager's figures as tables to download: one per table on the page, with the same
columns and the same cells left out as on the page (``keywork.domain.figures``), and the
caseloads against their limit in full. An export is audited like a read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.dashboards.selectors.manager import ManagerFigures, manager_figures_cached
from keywork.domain.periods import Period
from keywork.organisations.models import Membership

Cell = str | int | float | None


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _rate(value: int | None, n: int) -> Cell:
    """A share as on the page: left out (and said so) when too few stand behind it."""
    if value is None:
        return _("too few to show") if n else None
    return value


def _legal_basis(f: ManagerFigures) -> Table:
    return Table("legal-basis", _("Clients in care by legal basis"),
                 [_("Legal basis"), _("Formal power"), _("Clients")],
                 [[b.label, _yes(b.coerced), int(b.value)] for b in f.by_legal_basis])


def _caseload_sizes(f: ManagerFigures) -> Table:
    return Table("caseload-sizes", _("Keyworkers by number of open relationships"),
                 [_("Open relationships"), _("Keyworkers")],
                 [[b.label, int(b.value)] for b in f.caseload_buckets])


def _caseload_limits(f: ManagerFigures) -> Table:
    return Table("caseload-limits", _("Caseloads against the unit's limit"),
                 [_("Keyworker"), _("Unit"), _("Open relationships"), _("Limit"),
                  _("Over the limit by"), _("Over the limit")],
                 [[c.worker, c.unit, c.n, c.limit, c.over, _yes(c.over_limit)]
                  for c in f.caseload_rows])


def _contacts(f: ManagerFigures) -> Table:
    return Table("contacts", _("Contact by unit"),
                 [_("Unit"), _("Clients in care"), _("Attended contacts"),
                  _("Per client per week"), _("Planned sessions"), _("Everyday contacts"),
                  _("Did not attend (%)"), _("Client-started (%)")],
                 [[r.unit, r.clients, r.contacts, r.rate, r.planned, r.everyday,
                   r.did_not_attend, r.client_started]
                  for r in [*f.contact_rates, f.contact_total]])


def _outcomes(f: ManagerFigures) -> Table:
    return Table("outcomes", _("Episodes ended"),
                 [_("Legal basis"), _("Formal power"), _("Completed"), _("Dropped out"),
                  _("Other"), _("Completed share (%)")],
                 [[o.legal_basis, _yes(o.coerced), o.completed, o.dropped_out, o.other,
                   o.completed_share] for o in f.outcomes])


def _patterns(f: ManagerFigures) -> Table:
    return Table("patterns", _("Active relationships by pattern"),
                 [_("Pattern"), _("Relationships"), _("Share (%)")],
                 [[p.label, p.n, p.share] for p in f.patterns])


def _checkins(f: ManagerFigures) -> Table:
    rows = [*f.completion, *([f.completion_total] if f.completion_total else [])]
    return Table("checkins", _("Relationships with a check-in, by unit"),
                 [_("Unit"), _("Active relationships"), _("With a client check-in"),
                  _("Client check-ins (%)"), _("With a keyworker check-in"),
                  _("Keyworker check-ins (%)")],
                 [[c.unit, c.relationships, c.with_client, c.client_share, c.with_worker,
                   c.worker_share] for c in rows])


def _ratings(f: ManagerFigures) -> Table:
    return Table("ratings", _("Mean overall rating per month"),
                 [_("Month"), _("Clients: mean"), _("Client check-ins"),
                  _("Keyworkers: mean"), _("Keyworker check-ins")],
                 [[m.month.strftime("%Y-%m"), m.client, m.client_n, m.worker, m.worker_n]
                  for m in f.trends])


def _quality(f: ManagerFigures) -> Table:
    return Table("quality", _("The relationship and completing treatment, by formal power"),
                 [_("Client's mean rating"), _("Coerced: episodes"),
                  _("Coerced: completed (%)"), _("Voluntary: episodes"),
                  _("Voluntary: completed (%)")],
                 [[b.label, b.coerced.n, _rate(b.coerced.rate, b.coerced.n), b.voluntary.n,
                   _rate(b.voluntary.rate, b.voluntary.n)] for b in f.quality])


TABLES = {
    "legal-basis": _legal_basis,
    "caseload-sizes": _caseload_sizes,
    "caseload-limits": _caseload_limits,
    "contacts": _contacts,
    "outcomes": _outcomes,
    "patterns": _patterns,
    "checkins": _checkins,
    "ratings": _ratings,
    "quality": _quality,
}
"""Every table of the manager's page by the name its export carries."""


def manager_table(f: ManagerFigures, key: str) -> Table:
    return TABLES[key](f)


def manager_export(membership: Membership, key: str, period: Period, fmt: str) -> Table:
    """One table of the manager's page over ``period``, audited as an export. ``key`` must
    be one of ``TABLES`` (the URL allows no other)."""
    table = manager_table(manager_figures_cached(membership.organisation, period), key)
    audit_record(actor=membership.user, action="export", role=membership.role,
                 organisation_id=membership.organisation_id, object_type="figures",
                 object_id=key,
                 detail=f"service figures: {key}, {period.start:%Y-%m-%d} to "
                        f"{period.end:%Y-%m-%d}, {fmt}, {len(table.rows)} rows")
    return table

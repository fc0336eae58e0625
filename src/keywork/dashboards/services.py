"""The dashboards' one write: the targets the administrator sets for the manager's
figures."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.core.errors import ApplicationError
from keywork.dashboards.models import Target
from keywork.dashboards.selectors.manager import targets_for_organisation
from keywork.domain import targets
from keywork.organisations.models import Membership, Role


@transaction.atomic
def targets_save(*, membership: Membership, values: dict[str, Decimal | None]
                 ) -> dict[str, Decimal]:
    """Set, change or clear (None) the target of each figure in ``values``; one audit row
    naming what changed. Figures not in ``values`` keep their target."""
    if membership.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only an administrator sets the targets."))
    for key, value in values.items():
        figure = targets.BY_KEY.get(key)
        if figure is None:
            raise ApplicationError(_("There is no such figure."))
        if value is not None and not targets.in_range(figure, float(value)):
            raise ApplicationError(
                _("Give a number from %(low)s to %(high)s.") % {
                    "low": f"{figure.lowest:g}", "high": f"{figure.highest:g}"},
                field=key)
    org_id = membership.organisation_id
    stored = targets_for_organisation(org_id)
    changes = []
    for key, value in values.items():
        before = stored.get(key)
        if value == before:
            continue
        if value is None:
            Target.objects.filter(organisation_id=org_id, figure=key).delete()
        else:
            Target.objects.update_or_create(organisation_id=org_id, figure=key,
                                            defaults={"value": value})
        changes.append(f"{key}: {before if before is not None else '-'} -> "
                       f"{value if value is not None else '-'}")
    if changes:
        audit_record(actor=membership.user, action="update", role=membership.role,
                     organisation_id=org_id, object_type="target",
                     detail="targets: " + "; ".join(changes))
    return targets_for_organisation(org_id)

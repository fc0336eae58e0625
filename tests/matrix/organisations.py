from typing import Any

from tests.matrix import NO_CLIENT, Entry, Target

ADMIN = ("administrator",)


def unit_pk(t: Target) -> dict[str, Any]:
    return {"pk": t.client.organisation.units.first().pk}


def legal_basis_pk(t: Target) -> dict[str, Any]:
    return {"pk": t.episode.legal_basis_id}


def membership_pk(t: Target) -> dict[str, Any]:
    return {"pk": t.relationship.keyworker.memberships.first().pk}


ENTRIES = [
    Entry("organisations:users", NO_CLIENT, roles=ADMIN),
    Entry("organisations:user_new", NO_CLIENT, roles=ADMIN),
    Entry("organisations:user_edit", NO_CLIENT, roles=ADMIN, kwargs=membership_pk),
    Entry("organisations:user_unlock", NO_CLIENT, roles=ADMIN, kwargs=membership_pk,
          method="post"),
    Entry("organisations:user_second_factor_reset", NO_CLIENT, roles=ADMIN,
          kwargs=membership_pk, method="post"),
    Entry("organisations:units", NO_CLIENT, roles=ADMIN),
    Entry("organisations:unit_new", NO_CLIENT, roles=ADMIN),
    Entry("organisations:unit_edit", NO_CLIENT, roles=ADMIN, kwargs=unit_pk),
    Entry("organisations:legal_bases", NO_CLIENT, roles=ADMIN),
    Entry("organisations:legal_basis_new", NO_CLIENT, roles=ADMIN),
    Entry("organisations:legal_basis_edit", NO_CLIENT, roles=ADMIN, kwargs=legal_basis_pk),
    Entry("organisations:settings", NO_CLIENT, roles=ADMIN),
    Entry("signals:settings", NO_CLIENT, roles=ADMIN),
]

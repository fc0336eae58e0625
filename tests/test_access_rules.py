"""The scope rules themselves, through the accessors (the URL matrix is elsewhere)."""

from __future__ import annotations

import pytest

from keywork.audit.models import AuditEvent
from keywork.clients.selectors import get_client_for_user
from keywork.core.errors import AccessDenied

EXPECTED = {
    # role: clients it may read
    "keyworker": {"own"},
    "deputy": {"own"},
    "colleague": {"same_unit", "other_unit"},
    "supervisor": {"own", "same_unit", "ended"},
    "supervisor_b": {"other_unit"},
    "manager": {"own", "same_unit", "ended", "other_unit"},
    "administrator": set(),
    "researcher": set(),
    "outsider": {"other_org_client"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_reads_exactly_its_scope(world, who):
    user = world.users[who]
    seen = set()
    for name, client in world.clients.items():
        user.__dict__.pop("_keywork_membership", None)
        try:
            get_client_for_user(user=user, pk=client.pk)
        except AccessDenied:
            continue
        seen.add(name)
    assert seen == EXPECTED[who]


def test_reading_a_client_writes_an_audit_row_with_role_and_client(world):
    before = AuditEvent.objects.count()
    get_client_for_user(user=world.keyworker, pk=world.clients["own"].pk)
    row = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (row.actor_id, row.actor_role, row.client_id, row.action) == (
        world.keyworker.pk, "keyworker", world.clients["own"].pk, "view")


def test_refused_read_is_audited_too(world):
    with pytest.raises(AccessDenied):
        get_client_for_user(user=world.keyworker, pk=world.clients["same_unit"].pk)
    row = AuditEvent.objects.order_by("-id").first()
    assert row.action == "denied"
    assert row.client_id is None


def test_managers_without_the_setting_see_no_records(world):
    world.org.managers_see_records = False
    world.org.save()
    with pytest.raises(AccessDenied):
        get_client_for_user(user=world.manager, pk=world.clients["own"].pk)


def test_keyworker_keeps_access_within_grace_period_after_closing(world):
    from django.utils import timezone

    from keywork.relationships.models import Relationship

    rel = world.relationships["ended"]
    Relationship.objects.filter(pk=rel.pk).update(closed_at=timezone.now())
    assert get_client_for_user(user=world.keyworker, pk=world.clients["ended"].pk)

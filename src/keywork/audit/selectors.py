"""Reads of the audit log: the rows about one client, and the check of the chain."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from keywork.audit.models import AuditEvent
from keywork.audit.services import ChainReport, verify_chain


def client_access_log(*, organisation_id: int, client_id: int) -> QuerySet[AuditEvent]:
    """Every audit row about this client, newest first: reads, writes, exports, and
    refused attempts to open the record from within the organisation."""
    return AuditEvent.objects.filter(organisation_id=organisation_id).filter(
        Q(client_id=client_id)
        | Q(action=AuditEvent.Action.DENIED, object_type="client", object_id=str(client_id))
    ).order_by("-occurred_at", "-id")


def chain_report() -> ChainReport:
    return verify_chain()

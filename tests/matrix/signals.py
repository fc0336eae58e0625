from django.utils import timezone

from keywork.signals.models import Alert
from tests.matrix import READ, WRITE, Entry, Target, relationship_pk


def _alert(t: Target) -> dict:
    """An alert that does not reveal the client's ratings (so READ rules apply as is)."""
    alert, _ = Alert.objects.get_or_create(
        relationship=t.relationship, code="no_contact", status="open",
        defaults={"organisation": t.relationship.organisation, "client": t.client,
                  "raised_at": timezone.now(),
                  "facts": {"params": {"days_since": 20, "days": 14}, "evidence": "presence",
                            "next_step": "make_contact"}})
    return {"pk": alert.pk}


ENTRIES = [
    Entry("signals:alert", READ, kwargs=_alert),
    Entry("signals:alert_update", WRITE, kwargs=_alert, method="post",
          data=lambda t: {"action": "acknowledge", "note": ""}),
    Entry("signals:dyad", READ, kwargs=relationship_pk),
]

"""The demo service carries a few boundary rows for the demo keyworker."""

from __future__ import annotations

import datetime as dt

import pytest

from keywork.boundaries.models import BoundaryEvent, ContactAgreement
from keywork.demo.services import demo_seed
from keywork.signals.models import Alert

pytestmark = pytest.mark.django_db


def test_demo_has_a_reviewed_gift_a_drifting_relationship_and_an_agreement():
    result = demo_seed(clients=60, seed=7, as_of=dt.date(2025, 6, 30), progress=False)
    org = result.organisation_id
    events = BoundaryEvent.objects.filter(organisation_id=org)
    assert events.filter(kind="gift", reviewed_on__isnull=False,
                         worker__username="kim").exists()
    drift = Alert.objects.get(organisation_id=org, code="boundary_drift")
    assert drift.facts["params"]["count"] == 3
    assert events.filter(relationship=drift.relationship, severity="minor").count() >= 3
    assert ContactAgreement.objects.filter(organisation_id=org).count() == 1
    first_count = events.count()
    again = demo_seed(clients=60, seed=7, as_of=dt.date(2025, 6, 30), progress=False,
                      reset=True)
    assert BoundaryEvent.objects.filter(organisation_id=again.organisation_id).count() == (
        first_count)

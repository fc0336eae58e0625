"""Demo rows: a signed past session and an upcoming one for the demo supervisor with the
demo keyworker."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Relationship, Status
from keywork.supervision import services
from keywork.supervision.models import Action, AgendaItem, Kind, Session

SUPERVISOR = "sam"
KEYWORKER = "kim"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(*, organisation_id: int, seed: int, as_of: dt.date) -> None:
    sup = (Membership.objects.filter(organisation_id=organisation_id, role=Role.SUPERVISOR,
                                     user__username=SUPERVISOR)
           .select_related("user", "organisation").first())
    kim = Membership.objects.filter(organisation_id=organisation_id, role=Role.KEYWORKER,
                                    user__username=KEYWORKER).select_related("user").first()
    if sup is None or kim is None:
        return
    rels = list(Relationship.objects.filter(organisation_id=organisation_id,
                                            keyworker=kim.user, status=Status.ACTIVE)
                .select_related("client").order_by("id")[:2])
    held = as_of - dt.timedelta(days=28)
    past = Session.objects.create(
        organisation_id=organisation_id, supervisor=sup.user, worker=kim.user, held_on=held,
        kind=Kind.INDIVIDUAL, agenda_since=_at(held - dt.timedelta(days=35), 9),
        created_by=sup.user,
        notes="We went through the caseload. Kim finds the evenings on the unit hardest: "
              "clients seek her out after her shift should have ended.",
        decisions="Kim keeps to her hours and says so kindly; the deputy covers the evenings.",
        worker_reflection="I notice I stay late when a client is having a bad day. It feels "
                          "like care, but it teaches them I am always there.")
    position = 0
    for rel in rels[:1]:
        position += 1
        item = AgendaItem.objects.create(
            organisation_id=organisation_id, session=past, source="signals",
            kind="pattern_changed", title="The relationship pattern changed",
            detail="From “Polite and neutral” to “Ambivalent and conflicted”.",
            relationship=rel, client=rel.client, position=position, priority=25,
            ref=f"pattern:{rel.pk}:demo",
            notes="The client felt unheard when the leave was refused.",
            decisions="Kim explains the decision again, and asks what would help.")
        Action.objects.create(organisation_id=organisation_id, session=past, item=item,
                              text="Talk with the client about the refused leave",
                              owner=kim.user, due_on=held + dt.timedelta(days=7),
                              done_at=_at(held + dt.timedelta(days=5), 14), done_by=kim.user)
    position += 1
    AgendaItem.objects.create(
        organisation_id=organisation_id, session=past, source="supervision", kind="own",
        title="Working hours and the evenings", position=position, priority=60,
        added_by=sup.user)
    Action.objects.create(organisation_id=organisation_id, session=past,
                          text="Agree evening cover with the deputy", owner=sup.user,
                          due_on=held + dt.timedelta(days=14))
    past.signed_at = _at(held, 16)
    past.signed_by = sup.user
    past.save()
    # The next session: its agenda is gathered from the sources, as a supervisor would.
    upcoming = Session.objects.create(
        organisation_id=organisation_id, supervisor=sup.user, worker=kim.user,
        held_on=as_of + dt.timedelta(days=7), kind=Kind.INDIVIDUAL,
        agenda_since=past.created_at, created_by=sup.user)
    services.store_agenda(upcoming, sup)

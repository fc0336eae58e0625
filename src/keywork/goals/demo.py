"""Demo rows: a few negotiated goals on the demo keyworker's caseload.

One goal the client proposed and agreed, one set by a court that the client disagrees with
(and later partly accepts: both views stay), a step the client took over, progress reviews
from both sides, and a fresh proposal from the client's own page waiting to be discussed.
"""

from __future__ import annotations

import datetime as dt

from keywork.goals.models import Comment, Goal, GoalStatus, Review, Stance, Step
from keywork.relationships.models import Relationship, Status

KEYWORKER = "kim"


def _relationships(organisation_id: int) -> list[Relationship]:
    active = Relationship.objects.filter(organisation_id=organisation_id,
                                         status=Status.ACTIVE).order_by("id")
    mine = list(active.filter(keyworker__username=KEYWORKER)[:2])
    return mine or list(active[:2])


def seed(*, organisation_id: int, seed: int, as_of: dt.date) -> None:
    rels = _relationships(organisation_id)
    if not rels or Goal.objects.filter(organisation_id=organisation_id).exists():
        return
    day = lambda n: as_of - dt.timedelta(days=n)  # noqa: E731
    first = rels[0]
    worker = first.keyworker

    def goal(rel: Relationship, **kw: object) -> Goal:
        return Goal.objects.create(organisation_id=organisation_id, episode_id=rel.episode_id,
                                   client_id=rel.client_id, relationship=rel, **kw)

    flat = goal(first, title="Keep my flat", proposed_by="client", status=GoalStatus.OPEN,
                set_on=day(40), created_by=worker, support_practical=True,
                support_advocacy=True,
                description="Rent arrears since the spring; the landlord has written twice.")
    Stance.objects.create(organisation_id=organisation_id, goal=flat, agreement="agrees",
                          client_words="This is the one thing I cannot lose.",
                          worker_view="Realistic if we act this month.", recorded_by=worker)
    Step.objects.create(organisation_id=organisation_id, goal=flat, who="worker",
                        text="Phone the housing office about a payment plan",
                        due_on=day(33), done_on=day(35), taken_over=True, created_by=worker)
    Step.objects.create(organisation_id=organisation_id, goal=flat, who="client",
                        text="Bring the landlord's letters", due_on=day(36), done_on=day(36),
                        created_by=worker)
    Step.objects.create(organisation_id=organisation_id, goal=flat, who="other",
                        who_else="Debt adviser", text="Check the benefit claim",
                        due_on=as_of + dt.timedelta(days=6), created_by=worker)
    for n, (c, w, note) in enumerate([(3, 4, "Scared of the letters."),
                                      (5, 5, "The plan helps."),
                                      (7, 6, "I made the call myself.")]):
        Review.objects.create(organisation_id=organisation_id, goal=flat,
                              reviewed_on=day(35 - 14 * n), client_rating=c, worker_rating=w,
                              client_comment=note, recorded_by=worker)

    court = goal(first, title="Attend all drug tests", proposed_by="court",
                 status=GoalStatus.OPEN, set_on=day(30), created_by=worker,
                 support_cognitive=True, support_emotional=True)
    Stance.objects.create(organisation_id=organisation_id, goal=court, agreement="disagrees",
                          client_words="The court decided this. Twice a week is too much.",
                          worker_view="A condition of the order; we talked about why.",
                          recorded_by=worker)
    Step.objects.create(organisation_id=organisation_id, goal=court, who="client",
                        text="Go to Tuesday's test", due_on=day(26), created_by=worker)
    Comment.objects.create(organisation_id=organisation_id, goal=court,
                           text="I went on Tuesday but the clinic was closed.")

    second = rels[-1]
    idea = goal(second, title="Learn to cook for my kids", proposed_by="client",
                status=GoalStatus.TO_DISCUSS, set_on=day(2),
                description="So they can stay for the weekend.")
    Stance.objects.create(organisation_id=organisation_id, goal=idea, agreement="agrees",
                          client_words="So they can stay for the weekend.")

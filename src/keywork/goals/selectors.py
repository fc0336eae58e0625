"""Reads of goals. ``get_goal_for_user`` is the one way staff open a goal: it uses the
client scope rule, and audits the read or the refusal. The client reaches their own goals
through their link (``goals_for_space``, ``goal_for_space``), audited without an actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Prefetch, QuerySet

from keywork.audit.services import audit_record
from keywork.checkins.space import ClientSpace
from keywork.clients.selectors import clients_for_membership
from keywork.core.errors import AccessDenied
from keywork.domain.goals import (
    DEFAULT_FIRST_STEP_DAYS,
    StepFact,
    achievements,
    first_step_due,
    imposed_and_disputed,
    overdue,
)
from keywork.goals.models import Goal, GoalPolicy, GoalStatus, Review, Stance, Step
from keywork.organisations.selectors import active_membership
from keywork.relationships.models import Relationship
from keywork.signals.charts import Chart, Line, line_chart


def first_step_days(organisation_id: int) -> int:
    """How many days ahead a first step may be due in this organisation."""
    days = (GoalPolicy.objects.filter(organisation_id=organisation_id)
            .values_list("first_step_days", flat=True).first())
    return days or DEFAULT_FIRST_STEP_DAYS


def _with_parts(qs: QuerySet[Goal]) -> QuerySet[Goal]:
    return qs.select_related("relationship", "relationship__keyworker").prefetch_related(
        Prefetch("stances", queryset=Stance.objects.select_related("recorded_by")
                 .order_by("-created_at", "-id")),
        Prefetch("steps", queryset=Step.objects.order_by("due_on", "id")),
        Prefetch("reviews", queryset=Review.objects.order_by("reviewed_on", "id")),
        "comments")


def get_goal_for_user(*, user: Any, pk: int, write: bool = False, audit_view: bool = False) -> Goal:
    """Read: anyone who may open the client. Write: whoever may change the client's
    record (the keyworker or deputy now, a supervisor of the unit)."""
    membership = active_membership(user)
    try:
        goal = _with_parts(Goal.objects.filter(
            client__in=clients_for_membership(membership, write=write))).get(pk=pk)
    except (Goal.DoesNotExist, ValueError, TypeError) as exc:
        audit_record(actor=user, action="denied", role=membership.role if membership else "",
                     organisation_id=membership.organisation_id if membership else None,
                     object_type="goal", object_id=str(pk)[:40])
        raise AccessDenied("This goal is not open to you.") from exc
    assert membership is not None
    if not write or audit_view:
        audit_record(actor=user, action="view", role=membership.role,
                     organisation_id=goal.organisation_id, client_id=goal.client_id, obj=goal)
    return goal


def goals_of_relationship(relationship: Relationship) -> list[Goal]:
    """The goals of the relationship's episode (set in this relationship or an earlier
    one), proposals waiting first. Read only after the relationship accessor."""
    goals = list(_with_parts(Goal.objects.filter(
        organisation_id=relationship.organisation_id, episode_id=relationship.episode_id)))
    return sorted(goals, key=lambda g: (g.status != GoalStatus.TO_DISCUSS,
                                        g.status != GoalStatus.OPEN, -g.pk))


def goals_for_space(space: ClientSpace) -> list[Goal]:
    goals = goals_of_relationship(space.relationship)
    audit_record(actor=None, action="view", organisation_id=space.organisation_id,
                 client_id=space.client.pk, obj=space.link,
                 detail="the client's own goals, through their link")
    return [g for g in goals if g.status != GoalStatus.STOPPED]


def goal_for_space(space: ClientSpace, pk: int) -> Goal | None:
    goal = _with_parts(Goal.objects.filter(
        organisation_id=space.organisation_id, episode_id=space.relationship.episode_id,
        pk=pk)).first()
    if goal is not None:
        audit_record(actor=None, action="view", organisation_id=space.organisation_id,
                     client_id=space.client.pk, obj=goal,
                     detail="the client's own goal, through their link")
    return goal


# --- what a page says about a goal ------------------------------------------------------------


@dataclass(frozen=True)
class GoalSummary:
    goal: Goal
    stance: Stance | None
    disputed: bool
    achievements: int
    overdue: int
    first_due: dt.date | None


def _facts(goal: Goal) -> list[StepFact]:
    return [StepFact(who=s.who, due_on=s.due_on, done_on=s.done_on, taken_over=s.taken_over)
            for s in goal.steps.all()]


def summarise(goal: Goal, today: dt.date) -> GoalSummary:
    stances = list(goal.stances.all())
    stance = stances[0] if stances else None
    facts = _facts(goal)
    return GoalSummary(
        goal=goal, stance=stance,
        disputed=stance is not None and imposed_and_disputed(goal.proposed_by,
                                                             stance.agreement),
        achievements=achievements(facts), overdue=overdue(facts, today),
        first_due=first_step_due(facts))


def achieved_steps(goals: list[Goal]) -> list[Step]:
    """The steps the client did themselves, across goals, newest first."""
    steps = [s for g in goals for s in g.steps.all() if s.is_achievement]
    return sorted(steps, key=lambda s: (s.done_on or dt.date.min, s.pk), reverse=True)


def _relabel(line: Line) -> Line:
    # The chart is drawn on 0–100; people rated 0–10.
    dots = [(x, y, label.rsplit(": ", 1)[0] + f": {round(float(label.rsplit(': ', 1)[1]) / 10)}",
             sx, sy) for x, y, label, sx, sy in line.dots]
    return replace(line, dots=dots)


def progress_chart(goal: Goal) -> Chart | None:
    """The reviews as a line chart (client and keyworker) drawn by the shared geometry."""
    reviews = list(goal.reviews.all())
    chart = line_chart(
        [(r.reviewed_on, r.client_rating * 10 if r.client_rating is not None else None)
         for r in reviews],
        [(r.reviewed_on, r.worker_rating * 10 if r.worker_rating is not None else None)
         for r in reviews])
    if chart is None:
        return None
    return replace(chart, client=_relabel(chart.client), worker=_relabel(chart.worker),
                   y_ticks=[(y, v // 10) for y, v in chart.y_ticks])

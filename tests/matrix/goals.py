"""Goals: the staff pages and the client's own goal pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from keywork.goals import services
from keywork.goals.models import Goal
from keywork.organisations.models import Membership
from tests.matrix import NO_CLIENT, READ, WRITE, Entry, Target, relationship_pk
from tests.matrix.portal import _token


def _membership(t: Target) -> Membership:
    rel = t.relationship
    return Membership.objects.get(organisation_id=rel.organisation_id, user_id=rel.keyworker_id)


def _goal(t: Target) -> Goal:
    return services.goal_create(
        membership=_membership(t), relationship=t.relationship, title="Matrix: keep my flat",
        proposed_by="client", agreement="agrees", step_text="Call the landlord",
        step_who="client", step_due_on=timezone.localdate() + dt.timedelta(days=3))


def _goal_pk(t: Target) -> dict[str, Any]:
    return {"pk": _goal(t).pk}


def _proposal_pk(t: Target) -> dict[str, Any]:
    goal = services.goal_propose_by_client(relationship=t.relationship, title="Matrix: work")
    return {"pk": goal.pk}


def _step_pk(t: Target) -> dict[str, Any]:
    goal = _goal(t)
    step = goal.steps.get()
    return {"pk": goal.pk, "step_pk": step.pk}


def _step_fields(t: Target) -> dict[str, Any]:
    return {"step_text": "Matrix: a step", "step_who": "worker",
            "step_due_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat()}


def _goal_fields(t: Target) -> dict[str, Any]:
    return {"title": "Matrix: see my children", "proposed_by": "authority",
            "agreement": "disagrees", "client_words": "Not now.", **_step_fields(t)}


def _portal(t: Target) -> dict[str, Any]:
    return {"token": _token(t)}


def _portal_goal(t: Target) -> dict[str, Any]:
    return {"token": _token(t), "pk": _goal(t).pk}


ENTRIES = [
    Entry("goals:list", READ, relationship_pk),
    Entry("goals:create", WRITE, relationship_pk, method="post", data=_goal_fields,
          note="a closed relationship gets the form back, not a goal (200)"),
    Entry("goals:detail", READ, _goal_pk),
    Entry("goals:take_up", WRITE, _proposal_pk, method="post", data=_step_fields),
    Entry("goals:stance", WRITE, _goal_pk, method="post",
          data=lambda t: {"agreement": "disagrees", "client_words": "Matrix: not mine."}),
    Entry("goals:step_add", WRITE, _goal_pk, method="post", data=_step_fields),
    Entry("goals:step_done", WRITE, _step_pk, method="post", data=lambda t: {}),
    Entry("goals:review", WRITE, _goal_pk, method="post",
          data=lambda t: {"client_rating": "6", "worker_rating": "7"}),
    Entry("goals:status", WRITE, _goal_pk, method="post",
          data=lambda t: {"status": "reached"}),
    Entry("portal:goals_list", NO_CLIENT, _portal, public=True,
          note="the client's own goals, through a phone link"),
    Entry("portal:goals_propose", NO_CLIENT, _portal, public=True),
    Entry("portal:goals_detail", NO_CLIENT, _portal_goal, public=True),
    Entry("portal:goals_comment", NO_CLIENT, _portal_goal, public=True, method="post",
          data=lambda t: {"text": "Matrix: a comment."}),
    Entry("goals:settings", NO_CLIENT, roles=("administrator",)),
]

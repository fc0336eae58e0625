"""Writes of goals. Each runs in one transaction and leaves an audit row.

Staff writes take the acting membership; the client's own writes (a proposal, a comment)
come through their link and are audited without a staff actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.audit.services import audit_record
from keywork.core.errors import ApplicationError
from keywork.domain.goals import MAX_FIRST_STEP_DAYS, first_step_late_by, valid_rating
from keywork.goals.models import (
    Agreement,
    Comment,
    Doer,
    Goal,
    GoalPolicy,
    GoalStatus,
    ProposedBy,
    Review,
    Stance,
    Step,
)
from keywork.goals.selectors import first_step_days
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Relationship

SUPPORTS = ("emotional", "practical", "cognitive", "advocacy")


def _audit(membership: Membership | None, goal: Goal, obj: object, action: str,
           detail: str) -> None:
    audit_record(actor=membership.user if membership else None, action=action,
                 role=membership.role if membership else "",
                 organisation_id=goal.organisation_id, client_id=goal.client_id, obj=obj,
                 detail=detail)


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ApplicationError(_("Write the goal in a few words."), field="title")
    return title


def _check_first_step(*, goal_org_id: int, set_on: dt.date, due_on: dt.date | None) -> None:
    days = first_step_days(goal_org_id)
    if due_on is None:
        raise ApplicationError(_("Give the first step a date."), field="step_due_on")
    if due_on < timezone.localdate():
        raise ApplicationError(_("The first step's date has already passed."),
                               field="step_due_on")
    late = first_step_late_by(set_on=set_on, due_on=due_on, max_days=days)
    if late:
        raise ApplicationError(
            _("The first step should be due within %(days)s days, not months: choose a "
              "smaller step that can be done by %(last)s.")
            % {"days": days, "last": (set_on + dt.timedelta(days=days)).isoformat()},
            field="step_due_on")


def _check_step(text: str, who: str, who_else: str) -> tuple[str, str]:
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write the step."), field="step_text")
    if who not in Doer.values:
        raise ApplicationError(_("Choose who does the step."), field="step_who")
    who_else = who_else.strip()
    if who == Doer.OTHER and not who_else:
        raise ApplicationError(_("Say who else does the step."), field="step_who_else")
    return text, who_else if who == Doer.OTHER else ""


def _supports(kinds: Iterable[str]) -> dict[str, bool]:
    chosen = set(kinds)
    unknown = chosen - set(SUPPORTS)
    if unknown:
        raise ApplicationError(_("Choose kinds of support from the list."), field="supports")
    return {f"support_{k}": k in chosen for k in SUPPORTS}


@transaction.atomic
def goal_create(*, membership: Membership, relationship: Relationship, title: str,
                proposed_by: str, agreement: str, description: str = "",
                client_words: str = "", worker_view: str = "",
                supports: Iterable[str] = (), step_text: str, step_who: str,
                step_due_on: dt.date | None, step_who_else: str = "") -> Goal:
    """A goal with the client's stance and its first step, due within the policy's days."""
    title = _clean_title(title)
    if proposed_by not in ProposedBy.values:
        raise ApplicationError(_("Choose who proposed the goal."), field="proposed_by")
    if agreement not in Agreement.values:
        raise ApplicationError(_("Choose where the client stands."), field="agreement")
    today = timezone.localdate()
    step_text, step_who_else = _check_step(step_text, step_who, step_who_else)
    _check_first_step(goal_org_id=relationship.organisation_id, set_on=today,
                      due_on=step_due_on)
    assert step_due_on is not None
    goal = Goal.objects.create(
        organisation_id=relationship.organisation_id, episode_id=relationship.episode_id,
        client_id=relationship.client_id, relationship=relationship, title=title,
        description=description.strip(), proposed_by=proposed_by, status=GoalStatus.OPEN,
        set_on=today, created_by=membership.user, **_supports(supports))
    Stance.objects.create(organisation_id=goal.organisation_id, goal=goal,
                          agreement=agreement, client_words=client_words.strip(),
                          worker_view=worker_view.strip(), recorded_by=membership.user)
    Step.objects.create(organisation_id=goal.organisation_id, goal=goal, text=step_text,
                        who=step_who, who_else=step_who_else, due_on=step_due_on,
                        created_by=membership.user)
    _audit(membership, goal, goal, "create", f"goal proposed by {proposed_by}, {agreement}")
    return goal


@transaction.atomic
def goal_propose_by_client(*, relationship: Relationship, title: str,
                           description: str = "") -> Goal:
    """The client's own proposal, from their page: waits for the keyworker to discuss it."""
    title = _clean_title(title)
    goal = Goal.objects.create(
        organisation_id=relationship.organisation_id, episode_id=relationship.episode_id,
        client_id=relationship.client_id, relationship=relationship, title=title,
        description=description.strip(), proposed_by=ProposedBy.CLIENT,
        status=GoalStatus.TO_DISCUSS, set_on=timezone.localdate())
    Stance.objects.create(organisation_id=goal.organisation_id, goal=goal,
                          agreement=Agreement.AGREES, client_words=description.strip())
    _audit(None, goal, goal, "create", "goal proposed by the client on their own page")
    return goal


@transaction.atomic
def goal_take_up(*, membership: Membership, goal: Goal, worker_view: str = "",
                 supports: Iterable[str] = (), step_text: str, step_who: str,
                 step_due_on: dt.date | None, step_who_else: str = "") -> Goal:
    """After talking it through, the client's proposal becomes a goal worked on, with its
    first step."""
    if goal.status != GoalStatus.TO_DISCUSS:
        raise ApplicationError(_("This goal is already being worked on."))
    step_text, step_who_else = _check_step(step_text, step_who, step_who_else)
    _check_first_step(goal_org_id=goal.organisation_id, set_on=timezone.localdate(),
                      due_on=step_due_on)
    assert step_due_on is not None
    for name, value in _supports(supports).items():
        setattr(goal, name, value)
    goal.status = GoalStatus.OPEN
    goal.set_on = timezone.localdate()
    goal.save()
    if worker_view.strip():
        latest = goal.stances.first()
        Stance.objects.create(
            organisation_id=goal.organisation_id, goal=goal,
            agreement=latest.agreement if latest else Agreement.AGREES,
            client_words=latest.client_words if latest else "",
            worker_view=worker_view.strip(), recorded_by=membership.user)
    Step.objects.create(organisation_id=goal.organisation_id, goal=goal, text=step_text,
                        who=step_who, who_else=step_who_else, due_on=step_due_on,
                        created_by=membership.user)
    _audit(membership, goal, goal, "update", "the client's proposal taken up")
    return goal


@transaction.atomic
def goal_set_status(*, membership: Membership, goal: Goal, status: str) -> Goal:
    if status not in (GoalStatus.OPEN, GoalStatus.REACHED, GoalStatus.STOPPED):
        raise ApplicationError(_("Choose reached, stopped or being worked on."),
                               field="status")
    if goal.status == GoalStatus.TO_DISCUSS:
        raise ApplicationError(_("Talk the proposal through and take it up first."))
    if goal.status != status:
        old = goal.status
        goal.status = status
        goal.save(update_fields=["status", "updated_at"])
        _audit(membership, goal, goal, "update", f"status {old} -> {status}")
    return goal


@transaction.atomic
def stance_add(*, membership: Membership, goal: Goal, agreement: str,
               client_words: str = "", worker_view: str = "") -> Stance:
    """A new view on the goal; earlier ones stay as they were."""
    if agreement not in Agreement.values:
        raise ApplicationError(_("Choose where the client stands."), field="agreement")
    if not client_words.strip() and not worker_view.strip() and agreement != (
            Agreement.NOT_ASKED):
        raise ApplicationError(_("Write the client's words or your view."),
                               field="client_words")
    stance = Stance.objects.create(
        organisation_id=goal.organisation_id, goal=goal, agreement=agreement,
        client_words=client_words.strip(), worker_view=worker_view.strip(),
        recorded_by=membership.user)
    _audit(membership, goal, stance, "create", f"stance {agreement}")
    return stance


@transaction.atomic
def step_add(*, membership: Membership, goal: Goal, text: str, who: str,
             due_on: dt.date | None, who_else: str = "") -> Step:
    text, who_else = _check_step(text, who, who_else)
    if due_on is None:
        raise ApplicationError(_("Give the step a date."), field="step_due_on")
    if not goal.steps.exists():
        _check_first_step(goal_org_id=goal.organisation_id, set_on=timezone.localdate(),
                          due_on=due_on)
    step = Step.objects.create(organisation_id=goal.organisation_id, goal=goal, text=text,
                               who=who, who_else=who_else, due_on=due_on,
                               created_by=membership.user)
    _audit(membership, goal, step, "create", f"step for {who}")
    return step


@transaction.atomic
def step_done(*, membership: Membership, step: Step, done_on: dt.date | None = None,
              taken_over: bool = False) -> Step:
    """Mark a step done. ``taken_over``: the client did a step planned for someone else."""
    if step.done_on is not None:
        raise ApplicationError(_("This step is already marked done."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ApplicationError(_("A step cannot be done in the future."), field="done_on")
    step.done_on = done_on
    step.taken_over = taken_over and step.who != Doer.CLIENT
    step.save(update_fields=["done_on", "taken_over", "updated_at"])
    _audit(membership, step.goal, step, "update",
           "step done" + (", taken over by the client" if step.taken_over else ""))
    return step


@transaction.atomic
def review_add(*, membership: Membership, goal: Goal, reviewed_on: dt.date | None = None,
               client_rating: int | None = None, client_comment: str = "",
               worker_rating: int | None = None, worker_comment: str = "") -> Review:
    """A progress review; each side rates 0–10 (either may be left out, not both)."""
    if client_rating is None and worker_rating is None:
        raise ApplicationError(_("Give at least one rating from 0 to 10."),
                               field="client_rating")
    for name, value in (("client_rating", client_rating), ("worker_rating", worker_rating)):
        if not valid_rating(value):
            raise ApplicationError(_("A rating is a number from 0 to 10."), field=name)
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ApplicationError(_("A review cannot be dated in the future."),
                               field="reviewed_on")
    review = Review.objects.create(
        organisation_id=goal.organisation_id, goal=goal, reviewed_on=reviewed_on,
        client_rating=client_rating, client_comment=client_comment.strip(),
        worker_rating=worker_rating, worker_comment=worker_comment.strip(),
        recorded_by=membership.user)
    _audit(membership, goal, review, "create", "progress review")
    return review


@transaction.atomic
def comment_add_by_client(*, relationship: Relationship, goal: Goal, text: str) -> Comment:
    """The client's comment on one of their goals, from their own page."""
    if goal.episode_id != relationship.episode_id:
        raise ApplicationError(_("This goal is not yours to comment on."))
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write your comment."), field="text")
    comment = Comment.objects.create(organisation_id=goal.organisation_id, goal=goal,
                                     text=text)
    _audit(None, goal, comment, "create", "the client's comment on their own page")
    return comment


@transaction.atomic
def goal_policy_save(*, membership: Membership, first_step_days: int) -> GoalPolicy:
    """The administrator sets how soon a goal's first step must be due."""
    if membership.role != Role.ADMINISTRATOR:
        raise ApplicationError(_("Only an administrator changes the goal settings."))
    if not 1 <= first_step_days <= MAX_FIRST_STEP_DAYS:
        raise ApplicationError(_("Give a number of days from 1 to 90."),
                               field="first_step_days")
    policy, _created = GoalPolicy.objects.update_or_create(
        organisation_id=membership.organisation_id,
        defaults={"first_step_days": first_step_days})
    audit_record(actor=membership.user, action="update", role=membership.role,
                 organisation_id=membership.organisation_id, obj=policy,
                 detail=f"goal settings: first step within {first_step_days} days")
    return policy

"""Goals pages for staff: thin views over the goals selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keywork.clients.selectors import may_write_client
from keywork.core.errors import ApplicationError
from keywork.core.http import open_or_404, submitted
from keywork.goals import services
from keywork.goals.forms import (
    GoalForm,
    GoalSettingsForm,
    ReviewForm,
    StanceForm,
    StatusForm,
    StepDoneForm,
    StepForm,
    TakeUpForm,
)
from keywork.goals.models import Goal, GoalStatus
from keywork.goals.selectors import (
    achieved_steps,
    first_step_days,
    get_goal_for_user,
    goals_of_relationship,
    progress_chart,
    summarise,
)
from keywork.organisations.http import KeyworkRequest, membership_in_role, membership_of
from keywork.organisations.models import Role
from keywork.relationships.selectors import get_relationship_for_user


def _goal(request: KeyworkRequest, pk: int, *, write: bool = False) -> Goal:
    return open_or_404(get_goal_for_user, request, pk, write=write)


def _done(request: KeyworkRequest, goal: Goal, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_to_goal(goal))


def _to_goal(goal: Goal) -> str:
    return reverse("goals:detail", kwargs={"pk": goal.pk})


@login_required
@require_GET
def goal_list(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk)
    goals = goals_of_relationship(rel)
    today = timezone.localdate()
    return render(request, "goals/list.html", {
        "rel": rel, "client": rel.client,
        "summaries": [summarise(g, today) for g in goals],
        "achieved": achieved_steps(goals),
        "can_write": may_write_client(request.membership, rel.client),
    })


@login_required
@require_http_methods(["GET", "POST"])
def create(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    form = GoalForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.goal_create(
        membership=membership, relationship=rel, title=data["title"],
        description=data["description"], proposed_by=data["proposed_by"],
        agreement=data["agreement"], client_words=data["client_words"],
        worker_view=data["worker_view"], supports=data["supports"], **form.step_fields()),
        message=_("The goal is saved with its first step."),
        to=_to_goal)
    return done or render(request, "goals/form.html", {
        "rel": rel, "client": rel.client, "form": form,
        "days": first_step_days(rel.organisation_id),
        "title": _("A new goal"), "action": request.path})


@login_required
@require_GET
def detail(request: KeyworkRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    today = timezone.localdate()
    return render(request, "goals/detail.html", {
        "goal": goal, "client": goal.client, "rel": goal.relationship,
        "summary": summarise(goal, today), "stances": list(goal.stances.all()),
        "steps": list(goal.steps.all()), "reviews": list(goal.reviews.all()),
        "comments": list(goal.comments.all()), "chart": progress_chart(goal),
        "can_write": may_write_client(request.membership, goal.client),
        "status_form": StatusForm(initial={"status": goal.status}), "today": today,
    })


def _goal_form_page(request: KeyworkRequest, goal: Goal, form: Form, title: str
                    ) -> HttpResponse:
    return render(request, "goals/form.html", {
        "goal": goal, "client": goal.client, "rel": goal.relationship, "form": form,
        "days": first_step_days(goal.organisation_id), "title": title,
        "action": request.path})


@login_required
@require_http_methods(["GET", "POST"])
def take_up(request: KeyworkRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk, write=True)
    membership = membership_of(request)
    form = TakeUpForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.goal_take_up(
        membership=membership, goal=goal, worker_view=data["worker_view"],
        supports=data["supports"], **form.step_fields()),
        message=_("The client's proposal is now a goal with its first step."),
        to=_to_goal(goal))
    return done or _goal_form_page(request, goal, form, _("Take up the client's proposal"))


@login_required
@require_http_methods(["GET", "POST"])
def stance(request: KeyworkRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk, write=True)
    membership = membership_of(request)
    form = StanceForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.stance_add(
        membership=membership, goal=goal, **data),
        message=_("The new view is added; earlier ones stay."),
        to=_to_goal(goal))
    return done or _goal_form_page(request, goal, form, _("Where the client stands now"))


@login_required
@require_http_methods(["GET", "POST"])
def step_add(request: KeyworkRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk, write=True)
    membership = membership_of(request)
    form = StepForm(request.POST if request.method == "POST" else None)
    def add(_data: dict[str, Any]) -> object:
        step = form.step_fields()
        return services.step_add(membership=membership, goal=goal, text=step["step_text"],
                                 who=step["step_who"], who_else=step["step_who_else"],
                                 due_on=step["step_due_on"])

    done = submitted(request, form, add, message=_("The step is added."), to=_to_goal(goal))
    return done or _goal_form_page(request, goal, form, _("Add a step"))


@login_required
@require_POST
def step_done(request: KeyworkRequest, pk: int, step_pk: int) -> HttpResponse:
    goal = _goal(request, pk, write=True)
    membership = membership_of(request)
    step = goal.steps.filter(pk=step_pk).first()
    if step is None:
        raise Http404
    form = StepDoneForm(request.POST)
    form.is_valid()
    try:
        services.step_done(membership=membership, step=step,
                           taken_over=bool(form.cleaned_data.get("taken_over")))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("goals:detail", pk=goal.pk)
    return _done(request, goal, _("The step is marked done."))


@login_required
@require_http_methods(["GET", "POST"])
def review(request: KeyworkRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk, write=True)
    membership = membership_of(request)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.review_add(
        membership=membership, goal=goal, **data),
        message=_("The progress review is saved."),
        to=_to_goal(goal))
    return done or _goal_form_page(request, goal, form, _("Review progress"))


@login_required
@require_POST
def status(request: KeyworkRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk, write=True)
    membership = membership_of(request)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose reached, stopped or being worked on."))
        return redirect("goals:detail", pk=goal.pk)
    try:
        services.goal_set_status(membership=membership, goal=goal,
                                 status=form.cleaned_data["status"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("goals:detail", pk=goal.pk)
    label = GoalStatus(form.cleaned_data["status"]).label
    return _done(request, goal, _("Status: %(status)s.") % {"status": label})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: KeyworkRequest) -> HttpResponse:
    membership = membership_in_role(request, Role.ADMINISTRATOR)
    form = GoalSettingsForm(request.POST if request.method == "POST" else None,
                            initial={"first_step_days":
                                     first_step_days(membership.organisation_id)})
    done = submitted(request, form, lambda data: services.goal_policy_save(
        membership=membership, first_step_days=data["first_step_days"]),
        message=_("The goal settings are saved."),
        to="goals:settings")
    return done or render(request, "goals/settings.html", {"form": form})

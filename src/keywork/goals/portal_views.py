"""The client's own goals pages, behind their link (``keywork.checkins.space``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keywork.checkins.space import ClientSpace, client_space, gone
from keywork.core.http import submitted
from keywork.goals import services
from keywork.goals.forms import ClientCommentForm, ClientProposalForm
from keywork.goals.models import Goal
from keywork.goals.selectors import achieved_steps, goal_for_space, goals_for_space


@client_space
@require_GET
def goals_list(request: HttpRequest, space: ClientSpace) -> HttpResponse:
    goals = goals_for_space(space)
    return render(request, "goals/portal_list.html", {
        "space": space, "token": space.token, "goals": goals,
        "achieved": achieved_steps(goals), "sent": request.GET.get("sent") == "1"})


@client_space
@require_http_methods(["GET", "POST"])
def goals_propose(request: HttpRequest, space: ClientSpace) -> HttpResponse:
    form = ClientProposalForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.goal_propose_by_client(
        relationship=space.relationship, **data), message=None, to=f"{_list_url(space)}?sent=1")
    return done or render(request, "goals/portal_propose.html", {
        "space": space, "token": space.token, "form": form})


def _list_url(space: ClientSpace) -> str:
    return reverse("portal:goals_list", kwargs={"token": space.token})


def _detail_page(request: HttpRequest, space: ClientSpace, goal: Goal,
                 form: ClientCommentForm, *, sent: bool = False) -> HttpResponse:
    stances = goal.stances.all()
    return render(request, "goals/portal_detail.html", {
        "space": space, "token": space.token, "goal": goal,
        "stance": stances[0] if stances else None,
        "steps": list(goal.steps.all()), "form": form,
        "comments": list(goal.comments.all()), "sent": sent})


@client_space
@require_GET
def goals_detail(request: HttpRequest, space: ClientSpace, pk: int) -> HttpResponse:
    goal = goal_for_space(space, pk)
    if goal is None:
        return gone(request, 404)
    return _detail_page(request, space, goal, ClientCommentForm(),
                        sent=request.GET.get("sent") == "1")


@client_space
@require_POST
def goals_comment(request: HttpRequest, space: ClientSpace, pk: int) -> HttpResponse:
    goal = goal_for_space(space, pk)
    if goal is None:
        return gone(request, 404)
    form = ClientCommentForm(request.POST)
    url = reverse("portal:goals_detail", kwargs={"token": space.token, "pk": goal.pk})
    done = submitted(request, form, lambda data: services.comment_add_by_client(
        relationship=space.relationship, goal=goal, text=data["text"]),
        message=None, to=f"{url}?sent=1")
    return done or _detail_page(request, space, goal, form)

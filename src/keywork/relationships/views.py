"""The keyworker relationship: proposal, introduction, activation, ending, closing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from keywork.clients.selectors import get_episode_for_user
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error, open_or_404, submitted
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.organisations.models import Role
from keywork.relationships import hooks, services
from keywork.relationships.forms import (
    ActivateForm,
    CloseForm,
    DeputyForm,
    EndingForm,
    IntroductionForm,
    ProposeForm,
)
from keywork.relationships.models import OPEN_STATUSES, Introduction, Relationship, Status
from keywork.relationships.selectors import (
    allocation_candidates,
    get_relationship_for_user,
    relationships_of_client,
)


def missing_introduction_items(intro: Introduction | None) -> list[str]:
    """What a complete introduction still lacks, in words for the page."""
    labels = {
        "explained_role": _("the worker's role"),
        "explained_purpose": _("the purpose of contact"),
        "explained_powers": _("the worker's powers, legal ones included"),
        "explained_confidentiality": _("the limits of confidentiality"),
    }
    if intro is None:
        return [*labels.values(), _("what the client understood")]
    missing = [str(label) for name, label in labels.items() if not getattr(intro, name)]
    if not intro.client_understanding.strip():
        missing.append(_("what the client understood"))
    return missing


def _done(request: KeyworkRequest, rel: Relationship, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(rel.get_absolute_url())


def _to_relationship(rel: Relationship) -> str:
    return rel.get_absolute_url()


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: KeyworkRequest, pk: int) -> HttpResponse:
    episode = open_or_404(get_episode_for_user, request, pk, write=True, supervise=True)
    membership = membership_of(request)
    candidates = allocation_candidates(organisation=membership.organisation, unit=episode.unit)
    earlier = [r for r in relationships_of_client(episode.client) if r.episode_id == episode.pk]
    current = next((r for r in earlier if r.status in (Status.PROPOSED, Status.ACTIVE)), None)
    form = ProposeForm(request.POST if request.method == "POST" else None,
                       candidates=candidates,
                       initial={} if earlier else {"start_reason": "first_allocation"})
    done = submitted(request, form, lambda data: services.relationship_propose(
        membership=membership, episode=episode, keyworker_id=data["keyworker"],
        deputy_id=data["deputy"], start_reason=data["start_reason"],
        start_note=data["start_note"]),
        message=_("The keyworker is proposed. The introduction comes next."),
        to=_to_relationship)
    return done or render(request, "relationships/propose.html", {
        "episode": episode, "client": episode.client, "form": form, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def introduction(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    existing = getattr(rel, "introduction", None)
    form = IntroductionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.introduction_record(membership=membership, relationship=rel,
                                         **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            message = _("The introduction is recorded.")
            if rel.status == Status.PROPOSED:
                messages.success(request, message)
                return redirect("relationships:activate", pk=rel.pk)
            return _done(request, rel, message)
    return render(request, "relationships/introduction.html", {
        "rel": rel, "client": rel.client, "basis": rel.episode.legal_basis, "form": form,
        "existing": existing, "is_open": rel.status in OPEN_STATUSES})


@login_required
@require_http_methods(["GET", "POST"])
def activate(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    intro = getattr(rel, "introduction", None)
    complete = intro is not None and intro.is_complete
    form = ActivateForm(request.POST if request.method == "POST" else None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_activate(
                membership=membership, relationship=rel,
                waiver="" if complete else form.cleaned_data["waiver"])
        except ApplicationError as exc:
            if exc.field == "waiver":
                add_service_error(form, exc)
            else:
                refused = exc.message
        else:
            return _done(request, rel, _("The relationship is active."))
    return render(request, "relationships/activate.html", {
        "rel": rel, "client": rel.client, "form": form, "introduction": intro,
        "complete": complete, "missing": missing_introduction_items(intro),
        "is_supervisor": membership.role == Role.SUPERVISOR, "refused": refused})


@login_required
@require_http_methods(["GET", "POST"])
def ending(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    form = EndingForm(request.POST if request.method == "POST" else None)
    can_end = rel.status in (Status.PROPOSED, Status.ACTIVE)
    done = submitted(request, form, lambda data: services.relationship_start_ending(
        membership=membership, relationship=rel, end_reason=data["end_reason"],
        ending_from=data["ending_from"], note=data["note"]),
        message=_("The ending has started."), to=_to_relationship(rel)) if can_end else None
    return done or render(request, "relationships/ending.html",
                  {"rel": rel, "client": rel.client, "form": form, "can_end": can_end})


@login_required
@require_http_methods(["GET", "POST"])
def close(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    form = CloseForm(request.POST if request.method == "POST" else None)
    can_close = rel.status == Status.ENDING
    done = submitted(request, form, lambda data: services.relationship_close(
        membership=membership, relationship=rel, note=data["note"]),
        message=_("The relationship is closed."), to=_to_relationship(rel)) if can_close else None
    return done or render(request, "relationships/close.html",
                  {"rel": rel, "client": rel.client, "form": form, "can_close": can_close,
                   "closing_parts": list(hooks.closing_parts)})


@login_required
@require_http_methods(["GET", "POST"])
def deputy(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True, supervise=True)
    membership = membership_of(request)
    candidates = [c for c in allocation_candidates(organisation=membership.organisation,
                                                   unit=rel.episode.unit)
                  if c.user_id != rel.keyworker_id]
    is_open = rel.status in OPEN_STATUSES
    if request.method == "POST":
        form = DeputyForm(request.POST, candidates=candidates)
    else:
        form = DeputyForm(candidates=candidates, initial={"deputy": rel.deputy_id or ""})
    done = submitted(request, form, lambda data: services.relationship_set_deputy(
        membership=membership, relationship=rel, deputy_id=data["deputy"]),
        message=_("The deputy is changed."), to=_to_relationship(rel)) if is_open else None
    return done or render(request, "relationships/deputy.html",
                  {"rel": rel, "client": rel.client, "form": form, "is_open": is_open})

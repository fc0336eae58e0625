"""The client record: admission, the client page, edits, history and episodes of care."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from keywork.clients import services
from keywork.clients.forms import (
    AdmitForm,
    ClientForm,
    EpisodeEditForm,
    EpisodeEndForm,
    EpisodeForm,
)
from keywork.clients.models import Client, Episode
from keywork.clients.selectors import (
    episodes_of_client,
    get_client_for_user,
    get_episode_for_user,
    history_entries,
    relationships_to_end_first,
)
from keywork.core.errors import AccessDenied, ApplicationError
from keywork.core.http import add_service_error
from keywork.organisations.http import KeyworkRequest
from keywork.organisations.models import Role


def _client(request: KeyworkRequest, pk: int, *, write: bool = False,
            purpose: str = "") -> Client:
    try:
        client = get_client_for_user(user=request.user, pk=pk, write=write, purpose=purpose)
        if write and request.method == "GET":
            # The form shows the record: the read is recorded like any other.
            get_client_for_user(user=request.user, pk=pk, purpose=purpose)
    except AccessDenied as exc:
        raise Http404 from exc
    return client


def _supervised_episode(request: KeyworkRequest, pk: int) -> Episode:
    try:
        episode = get_episode_for_user(user=request.user, pk=pk, write=True)
    except AccessDenied as exc:
        raise Http404 from exc
    if request.membership is None or request.membership.role != Role.SUPERVISOR:
        raise Http404
    if request.method == "GET":
        _client(request, episode.client_id, purpose="episode")
    return episode


@login_required
@require_http_methods(["GET", "POST"])
def admit(request: KeyworkRequest) -> HttpResponse:
    membership = request.membership
    if membership is None or membership.role != Role.SUPERVISOR:
        raise PermissionDenied
    form = AdmitForm(request.POST if request.method == "POST" else None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(membership=membership, **form.episode_fields(),
                                            **form.client_fields())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The client is admitted. Propose a keyworker next."))
            return redirect("records:client", pk=client.pk)
    return render(request, "clients/admit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk, write=True, purpose="edit form")
    assert request.membership is not None
    if request.method == "POST":
        form = ClientForm(request.POST)
        if form.is_valid():
            try:
                services.client_update(membership=request.membership, client=client,
                                       **form.client_fields())
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The client record is saved."))
                return redirect("records:client", pk=client.pk)
    else:
        form = ClientForm(initial={k: getattr(client, k) for k in services.CLIENT_FIELDS})
    return render(request, "clients/edit.html", {"client": client, "form": form})


@login_required
@require_GET
def history(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk, purpose="change history")
    entries = history_entries(client, what=_("Client record"))
    for episode in episodes_of_client(client):
        entries += history_entries(
            episode, what=_("Episode from %(start)s") % {"start": episode.start_date})
    entries.sort(key=lambda e: e.when, reverse=True)
    return render(request, "clients/history.html", {
        "client": client, "entries": entries,
        "hidden_fields": ("given_name", "family_name", "address")
        if client.protected_identity else (),
    })


@login_required
@require_http_methods(["GET", "POST"])
def episode_new(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk, write=True, purpose="new episode")
    membership = request.membership
    if membership is None or membership.role != Role.SUPERVISOR:
        raise Http404
    open_now = next((e for e in episodes_of_client(client) if e.is_open), None)
    form = EpisodeForm(request.POST if request.method == "POST" else None,
                       membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_create(membership=membership, client=client,
                                    **form.episode_fields())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The new episode is recorded. Propose a keyworker."))
            return redirect("records:client", pk=client.pk)
    return render(request, "clients/episode_new.html",
                  {"client": client, "form": form, "open_episode": open_now})


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    episode = _supervised_episode(request, pk)
    assert request.membership is not None
    if request.method == "POST":
        form = EpisodeEditForm(request.POST, episode=episode)
        if form.is_valid():
            try:
                services.episode_update(membership=request.membership, episode=episode,
                                        **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The episode is saved."))
                return redirect("records:client", pk=episode.client_id)
    else:
        form = EpisodeEditForm(episode=episode, initial={
            "planned_end_date": episode.planned_end_date, "legal_basis": episode.legal_basis_id,
            "consent": episode.consent, "consent_date": episode.consent_date,
            "consent_note": episode.consent_note})
    return render(request, "clients/episode_edit.html",
                  {"episode": episode, "client": episode.client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def episode_end(request: KeyworkRequest, pk: int) -> HttpResponse:
    episode = _supervised_episode(request, pk)
    assert request.membership is not None
    form = EpisodeEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and episode.is_open and form.is_valid():
        try:
            services.episode_end(membership=request.membership, episode=episode,
                                 **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The episode has ended."))
            return redirect("records:client", pk=episode.client_id)
    open_relationships = relationships_to_end_first(episode)
    return render(request, "clients/episode_end.html", {
        "episode": episode, "client": episode.client, "form": form,
        "open_relationships": open_relationships})

"""The client record: admission, edits, history and episodes of care. (The client's page
itself gathers from every area: ``records``.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
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
    SEARCH_LIMIT,
    SEARCH_MIN_LENGTH,
    client_search,
    episodes_of_client,
    get_client_for_user,
    get_episode_for_user,
    history_entries,
    relationships_to_end_first,
)
from keywork.core.http import open_or_404, submitted
from keywork.organisations.http import KeyworkRequest, membership_of, role_required
from keywork.organisations.models import Role


def _to_client(obj: Client | Episode) -> str:
    pk = obj.pk if isinstance(obj, Client) else obj.client_id
    return reverse("records:client", kwargs={"pk": pk})


@role_required(Role.SUPERVISOR, methods=("GET", "POST"))
def admit(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    form = AdmitForm(request.POST if request.method == "POST" else None, membership=membership)
    done = submitted(request, form, lambda _data: services.client_create(
        membership=membership, **form.episode_fields(), **form.client_fields()),
        message=_("The client is admitted. Propose a keyworker next."), to=_to_client)
    return done or render(request, "clients/admit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = open_or_404(get_client_for_user, request, pk, write=True, purpose="edit form")
    membership = membership_of(request)
    if request.method == "POST":
        form = ClientForm(request.POST)
    else:
        form = ClientForm(initial={k: getattr(client, k) for k in services.CLIENT_FIELDS})
    done = submitted(request, form, lambda _data: services.client_update(
        membership=membership, client=client, **form.client_fields()),
        message=_("The client record is saved."), to=_to_client)
    return done or render(request, "clients/edit.html", {"client": client, "form": form})


@login_required
@require_GET
def history(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = open_or_404(get_client_for_user, request, pk, purpose="change history")
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
    client = open_or_404(get_client_for_user, request, pk, write=True, purpose="new episode",
                         supervise=True)
    membership = membership_of(request)
    open_now = next((e for e in episodes_of_client(client) if e.is_open), None)
    form = EpisodeForm(request.POST if request.method == "POST" else None,
                       membership=membership)
    done = submitted(request, form, lambda _data: services.episode_create(
        membership=membership, client=client, **form.episode_fields()),
        message=_("The new episode is recorded. Propose a keyworker."), to=_to_client)
    return done or render(request, "clients/episode_new.html",
                          {"client": client, "form": form, "open_episode": open_now})


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    episode = open_or_404(get_episode_for_user, request, pk, write=True, supervise=True)
    membership = membership_of(request)
    if request.method == "POST":
        form = EpisodeEditForm(request.POST, episode=episode)
    else:
        form = EpisodeEditForm(episode=episode, initial={
            "planned_end_date": episode.planned_end_date, "legal_basis": episode.legal_basis_id,
            "consent": episode.consent, "consent_date": episode.consent_date,
            "consent_note": episode.consent_note})
    done = submitted(request, form, lambda data: services.episode_update(
        membership=membership, episode=episode, **data),
        message=_("The episode is saved."), to=_to_client)
    return done or render(request, "clients/episode_edit.html",
                          {"episode": episode, "client": episode.client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def episode_end(request: KeyworkRequest, pk: int) -> HttpResponse:
    episode = open_or_404(get_episode_for_user, request, pk, write=True, supervise=True)
    membership = membership_of(request)
    form = EpisodeEndForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.episode_end(
        membership=membership, episode=episode, **data),
        message=_("The episode has ended."), to=_to_client) if episode.is_open else None
    return done or render(request, "clients/episode_end.html", {
        "episode": episode, "client": episode.client, "form": form,
        "open_relationships": relationships_to_end_first(episode)})


@role_required(Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER, methods=("GET",))
def search(request: KeyworkRequest) -> HttpResponse:
    """Find a client by name, reference or birth year, within one's own scope."""
    membership = membership_of(request)
    asked = "q" in request.GET
    result = client_search(membership, request.GET.get("q", "")) if asked else None
    return render(request, "clients/search.html", {
        "result": result, "query": request.GET.get("q", "")[:100],
        "limit": SEARCH_LIMIT, "min_length": SEARCH_MIN_LENGTH,
    })

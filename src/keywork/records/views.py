"""The client's record as one page, the relationship page, who has opened the record, and
the subject-access copy. These pages gather from the apps below them."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from keywork.clients.selectors import (
    episodes_of_client,
    get_client_for_supervisor,
    get_client_for_user,
    history_entries,
    may_supervise_client,
    may_write_client,
)
from keywork.contacts.forms import ContactForm
from keywork.contacts.selectors import TIMELINE_STEP, timeline_for_relationship
from keywork.contacts.views import client_timeline_context, shown_count
from keywork.core.errors import AccessDenied
from keywork.core.http import open_or_404
from keywork.organisations.http import KeyworkRequest
from keywork.organisations.models import Role
from keywork.records import selectors
from keywork.relationships.models import Status
from keywork.relationships.selectors import (
    current_relationship,
    get_relationship_for_user,
    may_write_relationship,
    relationships_of_client,
)

PAGE_SIZE = 50


@login_required
@require_GET
def client(request: KeyworkRequest, pk: int) -> HttpResponse:
    try:
        record = get_client_for_user(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    limit = shown_count(request)
    timeline = client_timeline_context(request, record, limit=limit)
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "contacts/fragments.html#timeline", timeline)
    membership = request.membership
    episodes = list(episodes_of_client(record))
    episode = next((e for e in episodes if e.is_open), episodes[0] if episodes else None)
    relationships = relationships_of_client(record)
    current = current_relationship(relationships, request.user.pk)
    can_write_rel = current is not None and may_write_relationship(membership, current)
    supervises = may_supervise_client(membership, record)
    episode_has_worker = episode is not None and any(
        r.episode_id == episode.pk and r.status in (Status.PROPOSED, Status.ACTIVE)
        for r in relationships)
    context = {
        "client": record,
        "episode": episode,
        "episodes": episodes,
        "relationships": relationships,
        "current": current,
        "introduction": getattr(current, "introduction", None) if current else None,
        "can_write_rel": can_write_rel,
        "can_edit": timeline["can_write"],
        "supervises": supervises,
        "can_propose": supervises and episode is not None and episode.is_open
        and not episode_has_worker,
        **timeline,
    }
    if can_write_rel and current is not None:
        context["quick_form"] = ContactForm()
        context["log_relationship"] = current
    return render(request, "records/client.html", context)


@login_required
@require_GET
def relationship(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk)
    limit = shown_count(request)
    contacts, has_more = timeline_for_relationship(rel, limit=limit)
    url = reverse("records:relationship", kwargs={"pk": rel.pk})
    membership = request.membership
    timeline = {
        "contacts": contacts, "has_more": has_more,
        "more_url": f"{url}?shown={limit + TIMELINE_STEP}#timeline",
        "more_hx_url": f"{url}?shown={limit + TIMELINE_STEP}",
        "can_write": may_write_client(membership, rel.client),
        "is_supervisor": membership is not None and membership.role == Role.SUPERVISOR,
        "return_to": url,
    }
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "contacts/fragments.html#timeline", timeline)
    intro = getattr(rel, "introduction", None)
    entries = history_entries(rel, what=_("Relationship"))
    if intro is not None:
        entries += history_entries(intro, what=_("Introduction"))
    entries.sort(key=lambda e: e.when, reverse=True)
    return render(request, "records/relationship.html", {
        "rel": rel, "client": rel.client, "introduction": intro, "entries": entries,
        "can_write_rel": may_write_relationship(membership, rel),
        "supervises": membership is not None and membership.role == Role.SUPERVISOR
        and timeline["can_write"],
        **timeline,
    })


@require_GET
@login_required
def access_log(request: KeyworkRequest, pk: int) -> HttpResponse:
    try:
        _membership, record = get_client_for_supervisor(user=request.user, pk=pk,
                                                        purpose="access log")
    except AccessDenied as exc:
        raise Http404 from exc
    page = Paginator(selectors.access_log(record), PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.staff_names({row.actor_id for row in page})
    rows = [
        {
            "event": row,
            "who": names.get(row.actor_id or 0, row.actor_name),
            "role": selectors.role_label(row.actor_role),
        }
        for row in page
    ]
    context = {"client": record, "page": page, "rows": rows}
    if request.htmx:
        return render(request, "records/access_log.html#log", context)
    return render(request, "records/access_log.html", context)


@never_cache
@require_GET
@login_required
def subject_access(request: KeyworkRequest, pk: int) -> HttpResponse:
    try:
        membership, record = get_client_for_supervisor(
            user=request.user, pk=pk, purpose="subject access export")
    except AccessDenied as exc:
        raise Http404 from exc
    data = selectors.subject_access_export(membership=membership, client=record)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"subject-access-{record.pseudonym}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

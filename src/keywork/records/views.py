"""The client's page (one per client: the record, the relationship, check-ins, goals,
safeguarding and contacts), who has opened the record, and the subject-access copy. These
pages gather from the apps below them; the old relationship page leads to its section."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from keywork.checkins.selectors import checkins_for_page, relationship_feedback_shown
from keywork.clients.selectors import (
    episodes_of_client,
    get_client_for_supervisor,
    get_client_for_user,
    history_entries,
    may_supervise_client,
)
from keywork.contacts.forms import contact_form_context
from keywork.contacts.views import client_timeline_context, shown_count
from keywork.core.errors import AccessDenied
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.organisations.models import Membership
from keywork.records import selectors
from keywork.relationships.models import Relationship, Status
from keywork.relationships.selectors import (
    client_of_relationship_for_user,
    current_relationship,
    may_write_relationship,
    relationships_of_client,
)
from keywork.signals import selectors as signal_selectors

PAGE_SIZE = 50


# The client's page shows the latest few check-ins of each side, with their counts and a
# link to all of them.
HUB_CHECKINS = 5


def _selected(request: KeyworkRequest, relationships: list[Relationship],
              current: Relationship | None) -> tuple[Relationship | None, str]:
    """The relationship the page shows in its relationship section: the one asked for
    (``?relationship=``) when it is one of this client's, else the current one, else the
    latest. A relationship that is not the client's is never shown; the page says so."""
    asked = request.GET.get("relationship", "")
    fallback = current or (relationships[0] if relationships else None)
    if not asked:
        return fallback, ""
    found = next((r for r in relationships if str(r.pk) == asked.strip()), None)
    if found is None:
        return fallback, _("That relationship is not one of this client's. The page shows "
                           "the client's current or latest one.")
    return found, ""


def _relationship_section(membership: Membership, rel: Relationship) -> dict[str, Any]:
    """What the page shows of one relationship: its lifecycle and history, the check-ins
    (the latest few, as far as this person may see them), the engine's pattern and open
    alerts, and the thresholds that apply to this client. Read after the client accessor
    has been passed (the relationship's read rule is the client's)."""
    intro = getattr(rel, "introduction", None)
    entries = history_entries(rel, what=_("Relationship"))
    if intro is not None:
        entries += history_entries(intro, what=_("Introduction"))
    entries.sort(key=lambda e: e.when, reverse=True)
    section: dict[str, Any] = {
        "rel": rel, "introduction": intro, "entries": entries,
        "can_write_rel": may_write_relationship(membership, rel),
        "rules": signal_selectors.rules_for(rel) if rel.is_open else [],
    }
    if rel.status == Status.PROPOSED:
        return section
    seen = relationship_feedback_shown(membership, rel, figures=True)
    page = checkins_for_page(membership=membership, relationship=rel, limit=HUB_CHECKINS,
                             counts=True)
    alerts = signal_selectors.open_alerts_for_relationship(rel, seen.figures,
                                                           worker=seen.worker)
    state = signal_selectors.state_of(rel) if seen.checkins else None
    section.update({
        "checkins": page,
        "checkins_total": (page.client_total or 0) + (page.worker_total or 0),
        "alerts": alerts,
        "state": state,
        "why_both": signal_selectors.why_both_hold(
            alerts, pattern_unknown=bool(seen.checkins)
            and signal_selectors.pattern_unknown(state),
            trend_unknown=page.trend is not None and page.trend.direction == "unknown",
            organisation_id=rel.organisation_id),
    })
    return section


@login_required
@require_GET
def client(request: KeyworkRequest, pk: int) -> HttpResponse:
    """The one page per client: the record, the relationship (the current one, or an
    earlier one asked for), check-ins, goals and mandates, boundaries, safeguarding and
    the contacts, with the one contact form. Each area's part comes from its own app."""
    try:
        record = get_client_for_user(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    limit = shown_count(request)
    timeline = client_timeline_context(request, record, limit=limit)
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "contacts/fragments.html#timeline", timeline)
    membership = membership_of(request)
    episodes = list(episodes_of_client(record))
    episode = next((e for e in episodes if e.is_open), episodes[0] if episodes else None)
    relationships = relationships_of_client(record)
    current = current_relationship(relationships, request.user.pk)
    selected, notice = _selected(request, relationships, current)
    if selected is not None and selected != current:
        # "Show older contacts" without JavaScript stays on the relationship shown.
        timeline["more_url"] = timeline["more_url"].replace(
            "#timeline", f"&relationship={selected.pk}#timeline")
    supervises = may_supervise_client(membership, record)
    episode_has_worker = episode is not None and any(
        r.episode_id == episode.pk and r.status in (Status.PROPOSED, Status.ACTIVE)
        for r in relationships)
    context: dict[str, Any] = {
        "client": record,
        "episode": episode,
        "episodes": episodes,
        "relationships": relationships,
        "current": current,
        "notice": notice,
        "can_edit": timeline["can_write"],
        "supervises": supervises,
        "can_propose": supervises and episode is not None and episode.is_open
        and not episode_has_worker,
        **timeline,
    }
    if selected is not None:
        context.update(_relationship_section(membership, selected))
        if context["can_write_rel"] and selected.is_open:
            context.update(contact_form_context(selected, inline=True))
    return render(request, "records/client.html", context)


@login_required
@require_GET
def relationship(request: KeyworkRequest, pk: int) -> HttpResponse:
    """The relationship's own page is now a section of the client's page: old links and
    bookmarks lead there, for those who may read it (others get a 404, as before)."""
    try:
        client_id = client_of_relationship_for_user(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    hub = reverse("records:client", kwargs={"pk": client_id})
    return redirect(f"{hub}?relationship={pk}#relationship")


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

"""The ending checklist: written by the relationship's keyworkers and the unit's
supervisors, shown on the relationship page while the relationship ends."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from keywork.checkins.views import portal_url, qr_svg
from keywork.core.errors import ApplicationError
from keywork.core.http import open_or_404, submitted
from keywork.endings import services
from keywork.endings.forms import ChecklistForm
from keywork.endings.models import EndingChecklist
from keywork.endings.selectors import get_checklist_for_user, open_points
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.relationships.models import Relationship, Status


def _open(request: KeyworkRequest, pk: int, *, write: bool = False
          ) -> tuple[Relationship, EndingChecklist | None]:
    found: tuple[Relationship, EndingChecklist | None] = open_or_404(
        get_checklist_for_user, request, write=write, relationship_pk=pk)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def checklist(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel, existing = _open(request, pk, write=True)
    membership = membership_of(request)
    is_closed = rel.status == Status.CLOSED
    if request.method == "POST":
        form = ChecklistForm(request.POST)
    else:
        form = ChecklistForm.for_checklist(existing)
    done = None if is_closed else submitted(
        request, form, lambda data: services.checklist_save(
            membership=membership, relationship=rel, **data),
        message=_("The ending checklist is saved."),
        to=rel.get_absolute_url())
    return done or render(request, "endings/checklist.html", {
        "rel": rel, "client": rel.client, "checklist": existing,
        "form": None if is_closed else form, "missing": open_points(existing)})


@login_required
@never_cache
@require_POST
def last_checkin(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel, _existing = _open(request, pk, write=True)
    try:
        _checklist, link, token = services.checklist_send_last_checkin(
            membership=membership_of(request), relationship=rel)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("endings:checklist", pk=rel.pk)
    url = portal_url(token)
    return render(request, "checkins/link_created.html", {
        "rel": rel, "client": rel.client, "url": url, "link": link,
        "qr": mark_safe(qr_svg(url))})  # noqa: S308 - segno's own SVG markup

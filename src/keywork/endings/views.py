"""The ending checklist: written by the relationship's keyworkers and the unit's
supervisors, shown on the relationship page while the relationship ends."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from keywork.checkins.views import portal_url, qr_svg
from keywork.core.errors import AccessDenied, ApplicationError
from keywork.core.http import add_service_error
from keywork.endings import services
from keywork.endings.forms import ChecklistForm
from keywork.endings.models import EndingChecklist
from keywork.endings.selectors import get_checklist_for_user, open_points
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.relationships.models import Relationship, Status


def _open(request: KeyworkRequest, pk: int, *, write: bool = False
          ) -> tuple[Relationship, EndingChecklist | None]:
    try:
        rel, checklist = get_checklist_for_user(user=request.user, relationship_pk=pk,
                                                write=write)
        if write and request.method == "GET":
            # The form shows the checklist: the read is recorded like any other.
            rel, checklist = get_checklist_for_user(user=request.user, relationship_pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    return rel, checklist


@login_required
@require_http_methods(["GET", "POST"])
def checklist(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel, existing = _open(request, pk, write=True)
    membership = membership_of(request)
    is_closed = rel.status == Status.CLOSED
    if request.method == "POST":
        form = ChecklistForm(request.POST)
        if not is_closed and form.is_valid():
            try:
                services.checklist_save(membership=membership, relationship=rel,
                                        **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The ending checklist is saved."))
                return redirect("records:relationship", pk=rel.pk)
    else:
        form = ChecklistForm.for_checklist(existing)
    return render(request, "endings/checklist.html", {
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

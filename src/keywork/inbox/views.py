"""The inbox ("Today"): what the signed-in person must act on now."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from keywork.core import matters
from keywork.core.http import open_or_404, performed, submitted
from keywork.inbox import services
from keywork.inbox.forms import SeveritiesForm
from keywork.inbox.selectors import (
    GROUP_LIMIT,
    get_notification_for_user,
    inbox_for,
    remember_count,
    severities_for,
    severity_label,
)
from keywork.organisations.http import KeyworkRequest, membership_of, role_required
from keywork.organisations.models import Role


@role_required(Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER, methods=("GET",))
def today(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    show_all = request.GET.get("all") == "1"
    inbox = inbox_for(membership, limit=None if show_all else GROUP_LIMIT)
    remember_count(membership, inbox)
    return render(request, "inbox/today.html", {
        "inbox": inbox, "notes": inbox.notifications, "urgent": matters.URGENT,
        "high": matters.HIGH, "show_all": show_all})


@role_required(Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER, methods=("POST",))
def notification_read(request: KeyworkRequest, pk: int) -> HttpResponse:
    note = open_or_404(get_notification_for_user, request, pk)
    performed(request, lambda: services.notification_read(
        membership=membership_of(request), notification=note),
        message=_("The notification is marked as read."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = ""
    return HttpResponseRedirect(target or note.url or "/today/")


@role_required(Role.ADMINISTRATOR, methods=("GET", "POST"))
def settings_page(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    current = severities_for(membership.organisation_id)
    form = SeveritiesForm(request.POST if request.method == "POST" else None,
                          current=current)
    done = submitted(request, form, lambda data: services.inbox_settings_update(
        membership=membership, severities=data),
        message=_("The settings are saved."), to="inbox:settings")
    fixed = [(kind.label, severity_label(kind.severity))
             for kind in matters.kinds().values() if not kind.settable]
    return done or render(request, "inbox/settings.html", {"form": form, "fixed": fixed})

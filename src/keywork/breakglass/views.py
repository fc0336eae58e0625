"""Emergency access pages: open one, see one's own, and review others' as a supervisor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from keywork.breakglass import services
from keywork.breakglass.forms import PolicyForm, ReviewForm, StartForm
from keywork.breakglass.models import Grant
from keywork.breakglass.selectors import (
    GRANT_ROLES,
    get_grant_for_user,
    grants_for_supervisor,
    grants_of_user,
    hours_for,
    reads_during,
)
from keywork.clients.selectors import audit_list
from keywork.core.errors import AccessDenied, ApplicationError
from keywork.core.http import add_service_error
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.organisations.models import Role


@login_required
@require_http_methods(["GET", "POST"])
def start(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    if membership.role not in GRANT_ROLES:
        raise PermissionDenied
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_open(membership=membership, **form.cleaned_data)
        except ApplicationError as exc:
            if exc.code == "in_scope":
                client = services.find_client(membership=membership,
                                              reference=form.cleaned_data["reference"])
                if client is not None:
                    messages.info(request, exc.message)
                    return redirect("records:client", pk=client.pk)
            add_service_error(form, exc)
        else:
            messages.warning(request, _(
                "Emergency access is open until %(time)s. Read only what the emergency "
                "needs: every page you open is recorded, and a supervisor will review it.")
                % {"time": timezone.localtime(grant.expires_at).strftime("%H:%M")})
            return redirect("records:client", pk=grant.client_id)
    mine = list(grants_of_user(membership)[:20])
    to_review = list(grants_for_supervisor(membership, to_review_only=True)[:50])
    audit_list(user=request.user, what="emergency access",
               clients=sorted({g.client_id for g in mine + to_review}))
    return render(request, "breakglass/start.html", {
        "form": form, "hours": hours_for(membership.organisation_id), "mine": mine,
        "to_review": to_review, "is_supervisor": membership.role == Role.SUPERVISOR})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: KeyworkRequest, pk: int) -> HttpResponse:
    membership = membership_of(request)
    try:
        grant: Grant = get_grant_for_user(user=request.user, pk=pk,
                                          write=request.method == "POST")
        if request.method == "POST":
            get_grant_for_user(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    may_review = (membership.role == Role.SUPERVISOR and grant.reviewed_at is None
                  and grant.user_id != membership.user_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_review(membership=membership, grant=grant,
                                  note=form.cleaned_data["note"])
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your review is recorded."))
            return redirect("breakglass:review", pk=grant.pk)
    return render(request, "breakglass/review.html", {
        "grant": grant, "reads": list(reads_during(grant)[:200]), "form": form,
        "may_review": may_review})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    if membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    form = PolicyForm(request.POST if request.method == "POST" else None,
                      initial={"hours": hours_for(membership.organisation_id)})
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(membership=membership, hours=form.cleaned_data["hours"])
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("breakglass:settings")
    return render(request, "breakglass/settings.html", {"form": form})

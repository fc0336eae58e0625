"""Emergency access pages: open one, see one's own, and review others' as a supervisor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from keywork.core.http import add_service_error, submitted
from keywork.organisations.http import KeyworkRequest, membership_of, role_required
from keywork.organisations.models import Role


@role_required(*GRANT_ROLES)
@require_http_methods(["GET", "POST"])
def start(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
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
        # Posting the review shows the grant again: the read is recorded either way.
        grant: Grant = get_grant_for_user(user=request.user, pk=pk,
                                          write=request.method == "POST", audit_view=True)
    except AccessDenied as exc:
        raise Http404 from exc
    may_review = (membership.role == Role.SUPERVISOR and grant.reviewed_at is None
                  and grant.user_id != membership.user_id)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.grant_review(
        membership=membership, grant=grant, note=data["note"]),
        message=_("Your review is recorded."),
        to=reverse("breakglass:review", kwargs={"pk": grant.pk}))
    return done or render(request, "breakglass/review.html", {
        "grant": grant, "reads": list(reads_during(grant)[:200]), "form": form,
        "may_review": may_review})


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def settings_page(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    form = PolicyForm(request.POST if request.method == "POST" else None,
                      initial={"hours": hours_for(membership.organisation_id)})
    done = submitted(request, form, lambda data: services.policy_update(
        membership=membership, hours=data["hours"]),
        message=_("The settings are saved."), to="breakglass:settings")
    return done or render(request, "breakglass/settings.html", {"form": form})

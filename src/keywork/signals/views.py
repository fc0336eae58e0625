from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keywork.checkins.selectors import is_worker, policy_of
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error, open_or_404, submitted
from keywork.organisations.http import KeyworkRequest, membership_of, role_required
from keywork.organisations.models import Role
from keywork.relationships.selectors import get_relationship_for_user
from keywork.signals import selectors, services
from keywork.signals import settings as signal_settings
from keywork.signals.charts import line_chart
from keywork.signals.forms import AlertUpdateForm, CheckinPolicyForm, stored_problems_text


@login_required
def alert_detail(request: KeyworkRequest, pk: int) -> HttpResponse:
    alert = open_or_404(selectors.get_alert_for_user, request, pk)
    return render(request, "signals/alert.html", {
        "view": selectors.describe_for(membership_of(request), alert), "alert": alert,
        "relationship": alert.relationship, "form": AlertUpdateForm(),
    })


@login_required
@require_POST
def alert_update(request: KeyworkRequest, pk: int) -> HttpResponse:
    alert = open_or_404(selectors.get_alert_for_user, request, pk, write=True)
    form = AlertUpdateForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "resolve":
                services.alert_resolve(membership=membership_of(request), alert=alert,
                                       note=form.cleaned_data["note"])
                messages.success(request, _("The alert is resolved."))
            else:
                services.alert_acknowledge(membership=membership_of(request), alert=alert,
                                           note=form.cleaned_data["note"])
                messages.success(request, _("The alert is acknowledged."))
            return redirect("signals:alert", pk=alert.pk)
        except ApplicationError as exc:
            add_service_error(form, exc)
    # The alert is shown again with the form: the read is recorded like any other.
    alert = open_or_404(selectors.get_alert_for_user, request, pk)
    return render(request, "signals/alert.html", {
        "view": selectors.describe_for(membership_of(request), alert), "alert": alert,
        "relationship": alert.relationship, "form": form,
    }, status=200)


@login_required
def dyad(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk)
    data = selectors.dyad_for(membership=membership_of(request), relationship=rel)
    charts = []
    for s in data.series:
        chart = line_chart([(p.day, p.value) for p in s.client],
                           [(p.day, p.value) for p in s.worker])
        charts.append((s, chart))
    alerts = selectors.open_alerts_for_relationship(
        rel, data.figures, worker=is_worker(membership_of(request).user_id, rel))
    why_both = selectors.why_both_hold(
        alerts, pattern_unknown=bool(data.shown) and selectors.pattern_unknown(data.state),
        trend_unknown=False, organisation_id=rel.organisation_id)
    return render(request, "signals/dyad.html", {
        "relationship": rel, "client": rel.client, "dyad": data, "charts": charts,
        "alerts": alerts, "why_both": why_both, "rules": selectors.rules_for(rel),
    })


@role_required(Role.ADMINISTRATOR)
def settings(request: KeyworkRequest) -> HttpResponse:
    """What keyworkers see, how long links stay valid, and the signal settings; a POST with
    ``action=reset`` puts every signal setting back to its default."""
    actor = membership_of(request)
    policy = policy_of(actor.organisation)
    stored = signal_settings.stored_overrides(actor.organisation_id)
    if request.method == "POST" and request.POST.get("action") == "reset":
        try:
            signal_settings.settings_save(
                actor=actor, keyworker_visibility=policy.keyworker_visibility,
                link_hours=policy.link_hours, signal_overrides={})
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The signal settings are back to the defaults."))
        return redirect("signals:settings")
    form = CheckinPolicyForm(
        request.POST or None,
        config=signal_settings.config_for(actor.organisation_id, overrides=stored),
        initial={"keyworker_visibility": policy.keyworker_visibility,
                 "link_hours": policy.link_hours})
    done = submitted(request, form,
                     lambda data: signal_settings.settings_save(
                         actor=actor, keyworker_visibility=data["keyworker_visibility"],
                         link_hours=data["link_hours"], signal_overrides=form.signal_overrides()),
                     message=_("The check-in policy is saved."), to="signals:settings")
    if done is not None:
        return done
    problems = signal_settings.settings_problems(actor.organisation_id, overrides=stored)
    return render(request, "signals/settings.html",
                  {"form": form, "stored_problems": stored_problems_text(problems),
                   "has_overrides": bool(stored)})

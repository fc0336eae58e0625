from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keywork.checkins.selectors import is_worker
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error, open_or_404
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.relationships.selectors import get_relationship_for_user
from keywork.signals import selectors, services
from keywork.signals.charts import line_chart
from keywork.signals.forms import AlertUpdateForm


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
    return render(request, "signals/dyad.html", {
        "relationship": rel, "client": rel.client, "dyad": data, "charts": charts,
        "alerts": alerts,
    })

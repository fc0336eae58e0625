"""The role dashboards: reads only, through the selectors."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from keywork.core.http import submitted
from keywork.dashboards import selectors, services
from keywork.dashboards.downloads import FORMATS, csv_response, xlsx_response
from keywork.dashboards.forms import PRESET_LABELS, TargetsForm, period_from
from keywork.domain.figures import SMALL_CELL
from keywork.domain.periods import Period
from keywork.organisations.http import membership_of, role_required
from keywork.organisations.models import Role
from keywork.signals import text
from keywork.signals.models import Alert
from keywork.signals.settings import config_for

# The role pages only read: they answer GET and nothing else.
READ = ("GET",)


class DaysForm(forms.Form):
    days = forms.IntegerField(
        label=_("Without contact for at least this many days"), min_value=1, max_value=365,
        required=False,
    )


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Open and acknowledged"))]
        + [(s.value, s.label) for s in selectors.QUEUE_STATUSES],
    )
    code = forms.ChoiceField(
        label=_("Alert"), required=False,
        choices=lambda: [("", _("Every alert")), *text.ALERT_TITLES.items()],
    )


class CaseloadForm(forms.Form):
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("", _("What needs attention first")), ("name", _("Name")),
        ("contact", _("Longest without contact")), ("started", _("Episode start"))])
    only = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("Every client")), ("attention", _("Needing attention")),
        ("overdue", _("Contact overdue")), ("alerts", _("With open alerts")),
        ("formal", _("Under formal power")), ("deputy", _("Covering as deputy"))])


@role_required(Role.KEYWORKER, Role.SUPERVISOR, methods=READ)
def keyworker(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request)
    rows = selectors.caseload(membership)
    form = CaseloadForm(request.GET or None)
    sort = only = ""
    if form.is_bound and form.is_valid():
        sort, only = form.cleaned_data["sort"], form.cleaned_data["only"]
    shown = selectors.caseload_view(rows, sort=sort, only=only)
    return render(request, "dashboards/keyworker.html", {
        "rows": shown,
        "total": len(rows),
        "form": form,
        "filtered": bool(only),
        "facts": selectors.shared_facts(rows, membership.organisation_id),
        "attention": sum(1 for r in rows if r.attention),
        "any_private": any(r.shown is None for r in rows),
    })


def _no_contact_thresholds(organisation_id: int) -> tuple[int, int]:
    """Days without contact before a client is flagged: (usual, under formal power)."""
    config = config_for(organisation_id)
    return config.no_contact_days, config.coerced_no_contact_days


def _with(request: HttpRequest, **values: str) -> str:
    """This page's address with ``values`` set in its query."""
    query = request.GET.copy()
    for key, value in values.items():
        query[key] = value
    return f"{request.path}?{query.urlencode()}"


@role_required(Role.SUPERVISOR, methods=READ)
def supervisor(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = DaysForm(request.GET or None)
    days_given = form.is_bound and form.is_valid() and bool(form.cleaned_data["days"])
    days = form.cleaned_data["days"] if days_given else None
    alert_form = AlertFilterForm(request.GET or None)
    status = code = ""
    if alert_form.is_bound and alert_form.is_valid():
        status, code = alert_form.cleaned_data["status"], alert_form.cleaned_data["code"]
    # An HTMX request from one of the two filter forms gets back only what it filters.
    htmx = request.htmx  # type: ignore[attr-defined]
    part = ""
    if htmx:
        part = "queue" if htmx.target == "alert-queue" else "units"
    page = selectors.supervisor_page(
        membership, days=days, alert_status=status, alert_code=code,
        parts=frozenset({part}) if part else selectors.SUPERVISOR_PARTS,
        show_all=request.GET.get("all") == "1")
    context = {
        "units": page.units,
        "page": page,
        "form": form,
        "days": days,
        "days_given": days_given,
        "thresholds": _no_contact_thresholds(membership.organisation_id),
        "alert_form": alert_form,
        "alert_status": status,
        "alert_code": code,
        "changed_days": selectors.CHANGED_DAYS,
        "open_status": Alert.Status.OPEN,
        "show_all": request.GET.get("all") == "1",
        "all_url": _with(request, all="1"),
    }
    if part == "queue":
        return render(request, "dashboards/supervisor.html#queue", context)
    if part == "units":
        return render(request, "dashboards/supervisor.html#units", context)
    return render(request, "dashboards/supervisor.html", context)


def _period_query(period: Period) -> str:
    return urlencode({"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"})


@role_required(Role.MANAGER, methods=READ)
def manager(request: HttpRequest) -> HttpResponse:
    org = membership_of(request).organisation
    choice = period_from(request.GET, timezone.localdate())
    figures = selectors.manager_figures_cached(org, choice.period)
    return render(request, "dashboards/manager.html", {
        "f": figures, "min_cell": SMALL_CELL, "choice": choice,
        "presets": list(PRESET_LABELS.items()),
        "period_query": _period_query(choice.period),
        "targets": selectors.targets_by_section(selectors.target_states(
            figures, selectors.targets_for_organisation(org.pk))),
        "cache_minutes": settings.KEYWORK_FIGURES_CACHE_SECONDS // 60,
    })


@never_cache
@role_required(Role.MANAGER, methods=READ)
def manager_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in selectors.TABLES or fmt not in FORMATS:
        raise Http404
    membership = membership_of(request)
    choice = period_from(request.GET, timezone.localdate())
    if choice.refused:
        # The page says what is wrong with the period; nothing is exported.
        return redirect(f"{reverse('dashboards:manager')}?{request.GET.urlencode()}")
    period = choice.period
    exported = selectors.manager_export(membership, table, period, fmt)
    org = membership.organisation
    filename = f"{org.slug}-{table}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return csv_response(exported, filename)
    heading = [f"{org.name}: {exported.title}",
               gettext("From %(start)s to %(end)s") % {
                   "start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"}]
    return xlsx_response(exported, filename, heading)


@role_required(Role.ADMINISTRATOR)
def targets(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request)
    stored = selectors.targets_for_organisation(membership.organisation_id)
    form = TargetsForm(request.POST if request.method == "POST" else None, initial=stored)
    done = submitted(request, form, lambda data: services.targets_save(
        membership=membership, values={k: data.get(k) for k in form.fields}),
        message=gettext("The targets are saved."), to="dashboards:targets")
    return done or render(request, "dashboards/targets.html", {"form": form})


@role_required(Role.RESEARCHER, methods=READ)
def research(request: HttpRequest) -> HttpResponse:
    org = membership_of(request).organisation
    return render(request, "dashboards/research.html", {
        "cells": selectors.research_table(org),
        "bases": selectors.legal_bases_in_use(org),
        "columns": selectors.RESEARCH_COLUMNS,
    })


@never_cache
@role_required(Role.RESEARCHER, methods=READ)
def research_export(request: HttpRequest) -> HttpResponse:
    rows = selectors.research_export(membership_of(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"keywork-episodes-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(selectors.RESEARCH_COLUMNS)
    writer.writerows(rows)
    return response


ROLE_HOME = {
    Role.KEYWORKER: "dashboards:keyworker",
    Role.SUPERVISOR: "dashboards:supervisor",
    Role.MANAGER: "dashboards:manager",
    Role.ADMINISTRATOR: "organisations:users",
    Role.RESEARCHER: "dashboards:research",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if membership is None:
        return render(request, "core/no_membership.html", status=403)
    return redirect(ROLE_HOME[membership.role])

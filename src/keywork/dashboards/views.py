"""The role dashboards: reads only, through the selectors."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from keywork.dashboards import selectors
from keywork.organisations.models import Membership, Role

View = Callable[..., HttpResponse]


def roles_required(*roles: str) -> Callable[[View], View]:
    """Signed in and acting in one of ``roles``; anyone else gets 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return require_GET(wrapper)

    return decorator


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined]


class DaysForm(forms.Form):
    days = forms.IntegerField(
        label=_("Without contact for at least this many days"), min_value=1, max_value=365,
        required=False,
    )


@roles_required(Role.KEYWORKER, Role.SUPERVISOR)
def keyworker(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    rows = selectors.caseload(membership)
    return render(request, "dashboards/keyworker.html", {
        "rows": rows,
        "gap": membership.organisation.contact_gap_days,
        "attention": sum(1 for r in rows if r.attention),
    })


@roles_required(Role.SUPERVISOR)
def supervisor(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    default = membership.organisation.contact_gap_days
    form = DaysForm(request.GET or None, initial={"days": default})
    days = default
    if form.is_bound and form.is_valid() and form.cleaned_data["days"]:
        days = form.cleaned_data["days"]
    context = {
        "units": selectors.supervisor_overview(membership, days=days),
        "form": form,
        "days": days,
        "default_days": default,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "dashboards/supervisor.html#units", context)
    return render(request, "dashboards/supervisor.html", context)


@roles_required(Role.MANAGER)
def manager(request: HttpRequest) -> HttpResponse:
    figures = selectors.manager_figures(_membership(request).organisation)
    return render(request, "dashboards/manager.html", {"f": figures})


@roles_required(Role.RESEARCHER)
def research(request: HttpRequest) -> HttpResponse:
    org = _membership(request).organisation
    return render(request, "dashboards/research.html", {
        "cells": selectors.research_table(org),
        "bases": selectors.legal_bases_in_use(org),
        "columns": selectors.RESEARCH_COLUMNS,
    })


@never_cache
@roles_required(Role.RESEARCHER)
def research_export(request: HttpRequest) -> HttpResponse:
    rows = selectors.research_export(_membership(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"keywork-episodes-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(selectors.RESEARCH_COLUMNS)
    writer.writerows(rows)
    return response

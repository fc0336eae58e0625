"""The administrator's pages: people, units, legal bases and settings. No client records."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from keywork.audit import selectors as audit_selectors
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error, open_or_404, submitted
from keywork.organisations import hooks, selectors, services
from keywork.organisations.forms import (
    LegalBasisForm,
    MembershipForm,
    PeopleFilterForm,
    SettingsForm,
    UnitForm,
    UserCreateForm,
)
from keywork.organisations.http import membership_of, role_required
from keywork.organisations.models import Role

View = Callable[..., HttpResponse]


# Signed in, acting as an administrator of an organisation; otherwise 403.
administrator_required = role_required(Role.ADMINISTRATOR)


# --- People ---------------------------------------------------------------------------------


@administrator_required
def users(request: HttpRequest) -> HttpResponse:
    organisation = membership_of(request).organisation
    form = PeopleFilterForm(request.GET or None, organisation=organisation)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"name": data["name"], "role": data["role"], "active": data["active"],
                   "unit_id": data["unit"].pk if data["unit"] else None}
    show_all = request.GET.get("all") == "1"
    memberships, more = selectors.people_filtered(
        organisation, **filters, limit=None if show_all else selectors.PEOPLE_LIMIT)
    query = request.GET.copy()
    query["all"] = "1"
    return render(request, "organisations/users.html", {
        "memberships": memberships, "more": more, "form": form,
        "filtered": any(filters.values()), "all_url": f"{request.path}?{query.urlencode()}",
        "limit": selectors.PEOPLE_LIMIT,
    })


@never_cache
@administrator_required
def user_new(request: HttpRequest) -> HttpResponse:
    actor = membership_of(request)
    form = UserCreateForm(request.POST or None, organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, password = services.membership_create(
                actor=actor, username=data["username"], role=data["role"],
                units=data["units"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], password=data["password"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            # Shown once, on this response only: never stored, never sent again.
            return render(request, "organisations/user_created.html", {
                "new_membership": membership,
                "password": password,
                "generated": not data["password"],
            })
    return render(request, "organisations/user_form.html", {"form": form})


@administrator_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = membership_of(request)
    target = open_or_404(selectors.get_membership_for_user, request, pk)
    initial = {"role": target.role, "units": list(target.units.all()),
               "is_active": target.is_active}
    form = MembershipForm(request.POST or None, initial=initial,
                          organisation=actor.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_update(actor=actor, membership=target, role=data["role"],
                                       units=data["units"], is_active=data["is_active"])
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account is saved."))
            if not target.is_active:
                for warn in hooks.leaving_warnings:
                    for warning in warn(target):
                        messages.warning(request, warning)
            return redirect("organisations:users")
    return render(request, "organisations/user_form.html", {"form": form, "target": target})


# --- Units ----------------------------------------------------------------------------------


@administrator_required
def units(request: HttpRequest) -> HttpResponse:
    unit_list = selectors.units_with_counts(membership_of(request).organisation)
    return render(request, "organisations/units.html", {"units": unit_list})


@administrator_required
def unit_new(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None)
    done = submitted(request, form,
                     lambda data: services.unit_create(actor=membership_of(request), **data),
                     message=_("The unit is saved."), to="organisations:units")
    return done or render(request, "organisations/unit_form.html", {"form": form})


@administrator_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = open_or_404(selectors.get_unit_for_user, request, pk)
    # The form works on a copy: the service compares against the stored values.
    form = UnitForm(request.POST or None, instance=copy.copy(unit))
    done = submitted(request, form,
                     lambda data: services.unit_update(actor=membership_of(request),
                                                       unit=unit, **data),
                     message=_("The unit is saved."), to="organisations:units")
    return done or render(request, "organisations/unit_form.html", {"form": form, "unit": unit})


# --- Legal bases ----------------------------------------------------------------------------


@administrator_required
def legal_bases(request: HttpRequest) -> HttpResponse:
    bases = selectors.legal_bases_for_organisation(membership_of(request).organisation)
    return render(request, "organisations/legal_bases.html", {"bases": bases})


@administrator_required
def legal_basis_new(request: HttpRequest) -> HttpResponse:
    form = LegalBasisForm(request.POST or None)
    done = submitted(request, form,
                     lambda data: services.legal_basis_create(
                         actor=membership_of(request), **data),
                     message=_("The legal basis is saved."), to="organisations:legal_bases")
    return done or render(request, "organisations/legal_basis_form.html", {"form": form})


@administrator_required
def legal_basis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    basis = open_or_404(selectors.get_legal_basis_for_user, request, pk)
    form = LegalBasisForm(request.POST or None, instance=copy.copy(basis),
                          code_fixed=selectors.legal_basis_in_use(basis))
    done = submitted(request, form,
                     lambda data: services.legal_basis_update(
                         actor=membership_of(request), legal_basis=basis, **data),
                     message=_("The legal basis is saved."), to="organisations:legal_bases")
    return done or render(request, "organisations/legal_basis_form.html",
                          {"form": form, "basis": basis})


# --- Settings -------------------------------------------------------------------------------


@administrator_required
def settings(request: HttpRequest) -> HttpResponse:
    actor = membership_of(request)
    form = SettingsForm(request.POST or None, instance=copy.copy(actor.organisation))
    done = submitted(request, form,
                     lambda data: services.organisation_update(actor=actor, **data),
                     message=_("The settings are saved."), to="organisations:settings")
    return done or render(request, "organisations/settings.html", {"form": form})


@administrator_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    target = open_or_404(selectors.get_membership_for_user, request, pk)
    services.account_unlock(actor=membership_of(request), membership=target)
    messages.success(request, _("Sign-in is unlocked for this person."))
    return redirect("organisations:user_edit", pk=target.pk)


@administrator_required
@require_POST
def user_second_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    target = open_or_404(selectors.get_membership_for_user, request, pk)
    try:
        services.second_factor_reset(actor=membership_of(request), membership=target)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The second factor is reset. At the next sign-in this "
                                    "person sets up a new authenticator."))
    return redirect("organisations:user_edit", pk=target.pk)


# --- The audit log ------------------------------------------------------------------------


@require_GET
@administrator_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/audit_verify.html",
                  {"report": audit_selectors.chain_report()})

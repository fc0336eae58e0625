"""Mandate pages for staff, and the basis of an advocacy contact."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from keywork.clients.selectors import may_write_client
from keywork.contacts.models import Contact
from keywork.contacts.selectors import get_contact_for_user
from keywork.core.errors import AccessDenied, ApplicationError
from keywork.core.http import add_service_error, open_or_404
from keywork.mandates import services
from keywork.mandates.forms import AdvocacyBasisForm, MandateForm, WithdrawForm
from keywork.mandates.models import Mandate
from keywork.mandates.selectors import (
    advocacy_lists,
    basis_of,
    get_mandate_for_user,
    mandates_of_relationship,
)
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.relationships.selectors import get_relationship_for_user


@login_required
@require_GET
def mandate_list(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk)
    return render(request, "mandates/list.html", {
        "rel": rel, "client": rel.client, "rows": mandates_of_relationship(rel),
        "lists": advocacy_lists(rel),
        "can_write": may_write_client(request.membership, rel.client)})


@login_required
@require_http_methods(["GET", "POST"])
def create(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    form = MandateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_record(membership=membership, relationship=rel,
                                    **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The mandate is recorded."))
            return redirect("mandates:list", pk=rel.pk)
    return render(request, "mandates/form.html", {
        "rel": rel, "client": rel.client, "form": form, "title": _("Record a mandate"),
        "action": request.path})


def _mandate(request: KeyworkRequest, pk: int) -> Mandate:
    try:
        mandate = get_mandate_for_user(user=request.user, pk=pk, write=True)
        if request.method == "GET":
            mandate = get_mandate_for_user(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    return mandate


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: KeyworkRequest, pk: int) -> HttpResponse:
    mandate = _mandate(request, pk)
    membership = membership_of(request)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_withdraw(membership=membership, mandate=mandate,
                                      note=form.cleaned_data["note"])
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The mandate is withdrawn. It stays on the list as "
                                        "withdrawn."))
            return redirect("mandates:list", pk=mandate.relationship_id)
    return render(request, "mandates/form.html", {
        "rel": mandate.relationship, "client": mandate.client, "form": form,
        "mandate": mandate, "title": _("The client withdraws the mandate"),
        "action": request.path})


def _contact(request: KeyworkRequest, pk: int) -> Contact:
    try:
        contact = get_contact_for_user(user=request.user, pk=pk, write=True)
        if request.method == "GET":
            contact = get_contact_for_user(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    return contact


@login_required
@require_http_methods(["GET", "POST"])
def basis(request: KeyworkRequest, pk: int) -> HttpResponse:
    """Record or correct what an advocacy contact rested on."""
    contact = _contact(request, pk)
    membership = membership_of(request)
    rel = contact.relationship
    current = basis_of(contact)
    initial = ({"basis": current.basis, "mandate": current.mandate_id,
                "legal_basis": current.legal_basis} if current else None)
    form = AdvocacyBasisForm(request.POST if request.method == "POST" else None,
                             relationship=rel, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.advocacy_basis_record(
                membership=membership, contact=contact,
                basis=form.cleaned_data.get("basis") or "",
                mandate=form.cleaned_data.get("mandate"),
                legal_basis=form.cleaned_data.get("legal_basis") or "")
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("What the contact rested on is recorded."))
            return redirect("contacts:detail", pk=contact.pk)
    return render(request, "mandates/basis.html", {
        "contact": contact, "rel": rel, "client": contact.client, "form": form,
        "current": current})

"""Mandate pages for staff, and the basis of an advocacy contact."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from keywork.clients.selectors import may_write_client
from keywork.contacts.selectors import get_contact_for_user
from keywork.core.http import open_or_404, submitted
from keywork.mandates import services
from keywork.mandates.forms import AdvocacyBasisForm, MandateForm, WithdrawForm
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
    done = submitted(request, form, lambda data: services.mandate_record(
        membership=membership, relationship=rel, **data),
        message=_("The mandate is recorded."),
        to=reverse("mandates:list", kwargs={"pk": rel.pk}))
    return done or render(request, "mandates/form.html", {
        "rel": rel, "client": rel.client, "form": form, "title": _("Record a mandate"),
        "action": request.path})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: KeyworkRequest, pk: int) -> HttpResponse:
    mandate = open_or_404(get_mandate_for_user, request, pk, write=True)
    membership = membership_of(request)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.mandate_withdraw(
        membership=membership, mandate=mandate, note=data["note"]),
        message=_("The mandate is withdrawn. It stays on the list as withdrawn."),
        to=reverse("mandates:list", kwargs={"pk": mandate.relationship_id}))
    return done or render(request, "mandates/form.html", {
        "rel": mandate.relationship, "client": mandate.client, "form": form,
        "mandate": mandate, "title": _("The client withdraws the mandate"),
        "action": request.path})


@login_required
@require_http_methods(["GET", "POST"])
def basis(request: KeyworkRequest, pk: int) -> HttpResponse:
    """Record or correct what an advocacy contact rested on."""
    contact = open_or_404(get_contact_for_user, request, pk, write=True)
    membership = membership_of(request)
    rel = contact.relationship
    current = basis_of(contact)
    initial = ({"basis": current.basis, "mandate": current.mandate_id,
                "legal_basis": current.legal_basis} if current else None)
    form = AdvocacyBasisForm(request.POST if request.method == "POST" else None,
                             relationship=rel, initial=initial)
    done = submitted(request, form, lambda data: services.advocacy_basis_record(
        membership=membership, contact=contact, basis=data.get("basis") or "",
        mandate=data.get("mandate"), legal_basis=data.get("legal_basis") or ""),
        message=_("What the contact rested on is recorded."),
        to=reverse("contacts:detail", kwargs={"pk": contact.pk}))
    return done or render(request, "mandates/basis.html", {
        "contact": contact, "rel": rel, "client": contact.client, "form": form,
        "current": current})

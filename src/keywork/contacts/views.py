"""The contact log: record in a few taps, sign, and correct signed notes by addenda."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from keywork.clients.models import Client
from keywork.clients.selectors import may_write_client
from keywork.contacts import hooks, services
from keywork.contacts.forms import (
    AddendumForm,
    ContactForm,
    contact_form_context,
    contact_part_forms,
)
from keywork.contacts.models import Contact
from keywork.contacts.selectors import (
    TIMELINE_MAX,
    TIMELINE_STEP,
    get_contact_for_user,
    timeline_for_client,
    timeline_for_relationship,
)
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error, open_or_404, performed, submitted
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.organisations.models import Membership, Role
from keywork.relationships.selectors import get_relationship_for_user

RECENT = 5


def shown_count(request: HttpRequest) -> int:
    """How many contacts the timeline shows ("show more" asks for more)."""
    try:
        value = int(request.GET.get("shown", TIMELINE_STEP))
    except ValueError:
        value = TIMELINE_STEP
    return max(TIMELINE_STEP, min(value, TIMELINE_MAX))


def client_timeline_context(request: KeyworkRequest, client: Client, *,
                            limit: int = TIMELINE_STEP) -> dict[str, Any]:
    """What the timeline fragment on the client page needs."""
    contacts, has_more = timeline_for_client(client, limit=limit)
    url = reverse("records:client", kwargs={"pk": client.pk})
    membership = request.membership
    return {
        "contacts": contacts,
        "has_more": has_more,
        "more_url": f"{url}?shown={limit + TIMELINE_STEP}#timeline",
        "more_hx_url": f"{url}?shown={limit + TIMELINE_STEP}",
        "can_write": may_write_client(membership, client),
        "is_supervisor": membership is not None and membership.role == Role.SUPERVISOR,
        "return_to": url,
    }


def _contact(request: KeyworkRequest, pk: int, *, write: bool = False) -> Contact:
    return open_or_404(get_contact_for_user, request, pk, write=write)


def _back(request: KeyworkRequest, contact: Contact) -> HttpResponse:
    """Back where the user came from (a page of this site), or to the contact."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("contacts:detail", pk=contact.pk)


def _to_contact(contact: Contact) -> str:
    return reverse("contacts:detail", kwargs={"pk": contact.pk})


def _page_context(request: KeyworkRequest, contact: Contact) -> dict[str, object]:
    membership = request.membership
    is_author = contact.worker_id == request.user.pk
    return {
        "contact": contact, "client": contact.client, "rel": contact.relationship,
        "addenda": contact.addenda.select_related("author").order_by("created_at", "id"),
        "is_author": is_author,
        "is_supervisor": membership is not None and membership.role == Role.SUPERVISOR,
    }


@login_required
@require_http_methods(["GET", "POST"])
def log(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data)
    # Parts other apps add (what an advocacy contact rested on), recorded with the contact.
    parts = contact_part_forms(data, relationship=rel)
    # The same form posts from the client's page (inline, through HTMX) and from this page.
    inline = bool(request.htmx)
    if request.method == "POST" and all([form.is_valid(), *(f.is_valid() for _p, f in parts)]):
        kind = form.cleaned_data["kind"]
        then = [functools.partial(_record_part, part, membership, fields)
                for part, part_form in parts
                if (fields := part.fields(part_form, kind)) is not None]
        try:
            contact = services.contact_record(
                membership=membership, relationship=rel, sign=bool(request.POST.get("sign")),
                then=then, **form.contact_fields())
        except ApplicationError as exc:
            owner = next((f for _p, f in parts if exc.field in f.fields), form)
            add_service_error(owner, exc)
        else:
            saved = (_("The contact is saved and signed.") if contact.is_signed
                     else _("The contact is saved. It is not signed yet."))
            if inline:
                context = client_timeline_context(request, rel.client)
                context.update(contact_form_context(rel, inline=True))
                context.update({"saved": saved, "oob": True})
                return render(request, "contacts/fragments.html#saved", context)
            messages.success(request, saved)
            return redirect(rel.get_absolute_url())
    if request.method == "POST" and inline:
        response = render(request, "contacts/fragments.html#contact_form",
                          contact_form_context(rel, form, parts, inline=True))
        return reswap(retarget(response, "#quick-contact"), "outerHTML")
    contacts, _more = timeline_for_relationship(rel, limit=RECENT)
    return render(request, "contacts/log.html", {
        "rel": rel, "client": rel.client, "recent": contacts,
        **contact_form_context(rel, form, parts)})


def _record_part(part: hooks.ContactPart, membership: Membership, fields: dict[str, Any],
                 contact: Contact) -> object:
    return part.record(membership=membership, contact=contact, **fields)


@login_required
@require_GET
def detail(request: KeyworkRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    context = _page_context(request, contact)
    context["can_write"] = may_write_client(request.membership, contact.client)
    context["part_templates"] = [part.detail_template for part in hooks.contact_parts]
    return render(request, "contacts/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk, write=True)
    membership = membership_of(request)
    refusal = ""
    if contact.is_signed:
        refusal = _("A signed note cannot be changed. Add an addendum instead.")
    elif contact.worker_id != request.user.pk:
        refusal = _("Only the worker who logged this contact can change it.")
    form = ContactForm(request.POST) if request.method == "POST" else ContactForm.for_contact(
        contact)
    done = None if refusal else submitted(request, form, lambda _data: services.contact_update(
        membership=membership, contact=contact, **form.contact_fields()),
        message=_("The contact is saved."), to=_to_contact)
    if done:
        return done
    context = _page_context(request, contact)
    context.update({"form": form, "refusal": refusal})
    return render(request, "contacts/edit.html", context)


@login_required
@require_POST
def sign(request: KeyworkRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk, write=True)
    membership = membership_of(request)
    performed(request, lambda: services.contact_sign(membership=membership, contact=contact),
              message=_("The note is signed. From now on it can only be corrected by an "
                        "addendum."))
    return _back(request, contact)


@login_required
@require_http_methods(["GET", "POST"])
def addendum(request: KeyworkRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk, write=True)
    membership = membership_of(request)
    form = AddendumForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.addendum_add(
        membership=membership, contact=contact, text=data["text"]),
        message=_("The addendum is added."), to=lambda _added: _to_contact(contact))
    if done:
        return done
    context = _page_context(request, contact)
    context["form"] = form
    return render(request, "contacts/addendum.html", context)

"""The request as Keywork's middleware leaves it, for type checking views."""

from __future__ import annotations

from django.forms import BaseForm
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from keywork.core.errors import ApplicationError
from keywork.organisations.models import Membership


class KeyworkRequest(HttpRequest):
    """Who acts (the membership) and the HTMX details."""

    membership: Membership | None
    htmx: HtmxDetails


def membership_of(request: HttpRequest) -> Membership:
    """The acting membership; a request without one never reaches a record (404)."""
    from django.http import Http404

    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    return membership


def add_service_error(form: BaseForm, exc: ApplicationError) -> None:
    """A rule broken in a service becomes an error on its field, or on the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)

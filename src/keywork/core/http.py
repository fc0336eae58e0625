"""Plumbing shared by every view."""

from __future__ import annotations

from django.forms import BaseForm

from keywork.core.errors import ApplicationError


def add_service_error(form: BaseForm, exc: ApplicationError) -> None:
    """A rule broken in a service becomes an error on its field, or on the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)

"""Plumbing shared by every view: opening a record through its accessor, and the shape of a
form post (parse, call the service, show a refused rule on its field, or say it is done).

Views stay thin with these two: ``open_or_404`` for every record a page opens, ``submitted``
for every form a page posts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from keywork.core.errors import AccessDenied, ApplicationError

T = TypeVar("T")


def add_service_error(form: BaseForm, exc: ApplicationError) -> None:
    """A rule broken in a service becomes an error on its field, or on the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def open_or_404(accessor: Callable[..., T], request: HttpRequest, pk: Any = None, *,
                write: bool = False, **kwargs: Any) -> T:
    """The record through its accessor, or 404 (the accessor has audited the refusal).

    A write page (``write=True``) shown on GET also shows the record, so the accessor checks
    the right to change it and records the read once (``audit_view``); on POST it checks the
    right to change it alone (the service audits the change)."""
    if pk is not None:
        kwargs["pk"] = pk
    if write:
        kwargs.update(write=True, audit_view=request.method == "GET")
    try:
        return accessor(user=request.user, **kwargs)
    except AccessDenied as exc:
        raise Http404 from exc


def submitted(request: HttpRequest, form: BaseForm, save: Callable[[dict[str, Any]], T], *,
              message: str | Callable[[T], str] | None, to: str | Callable[[T], str],
              also: Sequence[BaseForm] = ()) -> HttpResponse | None:
    """The form post every write page shares. On a POST whose forms (``form`` and ``also``)
    are valid, ``save(form.cleaned_data)`` calls the service. A rule the service refuses
    (``ApplicationError``) goes onto the field it names, on whichever form has that field,
    and None tells the page to show the forms again; otherwise the success ``message`` and a
    redirect to ``to`` (a URL or URL name, or a function of what ``save`` returned). The
    client's own pages, which show no messages, pass None."""
    if request.method != "POST":
        return None
    valid = [f.is_valid() for f in (form, *also)]
    if not all(valid):
        return None
    try:
        result = save(form.cleaned_data)
    except ApplicationError as exc:
        owner = next((f for f in also if exc.field and exc.field in f.fields), form)
        add_service_error(owner, exc)
        return None
    if message is not None:
        messages.success(request, message(result) if callable(message) else message)
    return redirect(to(result) if callable(to) else to)


def performed(request: HttpRequest, action: Callable[[], object], *, message: str) -> bool:
    """A post that only acts (sign, acknowledge, unlock): the service's refusal becomes an
    error message, success the ``message``. Whether it was done."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, message)
    return True

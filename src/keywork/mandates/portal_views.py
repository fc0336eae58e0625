"""The client's own mandate pages, behind their link (``keywork.checkins.space``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keywork.checkins.space import ClientSpace, client_space, gone
from keywork.core.errors import ApplicationError
from keywork.core.http import submitted
from keywork.mandates import services
from keywork.mandates.forms import ClientMandateForm
from keywork.mandates.selectors import mandate_for_space, mandates_for_space


def _list_url(space: ClientSpace, done: str) -> str:
    url = reverse("portal:mandates_list", kwargs={"token": space.token})
    return f"{url}?done={done}"


def _list(space: ClientSpace, done: str) -> HttpResponse:
    return redirect(_list_url(space, done))


@client_space
@require_GET
def mandates_list(request: HttpRequest, space: ClientSpace) -> HttpResponse:
    rows, lists = mandates_for_space(space)
    return render(request, "mandates/portal_list.html", {
        "space": space, "token": space.token, "rows": rows, "lists": lists,
        "done": request.GET.get("done", "")})


@client_space
@require_http_methods(["GET", "POST"])
def mandates_give(request: HttpRequest, space: ClientSpace) -> HttpResponse:
    form = ClientMandateForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.mandate_give_by_client(
        relationship=space.relationship, **data), message=None, to=_list_url(space, "given"))
    return done or render(request, "mandates/portal_give.html", {
        "space": space, "token": space.token, "form": form})


@client_space
@require_http_methods(["GET", "POST"])
def mandates_withdraw(request: HttpRequest, space: ClientSpace, pk: int) -> HttpResponse:
    mandate = mandate_for_space(space, pk)
    if mandate is None:
        return gone(request, 404)
    error = ""
    if request.method == "POST":
        try:
            services.mandate_withdraw_by_client(relationship=space.relationship,
                                                mandate=mandate)
        except ApplicationError as exc:
            error = exc.message
        else:
            return _list(space, "withdrawn")
    return render(request, "mandates/portal_withdraw.html", {
        "space": space, "token": space.token, "mandate": mandate, "error": error})

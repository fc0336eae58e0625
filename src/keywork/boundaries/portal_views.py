"""The client raises a boundary worry privately with the unit's supervisors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from keywork.boundaries import services
from keywork.boundaries.forms import ConcernForm
from keywork.checkins.space import ClientSpace, client_space
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error


@client_space
@require_http_methods(["GET", "POST"])
def concern(request: HttpRequest, space: ClientSpace) -> HttpResponse:
    form = ConcernForm(request.POST if request.method == "POST" else None)
    sent = False
    if request.method == "POST" and form.is_valid():
        try:
            services.client_concern_raise(relationship=space.relationship,
                                          text=form.cleaned_data["text"])
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            sent = True
            form = ConcernForm()
    return render(request, "boundaries/portal_concern.html", {
        "space": space, "token": space.token, "form": form, "sent": sent})

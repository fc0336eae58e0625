from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from keywork.organisations.models import Role

ROLE_HOME = {
    Role.KEYWORKER: "dashboards:keyworker",
    Role.SUPERVISOR: "dashboards:supervisor",
    Role.MANAGER: "dashboards:manager",
    Role.ADMINISTRATOR: "organisations:users",
    Role.RESEARCHER: "dashboards:research",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if membership is None:
        return render(request, "core/no_membership.html", status=403)
    return redirect(ROLE_HOME[membership.role])


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"code": 500}, status=500)

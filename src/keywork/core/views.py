from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


FLOOR_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Floor</title>'
              '</head><body><main><h1>Floor</h1><p>%d</p></main></body></html>')


@require_GET
@login_required
def bench_floor(request: HttpRequest) -> HttpResponse:
    """What every signed-in page costs at least: the whole middleware, one query, a few
    bytes of HTML. `make bench` compares each page with it; it answers only where
    ``KEYWORK_BENCH_FLOOR`` is on (off in production, on under test)."""
    if not settings.KEYWORK_BENCH_FLOOR:
        raise Http404
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        (one,) = cur.fetchone()
    return HttpResponse(FLOOR_PAGE % one)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"code": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"code": 500}, status=500)

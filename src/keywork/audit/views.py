"""The client's access log, the subject-access export, and the audit chain check."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from keywork.audit import selectors
from keywork.core.errors import AccessDenied
from keywork.organisations.models import Role

PAGE_SIZE = 50


@require_GET
@login_required
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _, client = selectors.get_client_for_supervisor(user=request.user, pk=pk,
                                                        purpose="access log")
    except AccessDenied as exc:
        raise Http404 from exc
    page = Paginator(selectors.access_log(client), PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.staff_names({row.actor_id for row in page})
    rows = [
        {
            "event": row,
            "who": names.get(row.actor_id or 0, row.actor_name),
            "role": selectors.role_label(row.actor_role),
        }
        for row in page
    ]
    context = {"client": client, "page": page, "rows": rows}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "audit/access_log.html#log", context)
    return render(request, "audit/access_log.html", context)


@never_cache
@require_GET
@login_required
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        membership, client = selectors.get_client_for_supervisor(
            user=request.user, pk=pk, purpose="subject access export")
    except AccessDenied as exc:
        raise Http404 from exc
    data = selectors.subject_access_export(membership=membership, client=client)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"subject-access-{client.pseudonym}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    return render(request, "audit/verify.html", {"report": selectors.chain_report()})

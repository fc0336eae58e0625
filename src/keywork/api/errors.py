"""One JSON error shape for the whole API, whatever went wrong:

    {"error": {"code": "not_found", "message": "…", "field": null}}

``code`` is stable and meant for programs; ``message`` is safe to show to a person;
``field`` names the input that was wrong, when there is one. No traceback is ever sent.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from keywork.core.errors import AccessDenied, ApplicationError

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


def _first_error(detail: Any, field: str | None = None) -> tuple[str | None, str, str]:
    """The first (field, message, code) in a DRF error detail, however deeply nested."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = None if key in ("non_field_errors", api_settings.NON_FIELD_ERRORS_KEY) \
                else str(key)
            nested = f"{field}.{name}" if field and name else (name or field)
            return _first_error(value, nested)
    elif isinstance(detail, Sequence) and not isinstance(detail, str):
        for value in detail:
            return _first_error(value, field)
    elif isinstance(detail, exceptions.ErrorDetail):
        return field, str(detail), detail.code or "invalid"
    elif detail is not None:
        return field, str(detail), "invalid"
    return field, _("The request is not valid."), "invalid"


def _not_found() -> Response:
    return Response(error_body("not_found", _("Not found, or not open to you.")), status=404)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's exception handler for Keywork (see settings.REST_FRAMEWORK)."""
    if isinstance(exc, AccessDenied | Http404 | exceptions.NotFound):
        # Out of scope and not there at all look the same: nothing leaks.
        set_rollback()
        return _not_found()
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.field), status=400)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        headers: dict[str, str] = {}
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
        wait = getattr(exc, "wait", None)
        if wait:
            headers["Retry-After"] = f"{int(wait)}"
        if isinstance(exc, exceptions.ValidationError):
            field, message, code = _first_error(exc.detail)
        else:
            codes = exc.get_codes()
            field, message = None, str(exc.detail)
            code = codes if isinstance(codes, str) else exc.default_code
        set_rollback()
        return Response(error_body(code, message, field), status=exc.status_code,
                        headers=headers)
    if settings.DEBUG:
        return None  # the developer's debug page
    logger.exception("Unhandled error in the API", exc_info=exc)
    set_rollback()
    return Response(
        error_body("server_error", _("Something went wrong on our side. Please try again; "
                                     "if it keeps happening, tell your administrator.")),
        status=500,
    )

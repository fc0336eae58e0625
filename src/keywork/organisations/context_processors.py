from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, Any]:
    m = getattr(request, "membership", None)
    return {"membership": m, "role": m.role if m else ""}

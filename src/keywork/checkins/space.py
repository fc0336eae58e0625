"""The client's space: what a client reaches with the link on their own phone.

It lives with the links it resolves, below every app that adds to it; the portal app shows
the page itself. A phone link (never a tablet link: a shared tablet shows nobody's own
pages) opens the client's page until the link expires, whether or not the check-in on it
was given. Other
apps add sections to the page (goals, mandates, asking for another keyworker, raising a
concern) with ``register_section`` from their ``AppConfig.ready`` and write their views with
the ``client_space`` decorator, which resolves the token, refuses a gone link with the same
friendly page as the check-in, and sets the client's language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from keywork.checkins.models import CheckinLink, CheckinResponse
from keywork.checkins.selectors import link_for_token
from keywork.clients.models import Client
from keywork.relationships.models import Relationship


@dataclass(frozen=True)
class ClientSpace:
    """Whom a client-space request is for. Nothing else about the client is trusted."""

    token: str
    link: CheckinLink
    relationship: Relationship
    client: Client

    @property
    def organisation_id(self) -> int:
        return self.link.organisation_id

    @property
    def greeting_name(self) -> str:
        return greeting_name(self.client)


@dataclass(frozen=True)
class Section:
    url_name: str
    label: Any
    description: Any
    order: int


SECTIONS: list[Section] = []


def register_section(*, url_name: str, label: Any, description: Any = "", order: int = 50
                     ) -> None:
    """Add a section to the client's page; ``url_name`` takes the token as its argument."""
    if any(s.url_name == url_name for s in SECTIONS):
        return
    SECTIONS.append(Section(url_name, label, description, order))
    SECTIONS.sort(key=lambda s: (s.order, s.url_name))


def greeting_name(client: Client) -> str:
    """How the client's pages greet them: never by name when their identity is protected."""
    return "" if client.protected_identity else client.given_name


def client_language(preferred: str) -> str | None:
    """Swedish or English from what the record says the client prefers, else None."""
    words = preferred.strip().lower()
    if words.startswith(("sv", "swe")):
        return "sv"
    if words.startswith(("en", "eng")):
        return "en"
    return None


def language_for(request: HttpRequest, link: CheckinLink) -> str:
    """The language the browser chose with the switch, else the client's own, else ours."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language() or settings.LANGUAGE_CODE
    return (client_language(link.relationship.client.preferred_language)
            or translation.get_language() or settings.LANGUAGE_CODE)


def space_of(link: CheckinLink, token: str) -> ClientSpace | None:
    """The client space a link opens: a phone link that has not expired."""
    if link.mode == CheckinResponse.Mode.TABLET or link.expires_at <= timezone.now():
        return None
    return ClientSpace(token=token, link=link, relationship=link.relationship,
                       client=link.relationship.client)


def gone(request: HttpRequest, status: int = 410) -> HttpResponse:
    return render(request, "checkins/gone.html", status=status)


def client_space(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view ``view(request, space, **kwargs)`` under ``c/<token>/``."""

    @never_cache
    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        link = link_for_token(token)
        if link is None:
            return gone(request, 404)
        space = space_of(link, token)
        if space is None:
            return gone(request)
        with translation.override(language_for(request, space.link)):
            return view(request, space, *args, **kwargs)

    return wrapper

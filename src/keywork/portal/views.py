"""The client's pages: no account, the link's token is the only key.

The form comes in the client's preferred language when it is Swedish or English (unless
this browser chose a language with the switch). A used, expired or unknown link gets the
same friendly page with no details. Nothing on these pages shows the client's full name.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from keywork.checkins import services
from keywork.checkins.forms import CheckinForm, ClientChoicesForm
from keywork.checkins.models import CheckinLink, CheckinResponse
from keywork.checkins.selectors import (
    domain_instrument,
    form_language,
    history_for_link,
    link_for_token,
    link_is_open,
    sharing_default,
    sharing_options,
)
from keywork.checkins.space import (
    SECTIONS,
    ClientSpace,
    client_space,
    gone,
    greeting_name,
    language_for,
)
from keywork.core.errors import ApplicationError

GONE_CODES = {"link_used", "link_expired", "closed"}


def _keyworker_name(link: CheckinLink) -> str:
    worker = link.relationship.keyworker
    return worker.first_name or str(worker)


def _page(request: HttpRequest, link: CheckinLink, token: str, form: CheckinForm,
          choices: ClientChoicesForm, error: str = "") -> HttpResponse:
    instrument = domain_instrument(link.instrument_version)
    return render(request, "portal/checkin.html", {
        "token": token, "form": form, "choices": choices, "error": error,
        "title": instrument.title[form.language],
        "intro": instrument.intro.get(form.language, ""),
        "name": greeting_name(link.relationship.client), "keyworker": _keyworker_name(link),
        "tablet": link.mode == CheckinResponse.Mode.TABLET, "sections": SECTIONS,
    })


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    link = link_for_token(token)
    if link is None:
        return gone(request, 404)
    with translation.override(language_for(request, link)):
        if request.method == "POST":
            return _submit(request, link, token)
        if not link_is_open(link):
            return gone(request, 410)
        instrument = domain_instrument(link.instrument_version)
        language = form_language(instrument, translation.get_language() or "en")
        rel = link.relationship
        form = CheckinForm(instrument=instrument, language=language,
                           initial={"idempotency_key": uuid.uuid4()})
        choices = ClientChoicesForm(options=sharing_options(rel),
                                    initial={"visibility": sharing_default(rel)})
        return _page(request, link, token, form, choices)


def _submit(request: HttpRequest, link: CheckinLink, token: str) -> HttpResponse:
    instrument = domain_instrument(link.instrument_version)
    language = form_language(instrument, translation.get_language() or "en")
    rel = link.relationship
    data = request.POST.copy()
    form = CheckinForm(data, instrument=instrument, language=language)
    choices = ClientChoicesForm(data, options=sharing_options(rel))
    error = ""
    if not form.is_valid() and "idempotency_key" in form.errors:
        # Not a key this form made (a hand-made request): show the answers again with a
        # new key, for the client to send once more.
        data["idempotency_key"] = str(uuid.uuid4())
        form = CheckinForm(data, instrument=instrument, language=language)
        error = gettext("Something went wrong with the form. Check your answers and send "
                        "it again.")
    elif form.is_valid() and choices.is_valid():
        try:
            services.client_checkin_submit(
                link=link, answers=form.answers(),
                idempotency_key=form.cleaned_data["idempotency_key"],
                visibility=choices.cleaned_data["visibility"],
                private_comment=choices.cleaned_data["private_comment"])
        except ApplicationError as exc:
            if exc.code in GONE_CODES:
                return gone(request, 410)
            error = exc.message
        else:
            return redirect("portal:thanks", token=token)
    if not link_is_open(link):
        return gone(request, 410)
    return _page(request, link, token, form, choices, error=error)


@never_cache
@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """After the check-in. On the unit's tablet: a locked screen, nothing more. On the
    client's own phone: thanks, and their own check-ins while the link lasts."""
    link = link_for_token(token)
    if link is None:
        return gone(request, 404)
    with translation.override(language_for(request, link)):
        if link.used_at is None:
            if link_is_open(link):
                return redirect("portal:checkin", token=token)
            return gone(request, 410)
        if link.mode == CheckinResponse.Mode.TABLET:
            return render(request, "portal/locked.html")
        if link.expires_at <= timezone.now():
            return gone(request, 410)
        return render(request, "portal/thanks.html", {
            "name": greeting_name(link.relationship.client), "history": history_for_link(link),
            "expires_at": link.expires_at, "token": token, "sections": SECTIONS})



@client_space
@require_GET
def space(request: HttpRequest, space: ClientSpace) -> HttpResponse:
    """The client's own page: the check-in if it is still open, their check-ins, and the
    sections other parts of Keywork add (goals, mandates, asking for a change)."""
    link = space.link
    return render(request, "portal/space.html", {
        "space": space, "token": space.token, "name": space.greeting_name,
        "checkin_open": link_is_open(link), "sections": SECTIONS,
        "history": history_for_link(link) if link.used_at is not None else [],
        "expires_at": link.expires_at})

"""Staff pages of check-ins: links for the client, the tablet hand-over, the keyworker's own
check-in, reading a check-in (as the visibility rules allow) and the FHIR exports."""

from __future__ import annotations

import json
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from keywork.checkins import fhir, hooks, services
from keywork.checkins.forms import CheckinForm, FormChoiceForm, LinkForm
from keywork.checkins.models import CheckinLink, CheckinResponse, InstrumentVersion, Rater
from keywork.checkins.selectors import (
    CLIENT_SHORT,
    CheckinAccess,
    answer_rows,
    checkins_for_page,
    client_forms,
    client_trend,
    dimension_bars,
    domain_instrument,
    form_language,
    get_checkin_for_user,
    get_comments_for_user,
    keyworker_forms,
    may_read_private_comments,
    private_comments,
)
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error, open_or_404
from keywork.organisations.http import KeyworkRequest, membership_of
from keywork.relationships.models import Relationship
from keywork.relationships.selectors import get_relationship_for_user, may_write_relationship


def _checkin(request: KeyworkRequest, pk: int, purpose: str) -> CheckinAccess:
    return open_or_404(get_checkin_for_user, request, pk, purpose=purpose)


def portal_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:checkin", kwargs={"token": token})


def qr_svg(url: str) -> str:
    """The address as an inline SVG QR code (no image request, no script)."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=5, border=4, dark="#000", light="#fff", svgclass="qr-code",
                           lineclass=None, title=_("QR code of the check-in link"))


@login_required
@require_GET
def relationship(request: KeyworkRequest, pk: int) -> HttpResponse:
    """The check-ins of one relationship, as much of them as this person may see."""
    rel = open_or_404(get_relationship_for_user, request, pk)
    membership = membership_of(request)
    page = checkins_for_page(membership=membership, relationship=rel)
    can_write = may_write_relationship(membership, rel)
    own_forms: list[tuple[str, str]] = []
    if can_write and rel.is_open and request.user.pk == rel.keyworker_id:
        language = get_language() or "en"
        own_forms = [(v.instrument.code, v.choice_label(language)) for v in keyworker_forms()]
    return render(request, "checkins/relationship.html", {
        "rel": rel, "client": rel.client, "page": page, "relationship": rel,
        "can_write": can_write, "own_forms": own_forms})


def _link_form(request: KeyworkRequest) -> LinkForm:
    language = get_language() or "en"
    offered = [(v.instrument.code, v.choice_label(language)) for v in client_forms()]
    return LinkForm(request.POST if request.method == "POST" else None,
                    forms_offered=offered, initial={"instrument": CLIENT_SHORT})


def _create_link(request: KeyworkRequest, rel: Relationship, form: LinkForm, mode: str
                 ) -> tuple[CheckinLink, str] | None:
    """The link the form asks for, or None with the reason shown on the page."""
    if not form.is_valid():
        return None
    try:
        return services.checkin_link_create(
            membership=membership_of(request), relationship=rel, mode=mode,
            instrument_code=form.cleaned_data["instrument"] or CLIENT_SHORT)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def link_new(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    form = _link_form(request)
    if request.method == "POST":
        made = _create_link(request, rel, form, CheckinResponse.Mode.LINK)
        if made is not None:
            link, token = made
            url = portal_url(token)
            return render(request, "checkins/link_created.html", {
                "rel": rel, "client": rel.client, "url": url, "link": link,
                "qr": mark_safe(qr_svg(url))})  # noqa: S308 - segno's own SVG markup
    return render(request, "checkins/link_new.html",
                  {"rel": rel, "client": rel.client, "form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def handover(request: KeyworkRequest, pk: int) -> HttpResponse:
    """Hand the unit's tablet to the client: the worker is signed out first, so nothing of
    theirs is reachable on the tablet and they cannot see the answers."""
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    form = _link_form(request)
    if request.method == "POST":
        made = _create_link(request, rel, form, CheckinResponse.Mode.TABLET)
        if made is not None:
            auth_logout(request)
            request.membership = None
            return redirect("portal:checkin", token=made[1])
    return render(request, "checkins/handover.html",
                  {"rel": rel, "client": rel.client, "form": form})


def _form_choice(request: KeyworkRequest, offered: list[InstrumentVersion], language: str
                 ) -> FormChoiceForm:
    """Which form the keyworker sees: a POST names the form that was shown (required); a
    GET may ask for one with ``?instrument=<code>``, otherwise the short one."""
    if request.method == "POST":
        data: Any = request.POST
    elif "instrument" in request.GET:
        data = request.GET
    else:
        data = None
    return FormChoiceForm(data, default=offered[0].instrument.code,
                          forms_offered=[(v.instrument.code, v.choice_label(language))
                                         for v in offered])


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def keyworker_form(request: KeyworkRequest, pk: int) -> HttpResponse:
    """The keyworker's own check-in: their view, then their guess at the client's. The
    short form unless they choose the monthly one (``?instrument=``); the POST carries
    the form that was shown."""
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    offered = keyworker_forms()
    if not offered:
        raise Http404
    language = get_language() or "en"
    choice = _form_choice(request, offered, language)
    shown = choice.chosen()
    version = next(v for v in offered if v.instrument.code == shown)
    form_def = domain_instrument(version)
    language = form_language(form_def, language)
    is_keyworker = request.user.pk == rel.keyworker_id
    form = CheckinForm(request.POST if request.method == "POST" else None,
                       instrument=form_def, language=language, require_answers=True)
    if (request.method == "POST" and is_keyworker and choice.is_valid()
            and form.is_valid()):
        try:
            response, created = services.checkin_submit(
                relationship=rel, instrument_version=version, rater=Rater.KEYWORKER,
                answers=form.answers(), mode=CheckinResponse.Mode.STAFF,
                idempotency_key=form.cleaned_data["idempotency_key"],
                submitted_by=request.user)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            if created:
                messages.success(request, _("Your check-in is saved."))
            return redirect("checkins:response", pk=response.pk)
    return render(request, "checkins/keyworker_form.html", {
        "rel": rel, "client": rel.client, "form": form, "instrument": form_def,
        "choice": choice, "shown": shown,
        "title": form_def.title[language],
        "intro": form_def.intro.get(language, ""), "is_keyworker": is_keyworker,
        "is_open": rel.is_open})


@login_required
@require_GET
def response(request: KeyworkRequest, pk: int) -> HttpResponse:
    access = _checkin(request, pk, "check-in")
    resp = access.response
    rel = resp.relationship
    context: dict[str, Any] = {"resp": resp, "rel": rel, "client": resp.client,
                               "full": access.full}
    if access.full:
        context["rows"] = answer_rows(resp, get_language() or "en")
        context["bars"] = dimension_bars(resp)
        context["form_title"] = resp.instrument_version.title(get_language() or "en")
    else:
        context["pattern"] = hooks.pattern_label(rel)
        context["trend"] = client_trend(rel)
    context["comments_link"] = (resp.rater == Rater.CLIENT
                                and may_read_private_comments(request.membership, rel))
    return render(request, "checkins/response.html", context)


def _fhir(data: dict[str, Any], filename: str) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    reply = HttpResponse(body, content_type=f"{fhir.CONTENT_TYPE}; charset=utf-8")
    reply["Content-Disposition"] = f'inline; filename="{filename}.json"'
    return reply


@login_required
@require_GET
def fhir_questionnaire(request: KeyworkRequest, pk: int) -> HttpResponse:
    """An instrument as a FHIR R5 Questionnaire. Instruments hold no client data."""
    membership_of(request)
    version = get_object_or_404(InstrumentVersion.objects.select_related("instrument"), pk=pk)
    return _fhir(fhir.questionnaire(version), f"{version.instrument.code}-v{version.version}")


@login_required
@require_GET
def fhir_response(request: KeyworkRequest, pk: int) -> HttpResponse:
    """A check-in as a FHIR R5 QuestionnaireResponse, to those who see it in full."""
    access = _checkin(request, pk, "check-in exported as FHIR")
    if not access.full:
        raise Http404
    return _fhir(fhir.questionnaire_response(access.response), f"checkin-{access.response.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comments(request: KeyworkRequest, pk: int) -> HttpResponse:
    """The client's private comments to the supervisor. Supervisors of the unit only
    (not one who is the keyworker or deputy of this relationship)."""
    rel = open_or_404(get_comments_for_user, request, pk)
    membership = membership_of(request)
    if request.method == "POST":
        try:
            count = services.private_comments_mark_read(membership=membership,
                                                        relationship=rel)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if count:
                messages.success(request, _("Marked as read."))
        return redirect("checkins:comments", pk=rel.pk)
    items = private_comments(rel)
    return render(request, "checkins/comments.html", {
        "rel": rel, "client": rel.client, "comments": items,
        "unread": sum(1 for c in items if c.read_at is None)})

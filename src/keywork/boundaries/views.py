"""Pages of the boundary register, contact agreements and the gifts register."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from keywork.boundaries import selectors, services
from keywork.boundaries.forms import (
    AfterClosureForm,
    AgreementForm,
    EventForm,
    GiftsFilterForm,
    ReflectForm,
    ReviewForm,
    SettingsForm,
)
from keywork.boundaries.models import BoundaryEvent, Kind
from keywork.boundaries.text import reaffirm_texts
from keywork.clients.selectors import (
    audit_list,
    get_client_for_user,
    history_entries,
    may_supervise_client,
)
from keywork.core.errors import AccessDenied
from keywork.core.http import open_or_404, submitted
from keywork.organisations.http import KeyworkRequest, membership_in_role, membership_of
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Relationship
from keywork.relationships.selectors import (
    allocation_candidates,
    get_relationship_for_user,
    may_write_relationship,
)

STAFF = (Role.KEYWORKER, Role.SUPERVISOR)


def _event(request: KeyworkRequest, pk: int, *, write: bool = False,
           supervise: bool = False) -> BoundaryEvent:
    return open_or_404(selectors.get_event_for_user, request, pk, write=write,
                       supervise=supervise)


def _to_event(event: BoundaryEvent) -> str:
    return reverse("boundaries:event", kwargs={"pk": event.pk})


def _worker_choices(rel: Relationship, membership: Membership) -> list[tuple[int, str]]:
    people = [(rel.keyworker_id, str(rel.keyworker))]
    if rel.deputy_id:
        people.append((rel.deputy_id, str(rel.deputy)))
    if membership.user_id not in {p for p, _n in people}:
        people.append((membership.user_id, str(membership.user)))
    return people


@login_required
@require_GET
def relationship(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk)
    membership = request.membership
    drift = selectors.drift_for_relationship(rel)
    return render(request, "boundaries/relationship.html", {
        "rel": rel, "client": rel.client,
        "events": selectors.events_for_relationship(membership, rel),
        "drift": drift,
        "agreement": selectors.agreement_for_relationship(rel, weeks=4),
        "can_write": may_write_relationship(membership, rel),
        "post_closure_end": selectors.post_closure_end(rel, conf=drift.settings),
        "texts": reaffirm_texts(rel) if rel.status == "closed" else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def record(request: KeyworkRequest, pk: int) -> HttpResponse:
    """Declare one's own event or record one about the keyworker or deputy."""
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    workers = _worker_choices(rel, membership)
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, workers=workers, initial={"worker": membership.user_id})
    done = submitted(request, form, lambda data: services.event_record(
        membership=membership, client=rel.client, relationship=rel,
        worker_id=data["worker"], **form.event_fields()),
        message=_("The boundary event is recorded. It waits for a supervisor's review."),
        to=_to_event)
    return done or render(request, "boundaries/record.html", {
        "rel": rel, "client": rel.client, "form": form,
        "closed": rel.status == "closed"})


@login_required
@require_http_methods(["GET", "POST"])
def client_record(request: KeyworkRequest, pk: int) -> HttpResponse:
    """A supervisor records an event about a client outside any relationship: a private
    connection known before allocation, most often."""
    membership = membership_in_role(request, Role.SUPERVISOR)
    client = open_or_404(get_client_for_user, request, pk, write=True,
                         purpose="boundary event")
    episode = client.episodes.select_related("unit").order_by("-start_date", "-id").first()
    people = [(c.user_id, c.name) for c in allocation_candidates(
        organisation=membership.organisation, unit=episode.unit)] if episode else []
    workers = people or [(membership.user_id, str(membership.user))]
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, workers=workers,
                     kinds=[Kind.CONFLICT_OF_INTEREST, Kind.SOCIAL_CONTACT,
                            Kind.SOCIAL_MEDIA, Kind.OTHER],
                     initial={"kind": Kind.CONFLICT_OF_INTEREST})
    done = submitted(request, form, lambda data: services.event_record(
        membership=membership, client=client, relationship=None,
        worker_id=data["worker"], **form.event_fields()),
        message=_("The boundary event is recorded."), to=_to_event)
    return done or render(request, "boundaries/client_record.html", {
        "client": client, "form": form,
        "events": selectors.events_without_relationship(membership, client)})


def _event_context(request: KeyworkRequest, event: BoundaryEvent) -> dict[str, object]:
    membership = request.membership
    return {
        "event": event, "client": event.client, "rel": event.relationship,
        "is_subject": event.worker_id == request.user.pk and not event.from_client,
        "may_review": membership is not None and membership.role == Role.SUPERVISOR
        and event.worker_id != request.user.pk
        and may_supervise_client(membership, event.client),
        "entries": list(reversed(history_entries(event, what=_("Boundary event")))),
        "texts": reaffirm_texts(event.relationship)
        if event.kind == Kind.CONTACT_AFTER_ENDING and event.relationship else [],
    }


@login_required
@require_GET
def event(request: KeyworkRequest, pk: int) -> HttpResponse:
    found = _event(request, pk)
    return render(request, "boundaries/event.html", _event_context(request, found))


@login_required
@require_http_methods(["GET", "POST"])
def reflect(request: KeyworkRequest, pk: int) -> HttpResponse:
    found = _event(request, pk, write=True)
    membership = membership_of(request)
    context = _event_context(request, found)
    refusal = "" if context["is_subject"] else _(
        "Only the worker the event is about writes the reflection.")
    form = ReflectForm(request.POST if request.method == "POST" else None,
                       initial={"reflection": found.reflection})
    done = None if refusal else submitted(request, form, lambda data: services.event_reflect(
        membership=membership, event=found, reflection=data["reflection"]),
        message=_("Your reflection is saved."), to=_to_event(found))
    if done:
        return done
    context.update({"form": form, "refusal": refusal})
    return render(request, "boundaries/reflect.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: KeyworkRequest, pk: int) -> HttpResponse:
    found = _event(request, pk, write=True, supervise=True)
    membership = membership_of(request)
    context = _event_context(request, found)
    refusal = "" if context["may_review"] else _(
        "An event about yourself is reviewed by another supervisor.")
    initial = {"reviewed_on": found.reviewed_on or timezone.localdate(),
               "severity": found.severity, "outcome": found.outcome,
               "review_note": found.review_note}
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    done = None if refusal else submitted(request, form, lambda data: services.event_review(
        membership=membership, event=found, **data),
        message=_("The review is saved."), to=_to_event(found))
    if done:
        return done
    context.update({"form": form, "refusal": refusal})
    return render(request, "boundaries/review.html", context)


@login_required
@require_GET
def drift(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk)
    view = selectors.drift_for_relationship(rel)
    visible = {e.pk for e in selectors.events_for_relationship(request.membership, rel)}
    return render(request, "boundaries/drift.html", {
        "rel": rel, "client": rel.client, "view": view, "visible": visible})


@login_required
@require_GET
def agreement(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk)
    view = selectors.agreement_for_relationship(rel)
    return render(request, "boundaries/agreement.html", {
        "rel": rel, "client": rel.client, "view": view,
        "can_write": may_write_relationship(request.membership, rel) and rel.is_open})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    rel = open_or_404(get_relationship_for_user, request, pk, write=True)
    membership = membership_of(request)
    current = getattr(rel, "contact_agreement", None)
    if request.method == "POST":
        form = AgreementForm(request.POST)
    elif current is not None:
        form = AgreementForm(initial={
            "per_week": current.per_week, "channels": current.channels,
            "weekdays": [str(d) for d in current.weekdays], "hours_from": current.hours_from,
            "hours_to": current.hours_to, "client_tasks": current.client_tasks,
            "note": current.note, "agreed_on": current.agreed_on,
            "review_on": current.review_on})
    else:
        form = AgreementForm(initial={"agreed_on": timezone.localdate()})
    refusal = "" if rel.is_open else _("This relationship has closed.")
    done = None if refusal else submitted(request, form, lambda data: services.agreement_save(
        membership=membership, relationship=rel, **data),
        message=_("The contact agreement is saved."),
        to=reverse("boundaries:agreement", kwargs={"pk": rel.pk}))
    return done or render(request, "boundaries/agreement_edit.html", {
        "rel": rel, "client": rel.client, "form": form, "refusal": refusal,
        "current": current})


@login_required
@require_GET
def mine(request: KeyworkRequest) -> HttpResponse:
    membership = membership_in_role(request, *STAFF)
    events = selectors.my_events(membership)
    after = selectors.post_closure_relationships(membership)
    queue = selectors.review_queue(membership)
    audit_list(user=request.user, what="boundary events", clients=list(dict.fromkeys(
        [e.client_id for e in queue + events] + [r.client_id for r in after])))
    return render(request, "boundaries/mine.html", {
        "events": events, "after_closure": after, "queue": queue,
        "is_supervisor": membership.role == Role.SUPERVISOR})


@login_required
@require_http_methods(["GET", "POST"])
def after_closure(request: KeyworkRequest) -> HttpResponse:
    """Declare contact with a former client in the post-closure period."""
    membership = membership_in_role(request, *STAFF)
    rels = selectors.post_closure_relationships(membership)
    choices = [(r.pk, r.client.display_name) for r in rels]
    form = AfterClosureForm(request.POST if request.method == "POST" else None,
                            relationships=choices,
                            initial={"relationship": request.GET.get("relationship")})
    def declare(data: dict[str, Any]) -> BoundaryEvent:
        rel = next(r for r in rels if r.pk == data["relationship"])
        return services.event_record(
            membership=membership, client=rel.client, relationship=rel,
            worker_id=membership.user_id, kind=Kind.CONTACT_AFTER_ENDING,
            occurred_on=data["occurred_on"], context=data["context"],
            after_closure_reason=data["after_closure_reason"])

    done = submitted(request, form, declare,
                     message=_("The contact after the ending is recorded. It waits for a "
                               "supervisor's review."),
                     to=lambda event: reverse("boundaries:after_closure_done",
                                              kwargs={"pk": event.pk}))
    if done:
        return done
    audit_list(user=request.user, what="post-closure relationships",
               clients=[r.client_id for r in rels])
    return render(request, "boundaries/after_closure.html", {
        "form": form, "relationships": rels})


@login_required
@require_GET
def after_closure_done(request: KeyworkRequest, pk: int) -> HttpResponse:
    """After declaring: the template for reaffirming the boundary, kindly. Reached by the
    worker even when the record itself is no longer open to them."""
    membership = membership_in_role(request, *STAFF)
    try:
        found = selectors.get_own_after_closure_event(membership=membership, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    return render(request, "boundaries/after_closure_done.html", {
        "event": found, "texts": reaffirm_texts(found.relationship)})


@login_required
@require_GET
def gifts(request: KeyworkRequest) -> HttpResponse:
    membership = membership_in_role(request, Role.SUPERVISOR, Role.MANAGER)
    form = GiftsFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    start = end = None
    if form.is_bound and valid:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.gifts_register(membership, start=start, end=end) if valid else []
    openable = selectors.openable_client_ids(membership, {r.client_id for r in rows})
    if request.GET.get("format") == "csv" and valid:
        return _gifts_csv(rows, start, end, openable)
    total = sum((r.value or 0) for r in rows if r.accepted)
    return render(request, "boundaries/gifts.html", {
        "form": form, "rows": rows, "openable": openable, "total_accepted": total,
        "query": request.GET.urlencode()})


def _gifts_csv(rows: list[BoundaryEvent], start: dt.date | None, end: dt.date | None,
               openable: set[int]) -> HttpResponse:
    """The register as CSV. The free-text context goes only with clients whose records the
    reader may open; the others are a reference and figures."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"gifts-{start or 'start'}-{end or timezone.localdate()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Kind"), _("Worker"), _("Client reference"),
                     _("Accepted"), _("Value"), _("Context"), _("Outcome"),
                     _("Reviewed on")])
    for r in rows:
        accepted = "" if r.accepted is None else (_("yes") if r.accepted else _("no"))
        writer.writerow([r.occurred_on.isoformat(), r.get_kind_display(), str(r.worker),
                         r.client.pseudonym, accepted, "" if r.value is None else r.value,
                         _safe_cell(r.context) if r.client_id in openable else "",
                         r.get_outcome_display(),
                         r.reviewed_on.isoformat() if r.reviewed_on else ""])
    return response


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: KeyworkRequest) -> HttpResponse:
    membership = membership_in_role(request, Role.ADMINISTRATOR)
    conf = selectors.settings_for(membership.organisation_id)
    initial: dict[str, object] = {
        "drift_count": conf.drift_count, "drift_window_days": conf.drift_window_days,
        "post_closure_days": conf.post_closure_days}
    initial.update({f"severity_{k}": conf.severity_for(k) for k in Kind.values})
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    done = submitted(request, form, lambda data: services.settings_save(
        membership=membership, drift_count=data["drift_count"],
        drift_window_days=data["drift_window_days"],
        post_closure_days=data["post_closure_days"],
        severity_defaults=form.severity_defaults()),
        message=_("The boundary settings are saved."), to="boundaries:settings")
    return done or render(request, "boundaries/settings.html", {"form": form})


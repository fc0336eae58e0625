"""Supervision pages: the supervisor prepares, holds, records and signs a session; the
keyworker reads their own sessions, adds a reflection and sees their actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keywork.accounts.models import User
from keywork.core.errors import ApplicationError
from keywork.core.http import open_or_404, performed, submitted
from keywork.organisations.http import (
    KeyworkRequest,
    membership_in_role,
    membership_of,
    role_required,
)
from keywork.organisations.models import Membership, Role
from keywork.supervision import services
from keywork.supervision.forms import (
    ActionForm,
    AddendumForm,
    ItemAddForm,
    ItemNotesForm,
    ReflectionForm,
    SessionForm,
    SessionNewForm,
)
from keywork.supervision.models import Action, AgendaItem, Session
from keywork.supervision.selectors import (
    counts_for_organisation,
    get_action_for_user,
    get_session_for_user,
    items_for_viewer,
    open_actions_for,
    sessions_for_supervisor,
    sessions_for_worker,
    shown_item,
    supervised_workers,
    supervises_worker,
)

RECENT = 20


def _session(request: KeyworkRequest, pk: int, *, write: bool = False,
             as_worker: bool = False) -> Session:
    return open_or_404(get_session_for_user, request, pk, write=write, as_worker=as_worker)


def _item(request: KeyworkRequest, pk: int) -> AgendaItem:
    membership = membership_of(request)
    item = AgendaItem.objects.filter(pk=pk, organisation_id=membership.organisation_id).first()
    if item is None:
        raise Http404
    item.session = _session(request, item.session_id, write=True)
    return item


def _done(request: KeyworkRequest, session: Session, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_to_session(session))


def _to_session(session: Session) -> str:
    return reverse("supervision:detail", kwargs={"pk": session.pk})


def _owners(membership: Membership, session: Session) -> list[User]:
    """Who can own an action: the worker and the supervisor first, then other staff of the
    service who work with clients."""
    staff = list(User.objects.filter(
        memberships__organisation_id=membership.organisation_id, memberships__is_active=True,
        memberships__role__in=(Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER), is_active=True)
        .distinct().order_by("first_name", "last_name", "username"))
    first = [u for u in staff if u.pk in (session.worker_id, session.supervisor_id)]
    return first + [u for u in staff if u not in first]


def _form_page(request: KeyworkRequest, session: Session, form: Any, *, title: str,
               action: str, button: str, intro: str = "") -> HttpResponse:
    return render(request, "supervision/form.html", {
        "session": session, "form": form, "title": title, "action": action,
        "button": button, "intro": intro})


@role_required(Role.KEYWORKER, Role.SUPERVISOR, Role.MANAGER)
@require_GET
def index(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    context: dict[str, Any] = {"today": timezone.localdate()}
    if membership.role == Role.MANAGER:
        context["counts"] = counts_for_organisation(membership.organisation_id)
        return render(request, "supervision/index.html", context)
    context["my_actions"] = list(open_actions_for(request.user, membership.organisation_id))
    context["my_sessions"] = list(sessions_for_worker(
        organisation_id=membership.organisation_id, worker_id=membership.user_id)[:RECENT])
    if membership.role == Role.SUPERVISOR:
        context["workers"] = list(supervised_workers(membership))
        sessions = list(sessions_for_supervisor(membership)[:RECENT * 2])
        context["upcoming"] = [s for s in sessions if not s.is_signed]
        context["signed"] = [s for s in sessions if s.is_signed][:RECENT]
    return render(request, "supervision/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: KeyworkRequest) -> HttpResponse:
    membership = membership_in_role(request, Role.SUPERVISOR)
    workers = list(supervised_workers(membership))
    initial = {}
    if request.GET.get("worker", "").isdigit():
        initial["worker"] = int(request.GET["worker"])
    form = SessionNewForm(request.POST if request.method == "POST" else None,
                          workers=workers, initial=initial)
    done = submitted(request, form, lambda data: services.session_create(
        membership=membership, worker_id=data["worker"], held_on=data["held_on"],
        kind=data["kind"]),
        message=_("The session is made, with its agenda."), to=_to_session)
    return done or render(request, "supervision/new.html", {"form": form, "workers": workers})


@login_required
@require_GET
def detail(request: KeyworkRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    membership = membership_of(request)
    is_supervisor = supervises_worker(membership, session.worker_id)
    is_worker = session.worker_id == request.user.pk
    items = items_for_viewer(session, membership)
    context = {
        "session": session, "items": items,
        "session_actions": list(session.actions.filter(item__isnull=True)
                                .select_related("owner")),
        "addenda": session.addenda.select_related("author"),
        "is_supervisor": is_supervisor, "is_worker": is_worker,
        "can_edit": is_supervisor and not session.is_signed,
        "reflection_form": ReflectionForm(initial={"text": session.worker_reflection})
        if is_worker and not session.is_signed else None,
        "user_id": request.user.pk, "today": timezone.localdate(),
    }
    return render(request, "supervision/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, write=True)
    membership = membership_of(request)
    if request.method == "POST":
        form = SessionForm(request.POST)
    else:
        form = SessionForm(initial={"held_on": session.held_on, "kind": session.kind,
                                    "notes": session.notes, "decisions": session.decisions})
    done = None if session.is_signed else submitted(
        request, form, lambda data: services.session_update(
            membership=membership, session=session, **data),
        message=_("The session record is saved."), to=_to_session(session))
    return done or _form_page(request, session, None if session.is_signed else form,
                      title=_("Notes and decisions"),
                      action="supervision:edit", button=_("Save"))


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: KeyworkRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, write=True)
    membership = membership_of(request)
    form = ItemAddForm(request.POST if request.method == "POST" else None)
    done = None if session.is_signed else submitted(
        request, form, lambda data: services.agenda_item_add(
            membership=membership, session=session, **data),
        message=_("The item is on the agenda."), to=_to_session(session))
    return done or _form_page(request, session, None if session.is_signed else form,
                      title=_("Add an item to the agenda"), action="supervision:item_add",
                      button=_("Add to the agenda"))


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    session = item.session
    membership = membership_of(request)
    if request.method == "POST":
        form = ItemNotesForm(request.POST)
    else:
        form = ItemNotesForm(initial={"notes": item.notes, "decisions": item.decisions})
    done = None if session.is_signed else submitted(
        request, form, lambda data: services.agenda_item_update(
            membership=membership, item=item, **data),
        message=_("The notes on the item are saved."), to=_to_session(session))
    return done or render(request, "supervision/item.html", {
        "session": session, "item": item, "visible": shown_item(item, membership).visible,
        "form": None if session.is_signed else form})


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: KeyworkRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, write=True)
    membership = membership_of(request)
    items = list(session.items.all())
    initial: dict[str, Any] = {"owner": session.worker_id}
    if request.GET.get("item", "").isdigit():
        initial["item"] = int(request.GET["item"])
    form = ActionForm(request.POST if request.method == "POST" else None,
                      owners=_owners(membership, session), items=items, initial=initial)
    done = None if session.is_signed else submitted(
        request, form, lambda data: services.action_add(
            membership=membership, session=session, text=data["text"],
            owner_id=data["owner"], due_on=data["due_on"],
            item=next((i for i in items if i.pk == data["item"]), None)),
        message=_("The action is added."), to=_to_session(session))
    return done or _form_page(request, session, None if session.is_signed else form,
                      title=_("Add an action"), action="supervision:action_add",
                      button=_("Add the action"))


@login_required
@require_POST
def action_done(request: KeyworkRequest, pk: int) -> HttpResponse:
    action: Action = open_or_404(get_action_for_user, request, pk)
    membership = membership_of(request)
    done = request.POST.get("done", "yes") != "no"
    performed(request, lambda: services.action_complete(
        membership=membership, action=action, done=done),
        message=_("The action is marked done.") if done else _("The action is open again."))
    if request.POST.get("next") == "index":
        return redirect("supervision:index")
    if action.session.worker_id == request.user.pk or supervises_worker(
            membership, action.session.worker_id):
        return redirect("supervision:detail", pk=action.session_id)
    return redirect("supervision:index")


@login_required
@require_http_methods(["GET", "POST"])
def reflect(request: KeyworkRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, as_worker=True)
    membership = membership_of(request)
    form = ReflectionForm(request.POST if request.method == "POST" else None,
                          initial={"text": session.worker_reflection})
    done = None if session.is_signed else submitted(
        request, form, lambda data: services.session_reflect(
            membership=membership, session=session, text=data["text"]),
        message=_("Your reflection is saved."), to=_to_session(session))
    return done or _form_page(request, session, None if session.is_signed else form,
                      title=_("My reflection"), action="supervision:reflect",
                      button=_("Save my reflection"))


@login_required
@require_POST
def sign(request: KeyworkRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, write=True)
    try:
        services.session_sign(membership=membership_of(request), session=session)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:detail", pk=session.pk)
    return _done(request, session, _("The session is signed. From now on it can only be "
                                     "added to by an addendum."))


@login_required
@require_POST
def refresh(request: KeyworkRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, write=True)
    try:
        count = services.session_refresh_agenda(membership=membership_of(request),
                                                session=session)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:detail", pk=session.pk)
    return _done(request, session, ngettext(
        "The agenda is up to date: %(count)s new item.",
        "The agenda is up to date: %(count)s new items.", count) % {"count": count})


@login_required
@require_http_methods(["GET", "POST"])
def addendum(request: KeyworkRequest, pk: int) -> HttpResponse:
    # The worker and the worker's supervisors: the accessor's rule for reading a session.
    session = _session(request, pk)
    membership = membership_of(request)
    form = AddendumForm(request.POST if request.method == "POST" else None)
    intro = "" if session.is_signed else _("The session is not signed yet: change it "
                                           "directly.")
    done = submitted(request, form, lambda data: services.session_addendum_add(
        membership=membership, session=session, text=data["text"]),
        message=_("The addendum is added."),
        to=_to_session(session)) if session.is_signed else None
    return done or _form_page(request, session, form if session.is_signed else None,
                      title=_("Add an addendum"), action="supervision:addendum",
                      button=_("Add the addendum"), intro=intro)

"""Safeguarding pages: the client's household, routine enquiries and concerns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from keywork.breakglass.selectors import active_grant
from keywork.clients.models import Client
from keywork.clients.selectors import audit_list, history_entries, may_write_client
from keywork.core.errors import ApplicationError
from keywork.core.http import add_service_error, open_or_404, submitted
from keywork.organisations.http import KeyworkRequest, membership_of, role_required
from keywork.organisations.models import Role
from keywork.safeguarding import services
from keywork.safeguarding.forms import (
    ConcernForm,
    DecisionForm,
    EnquiryForm,
    MemberForm,
    NoteForm,
    PolicyForm,
    ReviewForm,
    SafetyPlanForm,
)
from keywork.safeguarding.guidance import next_steps
from keywork.safeguarding.models import Concern, HouseholdMember, SafetyPlan, Topic
from keywork.safeguarding.selectors import (
    concerns_of,
    concerns_to_review,
    enquiries_due,
    enquiries_of,
    get_concern_for_user,
    get_household_member_for_user,
    get_safeguarding_for_user,
    get_safety_plan_for_user,
    household_of,
    overdue_enquiries,
    policy_for,
    supervisor_clients,
)


def _open(getter: Callable[..., Any], request: KeyworkRequest, write: bool, **kw: Any) -> Any:
    """Through the accessor or 404; a write page shown on GET records the read too."""
    return open_or_404(getter, request, write=write, **kw)


def _client(request: KeyworkRequest, pk: int, *, write: bool = False) -> Client:
    client: Client = _open(get_safeguarding_for_user, request, write, pk=pk)
    return client


def _concern(request: KeyworkRequest, pk: int, *, write: bool = False,
             supervise: bool = False) -> Concern:
    concern: Concern = _open(get_concern_for_user, request, write, pk=pk, supervise=supervise)
    return concern


def _member(request: KeyworkRequest, pk: int, *, write: bool = False) -> HouseholdMember:
    member: HouseholdMember = _open(get_household_member_for_user, request, write, pk=pk)
    return member


def _plan(concern: Concern, request: KeyworkRequest) -> SafetyPlan | None:
    if not SafetyPlan.objects.filter(concern=concern).exists():
        return None
    plan: SafetyPlan = _open(get_safety_plan_for_user, request, False, concern_pk=concern.pk)
    return plan


@login_required
@require_GET
def client_page(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    membership = membership_of(request)
    services.enquiries_check(organisation_id=client.organisation_id, client_ids=[client.pk])
    return render(request, "safeguarding/client.html", {
        "client": client, "household": household_of(client),
        "due": enquiries_due(client), "enquiries": enquiries_of(client),
        "concerns": concerns_of(client), "this_year": timezone.localdate().year,
        "can_write": may_write_client(membership, client),
        "grant": active_grant(user=request.user, client_id=client.pk),
        "policy": policy_for(client.organisation_id)})


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk, write=True)
    form = MemberForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.household_member_add(
        membership=membership_of(request), client=client, **form.member_fields()),
        message=_("The household member is added."),
        to=reverse("safeguarding:client", kwargs={"pk": client.pk}))
    return done or render(request, "safeguarding/member.html",
                          {"client": client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    member = _member(request, pk, write=True)
    form = MemberForm(request.POST) if request.method == "POST" else MemberForm.for_member(member)
    done = submitted(request, form, lambda data: services.household_member_update(
        membership=membership_of(request), member=member, **form.member_fields()),
        message=_("The household member is saved."),
        to=reverse("safeguarding:client", kwargs={"pk": member.client_id}))
    return done or render(request, "safeguarding/member.html",
                  {"client": member.client, "member": member, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_record(request: KeyworkRequest, pk: int, topic: str) -> HttpResponse:
    if topic not in Topic.values:
        raise Http404
    client = _client(request, pk, write=True)
    form = EnquiryForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.enquiry_record(
        membership=membership_of(request), client=client, topic=topic, asked_on=data["asked_on"],
        asked_in_private=data["asked_in_private"], outcome=data["outcome"], note=data["note"]),
        message=_("The enquiry is recorded."),
        to=reverse("safeguarding:client", kwargs={"pk": client.pk}))
    return done or render(request, "safeguarding/enquiry.html", {
        "client": client, "form": form, "topic": Topic(topic)})


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk, write=True)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.concern_raise(
        membership=membership_of(request), client=client, **data),
        message=_("The concern is recorded. What to do now is set out below."),
        to=lambda concern: reverse("safeguarding:concern", kwargs={"pk": concern.pk}))
    return done or render(request, "safeguarding/concern_new.html",
                          {"client": client, "form": form})


def _concern_context(request: KeyworkRequest, concern: Concern) -> dict[str, Any]:
    membership = membership_of(request)
    can_write = may_write_client(membership, concern.client)
    policy = policy_for(concern.organisation_id)
    undecided = concern.is_open and not concern.is_decided
    return {"concern": concern, "client": concern.client, "plan": _plan(concern, request),
            "can_write": can_write,
            "next_steps": next_steps(concern, policy) if undecided and can_write else [],
            "decision_due": concern.decision_due(policy) if undecided else None,
            "can_review": can_write and membership.role == Role.SUPERVISOR
            and concern.is_decided and concern.reviewed_at is None
            and concern.decided_by_id != membership.user_id}


@login_required
@require_GET
def concern(request: KeyworkRequest, pk: int) -> HttpResponse:
    item = _concern(request, pk)
    context = _concern_context(request, item)
    context["history"] = history_entries(item)
    return render(request, "safeguarding/concern.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_decide(request: KeyworkRequest, pk: int) -> HttpResponse:
    item = _concern(request, pk, write=True)
    if request.method == "POST":
        form = DecisionForm(request.POST)
    else:
        form = DecisionForm.for_concern(item)
    done = submitted(request, form, lambda data: services.concern_decide(
        membership=membership_of(request), concern=item, **form.decision_fields()),
        message=_("The decision is recorded."),
        to=reverse("safeguarding:concern", kwargs={"pk": item.pk}))
    due = None if item.is_decided else item.decision_due(policy_for(item.organisation_id))
    return done or render(request, "safeguarding/decide.html",
                  {"concern": item, "client": item.client, "form": form,
                   "decision_due": due})


@login_required
@require_http_methods(["GET", "POST"])
def concern_close(request: KeyworkRequest, pk: int) -> HttpResponse:
    item = _concern(request, pk, write=True)
    form = NoteForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.concern_close(
        membership=membership_of(request), concern=item, note=data["note"]),
        message=_("The concern is closed."),
        to=reverse("safeguarding:concern", kwargs={"pk": item.pk}))
    return done or render(request, "safeguarding/close.html",
                  {"concern": item, "client": item.client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def concern_review(request: KeyworkRequest, pk: int) -> HttpResponse:
    item = _concern(request, pk, write=True, supervise=True)
    membership = membership_of(request)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    done = submitted(request, form, lambda data: services.concern_review(
        membership=membership, concern=item, note=data["note"]),
        message=_("Your review is recorded."),
        to=reverse("safeguarding:concern", kwargs={"pk": item.pk}))
    return done or render(request, "safeguarding/review.html",
                  {"concern": item, "client": item.client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def safety_plan(request: KeyworkRequest, pk: int) -> HttpResponse:
    item = _concern(request, pk, write=True)
    if request.method == "POST":
        form = SafetyPlanForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.safety_plan_save(membership=membership_of(request), concern=item,
                                          document=form.cleaned_data.get("document"),
                                          **form.plan_fields())
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The safety plan is saved."))
                return redirect("safeguarding:concern", pk=item.pk)
        plan = _plan(item, request)
    else:
        plan = _plan(item, request)
        form = SafetyPlanForm.for_plan(plan)
    return render(request, "safeguarding/safety_plan.html", {
        "concern": item, "client": item.client, "plan": plan, "form": form})


@login_required
@require_GET
def safety_plan_file(request: KeyworkRequest, pk: int) -> FileResponse:
    plan: SafetyPlan = _open(get_safety_plan_for_user, request, False, concern_pk=pk)
    try:
        path = services.safety_plan_file(plan)
    except ApplicationError as exc:
        raise Http404 from exc
    response = FileResponse(path.open("rb"), as_attachment=True, filename=plan.file_name,
                            content_type=plan.file_type)
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.SUPERVISOR)
@require_GET
def overview(request: KeyworkRequest) -> HttpResponse:
    """A supervisor's view of safeguarding in their units: what needs a decision or a
    review, and the enquiries that are overdue."""
    membership = membership_of(request)
    clients = supervisor_clients(membership)
    concerns = list(concerns_to_review(organisation_id=membership.organisation_id,
                                       client_ids=clients))
    overdue = overdue_enquiries(organisation_id=membership.organisation_id,
                                client_ids=clients)
    audit_list(user=request.user, what="safeguarding overview",
               clients=sorted({c.client_id for c in concerns}
                              | {o.episode.client_id for o in overdue}))
    return render(request, "safeguarding/overview.html",
                  {"concerns": concerns, "overdue": overdue})


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def settings_page(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    policy = policy_for(membership.organisation_id)
    form = PolicyForm(request.POST if request.method == "POST" else None, initial={
        "first_enquiry_days": policy.first_enquiry_days,
        "enquiry_interval_days": policy.enquiry_interval_days,
        "jurisdiction": policy.jurisdiction, "instructions": policy.instructions,
        "urgent_decision_hours": policy.urgent_decision_hours,
        "decision_hours": policy.decision_hours})
    done = submitted(request, form, lambda data: services.policy_update(
        membership=membership, **data),
        message=_("The settings are saved."),
        to="safeguarding:settings")
    return done or render(request, "safeguarding/settings.html", {"form": form})

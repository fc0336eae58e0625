"""Matching pages: the ranked list, the intake group, the client's request for a change,
conflicts of interest, preferences, staff profiles and the organisation's weights."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from keywork.audit.services import audit_record
from keywork.checkins.space import ClientSpace, client_space
from keywork.clients.selectors import audit_list, get_client_for_user, get_episode_for_user
from keywork.core.errors import AccessDenied, ApplicationError
from keywork.core.http import add_service_error, open_or_404, submitted
from keywork.matching import selectors, services
from keywork.matching.forms import (
    ChangeRequestForm,
    ConflictForm,
    DecideForm,
    HandoverForm,
    IntakeForm,
    PreferenceForm,
    ProfileForm,
    SkillForm,
    WeightsForm,
)
from keywork.matching.models import ChangeRequest, MatchingWeights, Skill
from keywork.matching.text import reasons_text
from keywork.organisations.http import (
    KeyworkRequest,
    membership_in_role,
    membership_of,
    role_required,
)
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Status


def _skill_names(organisation_id: int) -> dict[str, str]:
    return {s.code: s.name for s in selectors.skills_for(organisation_id, active_only=False)}


def _ranking_rows(ranking: selectors.Ranking, names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"worker": r.worker, "score": r.score, "reasons": reasons_text(r.reasons, names),
             "full": r.worker.free <= 0} for r in ranking.ranked]


# --- supervisor: overview, ranking, intake group ---------------------------------------------


@login_required
def home(request: KeyworkRequest) -> HttpResponse:
    membership = membership_in_role(request, Role.SUPERVISOR)
    overview = selectors.overview_for_supervisor(membership)
    audit_list(user=request.user, what="change requests waiting",
               clients=[r.client_id for r in overview.pending])
    return render(request, "matching/home.html", {"overview": overview})


@login_required
@require_http_methods(["GET", "POST"])
def rank(request: KeyworkRequest, pk: int) -> HttpResponse:
    episode = open_or_404(get_episode_for_user, request, pk, write=True, supervise=True)
    membership = membership_of(request)
    services.skills_ensure_core(organisation_id=membership.organisation_id)
    error = ""
    if request.method == "POST":
        try:
            worker_id = int(request.POST.get("keyworker", ""))
            rel = services.allocate(membership=membership, episode=episode,
                                    keyworker_id=worker_id)
        except ValueError:
            error = _("Choose a keyworker from the list.")
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The keyworker is proposed. The introduction comes "
                                        "next."))
            return redirect(rel.get_absolute_url())
    demanding_param = request.GET.get("demanding")
    demanding = None if demanding_param is None else demanding_param == "1"
    ranking = selectors.rank_for_episode(episode, demanding=demanding)
    names = _skill_names(membership.organisation_id)
    excluded = [{"worker": r.worker, "why": reasons_text(r.reasons, names)}
                for r in ranking.excluded]
    return render(request, "matching/rank.html", {
        "episode": episode, "client": episode.client,
        "rows": _ranking_rows(ranking, names), "excluded": excluded,
        "current": selectors.open_relationship_of_episode(episode),
        "error": error, "demanding": ranking.need.demanding})


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: KeyworkRequest, pk: int) -> HttpResponse:
    try:
        unit = selectors.get_unit_for_supervisor(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    membership = membership_of(request)
    services.skills_ensure_core(organisation_id=membership.organisation_id)
    proposal = selectors.intake_for_unit(unit)
    audit_list(user=request.user, what=f"intake group of unit {unit.pk}",
               clients=[r.need.client.pk for r in proposal.rows])
    form = IntakeForm(request.POST if request.method == "POST" else None, rows=proposal.rows)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.intake_accept(membership=membership, unit=unit,
                                             choices=form.choices())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, ngettext(
                "%(n)s keyworker proposed. The introduction comes next.",
                "%(n)s keyworkers proposed. The introductions come next.",
                len(created)) % {"n": len(created)})
            return redirect("matching:intake", pk=unit.pk)
    names = _skill_names(membership.organisation_id)
    rows = [{"row": r, "field": form[f"episode_{r.need.episode.pk}"],
             "reasons": reasons_text(r.reasons, names)} for r in proposal.rows]
    return render(request, "matching/intake.html", {
        "unit": unit, "proposal": proposal, "rows": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: KeyworkRequest, pk: int) -> HttpResponse:
    change = open_or_404(selectors.get_change_request_for_user, request, pk, write=True,
                         supervise=True)
    membership = membership_of(request)
    rel = change.relationship
    ranking = selectors.rank_for_episode(rel.episode, leaving_worker_id=rel.keyworker_id)
    workers = [r.worker for r in ranking.ranked]
    form = DecideForm(request.POST if request.method == "POST" else None, workers=workers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_request_decide(
                membership=membership, request=change, approve=data["decision"] == "approve",
                new_keyworker_id=data["new_keyworker"], note=data["note"],
                joint_meeting_on=data["joint_meeting_on"],
                joint_meeting_with=data["joint_meeting_with"])
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            if change.status == ChangeRequest.Status.APPROVED and change.new_relationship:
                messages.success(request, _("The keyworker is changed. The outgoing keyworker "
                                            "writes the handover note."))
                return redirect(change.new_relationship.get_absolute_url())
            messages.success(request, _("The keyworker stays the same. Tell the client in "
                                        "person."))
            return redirect("matching:home")
    names = _skill_names(membership.organisation_id)
    return render(request, "matching/request.html", {
        "change": change, "rel": rel, "client": change.client,
        "reason": selectors.reason_shown(membership, change), "form": form,
        "rows": _ranking_rows(ranking, names),
        "can_decide": change.status == ChangeRequest.Status.PENDING
        and rel.status != Status.CLOSED})


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: KeyworkRequest, pk: int) -> HttpResponse:
    change = open_or_404(selectors.get_change_request_for_user, request, pk, write=True)
    membership = membership_of(request)
    if request.method == "POST":
        form = HandoverForm(request.POST)
        done = submitted(request, form, lambda data: services.handover_record(
            membership=membership, request=change, **data),
            message=_("The handover is recorded."),
            to=change.relationship.get_absolute_url())
        if done:
            return done
    else:
        form = HandoverForm(initial={"handover_note": change.handover_note,
                                     "joint_meeting_on": change.joint_meeting_on,
                                     "joint_meeting_with": change.joint_meeting_with})
    return render(request, "matching/handover.html", {
        "change": change, "rel": change.relationship, "client": change.client, "form": form,
        "reason": selectors.reason_shown(membership, change),
        "approved": change.status == ChangeRequest.Status.APPROVED})


# --- keyworker and supervisor: about one client ----------------------------------------------


def _client(request: KeyworkRequest, pk: int) -> Any:
    return open_or_404(get_client_for_user, request, pk, write=True, purpose="matching")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    membership = membership_of(request)
    services.skills_ensure_core(organisation_id=client.organisation_id)
    skills = selectors.skills_for(client.organisation_id)
    pref = selectors.preference_of(client)
    if request.method == "POST":
        form = PreferenceForm(request.POST, skills=skills)
        done = submitted(request, form, lambda data: services.preference_save(
            membership=membership, client=client, **data),
            message=_("The client's wishes are saved."),
            to=reverse("records:client", kwargs={"pk": client.pk}))
        if done:
            return done
    else:
        initial: dict[str, Any] = {}
        if pref is not None:
            initial = {"worker_gender": pref.worker_gender, "languages": pref.languages,
                       "note": pref.note, "skills": list(pref.skills.all())}
        form = PreferenceForm(initial=initial, skills=skills)
    return render(request, "matching/preferences.html", {"client": client, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def conflict_new(request: KeyworkRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    membership = membership_of(request)
    if membership.role == Role.SUPERVISOR:
        workers = [(m.user_id, str(m.user)) for m in Membership.objects.filter(
            organisation_id=client.organisation_id, is_active=True,
            role__in=(Role.KEYWORKER, Role.SUPERVISOR)).select_related("user").order_by(
            "user__first_name", "user__last_name", "user__username")]
    else:
        workers = [(membership.user_id, str(membership.user))]
    form = ConflictForm(request.POST if request.method == "POST" else None, workers=workers,
                        initial={"worker": membership.user_id})
    done = submitted(request, form, lambda data: services.conflict_declare(
        membership=membership, client=client, worker_id=data["worker"], kind=data["kind"],
        note=data["note"]),
        message=_("The connection is declared. This pairing will not be proposed."),
        to=reverse("records:client", kwargs={"pk": client.pk}))
    return done or render(request, "matching/conflict.html", {
        "client": client, "form": form, "declared": selectors.conflicts_of_client(client)})


# --- staff profiles ------------------------------------------------------------------------


def _profile_page(request: KeyworkRequest, of: Membership, *, back: str) -> HttpResponse:
    membership = membership_of(request)
    services.skills_ensure_core(organisation_id=membership.organisation_id)
    skills = selectors.skills_for(membership.organisation_id)
    profile = selectors.profile_of(of)
    if request.method == "POST":
        form = ProfileForm(request.POST, skills=skills)
        done = submitted(request, form, lambda data: services.profile_save(
            membership=membership, of=of, **data), message=_("The profile is saved."), to=back)
        if done:
            return done
    else:
        initial: dict[str, Any] = {"experience_years": 0}
        if profile is not None:
            initial = {"languages": profile.languages, "gender": profile.gender,
                       "experience_years": profile.experience_years,
                       "skills": list(profile.skills.all())}
        form = ProfileForm(initial=initial, skills=skills)
    return render(request, "matching/profile.html", {
        "form": form, "of": of, "own": of.pk == membership.pk})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: KeyworkRequest) -> HttpResponse:
    membership = membership_in_role(request, Role.KEYWORKER, Role.SUPERVISOR)
    return _profile_page(request, membership, back="matching:profile")


@role_required(Role.ADMINISTRATOR)
def profiles(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request)
    return render(request, "matching/profiles.html", {
        "staff": selectors.staff_for_profiles(membership.organisation)})


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def profile_edit(request: KeyworkRequest, pk: int) -> HttpResponse:
    try:
        of = selectors.get_profile_membership_for_admin(user=request.user, pk=pk)
    except AccessDenied as exc:
        raise Http404 from exc
    return _profile_page(request, of, back="matching:profiles")


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def skills(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    services.skills_ensure_core(organisation_id=membership.organisation_id)
    form = SkillForm(request.POST if request.method == "POST" and "name" in request.POST
                     else None)
    if request.method == "POST":
        if "skill" in request.POST:
            try:
                skill = Skill.objects.get(organisation_id=membership.organisation_id,
                                          pk=request.POST.get("skill", ""))
            except (Skill.DoesNotExist, ValueError) as exc:
                raise Http404 from exc
            services.skill_update(membership=membership, skill=skill,
                                  is_core=bool(request.POST.get("is_core")),
                                  is_active=bool(request.POST.get("is_active")))
            messages.success(request, _("The skill is changed."))
            return redirect("matching:skills")
        if form.is_valid():
            try:
                services.skill_add(membership=membership, **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The skill is added."))
                return redirect("matching:skills")
    return render(request, "matching/skills.html", {
        "form": form, "skills": selectors.skills_for(membership.organisation_id,
                                                     active_only=False)})


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def weights(request: KeyworkRequest) -> HttpResponse:
    membership = membership_of(request)
    current = selectors.weights_for(membership.organisation_id)
    initial = {name: getattr(current, name) for name in services.WEIGHT_FIELDS}
    form = WeightsForm(request.POST if request.method == "POST" else None, initial=initial)
    done = submitted(request, form, lambda data: services.weights_save(
        membership=membership, values=data),
        message=_("The weights are saved."), to="matching:weights")
    if done:
        return done
    saved = MatchingWeights.objects.filter(organisation_id=membership.organisation_id).exists()
    return render(request, "matching/weights.html", {"form": form, "saved": saved})


# --- the client's own page ------------------------------------------------------------------


@client_space
@require_http_methods(["GET", "POST"])
def client_change(request: HttpRequest, space: ClientSpace) -> HttpResponse:
    """Asking for another keyworker, from the client's own phone."""
    rel = space.relationship
    latest = selectors.request_for_space(rel)
    pending = latest if latest and latest.status == ChangeRequest.Status.PENDING else None
    form = ChangeRequestForm(request.POST if request.method == "POST" else None)
    sent = False
    error = ""
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        if pending is not None:
            try:
                services.change_request_withdraw(request=pending)
            except ApplicationError as exc:
                error = exc.message
            else:
                pending = None
    elif request.method == "POST" and pending is None and form.is_valid():
        try:
            pending = services.change_request_submit(
                relationship=rel, reason=form.cleaned_data["reason"],
                reason_private=not form.cleaned_data["share_reason"])
        except ApplicationError as exc:
            error = exc.message
        else:
            sent = True
    else:
        audit_record(actor=None, action="view", organisation_id=space.organisation_id,
                     client_id=space.client.pk, obj=rel,
                     detail="the client's page for asking for another keyworker")
    return render(request, "matching/portal_change.html", {
        "space": space, "token": space.token, "pending": pending, "form": form, "sent": sent,
        "error": error, "open": rel.status in (Status.PROPOSED, Status.ACTIVE),
        "keyworker": rel.keyworker.first_name or str(rel.keyworker)})

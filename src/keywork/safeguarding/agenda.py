"""What safeguarding brings to supervision and to the inbox: concerns still without a
decision (an urgent one first of everything), decisions to review, and routine enquiries
that are overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.clients.models import Episode
from keywork.core.matters import HIGH, MEDIUM, URGENT, Matter, Scope
from keywork.organisations.models import Role
from keywork.safeguarding.models import Concern, ConcernStatus, SafetyPlan
from keywork.safeguarding.selectors import concerns_to_review, overdue_enquiries, policy_for


def _concerns(scope: Scope) -> list[Concern]:
    viewer = scope.viewer
    if scope.worker_copy:
        qs = concerns_to_review(organisation_id=scope.organisation_id).filter(
            relationship__keyworker_id__in=scope.worker_ids)
    elif viewer is not None and viewer.role == Role.SUPERVISOR:
        # Every concern about a client of the supervisor's units, whoever raised it; a
        # decision the supervisor took is reviewed by another.
        qs = concerns_to_review(organisation_id=scope.organisation_id).filter(
            Q(client_id__in=Episode.objects.filter(
                organisation_id=scope.organisation_id,
                unit_id__in=scope.unit_ids).values("client_id"))
            | Q(relationship__keyworker_id__in=scope.worker_ids)).exclude(
            decided_by_id=viewer.user_id, decided_at__isnull=False)
    else:
        # A keyworker: the concerns they raised or that are about their relationships and
        # still wait for the decision (the review is a supervisor's).
        qs = concerns_to_review(organisation_id=scope.organisation_id).filter(
            Q(relationship__keyworker_id__in=scope.worker_ids)
            | Q(raised_by_id__in=scope.worker_ids), decided_at__isnull=True)
    return list(qs.distinct())


def safeguarding_items(scope: Scope) -> list[Matter]:
    items: list[Matter] = []
    concerns = _concerns(scope)
    policy = policy_for(scope.organisation_id) if concerns else None
    for concern in concerns:
        decided = concern.is_decided
        if decided:
            kind, severity = "decision_to_review", MEDIUM
            title = _("Safeguarding decision to review: %(category)s")
            action = _("Read the decision and write your review.")
        elif concern.is_urgent:
            kind, severity = "concern_urgent", URGENT
            title = _("Urgent safeguarding concern, no decision yet: %(category)s")
            action = _("Make sure the decision is taken and recorded now.")
        else:
            kind, severity = "concern_without_decision", HIGH
            title = _("Safeguarding concern without a decision: %(category)s")
            action = _("Take the decision and record it.")
        detail = _("Risk: %(risk)s. Raised on %(day)s.") % {
            "risk": concern.get_risk_level_display(),
            "day": concern.created_at.date().isoformat()}
        if not decided and policy is not None:
            due = timezone.localtime(concern.decision_due(policy))
            when = due.strftime("%Y-%m-%d %H:%M")
            detail += " " + (_("The decision was due by %(due)s.") if due <= timezone.now()
                             else _("The decision is due by %(due)s.")) % {"due": when}
            if concern.escalated_at is not None:
                detail += " " + _("Escalated to every supervisor of the unit and the "
                                  "managers.")
        items.append(Matter(
            source="safeguarding", kind=kind,
            title=title % {"category": concern.get_category_display()}, detail=detail,
            url=reverse("safeguarding:concern", kwargs={"pk": concern.pk}),
            relationship_id=concern.relationship_id, client_id=concern.client_id,
            ref=f"concern:{concern.pk}", priority=5 if kind == "concern_urgent" else
            10 if not decided else 20, severity=severity, since=concern.created_at,
            action=action))
    enquiries = overdue_enquiries(organisation_id=scope.organisation_id,
                                  worker_ids=scope.worker_ids)
    for item in enquiries:
        items.append(Matter(
            source="safeguarding", kind="enquiry_overdue",
            title=_("Routine enquiry overdue: %(topic)s") % {"topic": item.due.label},
            detail=_("Due on %(day)s, %(days)s days ago.") % {
                "day": item.due.due.isoformat(), "days": item.due.overdue_days},
            url=reverse("safeguarding:client", kwargs={"pk": item.episode.client_id}),
            relationship_id=item.relationship.pk if item.relationship else None,
            client_id=item.episode.client_id, due=item.due.due,
            ref=f"enquiry:{item.episode.pk}:{item.due.topic}", priority=30,
            severity=MEDIUM, since=timezone.make_aware(dt.datetime.combine(item.due.due,
                                                                          dt.time())),
            action=_("Ask at the next contact, in private, and record that it was asked.")))
    plans = (SafetyPlan.objects.filter(
        organisation_id=scope.organisation_id, review_on__lte=timezone.localdate(),
        concern__status=ConcernStatus.OPEN,
        concern__relationship__keyworker_id__in=scope.worker_ids)
        .select_related("concern").order_by("review_on", "id"))
    for plan in plans:
        assert plan.review_on is not None  # the filter above
        items.append(Matter(
            source="safeguarding", kind="safety_plan_review",
            title=_("Safety plan to look at again"),
            detail=_("The review was set for %(day)s.") % {"day": plan.review_on.isoformat()},
            url=reverse("safeguarding:safety_plan", kwargs={"pk": plan.concern_id}),
            relationship_id=plan.concern.relationship_id, client_id=plan.concern.client_id,
            due=plan.review_on, ref=f"safetyplan:{plan.pk}:{plan.review_on:%Y%m%d}",
            priority=30, severity=MEDIUM,
            action=_("Go through the plan with the client and set the next review.")))
    return items

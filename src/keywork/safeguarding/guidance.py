"""What a worker does now about a concern, in the words of the organisation's jurisdiction
(``SafeguardingPolicy.jurisdiction``), with its own instructions after them."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from keywork.safeguarding.models import (
    Category,
    Concern,
    Jurisdiction,
    Risk,
    SafeguardingPolicy,
)


def next_steps(concern: Concern, policy: SafeguardingPolicy) -> list[str]:
    """The steps, most pressing first, as plain sentences."""
    steps: list[str] = []
    child = concern.category == Category.CHILD
    immediate = concern.risk_level == Risk.IMMEDIATE
    jurisdiction = policy.jurisdiction
    if jurisdiction == Jurisdiction.SWEDEN:
        if immediate:
            steps.append(_("Someone is in immediate danger: call 112 now."))
        if child:
            steps.append(_("Report the concern to the social services today: a report of "
                           "concern (orosanmälan) under the Social Services Act "
                           "(socialtjänstlagen). As staff you must report it yourself; "
                           "you do not need proof, and it cannot wait for supervision."))
        elif concern.category == Category.PARTNER_VIOLENCE:
            steps.append(_("If there are children in the household, report a concern to the "
                           "social services (orosanmälan): children who live with violence "
                           "are at risk."))
    elif jurisdiction == Jurisdiction.ENGLAND:
        if child and immediate:
            steps.append(_("A child is in immediate danger: call the police on 999 now."))
        elif immediate:
            steps.append(_("Someone is in immediate danger: call 999 now."))
        if child:
            steps.append(_("Make a referral to the local authority's children's services "
                           "today, following your safeguarding procedure."))
        elif concern.category == Category.PARTNER_VIOLENCE and concern.risk_level in (
                Risk.HIGH, Risk.IMMEDIATE):
            steps.append(_("High-risk domestic abuse: consider a referral to the MARAC, and "
                           "tell children's services if there are children in the "
                           "household."))
        elif concern.category == Category.VULNERABLE_ADULT:
            steps.append(_("Consider a safeguarding adults referral to the local "
                           "authority."))
    if policy.instructions:
        steps.append(policy.instructions)
    if concern.is_urgent:
        steps.append(_("The unit's supervisors have been told now. Talk to one of them "
                       "today."))
    due = timezone.localtime(concern.decision_due(policy))
    steps.append(_("Record the decision (whether an authority is told, why, and whether "
                   "the client was told) by %(due)s.") % {
                       "due": due.strftime("%Y-%m-%d %H:%M")})
    return steps

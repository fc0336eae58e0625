"""Words for the engine's codes. The engine speaks in codes and numbers; people read these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

FACTS = {
    "too_few_client_checkins": _("The client has given %(count)s check-ins; %(needed)s are "
                                 "needed before a pattern can be named."),
    "too_few_worker_checkins": _("The keyworker has given %(count)s check-ins; %(needed)s are "
                                 "needed before a pattern can be named."),
    "client_low": _("The client's recent ratings average %(mean)s, below %(below)s."),
    "worker_low": _("The keyworker's recent ratings average %(mean)s, below %(below)s."),
    "gap_large": _("The two views are %(gap)s points apart (worker minus client); %(at_least)s "
                   "or more counts as a large gap."),
    "client_unstable": _("The client's ratings swing: spread %(sd)s, range %(range)s."),
    "worker_unstable": _("The keyworker's ratings swing: spread %(sd)s, range %(range)s."),
    "dna_high": _("%(rate)s of the last %(contacts)s contacts were missed."),
    "client_chasing": _("The client started %(share)s of the last %(contacts)s contacts: the "
                        "worker may be hard to reach."),
    "both_warm": _("Both sides rate the relationship warmly (client %(client_mean)s, keyworker "
                   "%(worker_mean)s)."),
    "gap_small": _("The two views are close (%(gap)s points apart)."),
    "stable": _("Both sides' ratings are steady."),
    "reciprocal_contact": _("Contact goes both ways: the client started %(client_share)s of "
                            "recent contacts, and %(everyday_share)s were everyday contact."),
    "client_not_warm": _("The client's ratings are middling (%(mean)s)."),
    "worker_not_warm": _("The keyworker's ratings are middling (%(mean)s)."),
    "gap_moderate": _("The two views differ by %(gap)s points."),
    "formal_contact": _("Contact is mostly formal: the client started %(client_share)s and "
                        "%(everyday_share)s was everyday contact."),
    "contact_too_thin": _("Only %(contacts)s recent contacts: the ratings decide on their own."),
    "coerced": _("The client is in care under formal power: the relationship needs more "
                 "attention, not less."),
    "estimate_vs_client": _("The keyworker expected the client to rate %(estimate)s; the client "
                            "rated %(client_latest)s."),
    "gap_change": _("The gap (worker minus client) moved from %(earlier)s to %(recent)s."),
    "client_lowest_dimension": _("The client's lowest dimension now: %(dimension)s "
                                 "(%(score)s)."),
}

ALERTS = {
    "client_low": _("The client's latest rating (%(latest)s) is below %(below)s."),
    "client_drop": _("The client's rating fell from %(previous)s to %(latest)s, more than the "
                     "reliable-change amount of %(reliable_change)s points."),
    "gap_widening": _("The keyworker rates the relationship higher than the client, and the gap "
                      "grew from %(gap_earlier)s to %(gap_recent)s."),
    "worker_low_early": _("The keyworker's own early rating is %(latest)s, below "
                          "%(below)s."),
    "client_ceiling": _("The client's last %(checkins)s check-ins were all at the maximum."),
    "no_checkin": _("No check-in for %(days)s days or more (client: %(client_days)s days, "
                    "keyworker: %(worker_days)s days)."),
    "no_contact": _("No contact for %(days_since)s days (limit %(days)s)."),
    "client_initiated_only": _("The client started %(share)s of the last %(contacts)s "
                               "contacts."),
}

ALERT_TITLES = {
    "client_low": _("Client's rating is low"),
    "client_drop": _("Client's rating dropped"),
    "gap_widening": _("Worker sees it better than the client, and the gap is growing"),
    "worker_low_early": _("Keyworker's early rating is low"),
    "client_ceiling": _("Client's ratings stuck at the top"),
    "no_checkin": _("No check-in for a while"),
    "no_contact": _("No contact for a while"),
    "client_initiated_only": _("Almost all contact started by the client"),
}

EVIDENCE = {
    "client_view_matters_most": _("The client's own view of the relationship is the rating "
                                  "most closely tied to staying in treatment and to outcome."),
    "reliable_change": _("The fall is larger than the form's reliable-change amount, so "
                         "measurement noise alone is an unlikely explanation."),
    "worker_sees_better_than_client": _(
        "Clients usually rate the relationship higher than workers do. A worker rating above "
        "the client's, and drifting further, means the worker may believe all is well while "
        "the client does not."),
    "early_worker_rating_predicts_dropout": _(
        "In residential drug treatment, the counsellor's early rating of the relationship "
        "predicted dropout better than the client's."),
    "ceiling_carries_little_information": _(
        "Ratings stuck at the top say little: the client may be polite, cautious, or unsure "
        "that honest feedback is safe."),
    "unseen_change": _("Without regular check-ins from both sides, changes in the relationship "
                       "go unseen."),
    "presence": _("Presence carries the relationship: a worker who is out of reach breaks it. "
                  "Coerced clients need more attention, not less."),
    "worker_absent_or_dependence": _("When the client starts almost every contact, the worker "
                                     "may be absent, or the client dependent."),
}

NEXT_STEPS = {
    "talk_about_the_relationship": _("Ask the client, privately, what would make the work "
                                     "together better."),
    "ask_what_changed": _("Ask what has changed since the last check-in, and listen before "
                          "explaining."),
    "compare_views_in_supervision": _("Bring both views to supervision, then check your "
                                      "picture with the client."),
    "early_supervision": _("Take the relationship to supervision now, while it is still being "
                           "formed."),
    "invite_honest_feedback": _("Invite honest feedback: say that criticism is welcome and "
                                "helps."),
    "offer_checkin": _("Offer a check-in at the next contact, and do your own."),
    "make_contact": _("Make contact, even briefly: a greeting that says you have not "
                      "forgotten."),
    "agree_contact_plan": _("Take the initiative, and agree a structured contact plan with the "
                            "client."),
}

DIMENSION_NAMES = {
    "match": _("match"),
    "presence": _("presence"),
    "personal_professional": _("personal but professional"),
    "cooperation": _("trustful cooperation"),
    "flexible_support": _("flexible support"),
}

# Alerts that reveal the client's own ratings: a keyworker who may see nothing of the
# client's check-ins does not see them (a supervisor always does).
FROM_CLIENT_RATINGS = {"client_low", "client_drop", "client_ceiling", "gap_widening"}


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if 0 < abs(value) < 1:
            return f"{value:.0%}"
        return f"{value:g}"
    if value is None:
        return "–"
    return str(value)


def _render(template: Any, params: Mapping[str, Any]) -> str:
    values = {k: _fmt(v) for k, v in params.items()}
    if "dimension" in values:
        values["dimension"] = str(DIMENSION_NAMES.get(str(params["dimension"]),
                                                      values["dimension"]))
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)


def fact_text(code: str, params: Mapping[str, Any]) -> str:
    template = FACTS.get(code)
    return _render(template, params) if template else code


def alert_text(code: str, params: Mapping[str, Any]) -> str:
    template = ALERTS.get(code)
    return _render(template, params) if template else code


def alert_title(code: str) -> str:
    return str(ALERT_TITLES.get(code, code.replace("_", " ")))


def evidence_text(code: str) -> str:
    return str(EVIDENCE.get(code, ""))


def next_step_text(code: str) -> str:
    return str(NEXT_STEPS.get(code, ""))


def register_alert_words(*, titles: Mapping[str, Any], reasons: Mapping[str, Any],
                         evidence: Mapping[str, Any] | None = None,
                         next_steps: Mapping[str, Any] | None = None,
                         from_client_ratings: bool = False) -> None:
    """Words for alert codes raised outside the signal engine (boundaries, safeguarding and
    others): an app registers its codes once, from its ``AppConfig.ready``, and its alerts
    then read like every other alert in the queue."""
    for code in titles:
        if code in ALERT_TITLES and ALERT_TITLES[code] is not titles[code]:
            raise ValueError(f"alert code {code!r} is registered twice")
    ALERT_TITLES.update(titles)
    ALERTS.update(reasons)
    EVIDENCE.update(evidence or {})
    NEXT_STEPS.update(next_steps or {})
    if from_client_ratings:
        FROM_CLIENT_RATINGS.update(titles)

"""Words for the engine's codes. The engine speaks in codes and numbers; people read these.

Each fact and alert code declares its wording, the kind of each of its numbers (how it is
written: a count, days, points on the 0–100 scale or a share) and whether its numbers come
from the client's ratings or words. Those come with a second wording without the client's
numbers, for a keyworker who sees only the pattern and the trend; a fact without one is left
out for them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


class Kind(enum.StrEnum):
    """How a number in a fact or an alert is written."""

    COUNT = "count"  # a whole number of things: check-ins, contacts, events
    DAYS = "days"  # a whole number of days
    POINTS = "points"  # a rating, a mean, a spread or a difference on the 0–100 scale
    SHARE = "share"  # a fraction from 0 to 1, written as a percentage
    DIMENSION = "dimension"  # one of the five dimensions, by its name
    TEXT = "text"  # words, shown as they are


COUNT, DAYS, POINTS, SHARE, DIMENSION = (Kind.COUNT, Kind.DAYS, Kind.POINTS, Kind.SHARE,
                                         Kind.DIMENSION)


@dataclass(frozen=True)
class Words:
    """The wording of one code. ``from_client``: its numbers come from the client's
    ratings or words; ``plain`` then says the same without them (None: nothing can be
    said without them, and the text is left out where the numbers may not be shown)."""

    text: Any
    kinds: Mapping[str, Kind] = field(default_factory=dict)
    from_client: bool = False
    plain: Any = None


def _client(text: Any, kinds: Mapping[str, Kind], plain: Any) -> Words:
    return Words(text, kinds, from_client=True, plain=plain)


STEADY = _("Both sides' ratings are steady.")

FACTS: dict[str, Words] = {
    "too_few_client_checkins": Words(
        _("The client has given %(count)s check-ins; %(needed)s are needed before a "
          "pattern can be named."), {"count": COUNT, "needed": COUNT}),
    "too_few_worker_checkins": Words(
        _("The keyworker has given %(count)s check-ins; %(needed)s are needed before a "
          "pattern can be named."), {"count": COUNT, "needed": COUNT}),
    "client_low": _client(
        _("The client's recent ratings average %(mean)s, below %(below)s."),
        {"mean": POINTS, "below": POINTS}, _("The client's recent ratings are low.")),
    "worker_low": Words(
        _("The keyworker's recent ratings average %(mean)s, below %(below)s."),
        {"mean": POINTS, "below": POINTS}),
    "gap_large": _client(
        _("The two views are %(gap)s points apart (worker minus client); %(at_least)s "
          "or more counts as a large gap."),
        {"gap": POINTS, "at_least": POINTS}, _("The two views are far apart.")),
    "client_unstable": _client(
        _("The client's ratings swing: spread %(sd)s, range %(range)s."),
        {"sd": POINTS, "range": POINTS}, _("The client's ratings swing.")),
    "worker_unstable": Words(
        _("The keyworker's ratings swing: spread %(sd)s, range %(range)s."),
        {"sd": POINTS, "range": POINTS}),
    "dna_high": Words(
        _("%(rate)s of the last %(contacts)s contacts were missed."),
        {"rate": SHARE, "contacts": COUNT}),
    "client_chasing": Words(
        _("The client started %(share)s of the last %(contacts)s contacts: the "
          "worker may be hard to reach."), {"share": SHARE, "contacts": COUNT}),
    "both_warm": _client(
        _("Both sides rate the relationship warmly (client %(client_mean)s, keyworker "
          "%(worker_mean)s)."),
        {"client_mean": POINTS, "worker_mean": POINTS},
        _("Both sides rate the relationship warmly.")),
    "gap_small": _client(
        _("The two views are close (%(gap)s points apart)."), {"gap": POINTS},
        _("The two views are close.")),
    "stable": _client(STEADY, {"client_sd": POINTS, "worker_sd": POINTS}, STEADY),
    "reciprocal_contact": Words(
        _("Contact goes both ways: the client started %(client_share)s of "
          "recent contacts, and %(everyday_share)s were everyday contact."),
        {"client_share": SHARE, "everyday_share": SHARE}),
    "client_not_warm": _client(
        _("The client's ratings are middling (%(mean)s)."), {"mean": POINTS},
        _("The client's ratings are middling.")),
    "worker_not_warm": Words(
        _("The keyworker's ratings are middling (%(mean)s)."), {"mean": POINTS}),
    "gap_moderate": _client(
        _("The two views differ by %(gap)s points."), {"gap": POINTS},
        _("The two views differ somewhat.")),
    "formal_contact": Words(
        _("Contact is mostly formal: the client started %(client_share)s and "
          "%(everyday_share)s was everyday contact."),
        {"client_share": SHARE, "everyday_share": SHARE}),
    "contact_too_thin": Words(
        _("Only %(contacts)s recent contacts: the ratings decide on their own."),
        {"contacts": COUNT}),
    "coerced": Words(
        _("The client is in care under formal power: the relationship needs more "
          "attention, not less.")),
    # The next three name the client's own figures and have no wording without them.
    "estimate_vs_client": _client(
        _("The keyworker expected the client to rate %(estimate)s; the client "
          "rated %(client_latest)s."),
        {"estimate": POINTS, "client_latest": POINTS, "difference": POINTS}, None),
    "gap_change": _client(
        _("The gap (worker minus client) moved from %(earlier)s to %(recent)s."),
        {"earlier": POINTS, "recent": POINTS, "change": POINTS}, None),
    "client_lowest_dimension": _client(
        _("The client's lowest dimension now: %(dimension)s (%(score)s)."),
        {"dimension": DIMENSION, "score": POINTS}, None),
}

ALERTS: dict[str, Words] = {
    "client_low": _client(
        _("The client's latest rating (%(latest)s) is below %(below)s."),
        {"latest": POINTS, "below": POINTS}, _("The client's latest rating is low.")),
    "client_drop": _client(
        _("The client's rating fell from %(previous)s to %(latest)s, more than the "
          "reliable-change amount of %(reliable_change)s points."),
        {"previous": POINTS, "latest": POINTS, "drop": POINTS, "reliable_change": POINTS},
        _("The client's rating fell by more than the reliable-change amount.")),
    "gap_widening": _client(
        _("The keyworker rates the relationship higher than the client, and the gap "
          "grew from %(gap_earlier)s to %(gap_recent)s."),
        {"gap_earlier": POINTS, "gap_recent": POINTS, "change": POINTS,
         "change_more_than": POINTS, "worker_above_more_than": POINTS},
        _("The keyworker rates the relationship higher than the client, and the gap is "
          "growing.")),
    "worker_low_early": Words(
        _("The keyworker's own early rating is %(latest)s, below %(below)s."),
        {"latest": POINTS, "below": POINTS, "early_days": DAYS, "early_checkins": COUNT}),
    "client_ceiling": _client(
        _("The client's last %(checkins)s check-ins were all at the maximum."),
        {"checkins": COUNT},
        _("The client's recent check-ins were all at the top of the scale.")),
    "no_checkin": Words(
        _("No check-in for %(days)s days or more (client: %(client_days)s days, "
          "keyworker: %(worker_days)s days)."),
        {"days": DAYS, "client_days": DAYS, "worker_days": DAYS}),
    "no_contact": Words(
        _("No contact that took place for %(days_since)s days (limit %(days)s); missed "
          "appointments do not count."),
        {"days_since": DAYS, "days": DAYS}),
    "client_initiated_only": Words(
        _("The client started %(share)s of the last %(contacts)s contacts."),
        {"share": SHARE, "at_least": SHARE, "contacts": COUNT}),
}

# The reason of an alert from the client's ratings that another app registered without a
# wording free of the client's numbers.
WITHOUT_FIGURES = _("The reason draws on the client's answers, which are not shared with "
                    "you in full.")

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

# The rules behind the thresholds, worded once: every page that says when something is
# flagged or due says it in these words, with the value that applies to the client in
# question (``signals.selectors.rules_for``).
RULES: dict[str, Words] = {
    "no_contact": Words(
        _("Flagged when no contact has taken place for %(days)s days; missed appointments "
          "do not count."), {"days": DAYS}),
    "no_contact_coerced": Words(
        _("Flagged when no contact has taken place for %(days)s days, the shorter limit for "
          "a client in care under formal power (%(usual)s days for other clients); missed "
          "appointments do not count."), {"days": DAYS, "usual": DAYS}),
    "no_checkin": Words(
        _("A check-in is due when the client or the keyworker has given none for %(days)s "
          "days (counted from the start if never)."), {"days": DAYS}),
    "pattern_needs": Words(
        _("A pattern is named once the client and the keyworker have each given %(needed)s "
          "scored check-ins."), {"needed": COUNT}),
    "trend_needs": Words(
        _("How the client's view is changing can be told once the client has given "
          "%(needed)s scored check-ins."), {"needed": COUNT}),
    # Said beside "not enough check-ins yet" when alerts about the ratings are open too.
    "alerts_before_pattern": Words(
        _("The alerts about the ratings do not wait for that: each rests on the latest "
          "check-ins alone, so both statements hold.")),
}

# Alerts drawn from the check-ins' ratings (either side): they can be raised before there
# are enough check-ins to name a pattern or tell a trend.
RATING_ALERTS = frozenset({"client_low", "client_drop", "gap_widening", "worker_low_early",
                           "client_ceiling"})


DIMENSION_NAMES = {
    "match": _("match"),
    "presence": _("presence"),
    "personal_professional": _("personal but professional"),
    "cooperation": _("trustful cooperation"),
    "flexible_support": _("flexible support"),
}

# Alert codes whose numbers come from the client's ratings: a keyworker who sees nothing of
# the client's check-ins does not see these alerts, and one who sees only the pattern reads
# them without the numbers (a supervisor of the unit always sees them in full).
FROM_CLIENT_RATINGS = {code for code, words in ALERTS.items() if words.from_client}


def format_param(value: Any, kind: Kind | None) -> str:
    """One number of a fact or an alert, written as its kind says, in the active language
    (a decimal comma in Swedish). A param without a declared kind is written as it is."""
    if value is None:
        return "–"
    if isinstance(value, bool) or kind in (None, Kind.TEXT):
        return str(value)
    if kind == Kind.DIMENSION:
        return str(DIMENSION_NAMES.get(str(value), value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:  # not a number
        return "–"
    if kind == Kind.SHARE:
        return f"{number_format(round(number * 100), 0)}%"
    if kind in (Kind.COUNT, Kind.DAYS):
        return number_format(round(number), 0)
    points = round(number, 1) + 0.0  # + 0.0: never "-0"
    return number_format(points, 0 if points.is_integer() else 1)


def _undeclared(value: Any) -> Kind | None:
    """The kind of a param a registering app left undeclared: whole numbers are counts,
    other numbers points on the 0–100 scale, anything else words."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Kind.COUNT
    if isinstance(value, float):
        return Kind.POINTS
    return None


def _render(words: Words, params: Mapping[str, Any], *, figures: bool) -> str | None:
    template = words.text
    if words.from_client and not figures:
        if words.plain is None:
            return None
        template = words.plain
    values = {k: format_param(v, words.kinds.get(k) or _undeclared(v))
              for k, v in params.items()}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)


def fact_text(code: str, params: Mapping[str, Any], *, figures: bool = True) -> str | None:
    """A fact in words. ``figures``: whether the reader may see the client's numbers;
    without them a fact from the client's ratings is given in its plain wording, or left
    out (None) when it has none."""
    words = FACTS.get(code)
    return _render(words, params, figures=figures) if words else code


def alert_text(code: str, params: Mapping[str, Any], *, figures: bool = True) -> str:
    """An alert's reason in words; without the client's numbers when ``figures`` is
    false and the alert comes from the client's ratings."""
    words = ALERTS.get(code)
    if words is None:
        return code
    text = _render(words, params, figures=figures)
    return str(WITHOUT_FIGURES) if text is None else text


def rule_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """A rule of ``RULES`` in words, with the values given (those that apply to the client
    the page is about)."""
    words = RULES[code]
    return str(_render(words, params or {}, figures=True))


def alert_title(code: str) -> str:
    return str(ALERT_TITLES.get(code, code.replace("_", " ")))


def evidence_text(code: str) -> str:
    return str(EVIDENCE.get(code, ""))


def next_step_text(code: str) -> str:
    return str(NEXT_STEPS.get(code, ""))


def register_alert_words(*, titles: Mapping[str, Any], reasons: Mapping[str, Any],
                         evidence: Mapping[str, Any] | None = None,
                         next_steps: Mapping[str, Any] | None = None,
                         kinds: Mapping[str, Mapping[str, Kind]] | None = None,
                         from_client_ratings: bool = False,
                         plain_reasons: Mapping[str, Any] | None = None) -> None:
    """Words for alert codes raised outside the signal engine (boundaries, safeguarding and
    others): an app registers its codes once, from its ``AppConfig.ready``, and its alerts
    then read like every other alert in the queue. ``kinds`` declares, per code, how each
    number is written; ``from_client_ratings`` marks alerts whose numbers come from the
    client's ratings, and ``plain_reasons`` words them without those numbers."""
    for code in titles:
        if code in ALERT_TITLES and ALERT_TITLES[code] is not titles[code]:
            raise ValueError(f"alert code {code!r} is registered twice")
    ALERT_TITLES.update(titles)
    for code, reason in reasons.items():
        ALERTS[code] = Words(reason, (kinds or {}).get(code, {}),
                             from_client=from_client_ratings,
                             plain=(plain_reasons or {}).get(code))
    EVIDENCE.update(evidence or {})
    NEXT_STEPS.update(next_steps or {})
    if from_client_ratings:
        FROM_CLIENT_RATINGS.update(titles)

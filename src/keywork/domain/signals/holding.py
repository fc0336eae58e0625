"""Which new alerts are opened, and which are withheld from the keyworker: pure rules over
columns, one value per candidate alert.

A resolved alert is not raised again on the same facts: its code is held on the
relationship until something is recorded after the resolution (a check-in for the alerts
about ratings, a contact for those about contact). An alert about a lack (no check-in, no
contact) also comes back once the lack has lasted the rule's own number of days since it
was resolved: there, nothing new is the very signal. An alert still unresolved is held.
"""

from __future__ import annotations

import numpy as np

# The alerts whose evidence is the contact record (the rest are about check-ins), and the
# alerts about a lack, which come back after their own number of days.
CONTACT_ALERTS = frozenset({"no_contact", "client_initiated_only"})
LACK_ALERTS = frozenset({"no_contact", "no_checkin"})


def held(*, still_open: np.ndarray, resolved_day: np.ndarray, newer_evidence: np.ndarray,
         lack_days: np.ndarray | None, as_of: int) -> np.ndarray:
    """Per candidate alert of one code: True where it is held (not opened again).

    ``still_open``: an alert of this code is unresolved on the relationship.
    ``resolved_day``: the day number of its latest resolution, NaN if never resolved.
    ``newer_evidence``: something was recorded after that resolution.
    ``lack_days``: for an alert about a lack, the rule's days per row; None otherwise.
    """
    never = np.isnan(resolved_day)
    free = never | newer_evidence
    if lack_days is not None:
        with np.errstate(invalid="ignore"):
            lapsed = (as_of - resolved_day) >= lack_days
        free = free | (~never & lapsed)
    return still_open | ~free


def withheld(*, from_client_ratings: np.ndarray, kept_private_recently: np.ndarray
             ) -> np.ndarray:
    """Per new alert: True where it is withheld from the keyworker and deputy. An alert drawn
    from the client's ratings is withheld when one of the client check-ins its rules look at
    was given without sharing anything with the keyworker: the alert would tell them
    something of that check-in."""
    return from_client_ratings & kept_private_recently

"""The engine's output: one entry per relationship in each column (`SignalResult`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from keywork.domain.errors import DomainError


@dataclass(frozen=True)
class SignalResult:
    """Columnar output, one entry per relationship (row i ↔ relationship i of the batch).

    Scores are points 0–100 (NaN: not available); "recent" means the side's last
    `recent_checkins` scored check-ins; "earlier" the same number just before those.
    """

    as_of_day: int
    rel_id: np.ndarray  # int64
    pattern: np.ndarray  # int8: PATTERN_CODES
    reasons: np.ndarray  # uint32: Reason bits that decided the pattern
    alerts: np.ndarray  # uint32: Alert bits
    coerced: np.ndarray  # bool
    client_checkins: np.ndarray  # int32, scored
    worker_checkins: np.ndarray  # int32, scored
    client_latest: np.ndarray  # float32
    client_previous: np.ndarray  # float32
    client_reliable_change: np.ndarray  # float32: the drop from previous to latest that counts
    worker_latest: np.ndarray  # float32
    worker_latest_early: np.ndarray  # bool: the worker's latest check-in counts as early
    worker_estimate: np.ndarray  # float32: the worker's latest estimate of the client's view
    client_latest_dims: np.ndarray  # float32 [n, 5]
    client_mean: np.ndarray  # float32, recent
    client_sd: np.ndarray  # float32, recent (NaN with fewer than 2)
    client_range: np.ndarray  # float32, recent max − min
    worker_mean: np.ndarray
    worker_sd: np.ndarray
    worker_range: np.ndarray
    gap_recent: np.ndarray  # float32: worker mean − client mean, recent
    gap_earlier: np.ndarray  # float32: the same over the earlier check-ins
    gap_change: np.ndarray  # float32: gap_recent − gap_earlier
    client_ceiling_count: np.ndarray  # int8: of the last `ceiling_checkins` client ones, at max
    days_since_client_checkin: np.ndarray  # int32, from the start if none
    days_since_worker_checkin: np.ndarray  # int32, from the start if none
    # The contact record counts every recorded contact, missed appointments included (the
    # DNA rate needs them, and a booked appointment was still someone's initiative);
    # presence counts attended contacts only.
    contacts_total: np.ndarray  # int32, recorded up to as_of_day
    attended_contact: np.ndarray  # bool: at least one attended contact up to as_of_day
    days_since_contact: np.ndarray  # int32, since the latest attended one (start if none)
    contacts_in_window: np.ndarray  # int32, recorded in the last `contact_window_days`
    recent_contacts: np.ndarray  # int32, min(total, recent_contacts)
    client_initiated_share: np.ndarray  # float32: client / (client + worker) started, recent
    dna_rate: np.ndarray  # float32: share of recent contacts not attended
    everyday_share: np.ndarray  # float32: share of recent contacts of everyday kinds

    @property
    def n(self) -> int:
        return int(self.rel_id.shape[0])

    def index_of(self, rel_id: int) -> int:
        hits = np.flatnonzero(self.rel_id == rel_id)
        if not hits.size:
            raise DomainError(f"relationship {rel_id} is not in this result")
        return int(hits[0])

    def take(self, indexes: Sequence[int] | np.ndarray | slice) -> SignalResult:
        """The result of the given relationships (by position), in that order."""
        return SignalResult(**{
            f.name: getattr(self, f.name)[indexes]
            if isinstance(getattr(self, f.name), np.ndarray) else getattr(self, f.name)
            for f in fields(self)})

    def columns(self) -> dict[str, np.ndarray]:
        """The one-dimensional columns by name (for a bulk write or a data frame)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), np.ndarray)
                and getattr(self, f.name).ndim == 1}

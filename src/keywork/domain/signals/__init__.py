"""Relationship signals: the pattern of each relationship, why, and the alerts.

One vectorised function, `evaluate(batch, config)`, serves a single relationship when a
check-in arrives and every relationship of a national instance in a bulk job: the input is
columnar (`SignalBatch`, numpy arrays), the output is columnar (`SignalResult`), and there
is no Python loop over relationships or rows. `explain` and `alerts_for` then turn the
columns of one relationship into facts with numbers (codes and parameters; the interface
translates them).

The pattern (thresholds in `SignalConfig`):

1. Not enough data (-1): fewer than `min_checkins_per_side` scored check-ins from the
   client or from the keyworker.
2. Ambivalent and conflicted (2), if any sign of tension, disagreement or swings: a side's
   mean over its last `recent_checkins` is low; the two sides' means are far apart (either
   way round); a side is unstable (high SD or a wide range over its recent check-ins); or
   the contact record shows conflict (many missed appointments) or a worker who is absent
   while the client chases (almost all recent contact started by the client).
3. Friendly and trustful (0), if both sides are warm, close together, stable, and the
   contact record is reciprocal (the client starts contact too, and there is everyday
   contact beyond planned sessions). When there are too few recent contacts to judge, the
   ratings decide on their own, and the explanation says so.
4. Otherwise polite and neutral (1): correct but distant; the explanation names what kept
   it from friendly (middling ratings, a moderate gap, formal worker-led contact).

Reason bits record the facts that decided the pattern, alert bits the alerts that fire.
Two alert inputs in particular: a client's drop is judged against the reliable change of
the forms the two check-ins were given in (`ci_reliable_change`, the larger of the two), and
presence (`days_since_contact`, the `no_contact` alert) counts attended contacts only, while
the contact record (DNA rate, who starts contact, everyday share) counts every contact.

The modules follow those parts: `codes` (the codes and bits), `config` (the thresholds),
`batch` (the input), `result` (the output), `engine` (`evaluate`), `explain` (facts and
alerts with their numbers).
"""

from __future__ import annotations

from keywork.domain.signals.batch import (
    CheckinRow,
    ContactRow,
    RelationshipRow,
    SignalBatch,
    batch_from_rows,
    select_relationships,
)
from keywork.domain.signals.codes import (
    ALERT_CODES,
    ALERT_RULES,
    AMBIVALENT_CONFLICTED,
    CLIENT,
    FRIENDLY_TRUSTFUL,
    INITIATOR_CLIENT,
    INITIATOR_CODES,
    INITIATOR_OTHER,
    INITIATOR_WORKER,
    KEYWORKER,
    KIND_ADVOCACY,
    KIND_CODES,
    KIND_EVERYDAY,
    KIND_GROUP,
    KIND_MESSAGE,
    KIND_PHONE,
    KIND_SESSION,
    NOT_ENOUGH_DATA,
    PATTERN_CODES,
    POLITE_NEUTRAL,
    RATER_CODES,
    REASON_CODES,
    Alert,
    AlertRule,
    Reason,
    day_number,
)
from keywork.domain.signals.config import (
    DEFAULT_CLIENT_RELIABLE_CHANGE,
    ORDERED_SETTINGS,
    RETIRED_SETTINGS,
    SettingLimits,
    SignalConfig,
    setting_limits,
)
from keywork.domain.signals.engine import (
    evaluate,
)
from keywork.domain.signals.explain import (
    AlertFinding,
    Fact,
    FactColumn,
    Param,
    alert_columns,
    alerts_for,
    explain,
    fact_columns,
    pattern_code,
)
from keywork.domain.signals.result import (
    SignalResult,
)

__all__ = [
    "ALERT_CODES",
    "ALERT_RULES",
    "AMBIVALENT_CONFLICTED",
    "CLIENT",
    "DEFAULT_CLIENT_RELIABLE_CHANGE",
    "FRIENDLY_TRUSTFUL",
    "INITIATOR_CLIENT",
    "INITIATOR_CODES",
    "INITIATOR_OTHER",
    "INITIATOR_WORKER",
    "KEYWORKER",
    "KIND_ADVOCACY",
    "KIND_CODES",
    "KIND_EVERYDAY",
    "KIND_GROUP",
    "KIND_MESSAGE",
    "KIND_PHONE",
    "KIND_SESSION",
    "NOT_ENOUGH_DATA",
    "ORDERED_SETTINGS",
    "PATTERN_CODES",
    "POLITE_NEUTRAL",
    "RATER_CODES",
    "REASON_CODES",
    "RETIRED_SETTINGS",
    "Alert",
    "AlertFinding",
    "AlertRule",
    "CheckinRow",
    "ContactRow",
    "Fact",
    "FactColumn",
    "Param",
    "Reason",
    "RelationshipRow",
    "SettingLimits",
    "SignalBatch",
    "SignalConfig",
    "SignalResult",
    "alert_columns",
    "alerts_for",
    "batch_from_rows",
    "day_number",
    "evaluate",
    "explain",
    "fact_columns",
    "pattern_code",
    "select_relationships",
    "setting_limits",
]

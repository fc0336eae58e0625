"""Each organisation's own signal thresholds: stored, read, checked, cached and saved here.

The engine's defaults live in ``keywork.domain.signals.SignalConfig``; an organisation stores
only what differs (``SignalSettings.overrides``). ``config_for`` turns them into the
thresholds the engine runs with, once per combination of organisation and stored values
(cached in this process; ``clear()`` empties the cache). A stored value that has become
invalid never stops an evaluation: it keeps its default and is logged once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from keywork.checkins.selectors import preloaded
from keywork.checkins.services import policy_check, policy_update
from keywork.core.errors import ApplicationError
from keywork.domain import signals as engine
from keywork.organisations.models import Membership, Organisation, Role
from keywork.signals.models import SignalSettings

logger = logging.getLogger(__name__)

# What a check-in link loads together with its organisation (see ``checkins.hooks``).
LINK_LOADS = "relationship__organisation__signal_settings"

# The thresholds built from each combination of organisation and stored overrides, with the
# problems found in them (key → message).
_CONFIGS: dict[tuple[int, str], tuple[engine.SignalConfig, dict[str, str]]] = {}
# (organisation, key, message) already logged: each problem is logged once per process.
_REPORTED: set[tuple[int, str, str]] = set()


def clear() -> None:
    """Forget every cached configuration and every problem already logged."""
    _CONFIGS.clear()
    _REPORTED.clear()


def stored_overrides(organisation_id: int) -> Any:
    """What the organisation has stored (``{}`` when it has stored nothing)."""
    found = (SignalSettings.objects.filter(organisation_id=organisation_id)
             .values_list("overrides", flat=True).first())
    return {} if found is None else found


def loaded_overrides(organisation: Organisation) -> tuple[bool, Any]:
    """The overrides when they came with the organisation (a check-in link loads them
    together): (True, overrides); otherwise (False, None) and the caller reads them."""
    loaded, row = preloaded(organisation, "signal_settings")
    if not loaded:
        return False, None
    return True, row.overrides if row is not None else {}


def _settings(organisation_id: int, overrides: Any = None
              ) -> tuple[engine.SignalConfig, dict[str, str]]:
    if overrides is None:
        overrides = stored_overrides(organisation_id)
    key = (organisation_id, json.dumps(overrides, sort_keys=True, default=repr))
    found = _CONFIGS.get(key)
    if found is None:
        found = engine.SignalConfig.from_stored(overrides)
        if len(_CONFIGS) > 256:
            _CONFIGS.clear()
        _CONFIGS[key] = found
    for name, message in found[1].items():
        if (organisation_id, name, message) not in _REPORTED:
            _REPORTED.add((organisation_id, name, message))
            logger.warning("Organisation %s: the stored signal setting %r is not valid, its "
                           "default is used: %s", organisation_id,
                           name or "signal_overrides", message)
    return found


def config_and_problems(organisation_id: int, overrides: Any = None
                        ) -> tuple[engine.SignalConfig, dict[str, str]]:
    """``config_for`` and ``settings_problems`` at once (the problems are not copied)."""
    return _settings(organisation_id, overrides)


def config_for(organisation_id: int, *, overrides: Any = None) -> engine.SignalConfig:
    """The organisation's thresholds: the defaults and its stored overrides. A caller that
    holds the stored overrides already passes them; otherwise they are read. Never raises
    for stored overrides that became invalid: each invalid key keeps its default, and the
    problem is logged once (``settings_problems`` lists them)."""
    return _settings(organisation_id, overrides)[0]


def settings_problems(organisation_id: int, *, overrides: Any = None) -> dict[str, str]:
    """The organisation's stored signal settings that are not valid (key → why); "" stands
    for the overrides as a whole."""
    return dict(_settings(organisation_id, overrides)[1])


@transaction.atomic
def settings_save(*, actor: Membership, keyworker_visibility: str, link_hours: int,
                  signal_overrides: dict[str, Any]) -> SignalSettings:
    """The administrator's page of check-in policy and signal settings, saved together: the
    organisation's own signal settings (those that differ from the defaults; checked by the
    engine before they are stored, an empty mapping puts every setting back to its default)
    and the check-in policy. One audit row names everything that changed."""
    if actor.role != Role.ADMINISTRATOR or not actor.is_active:
        raise ApplicationError(_("Only an administrator can change accounts and settings."))
    policy_check(keyworker_visibility=keyworker_visibility, link_hours=link_hours)
    _config, problems = engine.SignalConfig.from_stored(signal_overrides)
    if problems:
        name = next(iter(problems))
        raise ApplicationError(
            _("Keywork cannot use this value. Check it against the limits in the help text."),
            field=name or None)
    row, _created = SignalSettings.objects.get_or_create(organisation=actor.organisation)
    before = row.overrides if isinstance(row.overrides, dict) else {}
    detail = ""
    if before != signal_overrides:
        keys = sorted(k for k in {*before, *signal_overrides}
                      if before.get(k) != signal_overrides.get(k))
        detail = "signal_overrides" + (f" ({', '.join(keys)})" if signal_overrides
                                       else " (reset to the defaults)")
    policy_update(actor=actor, keyworker_visibility=keyworker_visibility,
                  link_hours=link_hours, also_changed=[detail] if detail else [])
    if detail:
        row.overrides = signal_overrides
        row.save()
    return row

"""Matters for a person's attention, gathered from the apps that raise them.

Each app registers a source once, from its ``AppConfig.ready``::

    matters.SOURCES.register("boundaries", boundary_items)

A source is a function ``source(scope: Scope) -> list[Matter]``. The scope says whose
matters are wanted:

- ``worker_ids``: the keyworkers whose relationships the matters are about. The supervision
  agenda asks for one keyworker; a person's inbox asks for themselves, or for a supervisor
  for themselves and every keyworker they supervise, in one call, so a source reads the
  same number of rows whatever their number.
- ``unit_ids``: units whose matters belong to no keyworker (a client without one, a
  request for another keyworker). Empty for the agenda.
- ``viewer``: the membership of the person the matters are gathered for (or None): a source
  leaves out what that person may not see.
- ``worker_copy``: True when the matters are stored for the worker to read too (the agenda):
  a source then marks ``supervisor_only`` what the worker must not read. An inbox is read by
  its owner alone and leaves it False, which spares the sources that work.
- ``since``: where "changed since" begins (the previous supervision session).

Whatever a source returns, the gatherer keeps only matters about clients the viewer may open
(the scope rule of the clients app).

**One matter per cause.** ``ref`` names the row behind a matter (``alert:12``,
``concern:4``); two sources that return the same ``ref`` give one matter. An alert raised
by an app that brings the same cause as its own matter (an overdue enquiry, an emergency
read) is claimed by that app with ``claim_alert_codes``, and the alert source leaves it out.
``cause`` groups matters that one event gave (one check-in that gave a low rating, a drop
and a changed pattern): the inbox folds them into one item that lists their facts.

**Severity.** Each matter carries a severity (``URGENT`` first); each kind of matter is
described once in ``KINDS`` (its words and default severity), and an organisation may set
another severity for the kinds that allow it (``Kind.settable``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from keywork.core.hooks import Hook

logger = logging.getLogger(__name__)

# Severities, most pressing first.
URGENT, HIGH, MEDIUM, LOW = 0, 1, 2, 3
SEVERITIES = (URGENT, HIGH, MEDIUM, LOW)


@dataclass(frozen=True)
class Matter:
    source: str          # the registering app ("signals", "boundaries", ...)
    kind: str            # a code within the source ("alert", "event_to_review", ...)
    title: str           # one line, already translated
    detail: str = ""     # a sentence or two, already translated
    url: str = ""        # where the matter can be opened
    relationship_id: int | None = None
    client_id: int | None = None
    due: dt.date | None = None
    ref: str = ""        # a stable reference to the row behind the matter ("alert:12")
    priority: int = 50   # lower comes first
    supervisor_only: bool = False  # not shown in the worker's own copy
    severity: int = MEDIUM
    severity_key: str = ""   # the key in KINDS that sets the severity (default: kind)
    cause: str = ""      # matters with one cause fold into one inbox item
    since: dt.datetime | None = None  # when the matter arose (its age in the inbox)
    action: str = ""     # what to do, one short sentence, already translated

    @property
    def key(self) -> str:
        return self.severity_key or self.kind


@dataclass(frozen=True)
class Kind:
    label: Any               # what the kind is, in words (lazy translation)
    severity: int            # the default
    settable: bool = True    # whether an organisation may set another


@dataclass(frozen=True)
class Scope:
    organisation_id: int
    worker_ids: tuple[int, ...]
    since: dt.datetime
    viewer: Any = None
    unit_ids: tuple[int, ...] = ()
    worker_copy: bool = True


Source = Callable[[Scope], list[Matter]]

SOURCES: Hook[Source] = Hook("matters.sources")
KINDS: Hook[Kind] = Hook("matters.kinds")
_CLAIMED: dict[str, str] = {}


def claim_alert_codes(app: str, codes: Any) -> None:
    """Alerts of these codes are brought by ``app``'s own source as its own matter; the
    alert source leaves them out so one cause is one matter."""
    for code in codes:
        _CLAIMED[code] = app


def claimed_alert_codes() -> frozenset[str]:
    return frozenset(_CLAIMED)


def kinds() -> dict[str, Kind]:
    return dict(KINDS.items())


def ordered(items: list[Matter]) -> list[Matter]:
    """Most pressing first; a matter two sources both return (the same ``ref``) once."""
    by_priority = sorted(items, key=lambda i: (i.severity, i.priority, i.due or dt.date.max,
                                               i.source, i.ref))
    seen: set[str] = set()
    unique: list[Matter] = []
    for item in by_priority:
        if item.ref:
            if item.ref in seen:
                continue
            seen.add(item.ref)
        unique.append(item)
    return unique


def gather(scope: Scope) -> tuple[list[Matter], list[str]]:
    """Every registered source's matters for ``scope``, one per ``ref``. A source that
    fails does not stop the others: its name is returned so the page can say what is
    missing (and the error is logged)."""
    items: list[Matter] = []
    failed: list[str] = []
    sources = dict(SOURCES.items())
    for name in sorted(sources):
        try:
            with transaction.atomic():
                items.extend(sources[name](scope))
        except Exception:
            logger.exception("matters source %s failed", name)
            failed.append(name)
    return ordered(items), failed


def _agenda_scope(organisation_id: int, worker_id: int, since: dt.datetime,
                  viewer: Any) -> Scope:
    return Scope(organisation_id=organisation_id, worker_ids=(worker_id,), since=since,
                 viewer=viewer)


def matters_for(*, organisation_id: int, worker_id: int, since: dt.datetime,
                viewer: Any = None) -> list[Matter]:
    """Every registered source's matters about one keyworker, most pressing first."""
    scope = _agenda_scope(organisation_id, worker_id, since, viewer)
    items: list[Matter] = []
    sources = dict(SOURCES.items())
    for name in sorted(sources):
        items.extend(sources[name](scope))
    return ordered(items)


def matters_gather(*, organisation_id: int, worker_id: int, since: dt.datetime,
                   viewer: Any = None) -> tuple[list[Matter], list[str]]:
    """Like ``matters_for``, but a source that fails does not stop the others."""
    return gather(_agenda_scope(organisation_id, worker_id, since, viewer))


@dataclass
class Folded:
    """Matters of one cause, shown as one item: the first (most pressing) gives the title,
    every one gives a fact."""
    matters: list[Matter] = field(default_factory=list)

    @property
    def lead(self) -> Matter:
        return self.matters[0]

    @property
    def severity(self) -> int:
        return min(m.severity for m in self.matters)

    @property
    def since(self) -> dt.datetime | None:
        known = [m.since for m in self.matters if m.since is not None]
        return min(known) if known else None

    @property
    def facts(self) -> list[Matter]:
        return self.matters[1:]


def fold(items: list[Matter]) -> list[Folded]:
    """Matters that share a ``cause`` (and a client) as one ``Folded`` each, in the order of
    their most pressing matter; a matter without a cause stands alone."""
    groups: dict[tuple[Any, str], Folded] = {}
    out: list[Folded] = []
    for item in items:
        if item.cause:
            key = (item.client_id, item.cause)
            if key in groups:
                groups[key].matters.append(item)
                continue
            groups[key] = Folded([item])
            out.append(groups[key])
        else:
            out.append(Folded([item]))
    return out

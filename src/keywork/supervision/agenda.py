"""The supervision agenda is gathered from the apps that raise matters for supervision.

Each app registers a source once, from its ``AppConfig.ready``::

    register_agenda_source("boundaries", boundary_items)

A source is a function ``source(*, organisation_id, worker_id, since, viewer)
-> list[AgendaItem]`` that returns the matters about one keyworker's relationships that
supervision should take up: open alerts, boundary events waiting for review, safeguarding
decisions, relationships whose pattern changed since ``since``, overdue enquiries, emergency
reads to review. The supervision app builds a session's agenda from every registered source.

``viewer`` is the supervisor's membership (or None): a source may use it to leave out what
that supervisor may not see. A source may mark an item ``supervisor_only`` when the worker must not
read it in their own copy of the session. Whatever a source returns, the supervision app
keeps only items about clients the supervisor may open (the scope rule of the clients app).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgendaItem:
    source: str          # the registering app ("signals", "boundaries", ...)
    kind: str            # a code within the source ("alert", "event_to_review", ...)
    title: str           # one line, already translated
    detail: str = ""     # a sentence or two, already translated
    url: str = ""        # where the supervisor can open the matter
    relationship_id: int | None = None
    client_id: int | None = None
    due: dt.date | None = None
    ref: str = ""        # a stable reference to the row behind the item ("alert:12")
    priority: int = 50   # lower comes first
    supervisor_only: bool = False  # not shown in the worker's own copy of the session


AgendaSource = Callable[..., list[AgendaItem]]

SOURCES: dict[str, AgendaSource] = {}


def register_agenda_source(name: str, source: AgendaSource) -> None:
    SOURCES[name] = source


def _call(source: AgendaSource, *, organisation_id: int, worker_id: int,
          since: dt.datetime, viewer: Any) -> list[AgendaItem]:
    return list(source(organisation_id=organisation_id, worker_id=worker_id, since=since,
                       viewer=viewer))


def _ordered(items: list[AgendaItem]) -> list[AgendaItem]:
    """Most pressing first; an item two sources both return (the same ``ref``) once."""
    ordered = sorted(items, key=lambda i: (i.priority, i.due or dt.date.max, i.source, i.ref))
    seen: set[str] = set()
    unique: list[AgendaItem] = []
    for item in ordered:
        if item.ref:
            if item.ref in seen:
                continue
            seen.add(item.ref)
        unique.append(item)
    return unique


def agenda_for(*, organisation_id: int, worker_id: int, since: dt.datetime,
               viewer: Any = None) -> list[AgendaItem]:
    """Every registered source's items for one keyworker, most pressing first."""
    items: list[AgendaItem] = []
    for name in sorted(SOURCES):
        items.extend(_call(SOURCES[name], organisation_id=organisation_id,
                           worker_id=worker_id, since=since, viewer=viewer))
    return _ordered(items)


def agenda_gather(*, organisation_id: int, worker_id: int, since: dt.datetime,
                  viewer: Any = None) -> tuple[list[AgendaItem], list[str]]:
    """Like ``agenda_for``, but a source that fails does not stop the others: its name is
    returned so the page can say what is missing (and the error is logged)."""
    items: list[AgendaItem] = []
    failed: list[str] = []
    for name in sorted(SOURCES):
        try:
            with transaction.atomic():
                items.extend(_call(SOURCES[name], organisation_id=organisation_id,
                                   worker_id=worker_id, since=since, viewer=viewer))
        except Exception:
            logger.exception("agenda source %s failed", name)
            failed.append(name)
    return _ordered(items), failed

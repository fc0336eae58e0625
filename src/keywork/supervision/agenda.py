"""The supervision agenda is gathered from the apps that raise matters for supervision.

Each app registers a source once, from its ``AppConfig.ready``::

    register_agenda_source("boundaries", boundary_items)

A source is a function ``source(*, organisation_id, worker_id, since) -> list[AgendaItem]``
that returns the matters about one keyworker's relationships that supervision should take
up: open alerts, boundary events waiting for review, safeguarding decisions, relationships
whose pattern changed since ``since``, overdue enquiries, emergency reads to review. The
supervision app builds a session's agenda from every registered source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


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


AgendaSource = Callable[..., list[AgendaItem]]

SOURCES: dict[str, AgendaSource] = {}


def register_agenda_source(name: str, source: AgendaSource) -> None:
    SOURCES[name] = source


def agenda_for(*, organisation_id: int, worker_id: int, since: dt.datetime
               ) -> list[AgendaItem]:
    """Every registered source's items for one keyworker, most pressing first."""
    items: list[AgendaItem] = []
    for name in sorted(SOURCES):
        items.extend(SOURCES[name](organisation_id=organisation_id, worker_id=worker_id,
                                   since=since))
    return sorted(items, key=lambda i: (i.priority, i.due or dt.date.max, i.source, i.ref))

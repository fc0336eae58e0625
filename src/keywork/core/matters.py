"""Matters for a person's attention, gathered from the apps that raise them.

Each app registers a source once, from its ``AppConfig.ready``::

    matters.SOURCES.register("boundaries", boundary_items)

A source is a function ``source(*, organisation_id, worker_id, since, viewer) ->
list[Matter]`` that returns the matters about one keyworker's relationships that someone
should take up: open alerts, boundary events waiting for review, safeguarding decisions,
relationships whose pattern changed since ``since``, overdue enquiries, emergency reads to
review. The supervision agenda is gathered from every registered source.

``viewer`` is the membership of the person the matters are gathered for (or None): a source
may use it to leave out what that person may not see. A source may mark a matter
``supervisor_only`` when the worker must not read it in their own copy. Whatever a source
returns, the gatherer keeps only matters about clients the viewer may open (the scope rule
of the clients app).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from keywork.core.hooks import Hook

logger = logging.getLogger(__name__)


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


Source = Callable[..., list[Matter]]

SOURCES: Hook[Source] = Hook("matters.sources")


def _call(source: Source, *, organisation_id: int, worker_id: int,
          since: dt.datetime, viewer: Any) -> list[Matter]:
    return list(source(organisation_id=organisation_id, worker_id=worker_id, since=since,
                       viewer=viewer))


def ordered(items: list[Matter]) -> list[Matter]:
    """Most pressing first; a matter two sources both return (the same ``ref``) once."""
    by_priority = sorted(items, key=lambda i: (i.priority, i.due or dt.date.max, i.source,
                                               i.ref))
    seen: set[str] = set()
    unique: list[Matter] = []
    for item in by_priority:
        if item.ref:
            if item.ref in seen:
                continue
            seen.add(item.ref)
        unique.append(item)
    return unique


def matters_for(*, organisation_id: int, worker_id: int, since: dt.datetime,
                viewer: Any = None) -> list[Matter]:
    """Every registered source's matters about one keyworker, most pressing first."""
    items: list[Matter] = []
    sources = dict(SOURCES.items())
    for name in sorted(sources):
        items.extend(_call(sources[name], organisation_id=organisation_id,
                           worker_id=worker_id, since=since, viewer=viewer))
    return ordered(items)


def matters_gather(*, organisation_id: int, worker_id: int, since: dt.datetime,
                   viewer: Any = None) -> tuple[list[Matter], list[str]]:
    """Like ``matters_for``, but a source that fails does not stop the others: its name is
    returned so the page can say what is missing (and the error is logged)."""
    items: list[Matter] = []
    failed: list[str] = []
    sources = dict(SOURCES.items())
    for name in sorted(sources):
        try:
            with transaction.atomic():
                items.extend(_call(sources[name], organisation_id=organisation_id,
                                   worker_id=worker_id, since=since, viewer=viewer))
        except Exception:
            logger.exception("matters source %s failed", name)
            failed.append(name)
    return ordered(items), failed

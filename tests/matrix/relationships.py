"""The keyworker relationship pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix import READ, SUPERVISE, WRITE, Entry, Target, episode_pk, relationship_pk


def _today() -> str:
    return timezone.localdate().isoformat()


def _propose(t: Target) -> dict[str, Any]:
    return {"keyworker": t.relationship.keyworker_id, "start_reason": "client_asked_for_change"}


def _introduction(t: Target) -> dict[str, Any]:
    return {"held_on": _today(), "explained_role": "on", "explained_purpose": "on",
            "explained_powers": "on", "explained_confidentiality": "on",
            "client_understanding": "Matrix: you tell the court how I am doing."}


ENTRIES = [
    Entry("relationships:propose", SUPERVISE, episode_pk, method="post", data=_propose),
    Entry("records:relationship", READ, relationship_pk),
    Entry("relationships:introduction", WRITE, relationship_pk, method="post",
          data=_introduction),
    Entry("relationships:activate", WRITE, relationship_pk, method="post",
          data=lambda t: {"waiver": "Matrix: cannot wait."}),
    Entry("relationships:ending", WRITE, relationship_pk, method="post",
          data=lambda t: {"end_reason": "other", "ending_from": _today()}),
    Entry("relationships:close", WRITE, relationship_pk, method="post",
          data=lambda t: {"note": "Matrix: closed."}),
    Entry("relationships:deputy", SUPERVISE, relationship_pk, method="post",
          data=lambda t: {"deputy": ""}),
]

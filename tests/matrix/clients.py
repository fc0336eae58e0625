"""The client record pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix import NO_CLIENT, READ, SUPERVISE, WRITE, Entry, Target, client_pk, episode_pk


def _client_fields(t: Target) -> dict[str, Any]:
    return {"given_name": t.client.given_name, "family_name": t.client.family_name,
            "date_of_birth": t.client.date_of_birth.isoformat(),
            "own_words": "Matrix: my own words."}


def _episode_fields(t: Target) -> dict[str, Any]:
    return {"legal_basis": t.episode.legal_basis_id, "consent": "not_asked"}


def _episode_end(t: Target) -> dict[str, Any]:
    return {"end_date": timezone.localdate().isoformat(), "outcome": "completed"}


ENTRIES = [
    Entry("clients:admit", NO_CLIENT, roles=("supervisor",)),
    Entry("clients:search", NO_CLIENT, roles=("keyworker", "supervisor", "manager"),
          note="finds clients within the person's own scope only; the clients shown are "
          "audited as a list"),
    Entry("records:client", READ, client_pk),
    Entry("clients:edit", WRITE, client_pk, method="post", data=_client_fields),
    Entry("clients:history", READ, client_pk),
    Entry("clients:episode_new", SUPERVISE, client_pk),
    Entry("clients:episode_edit", SUPERVISE, episode_pk, method="post", data=_episode_fields),
    Entry("clients:episode_end", SUPERVISE, episode_pk, method="post", data=_episode_end,
          note="refused with a form error while a relationship is active"),
]

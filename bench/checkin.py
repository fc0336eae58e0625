"""One check-in submitted through the application, to the updated pattern and alerts.

Builds a demo service in a fresh database (PostgreSQL when reachable, else SQLite), makes
one-time links for active relationships, and posts each client's answers through the whole
Django stack (middleware, form, scoring, storing, re-evaluating the relationship), encoded
as the browser sends the form (application/x-www-form-urlencoded). The time of each POST is
server time: the test client calls the application in this process. The floor is the same
stack answering the health check. A further few submissions, not timed, count the database
round trips of one submission (statements plus transaction commands), which does not depend
on the load of the machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import uuid
from typing import Any

import numpy as np

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/keywork_bench")


def _say(message: str) -> None:
    print(f"[checkin] {message}", file=sys.stderr, flush=True)


def _database_url() -> tuple[str, str]:
    try:
        import psycopg

        name = PG_URL.rsplit("/", 1)[1]
        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_URL, "postgresql"
    except Exception as exc:  # any failure means: no PostgreSQL here
        _say(f"PostgreSQL not reachable ({exc.__class__.__name__}); using SQLite")
        path = os.path.join(tempfile.mkdtemp(prefix="keywork-bench-"), "bench.sqlite3")
        return f"sqlite:///{path}", "sqlite"


def _p95(samples: list[float]) -> float:
    return float(np.percentile(np.array(samples) * 1000.0, 95))


def measure(n: int, clients: int, seed: int) -> dict[str, Any]:
    url, vendor = _database_url()
    os.environ.update({"DATABASE_URL": url, "KEYWORK_TESTING": "1",
                       "ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE":
                       "keywork.settings"})
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from keywork.checkins.selectors import domain_instrument
    from keywork.checkins.services import checkin_link_create
    from keywork.organisations.models import Membership
    from keywork.relationships.models import Relationship
    from keywork.signals.models import RelationshipState

    _say(f"building a {clients}-client demo service on {vendor}")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--clients", str(clients), "--seed", str(seed), verbosity=0,
                 stdout=io.StringIO(), stderr=io.StringIO())
    counted = 20
    rels = list(Relationship.objects.filter(status="active").select_related(
        "organisation").order_by("pk")[:n + counted])
    rng = np.random.default_rng(seed)
    jobs = []
    for rel in rels:
        membership = Membership.objects.get(organisation=rel.organisation, user=rel.keyworker)
        link, token = checkin_link_create(membership=membership, relationship=rel)
        instrument = domain_instrument(link.instrument_version)
        data: dict[str, Any] = {"idempotency_key": str(uuid.uuid4()), "visibility": "pattern",
                                "private_comment": ""}
        for item in instrument.rating_items:
            data[item.code] = str(int(rng.integers(3, 11)))
        for item in instrument.free_text_items:
            data[item.code] = "Being listened to."
        jobs.append((rel.pk, token, data))
    # The last few links (at most `counted`, and never half of them) are for counting.
    take = min(n, max(len(jobs) - counted, len(jobs) // 2))
    jobs, counting = jobs[:take], jobs[take:]
    http = HttpClient()
    for _ in range(20):
        http.get("/health")
    health = []
    for _ in range(len(jobs)):
        t0 = time.perf_counter()
        resp = http.get("/health")
        health.append(time.perf_counter() - t0)
        assert resp.status_code == 200
    form = "application/x-www-form-urlencoded"
    _say(f"submitting {len(jobs)} check-ins")
    posts = []
    for _rel_id, token, data in jobs:
        body = urlencode(data)
        t0 = time.perf_counter()
        resp = http.post(f"/c/{token}/", body, content_type=form)
        posts.append(time.perf_counter() - t0)
        if resp.status_code != 302:
            raise RuntimeError(f"check-in refused with status {resp.status_code}")
    queries = []
    for _rel_id, token, data in counting:
        with CaptureQueriesContext(connection) as captured:
            resp = http.post(f"/c/{token}/", urlencode(data), content_type=form)
        if resp.status_code != 302:
            raise RuntimeError(f"check-in refused with status {resp.status_code}")
        queries.append(len(captured.captured_queries))
    evaluated = RelationshipState.objects.filter(relationship_id__in=[j[0] for j in jobs]).count()
    if evaluated != len(jobs):
        raise RuntimeError(f"only {evaluated} of {len(jobs)} relationships were re-evaluated")
    p95, floor = _p95(posts), _p95(health)
    return {
        "checkin_p95_ms": round(p95, 2),
        "checkin_p95_ms_goal": 20.0,
        "checkin_median_ms": round(float(np.median(posts) * 1000), 2),
        "checkin_median_ms_goal": 12.0,
        "checkin_floor_p95_ms": round(floor, 2),
        "checkin_ratio": round(p95 / floor, 2) if floor else None,
        "checkin_samples": len(posts),
        "checkin_queries_median": float(np.median(queries)) if queries else None,
        "checkin_queries_max": max(queries) if queries else None,
        "checkin_queries_goal": 8,
        "checkin_database": vendor,
        "checkin_demo_clients": clients,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--clients", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.n, args.clients, args.seed)))


if __name__ == "__main__":
    main()

"""End to end from PostgreSQL: load a demo service, then evaluate every relationship.

The floor is one aggregate pass over the same check-in and contact tables in SQL (count and
latest day per relationship), so the ratio says what the bulk job costs beyond reading.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from typing import Any

PG_URL = os.environ.get("BENCH_BULK_DATABASE_URL",
                        "postgres://postgres@127.0.0.1:5432/keywork_bench_bulk")

FLOOR_SQL = [
    "SELECT relationship_id, count(*), max(occurred_at), "
    "sum(CASE WHEN initiated_by = 'client' THEN 1 ELSE 0 END) "
    "FROM contacts_contact GROUP BY relationship_id",
    "SELECT relationship_id, rater, count(*), avg(overall), max(submitted_at) "
    "FROM checkins_checkinresponse GROUP BY relationship_id, rater",
]


def _say(message: str) -> None:
    print(f"[bulk_pg] {message}", file=sys.stderr, flush=True)


def measure(clients: int, seed: int) -> dict[str, Any]:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({"DATABASE_URL": PG_URL, "KEYWORK_TESTING": "1",
                       "DJANGO_SETTINGS_MODULE": "keywork.settings"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from keywork.checkins.models import CheckinResponse
    from keywork.contacts.models import Contact
    from keywork.signals.services import signals_evaluate_all

    call_command("migrate", verbosity=0)
    _say(f"loading a {clients:,}-client demo service")
    t0 = time.perf_counter()
    call_command("seed_demo", "--clients", str(clients), "--seed", str(seed), verbosity=0,
                 stdout=io.StringIO(), stderr=io.StringIO())
    seed_seconds = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    _say("floor: one aggregate pass in SQL")
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for sql in FLOOR_SQL:
            cur.execute(sql)
            cur.fetchall()
    floor = time.perf_counter() - t0
    _say("bulk evaluation")
    t0 = time.perf_counter()
    summary = signals_evaluate_all()
    bulk = time.perf_counter() - t0
    return {
        "pg_demo_clients": clients,
        "pg_seed_seconds": round(seed_seconds, 1),
        "pg_seed_seconds_goal": 300.0 if clients >= 100_000 else None,
        "pg_bulk_evaluate_seconds": round(bulk, 1),
        "pg_bulk_floor_seconds": round(floor, 1),
        "pg_bulk_ratio": round(bulk / floor, 2) if floor else None,
        "pg_bulk_relationships": summary.relationships,
        "pg_bulk_contacts": Contact.objects.count(),
        "pg_bulk_checkins": CheckinResponse.objects.count(),
        "pg_bulk_alerts_opened": summary.alerts_opened,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.clients, args.seed)))


if __name__ == "__main__":
    main()

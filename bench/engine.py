"""The signal engine in bulk: a national instance's worth of relationships, columnar.

Run as a child of `bench.run` (`python -m bench.engine --scale 1.0`). It plants patterns in
1,000,000 relationships with 10,000,000 check-ins and 50,000,000 contacts (times the
scale), evaluates them all with `keywork.domain.signals.evaluate`, and times a floor: the
simplest single-pass aggregate over the same columns (group by relationship: count, mean,
max per side; contacts: count and last day) in polars and in DuckDB. The engine's peak
memory is measured after resetting the process's peak, so generating the data does not
count; the input columns themselves do.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import polars as pl

from bench.proc import peak_rss_mb, reset_peak_rss
from keywork.domain.signals import SignalBatch, evaluate
from keywork.domain.synth import plant

RELATIONSHIPS, CHECKINS, CONTACTS = 1_000_000, 10_000_000, 50_000_000
T = TypeVar("T")


def _say(message: str) -> None:
    print(f"[engine] {message}", file=sys.stderr, flush=True)


def _timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """The call's value, its wall-clock seconds and CPU seconds (all threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def floor_polars(b: SignalBatch) -> None:
    ci = pl.DataFrame({"rel": b.ci_rel, "rater": b.ci_rater, "day": b.ci_day,
                       "overall": b.ci_overall})
    co = pl.DataFrame({"rel": b.co_rel, "day": b.co_day})
    ci.group_by("rel", "rater").agg(
        pl.len(), pl.col("overall").mean().alias("mean"), pl.col("overall").max().alias("max"),
        pl.col("day").max().alias("last_day"))
    co.group_by("rel").agg(pl.len(), pl.col("day").max().alias("last_day"))


def floor_duckdb(b: SignalBatch) -> None:
    import duckdb

    con = duckdb.connect()
    con.register("ci", {"rel": b.ci_rel, "rater": b.ci_rater, "day": b.ci_day,
                        "overall": b.ci_overall})
    con.register("co", {"rel": b.co_rel, "day": b.co_day})
    con.execute("SELECT rel, rater, count(*), avg(overall), max(overall), max(day) "
                "FROM ci GROUP BY rel, rater").fetchnumpy()
    con.execute("SELECT rel, count(*), max(day) FROM co GROUP BY rel").fetchnumpy()
    con.close()


def _has_duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def measure(scale: float, seed: int, repeat: int) -> dict[str, Any]:
    n = max(int(RELATIONSHIPS * scale), 1)
    m, k = int(CHECKINS * scale), int(CONTACTS * scale)
    _say(f"planting {n:,} relationships, {m:,} check-ins, {k:,} contacts")
    t = time.perf_counter()
    planted = plant(n, seed=seed, checkins=m, contacts=k)
    generate = time.perf_counter() - t
    batch = planted.batch
    input_mb = sum(a.nbytes for a in vars(batch).values() if isinstance(a, np.ndarray)) / 2**20
    gc.collect()
    peak_is_engine_only = reset_peak_rss()

    # Engine and floors take turns, so that each repeat sees the machine in the same state.
    engine_runs: list[tuple[float, float]] = []
    polars_runs: list[tuple[float, float]] = []
    duck_runs: list[tuple[float, float]] = []
    duck = _has_duckdb()
    peak, recovered, enough_share = 0.0, None, None
    for i in range(max(repeat, 1)):
        _say(f"round {i + 1} of {repeat}: engine")
        result, wall, cpu = _timed(lambda: evaluate(batch))
        engine_runs.append((wall, cpu))
        if i == 0:
            peak = peak_rss_mb()
            enough = result.pattern >= 0
            enough_share = round(float(enough.mean()), 4)
            if enough.any():
                recovered = round(float((result.pattern[enough] == planted.truth[enough])
                                        .mean()), 4)
        del result
        gc.collect()
        _say(f"round {i + 1} of {repeat}: floor (polars{', duckdb' if duck else ''})")
        polars_runs.append(_timed(lambda: floor_polars(batch))[1:])
        if duck:
            duck_runs.append(_timed(lambda: floor_duckdb(batch))[1:])
    engine, engine_cpu = min(engine_runs)
    floor, floor_cpu = min(polars_runs + duck_runs)
    return {
        "engine_bulk_seconds": round(engine, 3),
        "engine_bulk_seconds_goal": 60,
        "engine_bulk_runs_seconds": [round(w, 3) for w, _ in engine_runs],
        "engine_bulk_cpu_seconds": round(engine_cpu, 3),
        "engine_floor_seconds": round(floor, 3),
        "engine_floor_cpu_seconds": round(floor_cpu, 3),
        "engine_floor_polars_seconds": round(min(polars_runs)[0], 3),
        "engine_floor_duckdb_seconds": round(min(duck_runs)[0], 3) if duck_runs else None,
        "engine_ratio": round(engine / floor, 2),
        "engine_ratio_cpu": round(engine_cpu / floor_cpu, 2),
        "engine_ratio_goal": 3,
        "engine_peak_rss_mb": round(peak, 1),
        "engine_peak_rss_mb_goal": 8192,
        "engine_peak_rss_excludes_generation": peak_is_engine_only,
        "engine_input_mb": round(input_mb, 1),
        "engine_generate_seconds": round(generate, 3),
        "engine_planted_recovery": recovered,
        "engine_enough_data_share": enough_share,
        "n_relationships": n,
        "n_checkins": int(batch.ci_rel.size),
        "n_contacts": int(batch.co_rel.size),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.scale, args.seed, max(args.repeat, 1))))


if __name__ == "__main__":
    main()

"""Keywork's benchmarks: `python -m bench.run` prints ONE JSON object on stdout.

Each measurement is a function registered with `@measurement("name")`; it takes the
options and returns a flat dict of figures (a figure's goal sits next to it as
`<figure>_goal`). Progress goes to stderr.

    python -m bench.run                      # everything, full size
    python -m bench.run --only engine        # one measurement (repeatable)
    python -m bench.run --scale 0.01         # a quick smoke run at 1% of the size
    python -m bench.run --only pages         # the pages under load at 5,000 clients

The machine's load average is read before and after each measurement
(`<name>_load_before`, `<name>_load_after`); a measurement taken while the machine was busy
(one-minute load above 1 per core at either end) is named in `busy` and warned about on
stderr, so a slow figure from a shared machine is never mistaken for a slow change.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any


@dataclass(frozen=True)
class Options:
    scale: float = 1.0
    seed: int = 1
    repeat: int = 1


Measurement = Callable[[Options], dict[str, Any]]
MEASUREMENTS: dict[str, Measurement] = {}


def measurement(name: str) -> Callable[[Measurement], Measurement]:
    def register(fn: Measurement) -> Measurement:
        MEASUREMENTS[name] = fn
        return fn

    return register


@measurement("engine")
def engine(opts: Options) -> dict[str, Any]:
    """Bulk evaluation of the signal engine against a single-pass aggregate floor."""
    from bench.proc import run_child

    result = run_child("bench.engine", "--scale", str(opts.scale), "--seed", str(opts.seed),
                       "--repeat", str(opts.repeat))
    result["engine_goals_met"] = (
        result["engine_bulk_seconds"] < result["engine_bulk_seconds_goal"]
        and result["engine_ratio"] <= result["engine_ratio_goal"]
        and result["engine_peak_rss_mb"] < result["engine_peak_rss_mb_goal"]
    )
    return result


CHECKIN_RUNS = 3


@measurement("checkin")
def checkin(opts: Options) -> dict[str, Any]:
    """One check-in through the application to the updated pattern and alerts: the median of
    three runs' p95 (each run builds its own service), with every run's figures kept."""
    from bench.proc import run_child

    n = max(20, int(200 * min(opts.scale, 1.0)))
    clients = max(60, int(400 * min(opts.scale, 1.0)))
    runs = [run_child("bench.checkin", "--n", str(n), "--clients", str(clients),
                      "--seed", str(opts.seed)) for _ in range(CHECKIN_RUNS)]
    return combine_checkin_runs(runs)


def combine_checkin_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One figure from several runs: the median of their p95 and of their medians; the
    round trips are the most any run counted; every run's p95 and median stay listed."""
    result = dict(runs[len(runs) // 2])
    p95s = [r["checkin_p95_ms"] for r in runs]
    medians = [r["checkin_median_ms"] for r in runs]
    result["checkin_p95_ms"] = statistics.median(p95s)
    result["checkin_median_ms"] = statistics.median(medians)
    result["checkin_p95_ms_runs"] = p95s
    result["checkin_median_ms_runs"] = medians
    result["checkin_queries_max"] = max(r["checkin_queries_max"] or 0 for r in runs)
    result["checkin_samples"] = sum(r["checkin_samples"] for r in runs)
    floor = statistics.median(r["checkin_floor_p95_ms"] for r in runs)
    result["checkin_floor_p95_ms"] = floor
    result["checkin_ratio"] = round(result["checkin_p95_ms"] / floor, 2) if floor else None
    result["checkin_goal_met"] = (
        result["checkin_p95_ms"] <= result["checkin_p95_ms_goal"]
        and result["checkin_median_ms"] <= result["checkin_median_ms_goal"]
        and result["checkin_queries_max"] <= result["checkin_queries_goal"])
    return result


@measurement("bulk_pg")
def bulk_pg(opts: Options) -> dict[str, Any]:
    """Load a 100,000-client demo service into PostgreSQL and evaluate it in bulk."""
    from bench.proc import run_child

    clients = max(500, int(100_000 * min(opts.scale, 1.0)))
    return run_child("bench.bulk_pg", "--clients", str(clients), "--seed", str(opts.seed))


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


def pages_args(opts: Options, clients: int) -> list[str]:
    """The pages run's options: a service of ``clients`` at full scale (less at a smaller
    ``--scale``), two minutes measured at full scale; environment variables override
    (BENCH_PAGES_SECONDS, BENCH_PAGES_USERS, BENCH_PAGES_WARMUP, BENCH_PAGES_THINK)."""
    scale = min(opts.scale, 1.0)
    seconds = os.environ.get("BENCH_PAGES_SECONDS") or str(max(20.0, 120.0 * scale))
    args = ["--clients", str(max(300, int(clients * scale))), "--seconds", seconds,
            "--seed", str(opts.seed)]
    if os.environ.get("BENCH_PAGES_USERS"):
        args += ["--users", os.environ["BENCH_PAGES_USERS"]]
    if os.environ.get("BENCH_PAGES_EXPLAIN"):
        args.append("--explain")
    return args


@measurement("pages")
def pages(opts: Options) -> dict[str, Any]:
    """The working day's pages, 50 signed-in staff against gunicorn, 5,000 clients."""
    from bench.proc import run_child

    clients = _env_int("BENCH_PAGES_CLIENTS", 5_000)
    return run_child("bench.pages", *pages_args(opts, clients), "--prefix", "pages")


@measurement("pages_50k")
def pages_50k(opts: Options) -> dict[str, Any]:
    """The same pages and people with 50,000 clients in the one organisation."""
    from bench.proc import run_child

    clients = _env_int("BENCH_PAGES_BIG_CLIENTS", 50_000)
    return run_child("bench.pages", *pages_args(opts, clients), "--prefix", "pages_50k")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "polars": _version("polars"),
        "duckdb": _version("duckdb"),
        "gunicorn": _version("gunicorn"),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
    }


def run_measurements(names: list[str], opts: Options) -> dict[str, Any]:
    unknown = sorted(set(names) - set(MEASUREMENTS))
    if unknown:
        raise SystemExit(f"unknown measurement(s): {', '.join(unknown)}; "
                         f"known: {', '.join(MEASUREMENTS)}")
    out: dict[str, Any] = {"scale": opts.scale, **environment(), "started": _now()}
    out["load_average_before"] = load_average()
    busy: list[str] = []
    for name in names:
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        before = load_average()
        t = time.perf_counter()
        out.update(MEASUREMENTS[name](opts))
        after = load_average()
        out[f"{name}_load_before"], out[f"{name}_load_after"] = before, after
        print(f"[bench] {name} done in {time.perf_counter() - t:.1f} s", file=sys.stderr,
              flush=True)
        if is_busy(before) or is_busy(after):
            busy.append(name)
            print(f"[bench] WARNING: the machine was busy during {name} (load average "
                  f"{before} before, {after} after, on {os.cpu_count()} cores); its figures "
                  "are not comparable", file=sys.stderr, flush=True)
    out["load_average_after"] = load_average()
    out["busy"] = busy
    return out


def load_average() -> float:
    """The one-minute load average."""
    return round(os.getloadavg()[0], 2)


def is_busy(load: float, cores: int | None = None) -> bool:
    """Busy means more than one runnable task per core on average over the last minute."""
    return load > (cores or os.cpu_count() or 1)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only this measurement ({', '.join(MEASUREMENTS)})")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size relative to the full benchmark (e.g. 0.01)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1,
                        help="timed runs per measurement; the fastest is reported")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    names = args.only or list(MEASUREMENTS)
    opts = Options(scale=args.scale, seed=args.seed, repeat=max(args.repeat, 1))
    print(json.dumps(run_measurements(names, opts), indent=2))


if __name__ == "__main__":
    main()

"""How `make bench` turns several check-in runs into one figure, and when it calls the
machine busy. Only the arithmetic is tested here; no timing is asserted."""

from __future__ import annotations

from bench.run import combine_checkin_runs, is_busy


def _run(p95: float, median: float, queries: int, floor: float = 0.5) -> dict[str, object]:
    return {"checkin_p95_ms": p95, "checkin_median_ms": median, "checkin_p95_ms_goal": 20.0,
            "checkin_median_ms_goal": 12.0, "checkin_queries_goal": 8,
            "checkin_queries_median": float(queries), "checkin_queries_max": queries,
            "checkin_floor_p95_ms": floor, "checkin_samples": 100}


def test_the_figure_is_the_median_of_the_runs_and_every_run_is_listed():
    out = combine_checkin_runs([_run(30.0, 11.0, 8), _run(14.0, 10.0, 7), _run(16.0, 13.0, 8)])
    assert out["checkin_p95_ms"] == 16.0
    assert out["checkin_median_ms"] == 11.0
    assert out["checkin_p95_ms_runs"] == [30.0, 14.0, 16.0]
    assert out["checkin_median_ms_runs"] == [11.0, 10.0, 13.0]
    assert out["checkin_samples"] == 300
    assert out["checkin_ratio"] == 32.0
    assert out["checkin_goal_met"] is True


def test_one_run_over_the_round_trip_goal_fails_the_goal():
    out = combine_checkin_runs([_run(10.0, 9.0, 8), _run(10.0, 9.0, 9), _run(10.0, 9.0, 8)])
    assert out["checkin_queries_max"] == 9
    assert out["checkin_goal_met"] is False


def test_a_slow_median_fails_the_goal_even_with_a_good_p95():
    assert combine_checkin_runs([_run(15.0, 12.5, 8)] * 3)["checkin_goal_met"] is False


def test_busy_means_more_than_one_runnable_task_per_core():
    assert not is_busy(2.0, cores=2)
    assert is_busy(2.01, cores=2)
    assert is_busy(1.5, cores=1)

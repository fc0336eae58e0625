"""The benchmark runs end to end at a tiny size and prints the figures it promises."""

from __future__ import annotations

import json

from bench.run import MEASUREMENTS, main

ENGINE_KEYS = {
    "engine_bulk_seconds", "engine_bulk_seconds_goal", "engine_floor_seconds",
    "engine_ratio", "engine_ratio_goal", "engine_peak_rss_mb", "engine_peak_rss_mb_goal",
    "engine_planted_recovery", "engine_goals_met", "n_relationships", "n_checkins",
    "n_contacts", "python", "numpy", "polars",
}


def test_bench_prints_one_json_object_with_the_engine_figures_and_goals(capsys):
    assert "engine" in MEASUREMENTS
    main(["--only", "engine", "--scale", "0.0005"])
    out = json.loads(capsys.readouterr().out)
    assert not ENGINE_KEYS - set(out)
    assert (out["n_relationships"], out["n_checkins"], out["n_contacts"]) == (500, 5000, 25000)
    assert (out["engine_bulk_seconds_goal"], out["engine_ratio_goal"],
            out["engine_peak_rss_mb_goal"]) == (60, 3, 8192)
    assert isinstance(out["engine_goals_met"], bool)

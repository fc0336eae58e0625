"""The pages benchmark's parts that can be checked without load: the page table, the
authenticator codes it types, the floor page, and how figures become the report. No time
is asserted here."""

from __future__ import annotations

import time

import pytest
from bench.pages import (
    FLOOR,
    LoadResult,
    Page,
    Sample,
    report,
    resolved_pages,
    summarise,
    totp_code,
)
from django.db import connection
from django.test import Client as HttpClient
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import login_as


def test_a_page_whose_url_does_not_resolve_is_skipped_and_named():
    found, skipped = resolved_pages((
        Page("caseload", ("dashboards:keyworker",), ("keyworker",)),
        Page("later", ("nowhere:page", "nowhere:other"), ("keyworker",)),
    ))
    assert [(p.key, name) for p, name in found] == [("caseload", "dashboards:keyworker")]
    assert skipped == ["later: no URL named nowhere:page or nowhere:other"]


def test_the_first_url_name_that_resolves_is_used():
    found, skipped = resolved_pages((
        Page("hub", ("nowhere:client", "records:client"), ("keyworker",), target="client"),))
    assert [name for _, name in found] == ["records:client"]
    assert skipped == []


@pytest.mark.django_db
def test_the_code_typed_for_a_supervisor_is_one_their_device_accepts(world):
    device = TOTPDevice.objects.create(user=world.supervisor, name="bench", confirmed=True)
    assert device.verify_token(totp_code(device.key))
    assert not device.verify_token(totp_code(device.key, at=time.time() - 3600))


@pytest.mark.django_db
def test_the_floor_answers_signed_in_staff_with_one_query_of_its_own(world):
    http = login_as(HttpClient(), world.keyworker)
    http.get(reverse("bench_floor"))
    with CaptureQueriesContext(connection) as captured:
        resp = http.get(reverse("bench_floor"))
    assert resp.status_code == 200
    assert [q["sql"] for q in captured.captured_queries if q["sql"] == "SELECT 1"] == [
        "SELECT 1"]
    assert len(resp.content) < 300
    anonymous = HttpClient().get(reverse("bench_floor"))
    assert anonymous.status_code == 302


@pytest.mark.django_db
def test_the_floor_is_not_there_unless_switched_on(world):
    http = login_as(HttpClient(), world.keyworker)
    with override_settings(KEYWORK_BENCH_FLOOR=False):
        assert http.get(reverse("bench_floor")).status_code == 404


def _load(samples: list[Sample], failures: list[str] | None = None) -> LoadResult:
    return LoadResult(samples=samples, sign_ins=[0.2, 0.3], failures=failures or [],
                      started=0.0, ended=120.0)


def _samples(page: str, ms: list[float], size: int = 2048, status: int = 200) -> list[Sample]:
    return [Sample(page, m / 1000, status, size) for m in ms]


def test_percentiles_leave_out_error_responses_and_count_them():
    figures = summarise(_load(_samples("caseload", [10.0] * 99 + [50.0])
                              + _samples("caseload", [1.0], status=500)), ["caseload"])
    row = figures["caseload"]
    assert (row["p50"], row["samples"], row["errors"]) == (10.0, 100, 1)
    assert 10.0 < row["p99"] <= 50.0
    assert row["kb"] == 2.0


def _report(pages: dict[str, float], floor: float, *, prefix: str = "pages",
            skipped: list[str] | None = None, kb: float = 10.0) -> dict[str, object]:
    figures: dict[str, dict[str, object]] = {
        k: {"p50": v / 2, "p95": v, "p99": v * 2, "samples": 100, "errors": 0, "kb": kb}
        for k, v in pages.items()}
    figures[FLOOR] = {"p50": floor / 2, "p95": floor, "p99": floor * 2, "samples": 100,
                      "errors": 0, "kb": 0.1}
    return report(prefix=prefix, figures=figures, counted={}, keys=list(pages),
                  skipped=skipped or [], load=_load([]), clients=5000,
                  roles={"keyworker": 1}, seconds=120, think=(2, 6), workers=2,
                  seed_seconds=1.0)


def test_the_worst_ratio_is_the_slowest_page_against_the_floor():
    out = _report({"caseload": 30.0, "manager": 90.0}, floor=20.0)
    assert out["pages_p95_ms"] == {"caseload": 30.0, "manager": 90.0}
    assert out["floor_p95_ms"] == 20.0
    assert out["pages_ratio"] == {"caseload": 1.5, "manager": 4.5}
    assert (out["pages_worst_page"], out["pages_worst_ratio"]) == ("manager", 4.5)
    assert out["pages_over_goal"] == ["manager"]
    assert out["pages_goal_met"] is False


def test_the_goal_needs_every_page_within_twice_the_floor_and_small_html():
    assert _report({"caseload": 40.0}, floor=20.0)["pages_goal_met"] is True
    assert _report({"caseload": 40.0}, floor=20.0, kb=301.0)["pages_goal_met"] is False
    assert _report({"caseload": 40.0}, floor=20.0,
                   skipped=["inbox: no URL named inbox:today"])["pages_goal_met"] is False


def test_the_big_run_has_its_own_keys_and_the_looser_goal():
    out = _report({"caseload": 55.0}, floor=20.0, prefix="pages_50k")
    assert out["pages_50k_floor_p95_ms"] == 20.0
    assert out["pages_50k_worst_ratio"] == 2.75
    assert out["pages_50k_worst_ratio_goal"] == 3.0
    assert out["pages_50k_goal_met"] is True
    assert "floor_p95_ms" not in out

"""Instruments: the shipped forms load and score; the scoring rules; the loader's errors."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from keywork.domain import DomainError
from keywork.domain.instruments import (
    DIMENSIONS,
    INSTRUMENTS_DIR,
    instrument_from_dict,
    load_instrument,
    reliable_change,
    score_matrix,
    score_responses,
    shipped_instruments,
)

SHIPPED = shipped_instruments()
CLIENT_SHORT = SHIPPED["checkin-client-short"]
WORKER_SHORT = SHIPPED["checkin-keyworker-short"]
CLIENT_MONTHLY = SHIPPED["checkin-client-monthly"]


def raw(code: str) -> dict[str, Any]:
    return yaml.safe_load((INSTRUMENTS_DIR / f"{code}.yaml").read_text(encoding="utf-8"))


def all_dims(value: int, instrument: Any = CLIENT_SHORT) -> dict[str, int]:
    return {i.code: value for i in instrument.rating_items if i.dimension in DIMENSIONS}


def test_the_four_check_in_forms_are_shipped():
    assert set(SHIPPED) == {"checkin-client-short", "checkin-keyworker-short",
                            "checkin-client-monthly", "checkin-keyworker-monthly"}


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_shipped_form_has_english_and_swedish_for_every_item(code):
    instrument = SHIPPED[code]
    assert instrument.version == 1
    assert instrument.languages == ("en", "sv")
    for item in instrument.items:
        assert item.text["en"].strip()
        assert item.text["sv"].strip()
        assert item.text["en"] != item.text["sv"]
    for lang in ("en", "sv"):
        assert instrument.title[lang]
        assert instrument.anchors["min"][lang]


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_shipped_form_scores_and_states_provisional_reliability(code):
    instrument = SHIPPED[code]
    answers = {i.code: 3 if i.reversed else 7 for i in instrument.rating_items}
    scores = score_responses(instrument, answers)
    assert scores.overall == 70.0
    assert all(v == 70.0 for v in scores.dimensions.values())
    rel = instrument.scoring.reliability
    assert "provisional" in rel.note.lower()
    assert 10 < rel.reliable_change < 25


def test_short_forms_need_one_item_per_dimension_and_monthly_forms_two_of_three():
    assert CLIENT_SHORT.scoring.dimension_min_items == 1
    assert CLIENT_MONTHLY.scoring.dimension_min_items == 2
    for dim in DIMENSIONS:
        assert len(CLIENT_MONTHLY.columns_for(dim)) == 3
        assert any(CLIENT_MONTHLY.rating_items[j].reversed
                   for j in CLIENT_MONTHLY.columns_for(dim))


def test_client_short_form_asks_about_role_clarity_power_and_two_open_questions():
    assert CLIENT_SHORT.item("role_clarity").text["en"].startswith(
        "I know what you must pass on to others")
    assert CLIENT_SHORT.item("confirmed_power").dimension == "confirmed_power"
    assert [i.optional for i in CLIENT_SHORT.free_text_items] == [True, True]


@pytest.mark.parametrize(("answers", "overall", "missing_dims"), [
    ({"match": 10, "presence": 10, "personal_professional": 10, "cooperation": 10,
      "flexible_support": 10}, 100.0, 0),
    ({"match": 0, "presence": 0, "personal_professional": 0, "cooperation": 0,
      "flexible_support": 0}, 0.0, 0),
    ({"match": 8, "presence": 6, "personal_professional": 7, "cooperation": 9,
      "flexible_support": 5}, 70.0, 0),
    # One dimension skipped: the overall is the mean of the other four.
    ({"match": 8, "presence": 6, "personal_professional": None, "cooperation": 9,
      "flexible_support": 5}, 70.0, 1),
    # Two skipped: fewer than 4 of 5 dimensions, no overall.
    ({"match": 8, "presence": 6, "cooperation": 9}, None, 2),
    ({}, None, 5),
])
def test_short_form_overall_needs_four_of_five_dimensions(answers, overall, missing_dims):
    scores = score_responses(CLIENT_SHORT, answers)
    assert scores.overall == overall
    assert sum(v is None for v in scores.dimensions.values()) == missing_dims


def test_role_clarity_and_power_are_scored_apart_from_the_overall():
    scores = score_responses(CLIENT_SHORT, {**all_dims(6), "role_clarity": 10,
                                            "confirmed_power": 2})
    assert scores.overall == 60.0
    assert scores.extras == {"role_clarity": 100.0, "confirmed_power": 20.0}


@pytest.mark.parametrize(("answers", "match"), [
    # The reversed item ("our talks feel put on") is flipped: 0 there is the best answer.
    ({"match_welcome": 10, "match_honest": 10, "match_put_on": 0}, 100.0),
    ({"match_welcome": 10, "match_honest": 10, "match_put_on": 10}, 200 / 3),
    ({"match_welcome": 4, "match_put_on": 4}, 50.0),
    # Only one of three answered: below the 2-of-3 rule, not scored.
    ({"match_welcome": 10}, None),
])
def test_monthly_form_flips_reversed_items_and_needs_two_of_three(answers, match):
    scores = score_responses(CLIENT_MONTHLY, answers)
    if match is None:
        assert scores.dimensions["match"] is None
    else:
        assert scores.dimensions["match"] == pytest.approx(match, abs=0.01)


def test_monthly_overall_is_missing_with_only_three_dimensions_scored():
    answers = {i.code: 8 for i in CLIENT_MONTHLY.rating_items
               if i.dimension in ("match", "presence", "cooperation")}
    answers["support_practical"] = 8  # one of three: flexible support not scored
    assert score_responses(CLIENT_MONTHLY, answers).overall is None


def test_at_max_means_every_answered_item_at_the_favourable_end():
    assert score_responses(CLIENT_SHORT, all_dims(10)).at_max
    assert not score_responses(CLIENT_SHORT, {**all_dims(10), "match": 9}).at_max
    top = {i.code: (0 if i.reversed else 10) for i in CLIENT_MONTHLY.rating_items}
    assert score_responses(CLIENT_MONTHLY, top).at_max
    assert not score_responses(CLIENT_MONTHLY, {**top, "match_put_on": 10}).at_max
    assert not score_responses(CLIENT_SHORT, {}).at_max


def test_worker_form_scores_the_estimate_of_the_clients_view():
    answers = {**all_dims(5, WORKER_SHORT),
               **{i.code: 9 for i in WORKER_SHORT.rating_items
                  if i.dimension.startswith("estimate_")}}
    scores = score_responses(WORKER_SHORT, answers)
    assert scores.overall == 50.0
    assert scores.estimate_overall == 90.0
    assert score_responses(CLIENT_SHORT, all_dims(5)).estimate_overall is None


def test_free_text_is_kept_in_the_clients_own_words():
    scores = score_responses(CLIENT_SHORT, {"helped": "  The walk on Tuesday.  ",
                                            "could_be_better": ""})
    assert scores.free_text == {"helped": "The walk on Tuesday."}


@pytest.mark.parametrize(("answers", "message"), [
    ({"mood": 3}, "unknown item"),
    ({"match": 11}, "outside 0–10"),
    ({"match": -1}, "outside 0–10"),
    ({"match": 7.5}, "whole number"),
    ({"match": "7"}, "whole number"),
    ({"match": True}, "whole number"),
    ({"helped": 3}, "takes text"),
])
def test_scoring_refuses_answers_it_cannot_use(answers, message):
    with pytest.raises(DomainError, match=message):
        score_responses(CLIENT_SHORT, answers)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=17, max_size=17),
                min_size=1, max_size=8))
def test_vectorised_scoring_gives_the_same_scores_as_one_sheet_at_a_time(rows):
    items = CLIENT_MONTHLY.rating_items
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows])
    many = score_matrix(CLIENT_MONTHLY, matrix)
    for r, row in enumerate(rows):
        one = score_responses(CLIENT_MONTHLY, {i.code: v for i, v in zip(items, row,
                                                                         strict=True)})
        expected = np.nan if one.overall is None else one.overall
        assert math.isclose(many.overall[r], expected, abs_tol=0.01) or (
            np.isnan(many.overall[r]) and one.overall is None)
        assert bool(many.at_max[r]) == one.at_max


def test_score_matrix_refuses_the_wrong_shape_and_values_off_the_scale():
    with pytest.raises(DomainError, match="shape"):
        score_matrix(CLIENT_SHORT, np.zeros((2, 3)))
    with pytest.raises(DomainError, match="outside"):
        score_matrix(CLIENT_SHORT, np.full((1, len(CLIENT_SHORT.rating_items)), 12.0))


@pytest.mark.parametrize(("sd", "r", "expected"), [
    (18, 0.80, 22.313),
    (15, 0.88, 14.403),
    (10, 0.0, 27.719),
    (18, 0.99, 4.989),
])
def test_reliable_change_follows_jacobson_and_truax(sd, r, expected):
    assert reliable_change(sd, r) == pytest.approx(expected, abs=0.001)


@pytest.mark.parametrize(("sd", "r"), [(0, 0.8), (-5, 0.8), (18, 1.0), (18, -0.1),
                                       (float("nan"), 0.5)])
def test_reliable_change_refuses_impossible_inputs(sd, r):
    with pytest.raises(DomainError):
        reliable_change(sd, r)


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw("checkin-client-short"))
    change(data)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("rater"), "missing key"),
    (lambda d: d.update(colour="blue"), "unknown key"),
    (lambda d: d.update(rater="parent"), "rater 'parent'"),
    (lambda d: d.update(version=0), "at least 1"),
    (lambda d: d["items"][0]["text"].pop("sv"), "no text in language 'sv'"),
    (lambda d: d["items"][0]["text"].update(fi="Sinä"), "undeclared language"),
    (lambda d: d["items"][1].update(code="match"), "duplicate item code"),
    (lambda d: d["items"][0].update(dimension="mood"), "dimension 'mood'"),
    (lambda d: [d["items"].pop(0), d["items"].pop(0)], "covers 3 dimension"),
    (lambda d: d["scoring"].update(dimension_min_items=2), "fewer than dimension_min_items"),
    (lambda d: d["scoring"]["reliability"].update(value=1.2), "between 0 and 1"),
    (lambda d: d["scoring"]["reliability"].update(kind="split_half"), "kind 'split_half'"),
    (lambda d: d["scale"].update(min=10), "must be below max"),
    (lambda d: d["items"][-1].update(reversed=True), "free-text item"),
    (lambda d: d["items"][0].update(reversed="yes"), "true or false"),
    (lambda d: d["items"].append({"code": "estimate_match", "dimension": "estimate_match",
                                  "text": {"en": "x", "sv": "x"}}), "all five dimensions"),
])
def test_loader_says_what_is_wrong_with_an_instrument(change, message):
    with pytest.raises(DomainError, match=message) as caught:
        instrument_from_dict(_broken(change))
    assert "checkin-client-short" in str(caught.value) or "instrument" in str(caught.value)


def test_a_form_may_cover_fewer_dimensions_if_its_overall_still_can_be_scored():
    """A licensed published form maps onto some dimensions only; four of five suffice for
    the short forms' overall score."""
    data = raw("checkin-client-short")
    data["items"] = [i for i in data["items"] if i["dimension"] != "presence"]
    instrument = instrument_from_dict(data)
    scores = score_responses(instrument, {"match": 8, "personal_professional": 6,
                                          "cooperation": 7, "flexible_support": 9})
    assert scores.dimensions["presence"] is None
    assert scores.overall == pytest.approx(75.0)


def test_loader_reads_yaml_files_and_checks_the_file_name(tmp_path):
    good = tmp_path / "checkin-client-short.yaml"
    good.write_text(yaml.safe_dump(raw("checkin-client-short"), allow_unicode=True),
                    encoding="utf-8")
    assert load_instrument(good).code == "checkin-client-short"
    renamed = tmp_path / "other-name.yaml"
    renamed.write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DomainError, match="file name"):
        load_instrument(renamed)
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(DomainError, match="cannot read"):
        load_instrument(broken)

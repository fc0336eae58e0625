"""Ranking keyworkers for a client and allocating an intake group, without a database."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keywork.domain import DomainError
from keywork.domain import matching as dm

LANGS = ("arabic", "english", "swedish")
SKILLS = ("motivational_interviewing", "safeguarding", "trauma")


def worker(*, free=5, limit=10, years=5.0, gender="", langs=("swedish",), skills=()):
    return {"free": free, "limit": limit, "years": years, "gender": gender,
            "langs": frozenset(langs), "skills": frozenset(skills)}


def need(*, langs=(), gender="", skills=(), demanding=False):
    return {"langs": frozenset(langs), "gender": gender, "skills": frozenset(skills),
            "demanding": demanding}


def batch(needs, workers, *, excluded=None, continuity=None):
    m, n = len(needs), len(workers)
    return dm.MatchBatch(
        languages=LANGS, skills=SKILLS,
        worker_free=np.array([w["free"] for w in workers]),
        worker_limit=np.array([w["limit"] for w in workers]),
        worker_experience=np.array([w["years"] for w in workers], dtype=float),
        worker_gender=np.array([w["gender"] for w in workers], dtype=str),
        worker_languages=dm.encode_sets([w["langs"] for w in workers], LANGS),
        worker_skills=dm.encode_sets([w["skills"] for w in workers], SKILLS),
        client_languages=dm.encode_sets([c["langs"] for c in needs], LANGS),
        client_gender=np.array([c["gender"] for c in needs], dtype=str),
        client_skills=dm.encode_sets([c["skills"] for c in needs], SKILLS),
        client_demanding=np.array([c["demanding"] for c in needs], dtype=bool),
        excluded=np.zeros((m, n), np.int8) if excluded is None else np.array(excluded,
                                                                              np.int8),
        continuity=np.zeros((m, n)) if continuity is None else np.array(continuity, float),
    )


DEFAULT = dm.Weights()


def order(b, weights=DEFAULT):
    return dm.ranking(dm.score(b, weights), 0)


# --- ranking, table-driven ---------------------------------------------------------------------


@pytest.mark.parametrize(("case", "client", "workers", "expected"), [
    ("more free places first, all else equal",
     need(), [worker(free=1), worker(free=8)], [1, 0]),
    ("the client's language beats capacity",
     need(langs=["arabic"]),
     [worker(free=9), worker(free=2, langs=["arabic", "swedish"])], [1, 0]),
    ("the gender the client asked for",
     need(gender="woman"), [worker(gender="man"), worker(gender="woman")], [1, 0]),
    ("an unknown gender never meets a preference",
     need(gender="woman"), [worker(gender=""), worker(gender="woman")], [1, 0]),
    ("skills that matter for the client",
     need(skills=["trauma"]), [worker(), worker(skills=["trauma"])], [1, 0]),
    ("experience when all else is equal",
     need(), [worker(years=1), worker(years=12)], [1, 0]),
    ("a full caseload ranks below a free one",
     need(), [worker(free=0), worker(free=1)], [1, 0]),
    ("no stated language: language does not separate the workers",
     need(), [worker(langs=["english"], free=3), worker(langs=["swedish"], free=4)], [1, 0]),
])
def test_ranking_follows_what_matters(case, client, workers, expected):
    assert order(batch([client], workers)) == expected, case


def test_continuity_lifts_an_earlier_good_relationship():
    b = batch([need()], [worker(), worker()], continuity=[[0, 1]])
    assert order(b) == [1, 0]
    assert any(r.code == "continuity" for r in dm.explain(b, dm.score(b, dm.Weights()), 0, 1))


def test_excluded_workers_are_never_ranked_and_say_why():
    b = batch([need()], [worker(free=9, years=20), worker(free=1)],
              excluded=[[dm.EXCLUDED_CONFLICT, 0]])
    result = dm.score(b, dm.Weights())
    assert dm.ranking(result, 0) == [1]
    assert np.isnan(result.score[0, 0])
    assert dm.explain(b, result, 0, 0)[0].param("why") == "conflict_of_interest"


def test_demanding_episodes_weigh_skills_and_experience_more():
    workers = [worker(free=10, years=0), worker(free=2, years=10, skills=SKILLS)]
    ordinary = batch([need(skills=SKILLS)], workers)
    demanding = batch([need(skills=SKILLS, demanding=True)], workers)
    weights = dm.Weights(capacity=5, skills=1, experience=1, language=0, preference=0,
                         continuity=0, demanding_factor=5)
    assert order(ordinary, weights) == [0, 1]
    assert order(demanding, weights) == [1, 0]


def test_weights_change_the_order():
    workers = [worker(free=9, langs=["english"]), worker(free=1, langs=["arabic"])]
    client = need(langs=["arabic"])
    assert order(batch([client], workers), dm.Weights(capacity=1, language=10)) == [1, 0]
    assert order(batch([client], workers), dm.Weights(capacity=10, language=0)) == [0, 1]


def test_scores_stay_between_0_and_100():
    b = batch([need(langs=["arabic"], gender="woman", skills=SKILLS, demanding=True)],
              [worker(free=10, limit=10, years=30, gender="woman", langs=LANGS,
                      skills=SKILLS)], continuity=[[1]])
    assert dm.score(b, dm.Weights()).score[0, 0] == pytest.approx(100.0)
    b = batch([need(langs=["arabic"], gender="woman", skills=SKILLS)],
              [worker(free=0, years=0, gender="man", langs=["swedish"])])
    assert dm.score(b, dm.Weights()).score[0, 0] == pytest.approx(0.0)


def test_reasons_name_the_facts():
    b = batch([need(langs=["arabic"], gender="woman", skills=["trauma", "safeguarding"])],
              [worker(free=3, limit=12, years=7, gender="woman", langs=["arabic"],
                      skills=["trauma"])])
    reasons = {r.code: dict(r.params) for r in dm.explain(b, dm.score(b, dm.Weights()), 0, 0)}
    assert reasons["capacity"] == {"free": 3, "limit": 12}
    assert reasons["language"] == {"languages": "arabic"}
    assert reasons["preference_met"] == {"wanted": "woman"}
    assert reasons["skills"] == {"skills": ("trauma",)}
    assert reasons["skills_missing"] == {"skills": ("safeguarding",)}
    assert reasons["experience"] == {"years": 7.0}


@pytest.mark.parametrize("bad", [
    dm.Weights(capacity=-1), dm.Weights(capacity=0, language=0, preference=0, skills=0,
                                        experience=0, continuity=0),
    dm.Weights(demanding_factor=0.5), dm.Weights(language=float("nan")),
])
def test_unusable_weights_are_refused(bad):
    with pytest.raises(DomainError):
        dm.score(batch([need()], [worker()]), bad)


def test_shapes_that_do_not_agree_are_refused():
    b = batch([need()], [worker()])
    broken = dm.MatchBatch(**{**b.__dict__, "continuity": np.zeros((2, 1))})
    with pytest.raises(DomainError):
        dm.score(broken, dm.Weights())


def test_a_batch_of_one_scores_as_in_a_batch_of_many():
    needs = [need(langs=["arabic"]), need(gender="man", demanding=True), need(skills=["trauma"])]
    workers = [worker(free=2, gender="man"), worker(langs=["arabic"], skills=["trauma"]),
               worker(free=0, years=15)]
    whole = dm.score(batch(needs, workers), dm.Weights()).score
    for i, n in enumerate(needs):
        one = dm.score(batch([n], workers), dm.Weights()).score
        np.testing.assert_allclose(one[0], whole[i])


def test_split_words_and_encode_sets():
    assert dm.split_words(" Swedish;arabic ,, ENGLISH ") == {"swedish", "arabic", "english"}
    m = dm.encode_sets([{"english"}, {"klingon", "swedish"}], LANGS)
    assert m.tolist() == [[False, True, False], [False, False, True]]


# --- the intake group --------------------------------------------------------------------------


def test_the_optimum_beats_greedy_where_greedy_blocks():
    scores = np.array([[90.0, 80.0], [85.0, 10.0]])
    free = np.array([1, 1])
    none = np.zeros((2, 2), dtype=bool)
    assert dm.greedy(scores, free, none).tolist() == [0, 1]
    assert dm.assign(scores, free, none).tolist() == [1, 0]
    assert dm.assignment_value(scores, dm.assign(scores, free, none)) > dm.assignment_value(
        scores, dm.greedy(scores, free, none))


def test_placing_one_more_client_comes_before_a_better_match():
    scores = np.array([[100.0, 5.0], [100.0, float("nan")]])
    result = dm.assign(scores, np.array([1, 1]), np.array([[0, 0], [0, 1]]))
    assert result.tolist() == [1, 0]


def test_nobody_free_means_everyone_waits():
    assert dm.assign(np.ones((3, 2)), np.array([0, 0]), np.zeros((3, 2))).tolist() == [-1] * 3


def test_an_empty_group_is_fine():
    assert dm.assign(np.zeros((0, 2)), np.array([1, 1]), np.zeros((0, 2))).tolist() == []


@st.composite
def groups(draw):
    m = draw(st.integers(1, 6))
    n = draw(st.integers(1, 4))
    scores = np.array(draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=m * n,
                                    max_size=m * n))).reshape(m, n)
    free = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    excluded = np.array(draw(st.lists(st.booleans(), min_size=m * n,
                                      max_size=m * n))).reshape(m, n)
    return scores, free, excluded


@settings(max_examples=300, deadline=None)
@given(groups())
def test_capacity_is_never_exceeded(group):
    scores, free, excluded = group
    assert dm.over_capacity(dm.assign(scores, free, excluded), free) == []


@settings(max_examples=300, deadline=None)
@given(groups())
def test_excluded_pairs_are_never_proposed(group):
    scores, free, excluded = group
    result = dm.assign(scores, free, excluded)
    placed = np.flatnonzero(result >= 0)
    assert not excluded[placed, result[placed]].any()


@settings(max_examples=300, deadline=None)
@given(groups())
def test_the_optimum_is_never_worse_than_greedy(group):
    scores, free, excluded = group
    best = dm.assignment_value(scores, dm.assign(scores, free, excluded))
    greedy = dm.assignment_value(scores, dm.greedy(scores, free, excluded))
    assert best >= greedy - 1e-9


def _brute_force(scores, free, excluded):
    m, n = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, n), repeat=m):
        a = np.array(choice)
        if dm.over_capacity(a, free):
            continue
        placed = np.flatnonzero(a >= 0)
        if excluded[placed, a[placed]].any():
            continue
        best = max(best, dm.assignment_value(scores, a))
    return best


@settings(max_examples=120, deadline=None)
@given(groups().filter(lambda g: g[0].shape[0] <= 4 and g[0].shape[1] <= 3))
def test_the_optimum_is_the_best_of_every_allocation(group):
    scores, free, excluded = group
    found = dm.assignment_value(scores, dm.assign(scores, free, excluded))
    assert found == pytest.approx(_brute_force(scores, free, excluded))

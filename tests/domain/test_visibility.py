"""The one rule of who sees what of a client's feedback, pinned as tables."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from keywork.domain.visibility import (
    SHOWN_WORDS,
    Level,
    Viewer,
    level_shown,
    seen,
    seen_one,
)

N, P, S = Level.NOTHING, Level.PATTERN, Level.SCORES
CHOICES = (None, N, P, S)  # None: the client made no choice
GIVEN = (None, N, P, S)  # None: no choice recorded with the check-in

# What the keyworker or deputy sees: one row per policy × the client's current choice, one
# column per choice given with a check-in (None, nothing, pattern, scores). The first
# column is also what they see of the relationship as a whole (the pattern, the trend).
WORKER = {
    (S, None): (S, N, P, S),
    (S, N): (N, N, N, N),
    (S, P): (P, N, P, P),
    (S, S): (S, N, P, S),
    (P, None): (P, N, P, P),
    (P, N): (N, N, N, N),
    (P, P): (P, N, P, P),
    (P, S): (P, N, P, P),
    (N, None): (N, N, N, N),
    (N, N): (N, N, N, N),
    (N, P): (N, N, N, N),
    (N, S): (N, N, N, N),
}

# The same with some client check-in of the relationship given with less than everything:
# the client's numbers in summaries never reach the worker in full.
WORKER_WITHHELD = {
    (S, None): (P, N, P, P),
    (S, N): (N, N, N, N),
    (S, P): (P, N, P, P),
    (S, S): (P, N, P, P),
    (P, None): (P, N, P, P),
    (P, N): (N, N, N, N),
    (P, P): (P, N, P, P),
    (P, S): (P, N, P, P),
    (N, None): (N, N, N, N),
    (N, N): (N, N, N, N),
    (N, P): (N, N, N, N),
    (N, S): (N, N, N, N),
}


def _cases():
    """Every viewer × policy × choice × given × withheld, with what the rule answers."""
    for viewer, policy, choice, given, withheld in itertools.product(
            Viewer, (S, P, N), CHOICES, GIVEN, (None, False, True)):
        if viewer == Viewer.SUPERVISOR:
            expected = S
        elif viewer == Viewer.OTHER:
            expected = N
        else:
            table = WORKER_WITHHELD if withheld else WORKER
            expected = table[(policy, choice)][GIVEN.index(given)]
        yield viewer, policy, choice, given, withheld, expected


CASES = list(_cases())


def test_the_table_covers_every_level_viewer_and_state():
    assert len(CASES) == 3 * 3 * 4 * 4 * 3
    assert {c[-1] for c in CASES} == set(Level)


@pytest.mark.parametrize(("viewer", "policy", "choice", "given", "withheld", "expected"),
                         CASES)
def test_one_relationship_is_a_batch_of_one(viewer, policy, choice, given, withheld,
                                            expected):
    assert seen_one(viewer, policy, choice, given, withheld) == expected


def test_the_whole_table_in_one_batch_gives_the_same_answers():
    viewer, policy, choice, given, withheld, expected = zip(*CASES, strict=True)
    # Withheld left out ("not asked") counts as nothing withheld.
    out = seen(np.array(viewer, dtype=np.int8), list(policy), list(choice), list(given),
               [bool(w) for w in withheld])
    assert out.dtype == np.int8
    assert out.tolist() == [int(e) for e in expected]


def test_a_single_policy_and_stored_codes_stand_for_every_row():
    out = seen([Viewer.WORKER, Viewer.WORKER, Viewer.SUPERVISOR, Viewer.OTHER], "pattern",
               ["scores", None, "nothing", "scores"])
    assert out.tolist() == [P, P, S, N]
    assert seen([], "scores").tolist() == []


def test_a_supervisor_who_works_the_relationship_is_bound_like_a_worker():
    # The viewer kind is the worker's as soon as they are the keyworker or deputy.
    assert seen_one(Viewer.WORKER, S, N) == N
    assert seen_one(Viewer.SUPERVISOR, S, N) == S


def test_rows_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="expected 2 levels"):
        seen([Viewer.WORKER, Viewer.WORKER], S, [N])
    with pytest.raises(ValueError, match="one-dimensional"):
        seen([[Viewer.WORKER]], S)


def test_levels_carry_their_stored_codes_and_their_page_words():
    assert [level.code for level in Level] == ["nothing", "pattern", "scores"]
    assert [Level.of(level.code) for level in Level] == list(Level)
    assert [level.shown for level in Level] == [None, "pattern", "all"]
    assert [level_shown(w) for w in SHOWN_WORDS] == list(Level)
    assert min(P, N) == N  # most private first


@pytest.mark.parametrize(("shown", "given", "expected"), [
    ("all", None, "all"), ("all", "scores", "all"), ("all", "pattern", "pattern"),
    ("all", "nothing", None), ("pattern", "scores", "pattern"),
    ("pattern", "pattern", "pattern"), ("pattern", "nothing", None),
    ("pattern", None, "pattern"), (None, "scores", None), (None, None, None),
])
def test_one_checkin_is_shown_as_the_most_private_of_now_and_then(shown, given, expected):
    # What the worker sees now, narrowed by the choice given with the check-in.
    level = seen_one(Viewer.WORKER, level_shown(shown), given=None if given is None
                     else Level.of(given))
    assert level.shown == expected


@pytest.mark.parametrize(("shown", "withheld", "expected"), [
    ("all", False, "all"), ("all", True, "pattern"), ("pattern", False, "pattern"),
    ("pattern", True, "pattern"), (None, False, None), (None, True, None),
])
def test_the_clients_figures_follow_the_most_private_checkin(shown, withheld, expected):
    assert seen_one(Viewer.WORKER, level_shown(shown), withheld=withheld).shown == expected

"""Keyworker matching: how well each worker suits each waiting client, and who goes where.

Everything here works on columns. `score` takes a batch of m clients and n workers and
returns an (m, n) matrix of scores from 0 to 100 with the components that made them; the
same code ranks the workers for one client (m = 1) and scores a whole intake group.
`assign` then solves the intake group as one assignment problem over the workers' free
capacity slots (the Hungarian method, `scipy.optimize.linear_sum_assignment`), so one
early greedy choice can never block a better allocation for the group as a whole.

Components (each from 0 to 1, higher is better):

- ``capacity``: the worker's free places as a share of the caseload limit.
- ``language``: the worker speaks a language the client wants; 1 when the client named
  none.
- ``preference``: the worker matches what the client asked for (the worker's gender, as
  the worker describes it); 1 when the client asked for nothing.
- ``skills``: the share of the skills that matter for this client that the worker has.
- ``experience``: years of experience, full marks from `EXPERIENCE_FULL_YEARS`.
- ``continuity``: an earlier good relationship between this worker and this client.

Each client row is weighed with the organisation's weights; for a demanding episode
(coerced care, or one heavy with safeguarding) the skills and experience weights are
multiplied by `Weights.demanding_factor`: the trickier the situation, the more the worker
matters.

Excluded pairs (a declared conflict of interest, a worker the client asked to leave) are
never ranked as suitable and never assigned. They carry a code saying why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from keywork.domain.errors import DomainError

COMPONENTS: tuple[str, ...] = (
    "capacity", "language", "preference", "skills", "experience", "continuity")
CAPACITY, LANGUAGE, PREFERENCE, SKILLS, EXPERIENCE, CONTINUITY = range(len(COMPONENTS))

EXPERIENCE_FULL_YEARS = 10.0

# Why a pair is excluded (0: it is not).
ALLOWED = 0
EXCLUDED_CONFLICT = 1  # a declared conflict of interest or private connection
EXCLUDED_CLIENT_LEFT = 2  # the client asked for a change away from this worker
EXCLUSION_CODES: dict[int, str] = {
    EXCLUDED_CONFLICT: "conflict_of_interest",
    EXCLUDED_CLIENT_LEFT: "client_asked_for_change",
}

# What placing a waiting client is worth in an assignment, beside the match score: with it
# the solver prefers to give one more client a keyworker over a slightly better match.
PLACE_VALUE = 100.0


@dataclass(frozen=True)
class Weights:
    capacity: float = 3.0
    language: float = 3.0
    preference: float = 2.0
    skills: float = 2.0
    experience: float = 1.0
    continuity: float = 2.0
    demanding_factor: float = 2.0

    def vector(self) -> np.ndarray:
        values = np.array([getattr(self, name) for name in COMPONENTS], dtype=np.float64)
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise DomainError("weights must be finite and not negative")
        if values.sum() <= 0:
            raise DomainError("at least one weight must be above zero")
        if not np.isfinite(self.demanding_factor) or self.demanding_factor < 1:
            raise DomainError("the factor for demanding episodes must be at least 1")
        return values


@dataclass(frozen=True)
class MatchBatch:
    """m clients × n workers, as columns. Language and skill sets are boolean matrices
    over the vocabularies ``languages`` and ``skills`` (see `encode_sets`)."""

    languages: tuple[str, ...]
    skills: tuple[str, ...]
    # workers (n)
    worker_free: np.ndarray  # int: places left under the caseload limit
    worker_limit: np.ndarray  # int: the caseload limit
    worker_experience: np.ndarray  # float: years
    worker_gender: np.ndarray  # str: normalised self-description, "" unknown
    worker_languages: np.ndarray  # bool (n, L)
    worker_skills: np.ndarray  # bool (n, S)
    # clients (m)
    client_languages: np.ndarray  # bool (m, L): languages the client wants
    client_gender: np.ndarray  # str: the worker's gender the client asked for, "" none
    client_skills: np.ndarray  # bool (m, S): skills that matter for this client
    client_demanding: np.ndarray  # bool: coerced or safeguarding-heavy episode
    # pairs (m, n)
    excluded: np.ndarray  # int8 exclusion code, 0 allowed
    continuity: np.ndarray  # float in [0, 1]

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.client_demanding.shape[0]), int(self.worker_free.shape[0])

    def check(self) -> None:
        m, n = self.shape
        want = {
            "worker_limit": (n,), "worker_experience": (n,), "worker_gender": (n,),
            "worker_languages": (n, len(self.languages)),
            "worker_skills": (n, len(self.skills)),
            "client_languages": (m, len(self.languages)), "client_gender": (m,),
            "client_skills": (m, len(self.skills)), "excluded": (m, n), "continuity": (m, n),
        }
        for name, shape in want.items():
            got = getattr(self, name).shape
            if got != shape:
                raise DomainError(f"{name} has shape {got}, expected {shape}")
        if np.any(self.worker_limit < 0) or np.any(self.worker_experience < 0):
            raise DomainError("limits and experience cannot be negative")


@dataclass(frozen=True)
class MatchResult:
    score: np.ndarray  # float (m, n), 0–100; NaN where excluded
    components: np.ndarray  # float (K, m, n), each 0–1
    row_weights: np.ndarray  # float (m, K): the weights used for each client
    excluded: np.ndarray  # int8 (m, n)


@dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str) -> object:
        return dict(self.params).get(name)


def normalise(word: str) -> str:
    return " ".join(word.strip().lower().split())


def split_words(text: str) -> frozenset[str]:
    """A comma- or semicolon-separated list, normalised: "Swedish, arabic" → two words."""
    parts = text.replace(";", ",").split(",")
    return frozenset(w for w in (normalise(p) for p in parts) if w)


def encode_sets(rows: Sequence[Iterable[str]], vocabulary: Sequence[str]) -> np.ndarray:
    """Boolean matrix: row i, column k is True when ``vocabulary[k]`` is in ``rows[i]``."""
    index = {word: k for k, word in enumerate(vocabulary)}
    out = np.zeros((len(rows), len(vocabulary)), dtype=bool)
    for i, row in enumerate(rows):
        for word in row:
            k = index.get(word)
            if k is not None:
                out[i, k] = True
    return out


def score(batch: MatchBatch, weights: Weights) -> MatchResult:
    """The (m, n) score matrix and its components; no loop over clients or workers."""
    batch.check()
    m, n = batch.shape
    base = weights.vector()
    comps = np.empty((len(COMPONENTS), m, n), dtype=np.float64)

    limit = batch.worker_limit.astype(np.float64)
    free = batch.worker_free.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(limit > 0, np.clip(free / np.where(limit > 0, limit, 1.0), 0, 1), 0.0)
    comps[CAPACITY] = np.broadcast_to(share[None, :], (m, n))

    c_lang = batch.client_languages.astype(np.float64)
    w_lang = batch.worker_languages.astype(np.float64)
    shared = (c_lang @ w_lang.T) > 0
    wants_language = np.asarray(batch.client_languages.any(axis=1))[:, None]
    comps[LANGUAGE] = np.where(wants_language, shared, 1.0)

    wanted = np.asarray(batch.client_gender, dtype=str)[:, None]
    has = np.asarray(batch.worker_gender, dtype=str)[None, :]
    comps[PREFERENCE] = np.where(wanted == "", 1.0, (wanted == has) & (has != ""))

    c_sk = batch.client_skills.astype(np.float64)
    needed = c_sk.sum(axis=1)[:, None]
    have = c_sk @ batch.worker_skills.astype(np.float64).T
    comps[SKILLS] = np.where(needed > 0, have / np.where(needed > 0, needed, 1.0), 1.0)

    years = np.clip(batch.worker_experience.astype(np.float64) / EXPERIENCE_FULL_YEARS, 0, 1)
    comps[EXPERIENCE] = np.broadcast_to(years[None, :], (m, n))

    comps[CONTINUITY] = np.clip(batch.continuity.astype(np.float64), 0, 1)

    row_weights = np.broadcast_to(base, (m, len(COMPONENTS))).copy()
    demanding = np.asarray(batch.client_demanding, dtype=bool)
    row_weights[demanding, SKILLS] *= weights.demanding_factor
    row_weights[demanding, EXPERIENCE] *= weights.demanding_factor

    total = np.einsum("mk,kmn->mn", row_weights, comps) / row_weights.sum(axis=1)[:, None]
    scores = 100.0 * total
    excluded = np.asarray(batch.excluded, dtype=np.int8)
    scores = np.where(excluded != ALLOWED, np.nan, scores)
    return MatchResult(score=scores, components=comps, row_weights=row_weights,
                       excluded=excluded)


def ranking(result: MatchResult, row: int) -> list[int]:
    """The workers for one client, best first; excluded workers are left out. Ties keep
    the input order (the caller sorts its workers by name first)."""
    s = result.score[row]
    allowed = np.flatnonzero(~np.isnan(s))
    order = np.argsort(-s[allowed], kind="stable")
    return [int(j) for j in allowed[order]]


def explain(batch: MatchBatch, result: MatchResult, row: int, col: int) -> list[Reason]:
    """The reasons behind one pair's score, as codes with numbers and names."""
    code = int(result.excluded[row, col])
    if code != ALLOWED:
        return [Reason("excluded", (("why", EXCLUSION_CODES.get(code, "other")),))]
    out: list[Reason] = []
    free = int(batch.worker_free[col])
    limit = int(batch.worker_limit[col])
    if free > 0:
        out.append(Reason("capacity", (("free", free), ("limit", limit))))
    else:
        out.append(Reason("full", (("limit", limit),)))
    wanted = [batch.languages[k] for k in np.flatnonzero(batch.client_languages[row])]
    if wanted:
        common = [batch.languages[k] for k in np.flatnonzero(
            batch.client_languages[row] & batch.worker_languages[col])]
        if common:
            out.append(Reason("language", (("languages", ", ".join(common)),)))
        else:
            out.append(Reason("no_language", (("languages", ", ".join(wanted)),)))
    gender = str(batch.client_gender[row])
    if gender:
        met = result.components[PREFERENCE, row, col] >= 1
        out.append(Reason("preference_met" if met else "preference_not_met",
                          (("wanted", gender),)))
    needed = [batch.skills[k] for k in np.flatnonzero(batch.client_skills[row])]
    if needed:
        has = [batch.skills[k] for k in np.flatnonzero(
            batch.client_skills[row] & batch.worker_skills[col])]
        missing = [s for s in needed if s not in has]
        if has:
            out.append(Reason("skills", (("skills", tuple(has)),)))
        if missing:
            out.append(Reason("skills_missing", (("skills", tuple(missing)),)))
    years = float(batch.worker_experience[col])
    out.append(Reason("experience", (("years", round(years, 1)),)))
    if result.components[CONTINUITY, row, col] > 0:
        out.append(Reason("continuity"))
    if bool(batch.client_demanding[row]):
        out.append(Reason("demanding"))
    return out


# --- the intake group as one assignment problem -----------------------------------------------


def _check_assignment_input(scores: np.ndarray, free: np.ndarray, excluded: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=np.float64)
    f = np.asarray(free).astype(np.int64)
    x = np.asarray(excluded) != 0
    if s.ndim != 2 or f.shape != (s.shape[1],) or x.shape != s.shape:
        raise DomainError("scores (m, n), free (n) and excluded (m, n) must agree")
    x = x | np.isnan(s)
    return np.where(x, 0.0, s), np.maximum(f, 0), x


def assign(scores: np.ndarray, free: np.ndarray, excluded: np.ndarray,
           place_value: float = PLACE_VALUE) -> np.ndarray:
    """The optimal allocation: for each client the worker's column, or -1 for none.

    Each worker is split into as many slots as they have free places (at most m); every
    client also has a "wait" column of value 0. The solver maximises the sum of
    ``place_value + score`` over placed clients, never uses an excluded pair, and never
    gives a worker more clients than free places."""
    s, f, x = _check_assignment_input(scores, free, excluded)
    m, n = s.shape
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    slots = np.minimum(f, m)
    slot_worker = np.repeat(np.arange(n), slots)
    value = place_value + s[:, slot_worker]
    cost = np.where(x[:, slot_worker], np.inf, -value)
    cost = np.hstack([cost, np.zeros((m, m))])
    rows, cols = linear_sum_assignment(cost)
    out = np.full(m, -1, dtype=np.int64)
    real = cols < slot_worker.shape[0]
    out[rows[real]] = slot_worker[cols[real]]
    return out


def greedy(scores: np.ndarray, free: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Best pair first until nothing fits: the comparison the optimum must never lose to."""
    s, f, x = _check_assignment_input(scores, free, excluded)
    m, n = s.shape
    left = f.copy()
    out = np.full(m, -1, dtype=np.int64)
    order = np.argsort(-s, axis=None, kind="stable")
    for flat in order:
        i, j = divmod(int(flat), n)
        if out[i] == -1 and left[j] > 0 and not x[i, j]:
            out[i] = j
            left[j] -= 1
    return out


def assignment_value(scores: np.ndarray, assignment: np.ndarray,
                     place_value: float = PLACE_VALUE) -> float:
    """What an allocation is worth: ``place_value`` plus the score for each placed client."""
    s = np.asarray(scores, dtype=np.float64)
    a = np.asarray(assignment)
    placed = np.flatnonzero(a >= 0)
    return float(np.sum(place_value + s[placed, a[placed]]))


def over_capacity(assignment: np.ndarray, free: np.ndarray) -> list[int]:
    """Workers' columns given more clients than free places by an allocation."""
    a = np.asarray(assignment)
    n = np.asarray(free).shape[0]
    counts = np.bincount(a[a >= 0], minlength=n)
    return [int(j) for j in np.flatnonzero(counts > np.asarray(free))]

"""Check-in instruments as data, and their scoring.

An instrument (a check-in form) is defined in YAML under `keywork/instruments/` and loaded
into frozen dataclasses by `instrument_from_dict`, which validates it and says exactly what
is wrong. Scoring is pure:

- Every rating item is rescaled to 0–100: `(answer - min) / (max - min) * 100`; a reversed
  item is flipped (`100 - that`), so 100 is always the favourable end.
- A dimension's score is the mean of its answered items, **only if at least
  `dimension_min_items` of them were answered** (1 on the short weekly forms, which have one
  item per dimension; 2 of 3 on the monthly forms). Otherwise the dimension is missing.
- The overall score is the mean of the five relationship dimensions (match, presence,
  personal but professional, trustful cooperation, flexible support), **only if at least
  `overall_min_dimensions` (4 of 5) are scored**; otherwise it is missing (None / NaN).
- The keyworker forms also ask for the worker's estimate of how the client sees each
  dimension (`estimate_<dimension>`); these are scored by the same two rules into an
  estimated overall.
- `role_clarity` and `confirmed_power` are scored as their own small scales (the same
  minimum-items rule, capped at the number of items they have). They are not part of the
  overall: they describe the frame of the relationship, not its quality.
- `at_max` is true when every answered relationship item sits at its favourable end: such a
  check-in carries little information (see the `client_ceiling` alert).

`score_matrix` scores many responses at once (a 2-D array, NaN = missing);
`score_responses` scores one answer sheet through the same code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from keywork.domain.errors import DomainError

DIMENSIONS: tuple[str, ...] = (
    "match",
    "presence",
    "personal_professional",
    "cooperation",
    "flexible_support",
)
ESTIMATE_PREFIX = "estimate_"
ESTIMATES: tuple[str, ...] = tuple(ESTIMATE_PREFIX + d for d in DIMENSIONS)
EXTRAS: tuple[str, ...] = ("role_clarity", "confirmed_power")
FREE_TEXT = "free_text"
ITEM_DIMENSIONS: frozenset[str] = frozenset((*DIMENSIONS, *ESTIMATES, *EXTRAS, FREE_TEXT))
RATERS: tuple[str, ...] = ("client", "keyworker", "other")
RELIABILITY_KINDS: tuple[str, ...] = ("alpha", "test_retest")

INSTRUMENTS_DIR = Path(__file__).resolve().parent.parent / "instruments"

_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


def reliable_change(sd: float, r: float) -> float:
    """The smallest change in a score that is unlikely to be measurement error alone.

    Jacobson & Truax (1991): the standard error of measurement is `SEM = sd * sqrt(1 - r)`;
    the difference of two independent measurements has standard error
    `S_diff = sqrt(2) * SEM = sd * sqrt(2 * (1 - r))`; a change larger than
    `1.96 * S_diff` would arise from measurement error alone in fewer than 5% of cases:

        RC = 1.96 * sd * sqrt(2 * (1 - r))

    `sd` is the spread of the score in a reference group (the norm SD, on the 0–100 scale)
    and `r` the instrument's reliability (test–retest r for the short forms, Cronbach's
    alpha for the multi-item forms). With sd = 18 and r = 0.80, RC ≈ 22.3 points.
    """
    if not (isinstance(sd, int | float) and math.isfinite(sd) and sd > 0):
        raise DomainError(f"reliable change: the norm SD must be a positive number, not {sd!r}")
    if not (isinstance(r, int | float) and 0 <= r < 1):
        raise DomainError(f"reliable change: the reliability must be in [0, 1), not {r!r}")
    return 1.96 * float(sd) * math.sqrt(2.0 * (1.0 - float(r)))


@dataclass(frozen=True)
class Item:
    """One question of a form. `dimension` says what it measures (or `free_text`)."""

    code: str
    dimension: str
    text: Mapping[str, str]
    reversed: bool = False
    optional: bool = False
    scale_min: int | None = None
    scale_max: int | None = None

    @property
    def is_free_text(self) -> bool:
        return self.dimension == FREE_TEXT


@dataclass(frozen=True)
class Reliability:
    """How reliable the overall score is, and the norm SD used for reliable change."""

    kind: str
    value: float
    norm_sd: float
    note: str = ""

    @property
    def reliable_change(self) -> float:
        return reliable_change(self.norm_sd, self.value)


@dataclass(frozen=True)
class ScoringRules:
    dimension_min_items: int
    overall_min_dimensions: int
    reliability: Reliability


@dataclass(frozen=True)
class Instrument:
    """A versioned check-in form for one kind of rater, in one or more languages."""

    code: str
    version: int
    rater: str
    languages: tuple[str, ...]
    title: Mapping[str, str]
    items: tuple[Item, ...]
    scoring: ScoringRules
    intro: Mapping[str, str] = field(default_factory=dict)
    anchors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @cached_property
    def rating_items(self) -> tuple[Item, ...]:
        """The items that take a number, in form order (the columns of `score_matrix`)."""
        return tuple(i for i in self.items if not i.is_free_text)

    @cached_property
    def free_text_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.is_free_text)

    @property
    def has_estimates(self) -> bool:
        return any(i.dimension in ESTIMATES for i in self.items)

    @property
    def required_items(self) -> tuple[Item, ...]:
        """Items the form should ask for as required (scoring still tolerates gaps)."""
        return tuple(i for i in self.items if not i.optional)

    def item(self, code: str) -> Item:
        for it in self.items:
            if it.code == code:
                return it
        raise DomainError(f"instrument {self.code!r} has no item {code!r}")

    def columns_for(self, dimension: str) -> list[int]:
        """Column indexes (into `rating_items`) of the items measuring `dimension`."""
        return [j for j, it in enumerate(self.rating_items) if it.dimension == dimension]


@dataclass(frozen=True)
class Scores:
    """One scored answer sheet. Scores are 0–100; None means "not enough answers"."""

    dimensions: Mapping[str, float | None]
    overall: float | None
    estimates: Mapping[str, float | None]
    estimate_overall: float | None
    extras: Mapping[str, float | None]
    at_max: bool
    answered: int
    free_text: Mapping[str, str]


@dataclass(frozen=True)
class ScoreArrays:
    """Many scored answer sheets: row r of each array belongs to row r of the input."""

    dims: np.ndarray  # float32 [m, 5], NaN = not scored
    overall: np.ndarray  # float32 [m]
    estimates: np.ndarray  # float32 [m, 5], all NaN if the form has no estimate items
    estimate_overall: np.ndarray  # float32 [m]
    extras: Mapping[str, np.ndarray]  # float32 [m] per extra the form has
    at_max: np.ndarray  # bool [m]
    answered: np.ndarray  # int32 [m]


# --------------------------------------------------------------------------- loading


def _fail(where: str, message: str) -> DomainError:
    return DomainError(f"{where}: {message}")


def _check_keys(where: str, data: Mapping[str, Any], allowed: set[str], required: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(map(repr, unknown))}")
    missing = sorted(required - set(data))
    if missing:
        raise _fail(where, f"missing key(s) {', '.join(map(repr, missing))}")


def _mapping(where: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, f"expected a mapping, got {type(value).__name__}")
    return value


def _int(where: str, value: Any, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, f"expected a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise _fail(where, f"must be at least {minimum}, got {value}")
    return value


def _bool(where: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, f"expected true or false, got {value!r}")
    return value


def _texts(where: str, value: Any, languages: Sequence[str]) -> dict[str, str]:
    texts = _mapping(where, value)
    out: dict[str, str] = {}
    for lang in languages:
        text = texts.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise _fail(where, f"no text in language {lang!r}")
        out[lang] = text.strip()
    extra = sorted(set(texts) - set(languages))
    if extra:
        raise _fail(where, f"text in undeclared language(s) {', '.join(map(repr, extra))}")
    return out


def _item(where: str, data: Any, languages: Sequence[str], scale: tuple[int, int]) -> Item:
    d = _mapping(where, data)
    _check_keys(where, d, {"code", "dimension", "text", "reversed", "optional", "scale"},
                {"code", "dimension", "text"})
    code = d["code"]
    if not isinstance(code, str) or not _CODE.match(code):
        raise _fail(where, f"item code {code!r} must be lower-case letters, digits, _ or -")
    where = f"{where} ({code})"
    dimension = d["dimension"]
    if dimension not in ITEM_DIMENSIONS:
        raise _fail(where, f"dimension {dimension!r} is not one of {sorted(ITEM_DIMENSIONS)}")
    reverse = _bool(f"{where} reversed", d.get("reversed", False))
    optional = _bool(f"{where} optional", d.get("optional", False))
    text = _texts(f"{where} text", d["text"], languages)
    if dimension == FREE_TEXT:
        if reverse or "scale" in d:
            raise _fail(where, "a free-text item has no scale and cannot be reversed")
        return Item(code, dimension, text, False, optional)
    lo, hi = scale
    if "scale" in d:
        lo, hi = _scale(f"{where} scale", d["scale"], anchors=False)
    return Item(code, dimension, text, reverse, optional, lo, hi)


def _scale(where: str, data: Any, *, anchors: bool = True) -> tuple[int, int]:
    s = _mapping(where, data)
    _check_keys(where, s, {"min", "max", "anchors"} if anchors else {"min", "max"},
                {"min", "max"})
    lo, hi = _int(f"{where} min", s["min"]), _int(f"{where} max", s["max"])
    if lo >= hi:
        raise _fail(where, f"min ({lo}) must be below max ({hi})")
    return lo, hi


def _reliability(where: str, data: Any) -> Reliability:
    d = _mapping(where, data)
    _check_keys(where, d, {"kind", "value", "norm_sd", "note"}, {"kind", "value", "norm_sd"})
    kind = d["kind"]
    if kind not in RELIABILITY_KINDS:
        raise _fail(where, f"kind {kind!r} is not one of {list(RELIABILITY_KINDS)}")
    value, sd = d["value"], d["norm_sd"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise _fail(where, f"value must be a number between 0 and 1, got {value!r}")
    if isinstance(sd, bool) or not isinstance(sd, int | float) or not 0 < sd <= 100:
        raise _fail(where, f"norm_sd must be a number in (0, 100] points, got {sd!r}")
    note = d.get("note", "")
    if not isinstance(note, str):
        raise _fail(where, "note must be text")
    return Reliability(kind, float(value), float(sd), note.strip())


def instrument_from_dict(data: Any) -> Instrument:
    """Build an `Instrument` from parsed YAML, or raise `DomainError` saying what is wrong."""
    d = _mapping("instrument", data)
    code = d.get("code")
    where = f"instrument {code!r}" if isinstance(code, str) else "instrument"
    _check_keys(where, d,
                {"code", "version", "rater", "languages", "title", "intro", "scale",
                 "scoring", "items"},
                {"code", "version", "rater", "languages", "title", "scale", "scoring",
                 "items"})
    if not isinstance(code, str) or not _CODE.match(code):
        raise _fail(where, "code must be lower-case letters, digits, _ or -")
    version = _int(f"{where} version", d["version"], minimum=1)
    rater = d["rater"]
    if rater not in RATERS:
        raise _fail(where, f"rater {rater!r} is not one of {list(RATERS)}")
    languages = d["languages"]
    if (not isinstance(languages, list) or not languages
            or not all(isinstance(x, str) and x for x in languages)
            or len(set(languages)) != len(languages)):
        raise _fail(where, "languages must be a non-empty list of distinct language codes")
    langs = tuple(languages)
    title = _texts(f"{where} title", d["title"], langs)
    intro = _texts(f"{where} intro", d["intro"], langs) if "intro" in d else {}
    scale = _scale(f"{where} scale", d["scale"])
    anchors: dict[str, dict[str, str]] = {}
    raw_anchors = _mapping(f"{where} scale", d["scale"]).get("anchors")
    if raw_anchors is not None:
        a = _mapping(f"{where} scale anchors", raw_anchors)
        _check_keys(f"{where} scale anchors", a, {"min", "max"}, {"min", "max"})
        anchors = {k: _texts(f"{where} scale anchors {k}", a[k], langs) for k in ("min", "max")}

    scoring = _mapping(f"{where} scoring", d["scoring"])
    _check_keys(f"{where} scoring", scoring,
                {"dimension_min_items", "overall_min_dimensions", "reliability"},
                {"dimension_min_items", "overall_min_dimensions", "reliability"})
    min_items = _int(f"{where} scoring dimension_min_items", scoring["dimension_min_items"],
                     minimum=1)
    min_dims = _int(f"{where} scoring overall_min_dimensions",
                    scoring["overall_min_dimensions"], minimum=1)
    if min_dims > len(DIMENSIONS):
        raise _fail(where, f"overall_min_dimensions cannot exceed {len(DIMENSIONS)}")
    rules = ScoringRules(min_items, min_dims,
                         _reliability(f"{where} scoring reliability", scoring["reliability"]))

    raw_items = d["items"]
    if not isinstance(raw_items, list) or not raw_items:
        raise _fail(where, "items must be a non-empty list")
    items = tuple(_item(f"{where} item {n + 1}", it, langs, scale)
                  for n, it in enumerate(raw_items))
    codes = [i.code for i in items]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise _fail(where, f"duplicate item code(s) {', '.join(map(repr, dupes))}")
    counts = {k: sum(1 for i in items if i.dimension == k) for k in ITEM_DIMENSIONS}
    # A form need not cover every dimension (a licensed published form may map onto some of
    # them), but each dimension it covers must be scorable, and it must cover at least as
    # many dimensions as its overall score needs.
    short = [k for k in DIMENSIONS if 0 < counts[k] < min_items]
    if short:
        raise _fail(where, f"dimension(s) {', '.join(short)} have fewer than "
                           f"dimension_min_items ({min_items}) items")
    covered = sum(1 for k in DIMENSIONS if counts[k])
    if covered < min_dims:
        raise _fail(where, f"the form covers {covered} dimension(s) but its overall score "
                           f"needs {min_dims} (overall_min_dimensions)")
    present = [k for k in ESTIMATES if counts[k]]
    if present and len(present) != len(ESTIMATES):
        missing = [k for k in ESTIMATES if not counts[k]]
        raise _fail(where, f"estimate items must cover all five dimensions; missing "
                           f"{', '.join(missing)}")
    return Instrument(code, version, rater, langs, title, items, rules, intro, anchors)


def load_instrument(path: str | Path) -> Instrument:
    """Read one YAML instrument file."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DomainError(f"{p.name}: cannot read the instrument: {exc}") from exc
    instrument = instrument_from_dict(data)
    if p.stem != instrument.code:
        raise DomainError(f"{p.name}: the file name must be the code ({instrument.code}.yaml)")
    return instrument


def shipped_instruments(directory: str | Path = INSTRUMENTS_DIR) -> dict[str, Instrument]:
    """Every instrument shipped with Keywork, by code."""
    return {p.stem: load_instrument(p) for p in sorted(Path(directory).glob("*.yaml"))}


# --------------------------------------------------------------------------- scoring


def _mean_where(values: np.ndarray, need: int) -> np.ndarray:
    """Row means of the non-NaN cells, NaN where fewer than `need` cells are present."""
    present = ~np.isnan(values)
    count = present.sum(axis=1)
    total = np.where(present, values, 0.0).sum(axis=1)
    mean = total / np.maximum(count, 1)
    return np.where(count >= need, mean, np.nan).astype(np.float32)


def _score_keys(instrument: Instrument, scaled: np.ndarray,
                keys: Sequence[str]) -> np.ndarray:
    m = scaled.shape[0]
    out = np.full((m, len(keys)), np.nan, dtype=np.float32)
    for j, key in enumerate(keys):
        cols = instrument.columns_for(key)
        if cols:
            need = min(instrument.scoring.dimension_min_items, len(cols))
            out[:, j] = _mean_where(scaled[:, cols], need)
    return out


def score_matrix(instrument: Instrument, values: np.ndarray) -> ScoreArrays:
    """Score many answer sheets at once.

    `values` has one row per answer sheet and one column per rating item, in the order of
    `instrument.rating_items`; NaN marks an unanswered item. Returns float32 scores 0–100.
    """
    raw = np.asarray(values, dtype=np.float64)
    items = instrument.rating_items
    if raw.ndim != 2 or raw.shape[1] != len(items):
        raise DomainError(f"instrument {instrument.code!r}: expected an array of shape "
                          f"(m, {len(items)}), got {raw.shape}")
    lo = np.array([i.scale_min for i in items], dtype=np.float64)
    hi = np.array([i.scale_max for i in items], dtype=np.float64)
    answered = ~np.isnan(raw)
    outside = answered & ((raw < lo) | (raw > hi))
    if outside.any():
        row, col = (int(x[0]) for x in np.nonzero(outside))
        raise DomainError(f"instrument {instrument.code!r}: answer {raw[row, col]} to item "
                          f"{items[col].code!r} is outside {int(lo[col])}–{int(hi[col])}")
    scaled = (raw - lo) / (hi - lo) * 100.0
    flip = np.array([i.reversed for i in items], dtype=bool)
    scaled[:, flip] = 100.0 - scaled[:, flip]

    dims = _score_keys(instrument, scaled, DIMENSIONS)
    min_dims = instrument.scoring.overall_min_dimensions
    overall = _mean_where(dims, min_dims)
    estimates = _score_keys(instrument, scaled, ESTIMATES)
    estimate_overall = _mean_where(estimates, min_dims)
    extras = {k: _score_keys(instrument, scaled, (k,))[:, 0]
              for k in EXTRAS if instrument.columns_for(k)}

    core = np.isin(np.array([i.dimension for i in items]), DIMENSIONS)
    core_answered = answered[:, core]
    at_top = np.where(core_answered, scaled[:, core] >= 100.0, True).all(axis=1)
    at_max = np.asarray(at_top & core_answered.any(axis=1), dtype=bool)
    return ScoreArrays(dims, overall, estimates, estimate_overall, extras, at_max,
                       answered.sum(axis=1).astype(np.int32))


def _none(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 2)


def score_responses(instrument: Instrument, answers: Mapping[str, Any]) -> Scores:
    """Score one answer sheet: `answers` maps item codes to a number, text or None.

    Scores come back rounded to two decimals, None where the rules leave them unscored.

    Unknown item codes, answers off the scale, and text given to a rating item (or a
    number to a free-text item) raise `DomainError`. A missing or None answer is simply
    unanswered; the minimum-items rules of the module docstring decide what is scored.
    """
    known = {i.code for i in instrument.items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise DomainError(f"instrument {instrument.code!r}: unknown item(s) "
                          f"{', '.join(map(repr, unknown))}")
    row = np.full((1, len(instrument.rating_items)), np.nan)
    for j, item in enumerate(instrument.rating_items):
        value = answers.get(item.code)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not value.is_integer()):
            raise DomainError(f"instrument {instrument.code!r}: item {item.code!r} takes a "
                              f"whole number, got {value!r}")
        row[0, j] = value
    free_text: dict[str, str] = {}
    for item in instrument.free_text_items:
        value = answers.get(item.code)
        if value is None:
            continue
        if not isinstance(value, str):
            raise DomainError(f"instrument {instrument.code!r}: item {item.code!r} takes "
                              f"text, got {value!r}")
        if value.strip():
            free_text[item.code] = value.strip()
    s = score_matrix(instrument, row)
    has_est = instrument.has_estimates
    return Scores(
        dimensions={k: _none(s.dims[0, j]) for j, k in enumerate(DIMENSIONS)},
        overall=_none(s.overall[0]),
        estimates={k: _none(s.estimates[0, j]) for j, k in enumerate(ESTIMATES)}
        if has_est else {},
        estimate_overall=_none(s.estimate_overall[0]),
        extras={k: _none(v[0]) for k, v in s.extras.items()},
        at_max=bool(s.at_max[0]),
        answered=int(s.answered[0]) + len(free_text),
        free_text=free_text,
    )

"""Check-ins from both sides for the demo service, shaped by each relationship's planted
pattern (``demo.patterns``), with noise.

- Friendly and trustful: both sides warm (client around 76–92, the worker a little lower),
  steady from one check-in to the next; a few clients answer everything at the top.
- Polite and neutral: both sides middling (around 55–66) and steady.
- Ambivalent and conflicted, one of three kinds: the client's ratings are low while the
  worker's are middling; the worker rates far below a warm client (the two see the
  relationship very differently); or the client's ratings swing from one check-in to the
  next.

Clients check in about every two weeks and skip some; workers likewise. Answers are whole
numbers on the forms' 0–10 scales; the scores stored are what the forms' scoring gives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import polars as pl

from keywork.accounts.models import User
from keywork.checkins.models import CheckinResponse, SharingChoice
from keywork.clients.models import Client
from keywork.demo.columns import DAY, HOUR, Clock, Frame, col_int, col_str, col_time, rng_for
from keywork.demo.contact_plan import Dyads
from keywork.demo.patterns import AMBIVALENT, FRIENDLY, POLITE
from keywork.domain.instruments import DIMENSIONS
from keywork.organisations.models import Organisation
from keywork.relationships.models import Relationship

EVERY_DAYS = 14
CLIENT_ANSWERS = 0.85
WORKER_ANSWERS = 0.9

HELPED = {
    FRIENDLY: ["You listened without rushing me.", "Going with me to the housing office.",
               "That you remembered my daughter's birthday.", "Honest talk, no lectures.",
               "You called when you said you would."],
    POLITE: ["The appointments were on time.", "Help with the forms.", "It was fine.",
             "Getting the information I needed."],
    AMBIVALENT: ["Not much this time.", "The group was better than our talks.",
                 "When you finally called back.", ""],
}
BETTER = {
    FRIENDLY: ["", "", "More time on Fridays.", "Nothing right now."],
    POLITE: ["Talk about more than the rules.", "", "Ask me what I think.",
             "Less paperwork in our meetings."],
    AMBIVALENT: ["You don't listen to me.", "Stop deciding things without me.",
                 "I never know when you will be here.", "Tell me what you write about me.",
                 "Be straight with me."],
}


# The same words in Swedish, one for one, for clients who write Swedish (most of the
# demo service's clients): a client's own words are in their own language.
HELPED_SV = {
    FRIENDLY: ["Du lyssnade utan att stressa mig.", "Att du följde med till bostadskontoret.",
               "Att du kom ihåg min dotters födelsedag.", "Ärligt prat, inga pekpinnar.",
               "Du ringde när du sa att du skulle."],
    POLITE: ["Tiderna hölls.", "Hjälp med blanketterna.", "Det var okej.",
             "Jag fick den information jag behövde."],
    AMBIVALENT: ["Inte mycket den här gången.", "Gruppen var bättre än våra samtal.",
                 "När du till slut ringde tillbaka.", ""],
}
BETTER_SV = {
    FRIENDLY: ["", "", "Mer tid på fredagar.", "Inget just nu."],
    POLITE: ["Prata om mer än reglerna.", "", "Fråga vad jag tycker.",
             "Mindre pappersarbete på våra möten."],
    AMBIVALENT: ["Du lyssnar inte på mig.", "Sluta bestämma saker utan mig.",
                 "Jag vet aldrig när du är här.", "Berätta vad du skriver om mig.",
                 "Var rak med mig."],
}

# The demo service lets keyworkers see their clients' answers (the policy's most open
# setting), and some clients choose less for their own relationship: most keep the
# service's setting, a quarter share only the pattern and the trend, one in ten nothing.
DEMO_POLICY = "scores"
SHARING = (("", 0.65), ("pattern", 0.25), ("nothing", 0.10))


def sharing_choices(seed: int, relationships: int) -> np.ndarray:
    """Per relationship, the client's own sharing choice ("" for none: the policy's)."""
    rng = rng_for(seed, "sharing")
    values = np.array([v for v, _ in SHARING], dtype=object)
    return rng.choice(values, size=relationships, p=[p for _, p in SHARING])


def sharing_frame(*, seed: int, dyads: Dyads, organisation_local_id: int = 1) -> Frame:
    """The clients' choices of what their keyworker sees, one row per relationship that
    has one."""
    choice = sharing_choices(seed, dyads.client.size)
    rel = np.flatnonzero(choice != "")
    df = pl.DataFrame([
        col_int("id", np.arange(1, rel.size + 1)),
        col_int("organisation_id", np.full(rel.size, organisation_local_id)),
        col_int("relationship_id", rel + 1),
        col_str("visibility", list(choice[rel])),
    ])
    return Frame(SharingChoice, df, {"organisation_id": Organisation,
                                     "relationship_id": Relationship})


@dataclass(frozen=True)
class Forms:
    """The instrument versions the demo answers, with their rating-item codes by dimension."""

    client_version_id: int
    worker_version_id: int
    client_items: dict[str, str]  # dimension or extra → item code
    worker_items: dict[str, str]


def _levels(rng: np.random.Generator, pattern: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per relationship: client level, worker level, client swing, the worker's guess."""
    n = pattern.size
    client = np.empty(n)
    worker = np.empty(n)
    swing = np.zeros(n)
    f, p, a = pattern == FRIENDLY, pattern == POLITE, pattern == AMBIVALENT
    client[f] = rng.uniform(77, 92, f.sum())
    worker[f] = client[f] - rng.uniform(0, 5, f.sum())
    top = f & (rng.random(n) < 0.08)
    client[top] = 100.0
    worker[top] = rng.uniform(91, 96, top.sum())
    client[p] = rng.uniform(55, 65, p.sum())
    worker[p] = client[p] + rng.uniform(-4, 4, p.sum())
    kind = rng.integers(0, 3, n)
    low, gap, swings = a & (kind == 0), a & (kind == 1), a & (kind == 2)
    client[low] = rng.uniform(28, 44, low.sum())
    worker[low] = rng.uniform(54, 66, low.sum())
    client[gap] = rng.uniform(74, 88, gap.sum())
    worker[gap] = client[gap] - rng.uniform(28, 38, gap.sum())
    client[swings] = rng.uniform(56, 66, swings.sum())
    worker[swings] = rng.uniform(56, 66, swings.sum())
    swing[swings] = rng.uniform(20, 26, swings.sum())
    guess = np.where(gap, client, client + rng.normal(0, 6, n))
    return client, worker, swing, guess


def _slots(rng: np.random.Generator, dyads: Dyads, answer: float, offset: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(relationship index, day, ordinal) of every check-in one side gives."""
    count = np.maximum((dyads.length - offset) // EVERY_DAYS + 1, 0)
    count[dyads.length <= 0] = 0
    rel = np.repeat(np.arange(count.size), count)
    ordinal = np.arange(rel.size) - np.repeat(np.cumsum(count) - count, count)
    day = dyads.start[rel] + offset + ordinal * EVERY_DAYS + rng.integers(-2, 3, rel.size)
    day = np.minimum(day, dyads.start[rel] + np.maximum(dyads.length[rel], 0))
    keep = rng.random(rel.size) < answer
    return rel[keep], day[keep], ordinal[keep]


def _answers(rng: np.random.Generator, level: np.ndarray, spread: float) -> np.ndarray:
    """Five dimension answers 0–10 around each level (0–100)."""
    raw = level[:, None] + rng.normal(0, spread, (level.size, len(DIMENSIONS)))
    answers = np.clip(np.rint(raw / 10.0), 0, 10)
    answers[level >= 100.0] = 10
    return answers


def checkin_frame(*, seed: int, clock: Clock, dyads: Dyads, forms: Forms,
                  client_swedish: np.ndarray | None = None,
                  organisation_local_id: int = 1) -> Frame:
    """Both sides' check-ins of every relationship, as one frame of ``CheckinResponse``.
    ``client_swedish``: per local client id (index 0 unused), whether the client writes
    Swedish; their own words are then in Swedish. Each client check-in keeps the
    client's sharing choice (``sharing_choices``) as given with it."""
    rng = rng_for(seed, "checkins")
    client_level, worker_level, swing, guess = _levels(rng, dyads.pattern)
    c_rel, c_day, c_ord = _slots(rng, dyads, CLIENT_ANSWERS, 6)
    w_rel, w_day, _ = _slots(rng, dyads, WORKER_ANSWERS, 5)
    c_level = client_level[c_rel] + np.where(c_ord % 2 == 0, 1, -1) * swing[c_rel]
    c_level = np.clip(c_level + rng.normal(0, 3, c_rel.size), 0, 100)
    c_level[client_level[c_rel] >= 100] = 100
    w_level = np.clip(worker_level[w_rel] + rng.normal(0, 3, w_rel.size), 0, 100)
    c_ans = _answers(rng, c_level, 5.0)
    w_ans = _answers(rng, w_level, 5.0)
    e_ans = _answers(rng, np.clip(guess[w_rel], 0, 100), 5.0)
    role = rng.integers(5, 11, c_rel.size)
    power = np.clip(np.rint(c_level / 10 + rng.normal(0, 1.5, c_rel.size)), 0, 10)

    rows_rel = np.concatenate([c_rel, w_rel])
    rater = ["client"] * c_rel.size + ["keyworker"] * w_rel.size
    day = np.concatenate([c_day, w_day])
    seconds = rng.integers(9 * HOUR, 19 * HOUR, day.size)
    dims = np.vstack([c_ans, w_ans]) * 10.0
    overall = dims.mean(axis=1)
    estimate = np.concatenate([np.full(c_rel.size, np.nan), (e_ans * 10.0).mean(axis=1)])
    at_max = np.concatenate([(c_ans == 10).all(axis=1), (w_ans == 10).all(axis=1)])

    answers: list[str] = []
    ci, wi = forms.client_items, forms.worker_items
    for j in range(c_rel.size):
        a = {ci[d]: int(c_ans[j, k]) for k, d in enumerate(DIMENSIONS)}
        a[ci["role_clarity"]] = int(role[j])
        a[ci["confirmed_power"]] = int(power[j])
        answers.append(json.dumps(a))
    for j in range(w_rel.size):
        a = {wi[d]: int(w_ans[j, k]) for k, d in enumerate(DIMENSIONS)}
        a.update({wi["estimate_" + d]: int(e_ans[j, k]) for k, d in enumerate(DIMENSIONS)})
        answers.append(json.dumps(a))

    pattern = dyads.pattern[rows_rel]
    pick = rng.random(day.size)
    helped, better = [], []
    for j in range(day.size):
        if j >= c_rel.size or pick[j] < 0.35:
            helped.append("")
            better.append("")
            continue
        p = int(pattern[j])
        swedish = client_swedish is not None and bool(client_swedish[dyads.client[rows_rel[j]]])
        said, wish = (HELPED_SV, BETTER_SV) if swedish else (HELPED, BETTER)
        helped.append(said[p][int(pick[j] * 1000) % len(said[p])])
        better.append(wish[p][int(pick[j] * 7919) % len(wish[p])])
    choice = sharing_choices(seed, dyads.client.size)
    given_with = [str(choice[r]) or DEMO_POLICY for r in c_rel]

    n = day.size
    keys = [bytes(b).hex() for b in rng.integers(0, 256, (n, 16), dtype=np.uint8)]
    version = np.where(np.arange(n) < c_rel.size, forms.client_version_id,
                       forms.worker_version_id)
    df = pl.DataFrame([
        col_int("id", np.arange(1, n + 1)),
        col_int("organisation_id", np.full(n, organisation_local_id)),
        col_int("relationship_id", rows_rel + 1),
        col_int("client_id", dyads.client[rows_rel]),
        col_int("instrument_version_id", version),
        col_str("rater", rater),
        col_time("submitted_at", clock.at(day, seconds)),
        col_int("submitted_by_id", np.concatenate([np.zeros(c_rel.size, dtype=np.int64),
                                                   dyads.keyworker[w_rel]]),
                null=np.arange(n) < c_rel.size),
        col_str("mode", ["link"] * c_rel.size + ["staff"] * w_rel.size),
        col_str("answers", answers),
        *[pl.Series(f"score_{d}", dims[:, k], dtype=pl.Float64)
          for k, d in enumerate(DIMENSIONS)],
        pl.Series("overall", overall, dtype=pl.Float64),
        pl.Series("estimate_overall", estimate, dtype=pl.Float64).fill_nan(None),
        pl.Series("at_max", at_max, dtype=pl.Boolean),
        col_str("helped", helped),
        col_str("could_be_better", better),
        col_str("idempotency_key", keys),
        pl.Series("visibility", given_with + [None] * w_rel.size, dtype=pl.String),
    ])
    _ = DAY
    return Frame(CheckinResponse, df, {"organisation_id": Organisation,
                                       "relationship_id": Relationship,
                                       "client_id": Client, "submitted_by_id": User})

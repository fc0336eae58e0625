"""The contact log of the demo service: rhythms that differ by setting and pattern.

Residential centres: near-daily everyday contact on the unit and a weekly planned session.
Community teams: weekly or fortnightly sessions, calls and messages. Did-not-attend is
more common in criminal justice and in ambivalent relationships; some keyworkers are hard
to reach (few contacts, long gaps); some clients contact their worker constantly; a few
contacts are made on personal phones and marked for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import models

from keywork.accounts.models import User
from keywork.clients.models import Client
from keywork.contacts.models import Addendum, Contact
from keywork.demo import patterns
from keywork.demo import vocabulary as vocab
from keywork.demo.columns import (
    DAY,
    HOUR,
    Clock,
    Frame,
    col_bool,
    col_int,
    col_pick,
    col_time,
    offsets,
    rng_for,
    within,
)
from keywork.organisations.models import Organisation
from keywork.relationships.models import Relationship

# Relationships per batch of contacts: fixed, so batches (and ids) never depend on the machine.
CONTACT_BATCH = 20_000
RESIDENTIAL, JUSTICE, OUTPATIENT = range(3)
KINDS = ("session", "everyday", "phone", "message", "advocacy", "group")
SESSION, EVERYDAY, PHONE, MESSAGE, ADVOCACY, GROUP = range(6)
INITIATORS = ("worker", "client", "other")
CHANNELS = ("in_person", "org_phone", "org_message", "personal_device")
# Contact rates per day in each setting: residential, criminal justice, outpatient.
RATES = {
    EVERYDAY: (0.55, 0.0, 0.0),
    PHONE: (0.015, 0.12, 0.11),
    MESSAGE: (0.01, 0.09, 0.1),
    ADVOCACY: (1 / 35, 1 / 21, 1 / 30),
    GROUP: (0.1, 0.04, 0.06),
}
NOT_ATTENDED = (0.04, 0.19, 0.11)
# (earliest, latest) local start of a contact in seconds after midnight, and the step.
HOURS = {
    SESSION: (9 * HOUR, 16 * HOUR, 900),
    EVERYDAY: (8 * HOUR, 21 * HOUR, 60),
    PHONE: (8 * HOUR + 1800, 19 * HOUR, 60),
    MESSAGE: (7 * HOUR + 1800, 22 * HOUR, 60),
    ADVOCACY: (9 * HOUR, 15 * HOUR, 1800),
    GROUP: (10 * HOUR, 14 * HOUR + 1800, 1800),
}


@dataclass(frozen=True)
class Dyads:
    """What the contact rhythm needs to know about each relationship, one row each."""

    client: np.ndarray  # local client id
    keyworker: np.ndarray  # local user id
    deputy: np.ndarray  # local user id, 0 without a deputy
    start: np.ndarray  # first day with contact
    length: np.ndarray  # days with contact (0 for a relationship not started)
    setting: np.ndarray  # RESIDENTIAL, JUSTICE or OUTPATIENT
    child_protection: np.ndarray  # the episode rests on child-protection pressure
    pattern: np.ndarray  # planted pattern code
    stretched: np.ndarray  # the keyworker is hard to reach
    texter: np.ndarray  # the keyworker sometimes uses a personal phone


class ContactPlan:
    """Contacts in batches of relationships; each batch has its own generator."""

    def __init__(self, *, seed: int, clock: Clock, dyads: Dyads):
        self.seed = seed
        self.clock = clock
        rng = rng_for(seed, "contact-rhythm")
        r = len(dyads.client)
        self.r = r
        self.client = dyads.client
        self.keyworker = dyads.keyworker
        self.dyads = dyads
        self.deputy = dyads.deputy
        self.start = dyads.start
        self.length = dyads.length
        self.setting = dyads.setting
        self.stretched = dyads.stretched
        self.texter = dyads.texter
        rhythm = patterns.rhythm_table(dyads.pattern)
        self.everyday = rhythm["everyday"]
        self.client_everyday = rhythm["client_starts_everyday"]
        self.client_remote = rhythm["client_starts_remote"]
        self.client_sessions = rhythm["client_starts_sessions"]
        base = np.asarray(NOT_ATTENDED)[self.setting]
        self.not_attended = np.minimum(base * rhythm["not_attended"], 0.6)
        self.skip = rhythm["skipped_sessions"] + 0.4 * self.stretched
        self.period = np.select(
            [self.setting == RESIDENTIAL, self.setting == JUSTICE],
            [np.full(r, 7), np.where(rng.random(r) < 0.8, 7, 14)],
            np.where(rng.random(r) < 0.45, 7, 14))
        self.advocacy = np.where(dyads.child_protection, 1 / 18,
                                 np.asarray(RATES[ADVOCACY])[self.setting])
        long_enough = self.length >= 14
        constant = (rng.random(r) < rhythm["constant_contact"]) & long_enough
        if not constant.any() and long_enough.any():
            # Every demo has at least one client who contacts their worker constantly.
            ambivalent = dyads.pattern == patterns.AMBIVALENT
            pool = ambivalent if (ambivalent & long_enough).any() else np.ones(r, dtype=bool)
            constant[int(np.argmax(np.where(pool, self.length, -1)))] = True
        self.constant = constant
        self.constant_rate = rng.uniform(0.6, 1.5, r)
        self.gap = rng.random(r) < np.minimum(rhythm["gap"] + 0.5 * self.stretched, 0.95)
        self.gap_start = self.start + np.floor(rng.random(r) * self.length).astype(np.int64)
        self.gap_length = rng.integers(14, 36, r)
        self.batch_count = max(1, -(-r // CONTACT_BATCH))
        # Every note text in one list; per kind of contact, where its notes start.
        done = [vocab.NOTES[k] for k in KINDS]
        missed = [vocab.NOTES_NOT_ATTENDED.get(k, ("",)) for k in KINDS]
        groups = [("",), *done, *missed, vocab.NOTES_CONSTANT, vocab.NOTES_PERSONAL_DEVICE]
        self.notes, starts = offsets(groups)
        kinds = len(KINDS)
        self.done_at = np.array(starts[1:1 + kinds])
        self.done_count = np.array([len(g) for g in done])
        self.missed_at = np.array(starts[1 + kinds:1 + 2 * kinds])
        self.missed_count = np.array([len(g) for g in missed])
        self.constant_at = starts[1 + 2 * kinds]
        self.device_at = starts[2 + 2 * kinds]

    def batches(self) -> Iterator[tuple[Frame, Frame]]:
        next_contact, next_addendum = 1, 1
        for b in range(self.batch_count):
            lo, hi = b * CONTACT_BATCH, min((b + 1) * CONTACT_BATCH, self.r)
            contacts, addenda = self._batch(b, lo, hi, next_contact, next_addendum)
            next_contact += contacts.df.height
            next_addendum += addenda.df.height
            yield contacts, addenda

    def _stream(self, rng: np.random.Generator, rel: np.ndarray, rate: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        counts = rng.poisson(rate * self.length[rel])
        rows = np.repeat(rel, counts)
        day = self.start[rows] + np.floor(rng.random(len(rows)) * self.length[rows]).astype(
            np.int64)
        return rows, day

    def _batch(self, b: int, lo: int, hi: int, first_contact: int, first_addendum: int
               ) -> tuple[Frame, Frame]:
        rng = rng_for(self.seed, f"contacts:{b}")
        rel = np.arange(lo, hi)
        setting = self.setting[rel]
        parts: list[tuple[np.ndarray, np.ndarray, int, bool]] = []

        # Planned sessions: a regular rhythm, weekly or fortnightly, some never happen.
        period = self.period[rel]
        phase = np.floor(rng.random(len(rel)) * period).astype(np.int64)
        length = self.length[rel]
        counts = np.where(length > phase, (length - phase - 1) // period + 1, 0)
        rows = np.repeat(rel, counts)
        k = within(counts)
        day = (self.start[rows] + np.repeat(phase, counts) + k * np.repeat(period, counts)
               + rng.integers(-1, 2, len(rows)))
        keep = rng.random(len(rows)) >= self.skip[rows]
        parts.append((rows[keep], day[keep], SESSION, False))

        for stream in (EVERYDAY, PHONE, MESSAGE, GROUP):
            rate = np.asarray(RATES[stream])[setting]
            if stream == EVERYDAY:
                rate = rate * self.everyday[rel]
            rows, day = self._stream(rng, rel, rate)
            parts.append((rows, day, stream, False))
        rows, day = self._stream(rng, rel, self.advocacy[rel])
        parts.append((rows, day, ADVOCACY, False))
        constant = rel[self.constant[rel]]
        rows, day = self._stream(rng, constant, self.constant_rate[constant])
        as_message = rng.random(len(rows)) < 0.55
        parts.append((rows[as_message], day[as_message], MESSAGE, True))
        parts.append((rows[~as_message], day[~as_message], PHONE, True))

        rows = np.concatenate([p[0] for p in parts])
        day = np.concatenate([p[1] for p in parts])
        kind = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
        insistent = np.concatenate([np.full(len(p[0]), p[3]) for p in parts])
        n = len(rows)

        # Who started it.
        u = rng.random(n)
        client_share = np.select(
            [insistent, kind == SESSION, kind == EVERYDAY, (kind == PHONE) | (kind == MESSAGE)],
            [np.full(n, 0.95), self.client_sessions[rows], self.client_everyday[rows],
             self.client_remote[rows]], 0.0)
        other_share = np.select([kind == ADVOCACY, kind == GROUP], [0.35, 0.15], 0.0)
        initiator = np.where(u < client_share, 1, np.where(u < client_share + other_share, 2, 0))

        # Hard-to-reach workers start little; long gaps swallow contact (but not the calls
        # of a client who contacts constantly).
        drop = (self.stretched[rows] & (initiator == 0) & (kind != SESSION)
                & (rng.random(n) < 0.6))
        in_gap = (self.gap[rows] & (day >= self.gap_start[rows])
                  & (day < self.gap_start[rows] + self.gap_length[rows]) & ~insistent)
        keep = ~(drop | in_gap)
        rows, day, kind, insistent, initiator = (
            rows[keep], day[keep], kind[keep], insistent[keep], initiator[keep])
        n = len(rows)

        # Planned things happen on weekdays.
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        weekly = (kind == SESSION) | (kind == ADVOCACY) | (kind == GROUP)
        day = np.where(weekly & (weekday == 5), day - 1,
                       np.where(weekly & (weekday == 6), day + 1, day))
        day = np.clip(day, self.start[rows], self.start[rows] + self.length[rows] - 1)

        lo_h = np.zeros(n, dtype=np.int64)
        hi_h = np.zeros(n, dtype=np.int64)
        step = np.ones(n, dtype=np.int64)
        for kd, (earliest, latest, every) in HOURS.items():
            m = kind == kd
            lo_h[m], hi_h[m], step[m] = earliest, latest, every
        lo_h[insistent], hi_h[insistent], step[insistent] = 7 * HOUR, 23 * HOUR + 1800, 60
        slots = (hi_h - lo_h) // step + 1
        seconds = lo_h + np.floor(rng.random(n) * slots).astype(np.int64) * step

        duration = np.select(
            [kind == SESSION, kind == EVERYDAY, kind == PHONE, kind == MESSAGE,
             kind == ADVOCACY],
            [np.asarray([45, 50, 60, 60, 75])[rng.integers(0, 5, n)],
             rng.integers(5, 26, n), rng.integers(3, 26, n), rng.integers(1, 6, n),
             15 * rng.integers(3, 9, n)],
            np.asarray([60, 90, 90, 120])[rng.integers(0, 4, n)])
        duration = np.where(insistent, np.where(kind == PHONE, rng.integers(2, 16, n),
                                                rng.integers(1, 4, n)), duration)

        dna = self.not_attended[rows]
        miss = np.select(
            [kind == SESSION, kind == ADVOCACY, kind == GROUP,
             (kind == PHONE) & (initiator == 0)],
            [dna, dna * 0.8, dna * 0.7, dna * 0.7], 0.0)
        attended = rng.random(n) >= miss
        duration = np.where(attended, duration, np.where(kind == PHONE, 1, 0))

        remote = (kind == PHONE) | (kind == MESSAGE)
        channel = np.select([kind == PHONE, kind == MESSAGE], [1, 2], 0)
        personal = remote & (rng.random(n) < np.where(self.texter[rows], 0.18, 0.002))
        channel = np.where(personal, 3, channel)

        deputy = self.deputy[rows]
        worker = np.where((deputy > 0) & (rng.random(n) < 0.08), deputy, self.keyworker[rows])

        pick = rng.random(n)

        def chosen(at: np.ndarray | int, count: np.ndarray | int) -> np.ndarray:
            return at + np.floor(pick * count).astype(np.int64)

        note = np.where(attended, chosen(self.done_at[kind], self.done_count[kind]),
                        chosen(self.missed_at[kind], self.missed_count[kind]))
        note = np.where(insistent, chosen(self.constant_at, len(vocab.NOTES_CONSTANT)), note)
        note = np.where(personal, chosen(self.device_at, len(vocab.NOTES_PERSONAL_DEVICE)),
                        note)
        note = np.where((kind == EVERYDAY) & (rng.random(n) < 0.1), 0, note)  # no note

        occurred = self.clock.at(day, seconds)
        now = self.clock.now
        ends = occurred + duration * 60
        recent = occurred >= now - 3 * DAY
        signed = rng.random(n) < np.where(recent, 0.5, 0.997)
        signed_at = np.clip(ends + 300 + np.floor(rng.exponential(5 * HOUR, n)).astype(
            np.int64), occurred, now - 60)
        created = np.clip(ends + rng.integers(0, 5400, n), occurred, now - 60)
        created = np.where(signed, np.minimum(created, signed_at), created)
        updated = np.where(signed, signed_at, created)

        order = np.lexsort((occurred, rows))
        ids = np.arange(first_contact, first_contact + n)
        signed_o = signed[order]
        worker_o = worker[order]
        contacts = pl.DataFrame([
            col_int("id", ids),
            col_time("created_at", created[order]),
            col_time("updated_at", updated[order]),
            col_time("occurred_at", occurred[order]),
            col_int("duration_minutes", duration[order]),
            col_pick("kind", KINDS, kind[order]),
            col_pick("initiated_by", INITIATORS, initiator[order]),
            col_bool("attended", attended[order]),
            col_pick("channel", CHANNELS, channel[order]),
            col_bool("needs_review", personal[order]),
            col_pick("note", self.notes, note[order]),
            col_time("signed_at", signed_at[order], null=~signed_o),
            col_int("client_id", self.client[rows[order]]),
            col_int("created_by_id", worker_o),
            col_int("organisation_id", np.ones(n, dtype=np.int64)),
            col_int("relationship_id", rows[order] + 1),
            col_int("signed_by_id", worker_o, null=~signed_o),
            col_int("worker_id", worker_o),
        ])
        refs: dict[str, type[models.Model]] = {
            "client_id": Client, "created_by_id": User, "organisation_id": Organisation,
            "relationship_id": Relationship, "signed_by_id": User, "worker_id": User}

        # A few signed notes were corrected later by an addendum.
        signed_at_o = signed_at[order]
        corrected = np.flatnonzero(signed_o & (signed_at_o < now - 3 * HOUR)
                                   & (rng.random(n) < 0.006))
        na = len(corrected)
        added = np.minimum(signed_at_o[corrected] + rng.integers(3 * HOUR, 14 * DAY, na),
                           now - 60)
        addenda = pl.DataFrame([
            col_int("id", np.arange(first_addendum, first_addendum + na)),
            col_time("created_at", added),
            col_time("updated_at", added),
            col_pick("text", vocab.ADDENDA, rng.integers(0, len(vocab.ADDENDA), na)),
            col_int("author_id", worker_o[corrected]),
            col_int("organisation_id", np.ones(na, dtype=np.int64)),
            col_int("contact_id", ids[corrected]),
        ])
        return (Frame(Contact, contacts, refs),
                Frame(Addendum, addenda, {"author_id": User, "organisation_id": Organisation,
                                          "contact_id": Contact}))

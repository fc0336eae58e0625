"""The tables of the demo service as frames, from the planner's columns.

``service_frames`` turns what ``generate`` drew (clients, episodes, staff, relationships)
into one frame per table, with the local ids the loader shifts when it writes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from django_otp.plugins.otp_totp.models import TOTPDevice

from keywork.accounts.models import User
from keywork.clients.models import Client, Episode
from keywork.demo import vocabulary as vocab
from keywork.demo.columns import (
    HOUR,
    Frame,
    col_bool,
    col_date,
    col_int,
    col_pick,
    col_str,
    col_time,
    offsets,
    rng_for,
)
from keywork.organisations.models import LegalBasis, Membership, Organisation, Unit
from keywork.relationships.models import Introduction, Relationship

POST_CLOSURE_DAYS = 365

OUTCOMES = ("completed", "dropped_out", "transferred", "other")
COMPLETED, DROPPED_OUT, TRANSFERRED, OTHER_OUTCOME = range(4)
OUTCOME_WEIGHTS = {
    "voluntary": (0.82, 0.10, 0.05, 0.03),
    "compulsory_care": (0.52, 0.36, 0.10, 0.02),
    "criminal_justice_order": (0.55, 0.37, 0.04, 0.04),
    "child_protection": (0.74, 0.16, 0.06, 0.04),
    "other": (0.77, 0.13, 0.05, 0.05),
}
CONSENTS = ("given", "partial", "declined", "not_asked")
CONSENT_WEIGHTS = (0.80, 0.11, 0.05, 0.04)
STATUSES = ("proposed", "active", "ending", "closed")
PROPOSED, ACTIVE, ENDING, CLOSED = range(4)


def totp_key(seed: int, username: str) -> str:
    """The demo authenticator secret of a fixed login: derived from the seed, so the same
    demo always has the same codes (it is a demo: the password is printed too)."""
    digest = hmac.new(f"keywork-demo-totp:{seed}".encode(), username.encode(),
                      hashlib.sha256).digest()
    return digest[:20].hex()


def pick(rng: np.random.Generator, words: Sequence[str]) -> str:
    return words[int(rng.integers(0, len(words)))]


def service_frames(self: Any) -> list[Frame]:
    """Every table of the service but the contacts and check-ins, from the planner's
    columns (``generate._Planner``)."""
    rng = rng_for(self.seed, "texts")
    clock = self.clock
    today = self.today
    frames: list[Frame] = []
    created = clock.at(np.array([today - 400]), 8 * HOUR)[0]
    one = pl.Series("organisation_id", [1], dtype=pl.Int64)
    frames.append(Frame(Organisation, pl.DataFrame([
        pl.Series("id", [1], dtype=pl.Int64),
        col_str("name", [vocab.ORGANISATION_NAME]),
        col_str("slug", [vocab.ORGANISATION_SLUG]),
        col_bool("managers_see_records", np.array([False])),
        col_time("created_at", np.array([created])),
    ])))
    nu = len(vocab.UNITS)
    frames.append(Frame(Unit, pl.DataFrame([
        col_int("id", np.arange(1, nu + 1)),
        one.extend_constant(1, nu - 1),
        col_str("name", [u.name for u in vocab.UNITS]),
        col_str("kind", [u.kind for u in vocab.UNITS]),
        col_int("caseload_limit", np.array([u.caseload_limit for u in vocab.UNITS])),
    ]), {"organisation_id": Organisation}))
    nb = len(vocab.LEGAL_BASES)
    frames.append(Frame(LegalBasis, pl.DataFrame([
        col_int("id", np.arange(1, nb + 1)),
        one.extend_constant(1, nb - 1),
        col_str("code", [b.code for b in vocab.LEGAL_BASES]),
        col_str("name", [b.name for b in vocab.LEGAL_BASES]),
        col_bool("is_coerced", self.coerced_basis),
        col_str("powers", [b.powers for b in vocab.LEGAL_BASES]),
        col_str("confidentiality_limits", [b.confidentiality_limits
                                           for b in vocab.LEGAL_BASES]),
        col_bool("is_active", np.ones(nb, dtype=bool)),
        col_int("order", np.arange(nb)),
    ]), {"organisation_id": Organisation}))

    staff = self.staff
    ns = self.staff_total
    joined = clock.at(self.staff_joined, 8 * HOUR)
    frames.append(Frame(User, pl.DataFrame([
        col_int("id", np.arange(1, ns + 1)),
        col_str("username", staff.usernames),
        col_str("first_name", staff.first),
        col_str("last_name", staff.last),
        col_str("email", [f"{u}@demo.keywork.invalid" for u in staff.usernames]),
        col_bool("is_superuser", np.zeros(ns, dtype=bool)),
        col_bool("is_staff", np.zeros(ns, dtype=bool)),
        col_bool("is_active", np.ones(ns, dtype=bool)),
        col_time("date_joined", joined),
        col_str("language", staff.language),
        col_bool("is_demo", np.ones(ns, dtype=bool)),
    ])))
    frames.append(Frame(Membership, pl.DataFrame([
        col_int("id", np.arange(1, ns + 1)),
        one.extend_constant(1, ns - 1),
        col_int("user_id", np.arange(1, ns + 1)),
        col_str("role", staff.role),
        col_bool("is_active", np.ones(ns, dtype=bool)),
        col_time("created_at", joined),
    ]), {"organisation_id": Organisation, "user_id": User}))
    pairs = [(m + 1, u + 1) for m, us in enumerate(staff.units) for u in us]
    through = Membership.units.through
    frames.append(Frame(through, pl.DataFrame([
        col_int("id", np.arange(1, len(pairs) + 1)),
        col_int("membership_id", np.array([p[0] for p in pairs])),
        col_int("unit_id", np.array([p[1] for p in pairs])),
    ]), {"membership_id": Membership, "unit_id": Unit}))
    fixed = {login.username: i + 1 for i, login in enumerate(vocab.FIXED_LOGINS)}
    keys = {name: totp_key(self.seed, name) for name in fixed}
    nd = len(fixed)
    frames.append(Frame(TOTPDevice, pl.DataFrame([
        col_int("id", np.arange(1, nd + 1)),
        col_int("user_id", np.array(list(fixed.values()))),
        col_str("name", ["Demo authenticator"] * nd),
        col_bool("confirmed", np.ones(nd, dtype=bool)),
        col_str("key", list(keys.values())),
        col_time("created_at", np.full(nd, created)),
    ]), {"user_id": User}))
    self.logins, self.keys = fixed, keys

    # Clients: created when their first episode started.
    n = self.n
    first_start = self.ep_start[:n]
    client_created = clock.at(first_start, 9 * HOUR + rng.integers(0, 3 * HOUR, n))
    cc = self.client_cols
    frames.append(Frame(Client, pl.DataFrame([
        col_int("id", np.arange(1, n + 1)),
        col_time("created_at", client_created),
        col_time("updated_at", client_created),
        one.extend_constant(1, n - 1),
        col_str("given_name", cc["given_name"]),
        col_str("family_name", cc["family_name"]),
        col_date("date_of_birth", cc["date_of_birth"]),
        col_str("preferred_language", cc["preferred_language"]),
        col_str("address", cc["address"]),
        col_str("pseudonym", cc["pseudonym"]),
        col_bool("protected_identity", cc["protected_identity"]),
        col_str("own_words", cc["own_words"]),
    ]), {"organisation_id": Organisation}))

    # Episodes.
    e = len(self.ep_client)
    ep_created = clock.at(self.ep_start, 9 * HOUR + rng.integers(0, 3 * HOUR, e))
    ep_updated = np.where(self.ep_ended, clock.at(np.maximum(self.ep_end, 0),
                                                  15 * HOUR), ep_created)
    outcome = np.where(self.ep_ended, np.asarray(OUTCOMES, dtype=object)[
        np.maximum(self.ep_fate, 0)], "")
    outcome_note = [pick(rng, vocab.OUTCOME_NOTES[o]) if o else "" for o in outcome]
    consent = np.asarray(CONSENTS, dtype=object)[self.ep_consent]
    consent_note = [pick(rng, vocab.CONSENT_NOTES[c]) for c in consent]
    not_asked = consent == "not_asked"
    frames.append(Frame(Episode, pl.DataFrame([
        col_int("id", np.arange(1, e + 1)),
        col_time("created_at", ep_created),
        col_time("updated_at", ep_updated),
        one.extend_constant(1, e - 1),
        col_int("client_id", self.ep_client + 1),
        col_int("unit_id", self.ep_unit + 1),
        col_int("legal_basis_id", self.ep_basis + 1),
        col_date("start_date", self.ep_start),
        col_date("planned_end_date", self.ep_planned),
        col_date("end_date", self.ep_end, null=~self.ep_ended),
        col_str("outcome", list(outcome)),
        col_str("outcome_note", outcome_note),
        col_str("consent", list(consent)),
        col_date("consent_date", self.ep_consent_day, null=not_asked),
        col_str("consent_note", consent_note),
    ]), {"organisation_id": Organisation, "client_id": Client, "unit_id": Unit,
         "legal_basis_id": LegalBasis}))

    # Relationships.
    rel = self.rel
    r = len(rel["episode"])
    ep = rel["episode"]
    rel_created = clock.at(rel["proposed_day"], 10 * HOUR + rng.integers(0, 2 * HOUR, r))
    closed_at = clock.at(rel["close_day"], 14 * HOUR + rng.integers(0, 3 * HOUR, r))
    rel_updated = np.where(rel["closed"], closed_at, np.where(
        rel["started_null"], rel_created, np.maximum(
            rel_created, clock.at(rel["started_day"], 10 * HOUR))))
    start_note = [pick(rng, vocab.START_NOTES[s]) for s in rel["start_reason"]]
    end_note = [pick(rng, vocab.END_NOTES[e_]) if e_ and rng.random() < 0.75 else ""
                for e_ in rel["end_reason"]]
    waived = rel["waived"]
    waiver = [pick(rng, vocab.WAIVERS) if w else "" for w in waived]
    frames.append(Frame(Relationship, pl.DataFrame([
        col_int("id", np.arange(1, r + 1)),
        col_time("created_at", rel_created),
        col_time("updated_at", rel_updated),
        col_str("status", list(np.asarray(STATUSES, dtype=object)[rel["status"]])),
        col_str("start_reason", list(rel["start_reason"])),
        col_str("start_note", start_note),
        col_str("end_reason", list(rel["end_reason"])),
        col_str("end_note", end_note),
        col_date("proposed_on", rel["proposed_day"]),
        col_date("started_on", rel["started_day"], null=rel["started_null"]),
        col_date("ending_from", rel["ending_day"], null=rel["ending_null"]),
        col_time("closed_at", closed_at, null=~rel["closed"]),
        col_date("post_closure_until", rel["close_day"] + POST_CLOSURE_DAYS,
                 null=~rel["closed"]),
        col_str("introduction_waiver", waiver),
        col_int("client_id", self.ep_client[ep] + 1),
        col_int("deputy_id", rel["deputy"] + 1, null=~rel["has_deputy"]),
        col_int("episode_id", ep + 1),
        col_int("introduction_waived_by_id", rel["supervisor"] + 1, null=~waived),
        col_int("keyworker_id", rel["keyworker"] + 1),
        one.extend_constant(1, r - 1),
    ]), {"client_id": Client, "deputy_id": User, "episode_id": Episode,
         "introduction_waived_by_id": User, "keyworker_id": User,
         "organisation_id": Organisation}))

    # Introductions: every relationship that started, except those a supervisor waived.
    has_intro = np.flatnonzero(~rel["started_null"] & ~waived)
    ni = len(has_intro)
    held = np.maximum(rel["started_day"][has_intro] - rng.integers(0, 3, ni),
                      rel["proposed_day"][has_intro])
    intro_created = clock.at(held, 11 * HOUR + rng.integers(0, 5 * HOUR, ni))
    basis = self.ep_basis[ep[has_intro]]
    coerced = self.coerced_basis[basis] & (
        basis != self.basis_codes.index("child_protection"))
    words, starts = offsets([vocab.UNDERSTANDING_COERCED, vocab.UNDERSTANDING_VOLUNTARY])
    understanding = np.where(
        coerced, starts[0] + rng.integers(0, len(vocab.UNDERSTANDING_COERCED), ni),
        starts[1] + rng.integers(0, len(vocab.UNDERSTANDING_VOLUNTARY), ni))
    everything = np.ones(ni, dtype=bool)
    frames.append(Frame(Introduction, pl.DataFrame([
        col_int("id", np.arange(1, ni + 1)),
        col_time("created_at", intro_created),
        col_time("updated_at", intro_created),
        col_date("held_on", held),
        col_bool("explained_role", everything),
        col_bool("explained_purpose", everything),
        col_bool("explained_powers", everything),
        col_bool("explained_confidentiality", everything),
        col_pick("confidentiality_limits_shown",
                 [b.confidentiality_limits for b in vocab.LEGAL_BASES], basis),
        col_pick("client_understanding", words, understanding),
        one.extend_constant(1, ni - 1) if ni else one.clear(),
        col_int("recorded_by_id", rel["keyworker"][has_intro] + 1),
        col_int("relationship_id", has_intro + 1),
    ]), {"organisation_id": Organisation, "recorded_by_id": User,
         "relationship_id": Relationship}))
    return frames

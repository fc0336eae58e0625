"""The demo service as columns, generated without touching the database.

``plan_service`` draws every table of the demo service from numpy generators seeded with
the seed, so the same number of clients, seed and date give the same rows. Ids are local
(1, 2, 3 ... per table); each frame names the tables its foreign-key columns point to, and
the loader shifts every id by the table's current maximum when it writes.

Days are whole numbers counted from 1970-01-01; times are seconds since the epoch (UTC),
computed from local times of day in the service's time zone.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from keywork.clients.models import PSEUDONYM_ALPHABET, Client
from keywork.demo import patterns
from keywork.demo import vocabulary as vocab
from keywork.demo.columns import (
    Clock,
    Frame,
    allocate,
    col_str,
    rng_for,
)
from keywork.demo.contact_plan import (
    CONTACT_BATCH,
    JUSTICE,
    OUTPATIENT,
    RESIDENTIAL,
    ContactPlan,
    Dyads,
)
from keywork.demo.frames import (
    ACTIVE,
    CLOSED,
    COMPLETED,
    CONSENT_WEIGHTS,
    CONSENTS,
    DROPPED_OUT,
    ENDING,
    OUTCOME_WEIGHTS,
    OUTCOMES,
    PROPOSED,
    TRANSFERRED,
    service_frames,
)

__all__ = ["CONTACT_BATCH", "ServicePlan", "plan_service"]

def ascii_name(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    kept = "".join(c for c in folded if c.isascii() and (c.isalnum() or c in "-"))
    return kept.lower()


def pseudonyms(rng: np.random.Generator, n: int) -> list[str]:
    alphabet = np.frombuffer(PSEUDONYM_ALPHABET.encode(), dtype=np.uint8)
    codes = alphabet[rng.integers(0, len(alphabet), size=(n, 8))]
    prefix = np.broadcast_to(np.frombuffer(b"K-", dtype=np.uint8), (n, 2))
    raw = np.ascontiguousarray(np.hstack([prefix, codes]))
    return [b.decode() for b in raw.view("S10").ravel()]


# --- The plan ----------------------------------------------------------------------------------

@dataclass
class Staff:
    usernames: list[str]
    first: list[str]
    last: list[str]
    language: list[str]
    role: list[str]
    units: list[list[int]]  # unit indices
    keyworkers: list[np.ndarray]  # per unit: staff indices
    supervisors: list[int]  # per unit: the first supervisor (staff index)
    stretched: np.ndarray  # hard to reach: few contacts, long gaps
    texter: np.ndarray  # sometimes uses a personal phone


@dataclass
class ServicePlan:
    clients: int
    seed: int
    as_of: dt.date
    clock: Clock
    frames: list[Frame]
    relationship_patterns: np.ndarray
    staff: Staff
    logins: dict[str, int]  # fixed username → local user id
    totp_keys: dict[str, str]
    contact_batches: int
    _contacts: ContactPlan

    @property
    def dyads(self) -> Dyads:
        """One row per relationship: who, when, where, and the planted pattern."""
        return self._contacts.dyads

    @property
    def client_swedish(self) -> np.ndarray:
        """Per local client id (index 0 unused): the client's preferred language is
        Swedish, so they write their own words in Swedish."""
        clients = next(f for f in self.frames if f.model is Client)
        ids = clients.df["id"].to_numpy()
        swedish = np.zeros(int(ids.max()) + 1 if ids.size else 1, dtype=bool)
        swedish[ids] = clients.df["preferred_language"].to_numpy() == "Swedish"
        return swedish

    def contacts(self) -> Iterator[tuple[Frame, Frame]]:
        """(contacts, addenda) per batch of relationships, ids continuing across batches."""
        return self._contacts.batches()

    def replace_pseudonyms(self, taken: set[str]) -> None:
        """Draw new references for clients whose reference is already used in the
        database (only ever happens next to other data)."""
        clients = next(f for f in self.frames if f.model is Client)
        values = clients.df["pseudonym"].to_list()
        rng = rng_for(self.seed, "pseudonyms-again")
        seen = set(values) | taken
        for i, value in enumerate(values):
            if value not in taken:
                continue
            while value in seen:
                value = pseudonyms(rng, 1)[0]
            seen.add(value)
            values[i] = value
        clients.df = clients.df.with_columns(col_str("pseudonym", values))


def plan_service(*, clients: int, seed: int, as_of: dt.date, tz: str,
                 step: Callable[[str], object] | None = None) -> ServicePlan:
    """Every table of the demo service but the contacts, which come in batches later.
    ``step`` hears the name of each part as it is done."""
    return _Planner(clients=clients, seed=seed, as_of=as_of, tz=tz).plan(step or _nothing)


def _nothing(_: str) -> None:
    return None


class _Planner:
    logins: dict[str, int]  # set by service_frames
    keys: dict[str, str]

    def __init__(self, *, clients: int, seed: int, as_of: dt.date, tz: str):
        if clients < 1:
            raise ValueError("at least one client")
        self.n = clients
        self.seed = seed
        self.as_of = as_of
        self.clock = Clock(as_of, tz)
        self.today = self.clock.as_day
        self.basis_codes = [b.code for b in vocab.LEGAL_BASES]
        self.coerced_basis = np.array([b.is_coerced for b in vocab.LEGAL_BASES])
        settings = {"residential": RESIDENTIAL, "community": JUSTICE}
        self.unit_kind = np.array([settings.get(u.kind, OUTPATIENT) for u in vocab.UNITS])

    # --- clients ------------------------------------------------------------------------------

    def _clients(self) -> None:
        rng = rng_for(self.seed, "clients")
        n = self.n
        counts = allocate(n, [u.share_of_clients for u in vocab.UNITS])
        self.client_unit = rng.permutation(np.repeat(np.arange(len(vocab.UNITS)), counts))
        weights = np.array(vocab.CLIENT_GROUP_WEIGHTS) / sum(vocab.CLIENT_GROUP_WEIGHTS)
        group = rng.choice(len(vocab.NAME_GROUPS), size=n, p=weights)
        woman = rng.random(n) < 0.3
        given = np.empty(n, dtype=object)
        family = np.empty(n, dtype=object)
        language = np.empty(n, dtype=object)
        own_language = rng.random(n)
        for g, names in enumerate(vocab.NAME_GROUPS):
            for is_woman, pool in ((False, names.men), (True, names.women)):
                idx = np.flatnonzero((group == g) & (woman == is_woman))
                given[idx] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool),
                                                                          len(idx))]
            idx = np.flatnonzero(group == g)
            family[idx] = np.asarray(names.families, dtype=object)[
                rng.integers(0, len(names.families), len(idx))]
            keeps = own_language[idx] < vocab.OWN_LANGUAGE_SHARE[names.key]
            language[idx] = np.where(keeps, names.language, "Swedish")
            if names.key == "polish":
                for i in idx[woman[idx]]:
                    family[i] = _feminine_polish(family[i])
        age = np.floor(np.clip(rng.normal(38, 11, n), 18, 69.99)).astype(np.int64)
        dob = self.today - np.floor(age * 365.25).astype(np.int64) - rng.integers(2, 364, n)
        protected = np.zeros(n, dtype=bool)
        protected[rng.choice(n, max(1, int(rng.binomial(n, 0.03))), replace=False)] = True
        homeless = rng.random(n) < 0.06
        street = rng.integers(0, len(vocab.STREETS), n)
        number = rng.integers(1, 121, n)
        flat = np.where(rng.random(n) < 0.45, rng.integers(1001, 1704, n), 0)
        city_w = np.array([c[2] for c in vocab.CITIES])
        city = rng.choice(len(vocab.CITIES), size=n, p=city_w / city_w.sum())
        post = rng.integers(10, 100, n)
        homeless_text = rng.integers(0, len(vocab.NO_FIXED_ADDRESS), n)
        address = []
        for i in range(n):
            if protected[i]:
                address.append(vocab.PROTECTED_ADDRESS)
            elif homeless[i]:
                address.append(vocab.NO_FIXED_ADDRESS[homeless_text[i]])
            else:
                name, prefix, _ = vocab.CITIES[city[i]]
                apartment = f", lgh {flat[i]}" if flat[i] else ""
                address.append(f"{vocab.STREETS[street[i]]} {number[i]}{apartment}, "
                               f"{prefix} {post[i]} {name}")
        first_words = rng.integers(0, len(vocab.OWN_WORDS), n)
        second_words = (first_words + rng.integers(1, len(vocab.OWN_WORDS), n)) % len(
            vocab.OWN_WORDS)
        two = rng.random(n) < 0.3
        own_words = [vocab.OWN_WORDS[a] + (" " + vocab.OWN_WORDS[b] if t else "")
                     for a, b, t in zip(first_words, second_words, two, strict=True)]
        refs = pseudonyms(rng, n)
        while len(set(refs)) < n:
            seen: set[str] = set()
            for i, ref in enumerate(refs):
                if ref in seen:
                    refs[i] = pseudonyms(rng, 1)[0]
                seen.add(refs[i])
        self.client_cols = {
            "given_name": list(given), "family_name": list(family),
            "date_of_birth": dob, "preferred_language": list(language),
            "address": address, "pseudonym": refs, "protected_identity": protected,
            "own_words": own_words,
        }

    # --- episodes -----------------------------------------------------------------------------

    def _fates(self, rng: np.random.Generator, basis: np.ndarray, start: np.ndarray,
               length: np.ndarray, no_transfer: bool = False) -> tuple[np.ndarray, np.ndarray]:
        n = len(basis)
        fate = np.zeros(n, dtype=np.int64)
        u = rng.random(n)
        for b, code in enumerate(self.basis_codes):
            w = np.array(OUTCOME_WEIGHTS[code], dtype=float)
            if no_transfer:
                w[0] += w[2]
                w[2] = 0
            idx = basis == b
            fate[idx] = np.searchsorted(np.cumsum(w / w.sum()), u[idx], side="right")
        fate = np.minimum(fate, len(OUTCOMES) - 1)
        frac = rng.random(n)
        end = np.select(
            [fate == COMPLETED, fate == DROPPED_OUT, fate == TRANSFERRED],
            [start + length + np.round(rng.normal(0, 6, n)).astype(np.int64),
             start + np.floor(length * (0.05 + 0.75 * frac)).astype(np.int64),
             start + np.floor(length * (0.3 + 0.6 * frac)).astype(np.int64)],
            start + np.floor(length * (0.1 + 0.85 * frac)).astype(np.int64),
        )
        return fate, np.maximum(end, start + 1)

    def _length(self, rng: np.random.Generator, unit: np.ndarray) -> np.ndarray:
        residential = self.unit_kind[unit] == RESIDENTIAL
        return np.where(residential, rng.integers(90, 184, len(unit)),
                        rng.integers(180, 366, len(unit)))

    def _episodes(self) -> None:
        rng = rng_for(self.seed, "episodes")
        n = self.n
        unit = self.client_unit
        basis = np.zeros(n, dtype=np.int64)
        for u, spec in enumerate(vocab.UNITS):
            options = vocab.UNIT_BASES[spec.key]
            codes = [self.basis_codes.index(c) for c, _ in options]
            w = np.array([p for _, p in options])
            idx = np.flatnonzero(unit == u)
            basis[idx] = np.asarray(codes)[rng.choice(len(codes), size=len(idx),
                                                       p=w / w.sum())]
        start = self.today - rng.integers(1, 366, n)
        length = self._length(rng, unit)
        fate, end = self._fates(rng, basis, start, length)
        # Transfers from a residential centre continue as outpatient aftercare.
        outpatient = next(i for i, u in enumerate(vocab.UNITS) if u.kind == "outpatient")
        moved = np.flatnonzero((fate == TRANSFERRED) & (end < self.today)
                               & (self.unit_kind[unit] == RESIDENTIAL))
        start2 = end[moved] + rng.integers(1, 11, len(moved))
        keep = start2 < self.today
        moved, start2 = moved[keep], start2[keep]
        unit2 = np.full(len(moved), outpatient)
        basis2 = np.where(rng.random(len(moved)) < 0.8, self.basis_codes.index("voluntary"),
                          self.basis_codes.index("child_protection"))
        length2 = self._length(rng, unit2)
        fate2, end2 = self._fates(rng, basis2, start2, length2, no_transfer=True)
        self.ep_client = np.concatenate([np.arange(n), moved])
        self.ep_unit = np.concatenate([unit, unit2])
        self.ep_basis = np.concatenate([basis, basis2])
        self.ep_start = np.concatenate([start, start2])
        self.ep_planned = self.ep_start + np.concatenate([length, length2])
        fate_all = np.concatenate([fate, fate2])
        tentative = np.concatenate([end, end2])
        self.ep_ended = tentative < self.today
        self.ep_end = np.where(self.ep_ended, tentative, -1)
        self.ep_fate = np.where(self.ep_ended, fate_all, -1)
        self.ep_transfer_in = np.concatenate([np.zeros(n, dtype=bool),
                                              np.ones(len(moved), dtype=bool)])
        e = len(self.ep_client)
        consent = rng.choice(len(CONSENTS), size=e, p=CONSENT_WEIGHTS)
        fresh = (self.ep_start >= self.today - 3) & (rng.random(e) < 0.5)
        self.ep_consent = np.where(fresh, CONSENTS.index("not_asked"), consent)
        self.ep_consent_day = np.minimum(self.ep_start + rng.integers(0, 8, e), self.today)

    # --- staff --------------------------------------------------------------------------------

    def _staff(self) -> None:
        rng = rng_for(self.seed, "staff")
        open_ep = ~self.ep_ended
        kw_count = []
        for u, spec in enumerate(vocab.UNITS):
            open_u = int((open_ep & (self.ep_unit == u)).sum())
            kw_count.append(max(2, round(open_u / spec.target_caseload)))
        usernames: list[str] = []
        first: list[str] = []
        last: list[str] = []
        language: list[str] = []
        role: list[str] = []
        units: list[list[int]] = []
        residential = [u for u, spec in enumerate(vocab.UNITS) if spec.kind == "residential"]
        for login in vocab.FIXED_LOGINS:
            usernames.append(login.username)
            first.append(login.first_name)
            last.append(login.last_name)
            language.append("")
            role.append(login.role)
            units.append({"keyworker": [residential[0]], "supervisor": residential}.get(
                login.role, []))
        wanted: list[tuple[str, int]] = []
        for u, count in enumerate(kw_count):
            wanted += [("keyworker", u)] * (count - (1 if u == residential[0] else 0))
        for u, count in enumerate(kw_count):
            extra = 1 if count > 6 else 0
            wanted += [("supervisor", u)] * ((0 if u in residential else 1) + extra)
        weights = np.array(vocab.STAFF_GROUP_WEIGHTS) / sum(vocab.STAFF_GROUP_WEIGHTS)
        group = rng.choice(len(vocab.NAME_GROUPS), size=len(wanted), p=weights)
        woman = rng.random(len(wanted)) < 0.65
        pick = rng.random((len(wanted), 2))
        taken = {login.username for login in vocab.FIXED_LOGINS}
        for i, (what, u) in enumerate(wanted):
            names = vocab.NAME_GROUPS[group[i]]
            pool = names.women if woman[i] else names.men
            given = pool[int(pick[i, 0] * len(pool))]
            family = names.families[int(pick[i, 1] * len(names.families))]
            if names.key == "polish" and woman[i]:
                family = _feminine_polish(family)
            base = f"{ascii_name(given)}.{ascii_name(family)}"
            username, k = base, 1
            while username in taken:
                k += 1
                username = f"{base}{k}"
            taken.add(username)
            usernames.append(username)
            first.append(given)
            last.append(family)
            language.append({"swedish": "sv", "english": "en"}.get(names.key, "sv"))
            role.append(what)
            units.append([u])
        keyworkers = [np.array([s for s, (r, us) in enumerate(zip(role, units, strict=True))
                                if r == "keyworker" and u in us]) for u in range(len(kw_count))]
        supervisors = [next(s for s, (r, us) in enumerate(zip(role, units, strict=True))
                            if r == "supervisor" and u in us) for u in range(len(kw_count))]
        total = len(usernames)
        is_kw = np.array([r == "keyworker" for r in role])
        is_kw[0] = False  # the fixed keyworker keeps an ordinary rhythm
        stretched = _at_least_one(rng, is_kw, 0.1)
        texter = _at_least_one(rng, is_kw & ~stretched, 0.08)
        self.staff = Staff(usernames, first, last, language, role, units, keyworkers,
                           supervisors, stretched, texter)
        self.staff_joined = self.today - rng.integers(60, 3000, total)
        self.staff_total = total

    # --- relationships ------------------------------------------------------------------------

    def _relationships(self) -> None:
        rng = rng_for(self.seed, "relationships")
        e = len(self.ep_client)
        today = self.today
        s = self.ep_start
        stop = np.where(self.ep_ended, self.ep_end, today)
        is_open = ~self.ep_ended
        proposed = is_open & (s >= today - 7) & (rng.random(e) < 0.7)
        span = stop - s
        coerced = self.coerced_basis[self.ep_basis]
        change = ~proposed & (span >= 40) & (rng.random(e) < np.where(coerced, 0.12, 0.09))
        change_day = s + np.floor(span * rng.uniform(0.25, 0.7, e)).astype(np.int64)
        reason = rng.choice(len(vocab.CHANGE_REASONS), size=e, p=vocab.CHANGE_WEIGHTS)

        # The first relationship of every episode.
        limit = np.where(change, change_day - 1, np.where(self.ep_ended, stop - 1, today))
        proposed_on = np.minimum(np.minimum(s + rng.integers(0, 3, e), today), limit)
        proposed_on = np.maximum(proposed_on, s)
        started = np.clip(proposed_on + rng.integers(0, 6, e), proposed_on, limit)
        near_end = self.ep_planned - today <= 21

        def episode_status(first: np.ndarray) -> np.ndarray:
            return np.select([self.ep_ended, first & proposed, near_end],
                             [CLOSED, PROPOSED, ENDING], ACTIVE)

        status1 = np.where(change, CLOSED, episode_status(np.ones(e, dtype=bool)))
        c = np.flatnonzero(change)
        # The second relationship after a change of keyworker.
        ending1 = np.where(change, np.maximum(change_day - rng.integers(0, 8, e), started), 0)
        status2 = episode_status(np.zeros(e, dtype=bool))[c]

        rel_episode = np.concatenate([np.arange(e), c])
        ordinal = np.concatenate([np.zeros(e, dtype=np.int64), np.ones(len(c), dtype=np.int64)])
        order = np.lexsort((ordinal, rel_episode))
        rel_episode, ordinal = rel_episode[order], ordinal[order]
        second = ordinal == 1
        r = len(rel_episode)
        ep = rel_episode

        status = np.concatenate([status1, status2])[order]
        proposed_day = np.concatenate([proposed_on, ending1[c]])[order]
        started_day = np.concatenate([started, change_day[c]])[order]
        started_null = status == PROPOSED
        # When and why it ends.
        by_change = ~second & change[ep]
        closed = status == CLOSED
        close_day = np.where(by_change, change_day[ep], stop[ep])
        fate = self.ep_fate[ep]
        back = np.select([fate == COMPLETED, fate == DROPPED_OUT, fate == TRANSFERRED],
                         [rng.integers(7, 29, r), np.zeros(r, dtype=np.int64),
                          rng.integers(0, 11, r)], rng.integers(0, 5, r))
        ending_day = np.where(by_change, ending1[ep], close_day - back)
        ending_day = np.where(status == ENDING,
                              np.minimum(np.maximum(self.ep_planned[ep] - 21, started_day),
                                         today), ending_day)
        ending_day = np.maximum(ending_day, started_day)
        ending_null = ~((status == CLOSED) | (status == ENDING))
        end_reason = np.where(
            by_change, np.asarray(vocab.CHANGE_REASONS, dtype=object)[reason[ep]],
            np.where(fate == TRANSFERRED, "transfer", "episode_ended"))
        end_reason = np.where(ending_null, "", end_reason)
        start_reason = np.where(
            second, np.asarray(vocab.CHANGE_REASONS, dtype=object)[reason[ep]],
            np.where(self.ep_transfer_in[ep], "transfer", "first_allocation"))

        # Keyworkers: open caseloads shared out evenly; a change always means someone new.
        unit = self.ep_unit[ep]
        kpos = np.zeros(r, dtype=np.int64)
        is_open_rel = ~closed
        size = np.array([len(k) for k in self.staff.keyworkers])[unit]
        for u in range(len(vocab.UNITS)):
            k = len(self.staff.keyworkers[u])
            idx = np.flatnonzero(is_open_rel & (unit == u))
            kpos[idx[rng.permutation(len(idx))]] = np.arange(len(idx)) % k
            idx = np.flatnonzero(~is_open_rel & (unit == u))
            kpos[idx] = rng.integers(0, k, len(idx))
        first_of_pair = np.flatnonzero(second) - 1
        clash = kpos[first_of_pair] == kpos[first_of_pair + 1]
        fix = first_of_pair[clash]
        kpos[fix] = (kpos[fix] + 1) % size[fix]
        has_deputy = rng.random(r) < 0.85
        dpos = (kpos + 1 + np.floor(rng.random(r) * (size - 1)).astype(np.int64)) % size
        # The worker a client asked to leave does not stay on as the new deputy.
        left = first_of_pair[end_reason[first_of_pair] == "client_asked_for_change"]
        has_deputy[left + 1] &= dpos[left + 1] != kpos[left]
        keyworker = np.zeros(r, dtype=np.int64)
        deputy = np.zeros(r, dtype=np.int64)
        for u in range(len(vocab.UNITS)):
            idx = unit == u
            keyworker[idx] = self.staff.keyworkers[u][kpos[idx]]
            deputy[idx] = self.staff.keyworkers[u][dpos[idx]]

        waived = ~started_null & (rng.random(r) < 0.025)
        supervisors = np.array(self.staff.supervisors)[unit]

        asked = by_change & (end_reason == "client_asked_for_change")
        pattern = patterns.plant_pattern(rng_for(self.seed, "patterns"),
                                         coerced=self.coerced_basis[self.ep_basis[ep]],
                                         asked_for_change=asked)
        self.rel = {
            "episode": ep, "status": status, "proposed_day": proposed_day,
            "started_day": started_day, "started_null": started_null,
            "ending_day": ending_day, "ending_null": ending_null, "closed": closed,
            "close_day": close_day, "end_reason": end_reason, "start_reason": start_reason,
            "keyworker": keyworker, "deputy": deputy, "has_deputy": has_deputy,
            "waived": waived, "supervisor": supervisors, "pattern": pattern, "unit": unit,
        }

    def _dyads(self) -> Dyads:
        rel = self.rel
        ep = rel["episode"]
        start = np.where(rel["started_null"], self.today, rel["started_day"])
        end = np.where(rel["closed"], rel["close_day"], self.today)
        child = self.basis_codes.index("child_protection")
        return Dyads(
            client=self.ep_client[ep] + 1, keyworker=rel["keyworker"] + 1,
            deputy=np.where(rel["has_deputy"], rel["deputy"] + 1, 0), start=start,
            length=np.maximum(end - start, 0), setting=self.unit_kind[rel["unit"]],
            child_protection=self.ep_basis[ep] == child, pattern=rel["pattern"],
            stretched=self.staff.stretched[rel["keyworker"]],
            texter=self.staff.texter[rel["keyworker"]])

    def plan(self, step: Callable[[str], object]) -> ServicePlan:
        self._clients()
        step("clients")
        self._episodes()
        step("episodes")
        self._staff()
        step("staff")
        self._relationships()
        step("relationships")
        frames = service_frames(self)
        contacts = ContactPlan(seed=self.seed, clock=self.clock, dyads=self._dyads())
        step("rows")
        return ServicePlan(
            clients=self.n, seed=self.seed, as_of=self.as_of, clock=self.clock,
            frames=frames, relationship_patterns=self.rel["pattern"], staff=self.staff,
            logins=self.logins, totp_keys=self.keys, contact_batches=contacts.batch_count,
            _contacts=contacts,
        )


def _feminine_polish(family: str) -> str:
    for masculine, feminine in (("ski", "ska"), ("cki", "cka")):
        if family.endswith(masculine):
            return family[: -len(masculine)] + feminine
    return family


def _at_least_one(rng: np.random.Generator, eligible: np.ndarray, share: float) -> np.ndarray:
    chosen = eligible & (rng.random(len(eligible)) < share)
    if not chosen.any() and eligible.sum() >= 4:
        chosen[np.flatnonzero(eligible)[-1]] = True
    return chosen


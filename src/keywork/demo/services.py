"""The demo service: load it, remove it, and help people sign in to it."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from tqdm import tqdm

from keywork.accounts.models import User
from keywork.audit.context import audit_source
from keywork.audit.services import audit_record
from keywork.boundaries import demo as boundaries_demo
from keywork.checkins.models import CheckinPolicy, CheckinResponse, InstrumentVersion, SharingChoice
from keywork.checkins.services import instruments_sync
from keywork.clients.models import Client
from keywork.contacts.models import Addendum, Contact
from keywork.core.errors import ApplicationError
from keywork.demo import patterns
from keywork.demo import vocabulary as vocab
from keywork.demo.checkins import DEMO_POLICY, Forms, checkin_frame, sharing_frame
from keywork.demo.generate import CONTACT_BATCH, ServicePlan, plan_service
from keywork.demo.loader import Loader, remove_organisation
from keywork.endings import demo as endings_demo
from keywork.goals import demo as goals_demo
from keywork.mandates import demo as mandates_demo
from keywork.matching import demo as matching_demo
from keywork.organisations.models import Membership, Organisation
from keywork.relationships.models import Relationship
from keywork.safeguarding import demo as safeguarding_demo
from keywork.signals.services import signals_evaluate_all
from keywork.supervision import demo as supervision_demo

Say = Callable[[str], None]


@dataclass
class SeedResult:
    loaded: bool
    message: str
    organisation_id: int | None = None
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    # relationship id → planted pattern (the same as patterns.PLANTED after a load)
    patterns: dict[int, str] = field(default_factory=dict)
    # table → what was added to the plan's local ids (0 in a fresh database)
    id_offsets: dict[str, int] = field(default_factory=dict)


# Apps that add their own demo rows (boundary events, goals, ...) to the loaded service, each
# through its module ``keywork.<app>.demo`` with ``seed(*, organisation_id, seed, as_of)``,
# in this order. They stay small (the demo logins' caseloads), whatever the number of clients.
DEMO_EXTRAS = (boundaries_demo, endings_demo, safeguarding_demo, supervision_demo, goals_demo,
               mandates_demo, matching_demo)


def _seed_extras(*, organisation_id: int, seed: int, as_of: dt.date, say: Say) -> None:
    for extra in DEMO_EXTRAS:
        extra.seed(organisation_id=organisation_id, seed=seed, as_of=as_of)


def demo_organisation() -> Organisation | None:
    return Organisation.objects.filter(slug=vocab.ORGANISATION_SLUG).first()


def _quiet(_: str) -> None:
    return None


# From this many clients on, PostgreSQL loads the big tables without per-row checks.
BULK_CLIENTS = 2_000


# With ``evaluate``, the nightly evaluation has "run" this many days before the demo's
# day, and again on the day: some relationships have changed pattern since.
HISTORY_DAYS = 28


def demo_seed(*, clients: int, seed: int, as_of: dt.date | None = None, reset: bool = False,
              if_empty: bool = False, truth: Path | None = None,
              progress: bool | None = None, say: Say = _quiet,
              bulk_from: int = BULK_CLIENTS, evaluate: bool = False) -> SeedResult:
    """Load the demo service: the same clients, seed and date give the same rows (and, in
    a fresh database, the same ids).

    ``evaluate``: also run the signal engine as the service's nightly job would have,
    ``HISTORY_DAYS`` before ``as_of`` and on it, before the other apps add their rows, so
    the supervisor sees changed patterns and the demo supervision sessions gather the
    engine's alerts."""
    if clients < 1:
        raise ApplicationError("Give at least one client.")
    if seed < 0:
        raise ApplicationError("The seed must be zero or a positive whole number.")
    began = time.monotonic()
    as_of = as_of or timezone.localdate()
    existing = demo_organisation()
    if existing is not None and if_empty:
        return SeedResult(False, "The demo service is already loaded; nothing to do.",
                          existing.pk)
    if existing is not None and not reset:
        raise ApplicationError("The demo service is already loaded. Use --reset to replace "
                               "it, or --if-empty to leave it as it is.")
    with transaction.atomic(), audit_source("command:seed_demo"):
        if existing is not None:
            removed = demo_remove(organisation=existing)
            say(f"Removed the previous demo service ({removed} rows).")
        plan = _plan(clients=clients, seed=seed, as_of=as_of, progress=progress)
        loader = _load(plan, progress=progress, bulk=clients >= bulk_from)
        org_id = loader.real_id(Organisation, 1)
        CheckinPolicy.objects.create(organisation_id=org_id, keyworker_visibility=DEMO_POLICY)
        if evaluate:
            for day in (as_of - dt.timedelta(days=HISTORY_DAYS), as_of):
                signals_evaluate_all(organisation_id=org_id, day=day)
        _seed_extras(organisation_id=org_id, seed=seed, as_of=as_of, say=say)
        audit_record(actor=None, action="system", organisation_id=org_id,
                     detail=f"demo service loaded: {clients} clients, seed {seed}")
    analyse_after_load()
    ids = loader.base[Relationship] + 1 + np.arange(len(plan.relationship_patterns))
    planted = dict(patterns.remember_planted(ids, plan.relationship_patterns))
    if truth is not None:
        write_truth(truth, planted)
    seconds = time.monotonic() - began
    offsets = {m._meta.db_table: base for m, base in loader.base.items()}
    return SeedResult(True, f"Loaded the demo service: {clients} clients, seed {seed}, "
                      f"as of {as_of:%Y-%m-%d}.", org_id, seconds, dict(loader.counts),
                      planted, offsets)


def analyse_after_load() -> bool:
    """PostgreSQL: refresh the planner's statistics once the rows are in. Tables filled by
    COPY in one transaction look empty or tiny to the planner until they are analysed, and
    it then picks nested loops and sequential scans for every page. Returns whether it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return True


def _bar(desc: str, total: int, progress: bool | None, unit: str = "rows") -> tqdm:
    disable = None if progress is None else not progress
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=disable,
                leave=False, dynamic_ncols=True)


def _plan(*, clients: int, seed: int, as_of: dt.date, progress: bool | None) -> ServicePlan:
    with _bar("planning", 5, progress, unit="steps") as bar:
        plan = plan_service(clients=clients, seed=seed, as_of=as_of, tz=settings.TIME_ZONE,
                            step=lambda name: (bar.set_postfix_str(name), bar.update(1)))
    usernames = [u for f in plan.frames if f.model is User
                 for u in f.df["username"].to_list()]
    clash = sorted(User.objects.filter(username__in=usernames).values_list("username",
                                                                            flat=True))
    if clash:
        raise ApplicationError("These usernames are taken by accounts outside the demo "
                               "service: " + ", ".join(clash[:10]))
    refs = next(f for f in plan.frames if f.model is Client).df["pseudonym"].to_list()
    taken: set[str] = set()
    for start in range(0, len(refs), 5000):
        taken |= set(Client.objects.filter(pseudonym__in=refs[start:start + 5000])
                     .values_list("pseudonym", flat=True))
    if taken:
        plan.replace_pseudonyms(taken)
    return plan


def demo_forms() -> Forms:
    """The shipped short forms the demo answers (loaded by ``migrate``)."""
    versions = {}
    for code in ("checkin-client-short", "checkin-keyworker-short"):
        version = (InstrumentVersion.objects.filter(instrument__code=code)
                   .order_by("-version").first())
        if version is None:
            instruments_sync(record=False)
            version = (InstrumentVersion.objects.filter(instrument__code=code)
                       .order_by("-version").first())
        if version is None:
            raise ApplicationError(f"The instrument {code} is not loaded: run "
                                   "`keywork load_instruments`.")
        versions[code] = version
    client, worker = versions["checkin-client-short"], versions["checkin-keyworker-short"]

    def items(version: InstrumentVersion) -> dict[str, str]:
        return {i["dimension"]: i["code"] for i in version.definition["items"]
                if i["dimension"] != "free_text"}

    return Forms(client.pk, worker.pk, items(client), items(worker))


def _load(plan: ServicePlan, *, progress: bool | None, bulk: bool) -> Loader:
    big = [f.model for f in plan.frames if f.df.height >= 1000] + [Contact, Addendum,
                                                                   CheckinResponse]
    loader = Loader([f.model for f in plan.frames] + [Contact, Addendum, CheckinResponse,
                                                       SharingChoice],
                    bulk=big if bulk else ())
    loader.start()
    password = make_password(vocab.PASSWORD)  # one hash for every demo account
    with _bar("service", sum(f.df.height for f in plan.frames), progress) as bar:
        for frame in plan.frames:
            extra = {"password": password} if frame.model is User else None
            bar.set_postfix_str(frame.table)
            bar.update(loader.write(frame, extra))
    relationships = len(plan.relationship_patterns)
    with _bar("contacts", relationships, progress, unit="relationships") as bar:
        for contacts, addenda in plan.contacts():
            loader.write(contacts)
            loader.write(addenda)
            bar.set_postfix_str(f"{loader.counts[Contact._meta.db_table]:,} contacts")
            bar.update(min(CONTACT_BATCH, relationships - bar.n))
    with _bar("check-ins", 1, progress, unit="steps") as bar:
        checkins = checkin_frame(seed=plan.seed, clock=plan.clock, dyads=plan.dyads,
                                 forms=demo_forms(), client_swedish=plan.client_swedish)
        loader.write(checkins)
        loader.write(sharing_frame(seed=plan.seed, dyads=plan.dyads))
        bar.set_postfix_str(f"{checkins.df.height:,} check-ins")
        bar.update(1)
    with _bar("indexes", loader.rebuilds, progress, unit="indexes") as bar:
        loader.finish(step=lambda name: (bar.set_postfix_str(name), bar.update(1)))
    return loader


def write_truth(path: Path, planted: dict[int, str]) -> None:
    """The planted pattern of every relationship, for checking what is found later."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["relationship_id", "pattern"])
        for rel_id in sorted(planted):
            writer.writerow([rel_id, planted[rel_id]])


@transaction.atomic
def demo_remove(*, organisation: Organisation) -> int:
    """Delete the demo organisation's rows and its demo staff. The audit log stays."""
    if organisation.slug != vocab.ORGANISATION_SLUG:
        raise ApplicationError("Only the demo service can be removed this way.")
    others = Organisation.objects.exclude(pk=organisation.pk)
    user_ids = list(
        User.objects.filter(is_demo=True, memberships__organisation=organisation)
        .exclude(memberships__organisation__in=others)
        .values_list("pk", flat=True).distinct().order_by("pk"))
    org_id = organisation.pk
    deleted = remove_organisation(org_id, user_ids)
    with audit_source("command:seed_demo"):
        audit_record(actor=None, action="system", organisation_id=org_id,
                     detail=f"demo service removed: {sum(deleted.values())} rows, "
                            f"{len(user_ids)} demo accounts")
    return sum(deleted.values())


# --- Signing in to the demo ---------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    what: str
    second_factor: bool
    secret: str


def demo_logins() -> list[DemoLogin]:
    org = demo_organisation()
    if org is None:
        return []
    rows = []
    for login in vocab.FIXED_LOGINS:
        membership = (Membership.objects.filter(organisation=org, user__username=login.username,
                                                user__is_demo=True)
                      .select_related("user", "organisation").first())
        if membership is None:
            continue
        device = _device(membership.user)
        rows.append(DemoLogin(
            username=login.username, password=vocab.PASSWORD, role=membership.role,
            what=login.what, second_factor=membership.needs_second_factor,
            secret=base32_secret(device) if device else ""))
    return rows


def _device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@dataclass(frozen=True)
class DemoCode:
    username: str
    code: str
    seconds_left: int
    secret: str
    config_url: str


def demo_totp(*, username: str, at: float | None = None) -> DemoCode:
    """The current authenticator code of a demo account. Never for a real account."""
    user = User.objects.filter(username=username).first()
    if user is None or not user.is_demo:
        raise ApplicationError(f"{username!r} is not a demo account. Codes are shown only "
                               "for the accounts of the demo service.")
    device = _device(user)
    if device is None:
        raise ApplicationError(f"The demo account {username!r} has no authenticator.")
    now = time.time() if at is None else at
    clock = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=device.drift)
    clock.time = now
    value = clock.token()
    left = device.step - int(now - device.t0) % device.step
    return DemoCode(username=username, code=f"{value:0{device.digits}d}", seconds_left=left,
                    secret=base32_secret(device), config_url=device.config_url)

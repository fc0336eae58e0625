"""The demo service: deterministic, realistic, safe to load, reset and sign in to."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from keywork.accounts.models import User
from keywork.audit.models import AuditEvent
from keywork.audit.services import verify_chain
from keywork.clients.models import Client, Episode
from keywork.contacts.models import Contact
from keywork.demo import patterns
from keywork.demo import vocabulary as vocab
from keywork.demo.generate import plan_service
from keywork.demo.services import HISTORY_DAYS, demo_seed
from keywork.organisations.models import LegalBasis, Membership, Organisation, Role, Unit
from keywork.relationships.models import Introduction, Relationship

AS_OF = dt.date(2025, 6, 30)
CLIENTS = 60
SEED = 7


def seed(**kw):
    options = {"clients": CLIENTS, "seed": SEED, "as_of": AS_OF, "progress": False}
    options.update(kw)
    return demo_seed(**options)


@pytest.fixture
def demo(db):
    return seed()


def plan(clients: int = CLIENTS, seed_: int = SEED):
    return plan_service(clients=clients, seed=seed_, as_of=AS_OF, tz=settings.TIME_ZONE)


def digest(service) -> str:
    h = hashlib.sha256()
    for frame in service.frames:
        h.update(frame.table.encode())
        h.update(frame.df.write_csv().encode())
    for contacts, addenda in service.contacts():
        h.update(contacts.df.write_csv().encode())
        h.update(addenda.df.write_csv().encode())
    return h.hexdigest()


def frame_of(service, model):
    return next(f for f in service.frames if f.model is model)


def org() -> Organisation:
    return Organisation.objects.get(slug=vocab.ORGANISATION_SLUG)


# --- Determinism ---------------------------------------------------------------------------------


def test_the_same_seed_plans_the_same_rows_and_another_seed_does_not():
    first = digest(plan())
    assert digest(plan()) == first
    assert digest(plan(seed_=SEED + 1)) != first


def test_the_plan_does_not_depend_on_python_hash_randomisation():
    code = (
        "import django, datetime as dt, hashlib; django.setup();"
        "from django.conf import settings;"
        "from keywork.demo.generate import plan_service;"
        "p = plan_service(clients=40, seed=3, as_of=dt.date(2025, 6, 30), "
        "tz=settings.TIME_ZONE);"
        "h = hashlib.sha256();"
        "[h.update(f.df.write_csv().encode()) for f in p.frames];"
        "[h.update(c.df.write_csv().encode()) for c, a in p.contacts()];"
        "print(h.hexdigest())"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, KEYWORK_TESTING="1",
                   DJANGO_SETTINGS_MODULE="keywork.settings")
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,  # noqa: S603
                              text=True, check=True)
        outputs.add(done.stdout.strip())
    assert len(outputs) == 1


def test_the_loaded_rows_are_exactly_the_planned_rows(demo):
    service = plan()
    shift = demo.id_offsets
    planned = frame_of(service, Client).df
    loaded = list(Client.objects.filter(organisation=org()).order_by("id").values_list(
        "id", "given_name", "family_name", "date_of_birth", "pseudonym", "own_words"))
    assert [row[0] - shift["clients_client"] for row in loaded] == planned["id"].to_list()
    assert [row[1:] for row in loaded] == list(zip(
        planned["given_name"], planned["family_name"], planned["date_of_birth"],
        planned["pseudonym"], planned["own_words"], strict=True))

    contacts = next(c.df for c, _ in service.contacts())
    rows = list(Contact.objects.filter(organisation=org()).order_by("id").values_list(
        "id", "relationship_id", "worker_id", "occurred_at", "kind", "note"))
    assert len(rows) == contacts.height
    assert [(r[0] - shift["contacts_contact"], r[1] - shift["relationships_relationship"],
             r[2] - shift["accounts_user"], int(r[3].timestamp()), r[4], r[5])
            for r in rows] == list(zip(
        contacts["id"], contacts["relationship_id"], contacts["worker_id"],
        (contacts["occurred_at"].dt.epoch("s")), contacts["kind"], contacts["note"],
        strict=True))


# --- People and places -------------------------------------------------------------------------


def test_every_role_has_a_demo_login_with_the_demo_password(demo):
    memberships = Membership.objects.filter(organisation=org()).select_related("user")
    assert {m.role for m in memberships} == set(Role.values)
    for login in vocab.FIXED_LOGINS:
        m = memberships.get(user__username=login.username)
        assert m.role == login.role
        assert m.user.check_password("keywork-demo")
    assert all(m.user.is_demo for m in memberships)
    sam = memberships.get(user__username="sam")
    assert {u.kind for u in sam.units.all()} == {"residential"}
    assert sam.units.count() == 2
    for login in ("sam", "mona", "adam"):
        assert memberships.get(user__username=login).needs_second_factor
        assert TOTPDevice.objects.filter(user__username=login, confirmed=True).exists()


def test_the_fixed_keyworker_has_an_ordinary_caseload_in_a_residential_centre(demo):
    kim = Membership.objects.get(organisation=org(), user__username="kim")
    unit = kim.units.get()
    assert unit.kind == "residential"
    colleagues = Membership.objects.filter(organisation=org(), role=Role.KEYWORKER,
                                           units=unit).values_list("user_id", flat=True)
    open_ = Relationship.objects.filter(status__in=("proposed", "active", "ending"),
                                        episode__unit=unit)
    loads = Counter(open_.values_list("keyworker_id", flat=True))
    mean = sum(loads[c] for c in colleagues) / len(colleagues)
    assert loads[kim.user_id] >= 1
    assert abs(loads[kim.user_id] - mean) <= 1


def test_the_service_has_four_units_and_five_legal_bases_in_plain_words(demo):
    organisation = org()
    assert organisation.name == "Keywork Demo Service"
    assert not organisation.managers_see_records
    kinds = Counter(Unit.objects.filter(organisation=organisation).values_list("kind",
                                                                                 flat=True))
    assert kinds == {"residential": 2, "community": 1, "outpatient": 1}
    bases = LegalBasis.objects.filter(organisation=organisation)
    assert {b.code for b in bases} == {"voluntary", "compulsory_care",
                                       "criminal_justice_order", "child_protection", "other"}
    assert {b.code for b in bases if b.is_coerced} == {
        "compulsory_care", "criminal_justice_order", "child_protection"}
    assert all(len(b.confidentiality_limits) > 100 and b.powers for b in bases)


def test_units_take_the_clients_their_legal_basis_fits(demo):
    by_unit: dict[str, Counter] = {}
    for kind, code in Episode.objects.filter(organisation=org()).values_list(
            "unit__kind", "legal_basis__code"):
        by_unit.setdefault(kind, Counter())[code] += 1
    residential = by_unit["residential"]
    assert residential.most_common(1)[0][0] == "compulsory_care"
    assert set(by_unit["community"]) <= {"criminal_justice_order", "other"}
    assert by_unit["community"]["criminal_justice_order"] > by_unit["community"]["other"]
    assert set(by_unit["outpatient"]) <= {"voluntary", "child_protection", "other"}


def test_some_clients_have_a_protected_identity_and_no_address_on_show(demo):
    protected = Client.objects.filter(organisation=org(), protected_identity=True)
    assert protected.exists()
    assert all(c.address == vocab.PROTECTED_ADDRESS for c in protected)
    ages = [c.age_on(AS_OF) for c in Client.objects.filter(organisation=org())]
    assert min(ages) >= 18
    assert max(ages) <= 70
    assert Counter(Client.objects.values_list("preferred_language", flat=True)).most_common(
        1)[0][0] == "Swedish"


# --- Integrity ------------------------------------------------------------------------------------


def test_the_constraints_of_every_table_hold_after_loading(demo):
    connection.check_constraints()
    assert not Episode.objects.filter(end_date__isnull=False, outcome="").exists()
    assert not Episode.objects.filter(end_date__lt=F("start_date")).exists()
    assert not Relationship.objects.filter(status="closed", closed_at__isnull=True).exists()
    assert not Relationship.objects.filter(keyworker=F("deputy")).exists()
    assert not Contact.objects.filter(duration_minutes__gt=24 * 60).exists()
    assert not Contact.objects.filter(occurred_at__gt=F("relationship__closed_at")).exists()
    assert not Contact.objects.filter(
        occurred_at__date__lt=F("relationship__started_on")).exists()
    assert not Contact.objects.filter(signed_at__lt=F("occurred_at")).exists()
    assert not Contact.objects.exclude(signed_by=F("worker")).filter(
        signed_at__isnull=False).exists()
    start_of_day = dt.datetime.combine(AS_OF, dt.time(), dt.UTC)
    assert not Contact.objects.filter(occurred_at__gt=start_of_day).exists()
    one_open = Episode.objects.filter(end_date__isnull=True).values("client").annotate(
        n=Count("id")).filter(n__gt=1)
    assert not one_open.exists()
    two_keyworkers = Relationship.objects.filter(status__in=("proposed", "active")).values(
        "episode").annotate(n=Count("id")).filter(n__gt=1)
    assert not two_keyworkers.exists()


def test_active_relationships_have_an_introduction_or_a_supervisors_waiver(demo):
    started = Relationship.objects.filter(organisation=org(), started_on__isnull=False)
    for rel in started.select_related("episode__legal_basis", "introduction_waived_by"):
        intro = Introduction.objects.filter(relationship=rel).first()
        if intro is None:
            assert rel.introduction_waiver
            membership = Membership.objects.get(user=rel.introduction_waived_by)
            assert membership.role == Role.SUPERVISOR
        else:
            assert intro.is_complete
            assert intro.confidentiality_limits_shown == (
                rel.episode.legal_basis.confidentiality_limits)
    assert not Introduction.objects.filter(relationship__status="proposed").exists()


def test_no_history_rows_are_written_for_the_load(demo):
    assert Client.history.count() == 0
    assert Contact.history.count() == 0
    assert Relationship.history.count() == 0


def test_new_rows_after_the_load_get_fresh_ids(demo):
    organisation = org()
    highest = Client.objects.order_by("-id").values_list("id", flat=True).first()
    client = Client.objects.create(organisation=organisation, given_name="New",
                                   family_name="Client", date_of_birth=dt.date(1990, 1, 1))
    assert client.pk > highest


def test_the_audit_chain_verifies_after_loading_with_one_system_row(demo):
    rows = AuditEvent.objects.filter(action="system")
    assert [r.detail for r in rows] == [f"demo service loaded: {CLIENTS} clients, seed {SEED}"]
    assert rows.get().actor_id is None
    assert verify_chain().ok


# --- Contact rhythms -----------------------------------------------------------------------------


def test_some_clients_contact_their_worker_constantly(demo):
    remote = Contact.objects.filter(organisation=org(), kind__in=("phone", "message"))
    per_rel = remote.values("relationship").annotate(
        client=Count("id", filter=Q(initiated_by="client")), total=Count("id"))
    insistent = [r for r in per_rel if r["client"] >= 8 and r["client"] > 0.7 * r["total"]]
    assert insistent


def test_contacts_on_personal_devices_and_only_those_are_marked_for_review(demo):
    contacts = Contact.objects.filter(organisation=org())
    assert contacts.filter(channel="personal_device").exists()
    assert not contacts.filter(channel="personal_device", needs_review=False).exists()
    assert not contacts.exclude(channel="personal_device").filter(needs_review=True).exists()
    unsigned = contacts.filter(signed_at__isnull=True)
    assert 0 < unsigned.count() < contacts.count() * 0.1


def test_rhythms_differ_between_residential_and_community_settings():
    service = plan(clients=1500)
    rels = frame_of(service, Relationship).df
    episodes = frame_of(service, Episode).df
    units = frame_of(service, Unit).df
    unit_kind = dict(zip(units["id"], units["kind"], strict=True))
    ep_unit = dict(zip(episodes["id"], episodes["unit_id"], strict=True))
    rel_kind = {r: unit_kind[ep_unit[e]] for r, e in zip(rels["id"], rels["episode_id"],
                                                          strict=True)}
    seen: dict[str, Counter] = {}
    missed: dict[str, list[bool]] = {}
    for batch, _ in service.contacts():
        contacts = batch.df
        for rel, kind, attended in zip(contacts["relationship_id"], contacts["kind"],
                                       contacts["attended"], strict=True):
            setting = rel_kind[rel]
            seen.setdefault(setting, Counter())[kind] += 1
            if kind == "session":
                missed.setdefault(setting, []).append(not attended)
    assert seen["residential"]["everyday"] > seen["residential"]["session"] * 2
    assert seen["community"]["everyday"] == 0
    assert seen["outpatient"]["everyday"] == 0
    assert seen["community"]["phone"] > seen["community"]["session"]
    dna = {k: np.mean(v) for k, v in missed.items()}
    assert dna["community"] > dna["outpatient"] > dna["residential"]


def test_dropping_out_is_more_common_under_compulsion_than_in_voluntary_care():
    service = plan(clients=3000)
    episodes = frame_of(service, Episode).df
    bases = frame_of(service, LegalBasis).df
    code = dict(zip(bases["id"], bases["code"], strict=True))
    ended = Counter()
    dropped = Counter()
    for basis, outcome in zip(episodes["legal_basis_id"], episodes["outcome"], strict=True):
        if outcome:
            ended[code[basis]] += 1
            dropped[code[basis]] += outcome == "dropped_out"
    rate = {k: dropped[k] / ended[k] for k in ended}
    assert rate["compulsory_care"] > rate["voluntary"] * 1.5
    assert rate["criminal_justice_order"] > rate["voluntary"] * 1.5
    outcomes = Counter(o for o in episodes["outcome"].to_list() if o)
    assert outcomes.most_common(1)[0][0] == "completed"
    assert outcomes["transferred"] > 0


def test_a_client_who_asked_for_a_change_gets_someone_new_in_the_same_episode():
    rels = frame_of(plan(clients=600), Relationship).df.to_dicts()
    left = [r for r in rels if r["end_reason"] == "client_asked_for_change"]
    assert left
    by_episode: dict[int, list[dict]] = {}
    for r in rels:
        by_episode.setdefault(r["episode_id"], []).append(r)
    for old in left:
        assert old["status"] == "closed"
        new = [r for r in by_episode[old["episode_id"]]
               if r["start_reason"] == "client_asked_for_change"]
        assert len(new) == 1
        assert new[0]["keyworker_id"] != old["keyworker_id"]
        assert new[0]["started_on"] >= old["closed_at"].date() - dt.timedelta(days=1)


def test_patterns_lean_ambivalent_where_power_is_formal_or_a_change_was_asked():
    rng = np.random.default_rng(0)
    n = 20_000
    none = np.zeros(n, dtype=bool)
    every = np.ones(n, dtype=bool)
    share = {
        name: np.mean(patterns.plant_pattern(rng, coerced=c, asked_for_change=a)
                      == patterns.AMBIVALENT)
        for name, c, a in (("free", none, none), ("coerced", every, none),
                           ("asked", none, every))
    }
    assert share["free"] == pytest.approx(0.20, abs=0.02)
    assert share["free"] < share["coerced"] < share["asked"]
    codes = patterns.plant_pattern(rng, coerced=none, asked_for_change=none)
    assert np.mean(codes == patterns.FRIENDLY) == pytest.approx(0.45, abs=0.02)


# --- The commands --------------------------------------------------------------------------------


def test_if_empty_leaves_an_existing_demo_alone(demo):
    before = (Client.objects.count(), Contact.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--clients", "10", "--seed", "99", "--if-empty",
                 "--no-progress", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Client.objects.count(), Contact.objects.count(),
            AuditEvent.objects.count()) == before


def test_loading_over_an_existing_demo_without_reset_is_refused(demo):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--clients", "10", "--no-progress", stdout=io.StringIO())


def test_reset_replaces_the_demo_and_keeps_the_audit_log(demo):
    old_users = set(User.objects.filter(is_demo=True).values_list("pk", flat=True))
    old_clients = set(Client.objects.values_list("pk", flat=True))
    audit_before = AuditEvent.objects.count()
    call_command("seed_demo", "--clients", "25", "--seed", "3", "--reset", "--as-of",
                 "2025-06-30", "--no-progress", stdout=io.StringIO())
    assert Organisation.objects.filter(slug=vocab.ORGANISATION_SLUG).count() == 1
    assert Client.objects.count() == 25
    assert not set(Client.objects.values_list("pk", flat=True)) & old_clients
    assert not User.objects.filter(pk__in=old_users).exists()
    assert not TOTPDevice.objects.exclude(user__in=User.objects.all()).exists()
    details = list(AuditEvent.objects.filter(action="system").values_list("detail",
                                                                            flat=True))
    assert details[0] == f"demo service loaded: {CLIENTS} clients, seed {SEED}"
    assert details[1].startswith("demo service removed:")
    assert details[2] == "demo service loaded: 25 clients, seed 3"
    assert AuditEvent.objects.count() == audit_before + 2
    assert verify_chain().ok
    connection.check_constraints()


def test_reset_leaves_other_organisations_alone(world):
    before = (Client.objects.count(), Contact.objects.count(), User.objects.count())
    seed()
    seed(clients=20, reset=True)
    assert Client.objects.exclude(organisation=org()).count() == before[0]
    assert Contact.objects.exclude(organisation=org()).count() == before[1]
    assert User.objects.filter(is_demo=False).count() == before[2]
    world.own_contact.refresh_from_db()


def test_truth_file_names_every_relationship_with_a_pattern(db, tmp_path):
    path = tmp_path / "truth.csv"
    call_command("seed_demo", "--clients", str(CLIENTS), "--seed", str(SEED), "--as-of",
                 "2025-06-30", "--truth", str(path), "--no-progress", stdout=io.StringIO())
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["relationship_id", "pattern"]
    planted = {int(r[0]): r[1] for r in rows[1:]}
    ids = set(Relationship.objects.filter(organisation=org()).values_list("pk", flat=True))
    assert set(planted) == ids
    assert set(planted.values()) <= set(patterns.PATTERNS)
    assert planted == patterns.planted_patterns()


def test_demo_totp_prints_a_code_the_device_accepts(demo):
    out = io.StringIO()
    call_command("demo_totp", "sam", stdout=out)
    code = out.getvalue().split()[0]
    assert len(code) == 6
    assert code.isdigit()
    device = TOTPDevice.objects.get(user__username="sam")
    assert device.verify_token(code)


def test_demo_totp_refuses_an_account_outside_the_demo(demo):
    User.objects.create_user(username="real", password="a-real-password-1")
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_totp", "real", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_totp", "nobody-at-all", stdout=io.StringIO())


def test_demo_logins_lists_each_role_and_how_to_get_a_code(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in vocab.FIXED_LOGINS:
        assert login.username in text
        assert login.role in text
    assert "keywork-demo" in text
    assert "keywork demo_totp" in text
    lines = {line.split()[1]: line.split() for line in text.splitlines()
             if "keywork-demo" in line and "demo_totp" not in line}
    assert lines["sam"][3] == "needed"
    assert lines["kim"][3:5] == ["not", "needed"]
    secret = TOTPDevice.objects.get(user__username="mona").bin_key
    assert base64.b32encode(secret).decode().rstrip("=") in text


def test_demo_logins_says_how_to_load_the_demo_when_there_is_none(db):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()


def test_a_seed_below_zero_or_no_clients_is_refused(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--clients", "0", "--no-progress", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("seed_demo", "--seed", "-1", "--no-progress", stdout=io.StringIO())
    assert not Organisation.objects.exists()


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="the bulk path is PostgreSQL's")
def test_bulk_loading_and_removal_restore_every_index_and_foreign_key(db):
    def schema() -> list[tuple[str, str]]:
        with connection.cursor() as cur:
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
                        "('contacts_contact', 'clients_client', 'relationships_relationship')"
                        " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM "
                        "pg_constraint WHERE conrelid IN ('contacts_contact'::regclass, "
                        "'relationships_relationship'::regclass) ORDER BY 1, 2")
            return cur.fetchall()

    before = schema()
    result = seed(bulk_from=0)
    assert result.counts["contacts_contact"] > 0
    assert schema() == before
    seed(bulk_from=0, reset=True, seed=SEED + 1)
    assert schema() == before
    connection.check_constraints()


def test_a_reference_already_in_use_is_drawn_again(world):
    planned = frame_of(plan(), Client).df["pseudonym"].to_list()
    Client.objects.filter(pk=world.clients["own"].pk).update(pseudonym=planned[0])
    seed()
    references = list(Client.objects.values_list("pseudonym", flat=True))
    assert len(references) == len(set(references))
    assert Client.objects.filter(organisation=org(), pseudonym__in=planned[1:]).count() == (
        CLIENTS - 1)


# --- Sharing choices and the clients' own words -----------------------------------------------


def test_clients_share_with_their_keyworker_as_they_chose_on_each_checkin(demo):
    from keywork.checkins.models import CheckinPolicy, CheckinResponse, SharingChoice

    assert CheckinPolicy.objects.get(organisation=org()).keyworker_visibility == "scores"
    chosen = dict(SharingChoice.objects.values_list("relationship_id", "visibility"))
    assert set(chosen.values()) == {"pattern", "nothing"}
    client_rows = CheckinResponse.objects.filter(rater="client")
    assert not client_rows.filter(visibility__isnull=True).exists()
    for rel, visibility in client_rows.values_list("relationship_id", "visibility"):
        assert visibility == chosen.get(rel, "scores")
    assert not CheckinResponse.objects.filter(rater="keyworker",
                                              visibility__isnull=False).exists()


def test_a_client_writes_their_own_words_in_their_own_language(demo):
    from keywork.checkins.models import CheckinResponse
    from keywork.demo.checkins import HELPED, HELPED_SV

    swedish = {w for words in HELPED_SV.values() for w in words if w}
    english = {w for words in HELPED.values() for w in words if w}
    said = Counter()
    for language, helped in (CheckinResponse.objects.exclude(helped="")
                             .values_list("client__preferred_language", "helped")):
        said[(language == "Swedish", helped in swedish, helped in english)] += 1
    assert said[(True, True, False)] > 0
    assert said[(False, False, True)] > 0
    assert set(said) == {(True, True, False), (False, False, True)}


def test_with_evaluate_the_demo_has_changed_patterns_and_an_agenda_with_the_engines_alerts(db):
    from keywork.signals.models import Alert, RelationshipState
    from keywork.supervision.models import AgendaItem

    seed(evaluate=True, clients=300)
    changed = RelationshipState.objects.pattern_changed()
    assert changed.exists()
    # The first run is stamped as of four weeks before the demo's day, the changes on it.
    first = AS_OF - dt.timedelta(days=HISTORY_DAYS - 1)
    assert RelationshipState.objects.filter(pattern_since__date__lte=first).exists()
    assert all(s.pattern_since.date() > first for s in changed)
    assert Alert.objects.filter(source="signals").exists()
    assert AgendaItem.objects.filter(kind="alert").exists()


def test_without_evaluate_the_demo_leaves_the_engine_to_its_own_run(demo):
    from keywork.signals.models import RelationshipState

    assert not RelationshipState.objects.exists()


def test_the_planner_statistics_are_refreshed_after_the_load(db):
    """A table filled in one transaction looks empty to PostgreSQL's planner until it is
    analysed; the load analyses it (SQLite has no planner statistics to refresh)."""
    with CaptureQueriesContext(connection) as captured:
        seed()
    analysed = [q["sql"] for q in captured.captured_queries
                if q["sql"].strip().upper() == "ANALYZE"]
    assert len(analysed) == (1 if connection.vendor == "postgresql" else 0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = 'contacts_contact'")
            (estimate,) = cur.fetchone()
        assert estimate == Contact.objects.count()

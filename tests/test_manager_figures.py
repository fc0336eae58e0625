"""The manager's figures over a period, their exports, the caseloads against their limit
and the targets the administrator sets."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.clients import services as client_services
from keywork.contacts import services as contact_services
from keywork.dashboards.models import Target
from keywork.domain import periods
from keywork.relationships.models import Relationship
from tests.helpers import login_as
from tests.test_signals_evaluation import _checkin
from tests.world import admit, allocate

TODAY = timezone.localdate


def _http(world, who: str = "manager") -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _page(world, who: str = "manager", **params):
    return _http(world, who).get(reverse("dashboards:manager"), params)


def _export(world, table: str, fmt: str, who: str = "manager", **params):
    return _http(world, who).get(
        reverse("dashboards:manager_export", kwargs={"table": table, "fmt": fmt}), params)


def _day(days_ago: int) -> str:
    return (TODAY() - dt.timedelta(days=days_ago)).isoformat()


def _contact(world, rel: Relationship, days_ago: int, **fields):
    fields.setdefault("kind", "session")
    worker = next(m for m in world.memberships.values() if m.user_id == rel.keyworker_id)
    return contact_services.contact_record(
        membership=worker, relationship=rel,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago), **fields)


def _client(world, name: str, worker: str = "keyworker", unit=None) -> Relationship:
    unit = unit or world.unit_a
    sup = world.memberships["supervisor" if unit == world.unit_a else "supervisor_b"]
    client = admit(sup, unit, world.legal_basis, name, "Extra",
                   TODAY() - dt.timedelta(days=90))
    return allocate(sup, client, world.users[worker], world.memberships[worker])


def _csv(resp) -> list[list[str]]:
    return list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))


# --- the period ------------------------------------------------------------------------------


def test_contacts_count_inside_the_period_and_not_outside_it(world):
    own = world.relationships["own"]
    _contact(world, own, 5)
    _contact(world, own, 40, kind="everyday")
    _contact(world, own, 45, attended=False)
    last_30 = _page(world, preset="30d").context["f"].contact_total
    # the world's own contact two hours ago and the one five days ago
    assert (last_30.contacts, last_30.planned, last_30.everyday, last_30.planned_booked) == (
        2, 2, 0, 2)
    earlier = _page(world, start=_day(50), end=_day(35)).context["f"]
    a = next(r for r in earlier.contact_rates if r.unit == world.unit_a.name)
    assert (a.contacts, a.everyday, a.not_attended, a.planned_booked) == (1, 1, 1, 1)
    assert a.did_not_attend == 100
    assert earlier.period.days == 16
    assert a.rate == round(1 / a.clients / (16 / 7), 2)


def test_episodes_ended_in_the_period_count_and_others_do_not(world):
    episode = world.clients["ended"].episodes.get()
    client_services.episode_end(membership=world.memberships["supervisor"], episode=episode,
                                end_date=TODAY() - dt.timedelta(days=100),
                                outcome="completed")
    assert _page(world, preset="30d").context["f"].outcomes == []
    (row,) = _page(world, preset="12m").context["f"].outcomes
    assert (row.legal_basis, row.completed) == ("Voluntary", 1)
    (row,) = _page(world, start=_day(101), end=_day(99)).context["f"].outcomes
    assert row.completed == 1


def test_checkins_and_ratings_follow_the_period(world):
    own, same = world.relationships["own"], world.relationships["same_unit"]
    _checkin(own, "client", 40, 3)
    _checkin(same, "client", 80, 50)
    f = _page(world, preset="30d").context["f"]
    assert (f.completion_total.with_client, f.client_rating) == (1, 40.0)
    f = _page(world, start=_day(60), end=TODAY().isoformat()).context["f"]
    assert (f.completion_total.with_client, f.client_rating) == (2, 60.0)
    assert sum(m.client_n for m in f.trends) == 2


def test_the_default_period_is_the_last_twelve_months(world):
    resp = _page(world)
    f = resp.context["f"]
    assert f.period.end == TODAY()
    assert f.period.start == periods.month_start(TODAY(), 11)
    assert len(f.trends) == 12
    html = resp.content.decode()
    assert 'aria-current="true">Last 12 months' in html


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "2026-05-02", "end": "2026-05-01"}, "The start date is after the end date"),
    ({"start": "2020-01-01", "end": "2099-01-01"}, "The end date is after today"),
    ({"start": "2001-01-01", "end": "2020-01-01"}, "at most three years"),
    ({"start": "1990-01-01", "end": "1991-01-01"}, "2000 or later"),
    ({"start": "2026-05-01"}, "Give both dates"),
    ({"start": "yesterday", "end": "2026-05-01"}, "Enter a valid date"),
    ({"preset": "week"}, "There is no such period"),
])
def test_a_bad_period_is_refused_with_a_message_and_what_was_typed_stays(world, params,
                                                                        message):
    resp = _page(world, **params)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert message in html
    assert resp.context["choice"].refused
    assert resp.context["f"].period.end == TODAY()  # the default is shown meanwhile
    for value in params.values():
        if value != "week":
            assert f'value="{value}"' in html


def test_the_export_links_carry_the_period_shown(world):
    html = _page(world, start=_day(20), end=_day(10)).content.decode()
    url = reverse("dashboards:manager_export", kwargs={"table": "contacts", "fmt": "xlsx"})
    assert f'{url}?start={_day(20)}&amp;end={_day(10)}' in html


# --- caseloads against their limit --------------------------------------------------------


def test_a_caseload_over_its_units_limit_stands_out(world):
    world.unit_a.caseload_limit = 2
    world.unit_a.save()
    for i in range(3):
        _client(world, f"Over{i}")  # the keyworker: own + 3 = 4 against 2
    resp = _page(world)
    f = resp.context["f"]
    first = f.caseload_rows[0]
    assert (first.worker, first.unit, first.n, first.limit, first.over) == (
        "Keyworker Test", world.unit_a.name, 4, 2, 2)
    assert [c.worker for c in f.over_limit] == ["Keyworker Test"]
    colleague = next(c for c in f.caseload_rows
                     if c.worker == "Colleague Test" and c.unit == world.unit_a.name)
    assert (colleague.n, colleague.over_limit, colleague.at_limit) == (1, False, False)
    html = resp.content.decode()
    assert '<span class="badge badge-bad">over by 2</span>' in html
    assert "1 caseload over its limit" in html
    rows = _csv(_export(world, "caseload-limits", "csv"))
    assert rows[0] == ["Keyworker", "Unit", "Open relationships", "Limit",
                       "Over the limit by", "Over the limit"]
    assert rows[1] == ["Keyworker Test", world.unit_a.name, "4", "2", "2", "yes"]


def test_the_caseload_on_a_past_day_counts_what_was_open_then(world):
    world.unit_a.caseload_limit = 1
    world.unit_a.save()
    rel = _client(world, "Later")
    Relationship.objects.filter(pk=rel.pk).update(proposed_on=TODAY() - dt.timedelta(days=5))
    Relationship.objects.filter(pk=world.relationships["own"].pk).update(
        proposed_on=TODAY() - dt.timedelta(days=40))
    now = {(c.worker, c.unit): c.n for c in _page(world).context["f"].caseload_rows}
    assert now[("Keyworker Test", world.unit_a.name)] == 2
    before = {(c.worker, c.unit): c.n for c in
              _page(world, start=_day(30), end=_day(10)).context["f"].caseload_rows}
    assert before[("Keyworker Test", world.unit_a.name)] == 1


# --- exports ----------------------------------------------------------------------------------


def test_an_export_is_a_csv_of_the_table_named_after_the_organisation_and_period(world):
    _contact(world, world.relationships["own"], 3, kind="everyday", initiated_by="client")
    resp = _export(world, "contacts", "csv", start=_day(29), end=TODAY().isoformat())
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/csv")
    assert resp["Content-Disposition"] == (
        f'attachment; filename="{world.org.slug}-contacts-{_day(29)}-{TODAY().isoformat()}.csv"')
    rows = _csv(resp)
    assert rows[0][:4] == ["Unit", "Clients in care", "Attended contacts", "Per client per week"]
    a = next(r for r in rows if r[0] == world.unit_a.name)
    assert a[2] == "2"
    assert a[5] == "1"
    assert a[7] == "50"
    assert rows[-1][0] == "All units"


def test_an_export_as_xlsx_holds_the_same_table(world):
    resp = _export(world, "legal-basis", "xlsx", preset="12m")
    assert resp.status_code == 200
    assert resp["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert resp["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == f"{world.org.name}: Clients in care by legal basis"
    header = values.index(["Legal basis", "Formal power", "Clients"])
    assert sorted(values[header + 1:]) == [["Compulsory care", "yes", 2],
                                           ["Voluntary", "no", 2]]


def test_an_export_writes_a_formula_as_text_in_both_formats(world):
    world.unit_a.name = "=HYPERLINK(\"http://x.test\",\"y\")"
    world.unit_a.save()
    rows = _csv(_export(world, "contacts", "csv"))
    assert [r[0] for r in rows if "HYPER" in r[0]] == ["'=HYPERLINK(\"http://x.test\",\"y\")"]
    resp = _export(world, "contacts", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    cells = [c for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells
    assert all(c.value.startswith("'=") and c.data_type == "s" for c in cells)


def test_an_export_leaves_out_small_cells_as_the_page_does(world):
    episode = world.clients["ended"].episodes.get()
    client_services.episode_end(membership=world.memberships["supervisor"], episode=episode,
                                end_date=TODAY() - dt.timedelta(days=3), outcome="completed")
    html = _page(world).content.decode()
    assert "too few to show" in html
    rows = _csv(_export(world, "quality", "csv"))
    unrated = next(r for r in rows if r[0] == "No client check-ins")
    assert unrated[3:] == ["1", "too few to show"]
    assert "100" not in unrated


def test_an_export_is_audited_like_a_read(world):
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    _export(world, "patterns", "xlsx", start=_day(10), end=_day(1))
    (row,) = AuditEvent.objects.filter(id__gt=before, action="export")
    assert (row.action, row.actor_id, row.actor_role, row.client_id, row.organisation_id,
            row.object_type, row.object_id) == (
        "export", world.users["manager"].pk, "manager", None, world.org.pk, "figures",
        "patterns")
    assert f"{_day(10)} to {_day(1)}" in row.detail
    assert "xlsx" in row.detail


def test_exports_are_for_the_manager_only_and_refusals_export_nothing(world):
    before = AuditEvent.objects.filter(action="export").count()
    for who in ("keyworker", "supervisor", "administrator", "researcher"):
        assert _export(world, "contacts", "csv", who=who).status_code == 403, who
        assert _export(world, "contacts", "xlsx", who=who).status_code == 403, who
    assert _export(world, "names", "csv").status_code == 404
    assert _export(world, "contacts", "pdf").status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == before


def test_an_export_with_a_bad_period_goes_back_to_the_page_and_exports_nothing(world):
    before = AuditEvent.objects.filter(action="export").count()
    resp = _export(world, "contacts", "csv", start="2026-05-02", end="2026-05-01")
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse("dashboards:manager") + "?")
    page = _http(world).get(resp["Location"])
    assert "The start date is after the end date" in page.content.decode()
    assert AuditEvent.objects.filter(action="export").count() == before


def test_another_organisations_figures_never_reach_the_export(world):
    rows = _csv(_export(world, "caseload-limits", "csv"))
    assert all(r[0] != "Outsider Test" for r in rows)
    assert "outsider" not in "".join(",".join(r) for r in rows).lower()


# --- targets -----------------------------------------------------------------------------


def _save_targets(world, who: str = "administrator", **values):
    data = {key: "" for key, _label in Target.Figure.choices}
    data.update({k: str(v) for k, v in values.items()})
    return _http(world, who).post(reverse("dashboards:targets"), data)


def test_the_administrator_sets_changes_and_clears_targets_and_each_change_is_audited(world):
    resp = _save_targets(world, contacts_per_client_week="1.5", did_not_attend=20)
    assert resp.status_code == 302
    stored = dict(Target.objects.filter(organisation=world.org).values_list("figure", "value"))
    assert {k: float(v) for k, v in stored.items()} == {"contacts_per_client_week": 1.5,
                                                         "did_not_attend": 20}
    row = AuditEvent.objects.order_by("-id").first()
    assert (row.action, row.actor_id, row.object_type) == (
        "update", world.users["administrator"].pk, "target")
    assert "contacts_per_client_week: - -> 1.5" in row.detail
    _save_targets(world, did_not_attend=25)
    stored = dict(Target.objects.filter(organisation=world.org).values_list("figure", "value"))
    assert {k: float(v) for k, v in stored.items()} == {"did_not_attend": 25}
    detail = AuditEvent.objects.order_by("-id").first().detail
    assert "did_not_attend: 20" in detail
    assert "-> 25" in detail
    assert "contacts_per_client_week: 1.5" in detail
    assert "-> -" in detail
    page = _http(world, "administrator").get(reverse("dashboards:targets")).content.decode()
    assert 'value="25.00"' in page or 'value="25"' in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("did_not_attend", "150", "less than or equal to 100"),
    ("client_rating", "-1", "greater than or equal to 0"),
    ("client_started", "50.5", "no more than 0 decimal places"),
    ("contacts_per_client_week", "lots", "Enter a number"),
])
def test_a_bad_target_is_refused_on_its_field_and_nothing_is_saved(world, field, value,
                                                                  message):
    before = AuditEvent.objects.count()
    resp = _save_targets(world, **{field: value, "over_limit": 0})
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert f'value="{value}"' in resp.content.decode()
    assert not Target.objects.filter(organisation=world.org).exists()
    assert AuditEvent.objects.count() == before


def test_only_the_administrator_opens_the_targets(world):
    for who in ("keyworker", "supervisor", "manager", "researcher"):
        http = _http(world, who)
        assert http.get(reverse("dashboards:targets")).status_code == 403, who
        assert _save_targets(world, who=who, over_limit=1).status_code == 403, who
    assert not Target.objects.exists()


def test_each_target_is_shown_beside_its_figure_as_met_or_not(world):
    own = world.relationships["own"]
    _contact(world, own, 3, attended=False)  # one of two planned sessions missed: 50 %
    _save_targets(world, did_not_attend=10, contacts_per_client_week="0.01", over_limit=0)
    other = Target.objects.create(organisation=world.other_org, figure="client_rating",
                                  value=90)
    resp = _page(world, preset="30d")
    targets = resp.context["targets"]
    by_key = {t.key: t for section in targets.values() for t in section}
    assert set(by_key) == {"did_not_attend", "contacts_per_client_week", "over_limit"}
    assert (by_key["did_not_attend"].value, by_key["did_not_attend"].met) == (50, False)
    assert by_key["contacts_per_client_week"].met is True
    assert (by_key["over_limit"].value, by_key["over_limit"].met) == (0, True)
    assert [t.key for t in targets["contacts"]] == ["contacts_per_client_week",
                                                    "did_not_attend"]
    html = resp.content.decode()
    assert "target at most 10 %" in html
    assert '<span class="badge badge-bad">not met</span>' in html
    assert '<span class="badge badge-good">met</span>' in html
    assert other.figure not in by_key


# --- speed ------------------------------------------------------------------------------


def _queries(world, **params) -> int:
    http = _http(world)
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(reverse("dashboards:manager"), params).status_code == 200
    return len(ctx.captured_queries)


def test_the_manager_page_needs_the_same_queries_for_many_clients_as_for_few(world):
    _save_targets(world, over_limit=0)
    _page(world)  # settings read once per process are read now, not in the count
    few = _queries(world)
    for i in range(8):
        rel = _client(world, f"Many{i}", worker=("keyworker", "colleague")[i % 2],
                      unit=(world.unit_a, world.unit_b)[i % 2])
        for days in (2, 20, 80):
            _contact(world, rel, days)
        _checkin(rel, "client", 60 + i, 5)
        _checkin(rel, "keyworker", 60, 5)
    episode = world.clients["ended"].episodes.get()
    client_services.episode_end(membership=world.memberships["supervisor"], episode=episode,
                                end_date=TODAY() - dt.timedelta(days=3), outcome="completed")
    assert _page(world).context["f"].contact_total.contacts >= 24
    assert _queries(world) == few
    assert _queries(world, preset="30d") == few


def test_the_figures_of_one_period_are_kept_and_counted_again_for_another(world, settings):
    settings.KEYWORK_FIGURES_CACHE_SECONDS = 600
    cache.clear()
    try:
        first = _queries(world, preset="30d")
        _contact(world, world.relationships["own"], 1)
        kept = _page(world, preset="30d").context["f"]
        assert _queries(world, preset="30d") < first
        assert kept.contact_total.contacts == 1  # as counted the first time
        again = _page(world, start=_day(5), end=TODAY().isoformat()).context["f"]
        assert again.contact_total.contacts == 2
    finally:
        cache.clear()


def test_the_figures_of_each_preset_are_counted_ahead_of_the_first_request(world, settings):
    settings.KEYWORK_FIGURES_CACHE_SECONDS = 600
    cache.clear()
    try:
        uncounted = _queries(world, preset="quarter")
        cache.clear()
        out = io.StringIO()
        call_command("count_figures", organisation=world.org.slug, stdout=out)
        assert "8 sets of figures" in out.getvalue()  # 4 presets in 2 languages
        assert _queries(world, preset="quarter") < uncounted
    finally:
        cache.clear()

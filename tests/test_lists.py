"""The lists of a working day: the caseload, the supervisor's units, the people page and
the search for a client. Bounded, filterable, the same number of queries for few rows as
for many, and one rule written one way."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keywork.clients.models import Client
from keywork.contacts.models import Contact
from keywork.dashboards import selectors as dash
from keywork.organisations.models import Role
from keywork.relationships import services as rel_services
from keywork.relationships.models import Relationship
from keywork.signals.models import SignalSettings
from keywork.signals.settings import clear as clear_signal_settings
from tests.helpers import login_as
from tests.world import admit, make_user


def _http(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _propose(world, given: str, *, basis=None, worker: str = "keyworker",
             family: str = "Newcomer", born: dt.date | None = None) -> Relationship:
    sup = world.memberships["supervisor"]
    client = admit(sup, world.unit_a, basis or world.legal_basis, given, family,
                   timezone.localdate() - dt.timedelta(days=3))
    if born:
        Client.objects.filter(pk=client.pk).update(date_of_birth=born)
    return rel_services.relationship_propose(
        membership=sup, episode=client.episodes.get(), keyworker_id=world.users[worker].pk)


def _queries(http: HttpClient, url: str, **params) -> int:
    """The queries of one request, after one that does what only a first visit does (the
    session saved again, the navigation's counts kept for later pages)."""
    assert http.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(url, params).status_code == 200
    return len(ctx.captured_queries)


# --- the caseload: one threshold per client, said once when it is shared -------------------


def test_caseload_flags_each_client_at_the_threshold_of_the_no_contact_alert(world):
    own = world.relationships["own"]  # compulsory care: flagged after 7 days
    voluntary = _propose(world, "Vera", basis=world.voluntary)
    Contact.objects.filter(pk=world.own_contact.pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=8))
    for rel, days in ((voluntary, 8),):
        Relationship.objects.filter(pk=rel.pk).update(
            proposed_on=timezone.localdate() - dt.timedelta(days=days))
    resp = _http(world, "keyworker").get(reverse("dashboards:keyworker"))
    rows = {r.relationship.pk: r for r in resp.context["rows"]}
    assert (rows[own.pk].threshold, rows[own.pk].overdue) == (7, True)
    assert (rows[voluntary.pk].threshold, rows[voluntary.pk].overdue) == (14, False)
    html = resp.content.decode()
    assert "limit 7 days" in html
    assert "limit 14 days" in html
    assert "Contact is flagged after 14 days" not in html


def test_caseload_says_a_shared_threshold_once_above_the_table(world):
    resp = _http(world, "keyworker").get(reverse("dashboards:keyworker"))
    html = resp.content.decode()
    assert "Contact is flagged after 7 days without one." in html
    assert "limit 7 days</span>" not in html  # not again on the row
    facts = resp.context["facts"]
    assert (facts.unit, facts.legal_basis, facts.coerced) == (
        world.unit_a.name, world.legal_basis.name, True)


def test_caseload_threshold_follows_the_organisations_signal_settings(world):
    SignalSettings.objects.update_or_create(organisation=world.org,
                                            defaults={"overrides": {
                                                "coerced_no_contact_days": 3}})
    clear_signal_settings()
    Contact.objects.filter(pk=world.own_contact.pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=3))
    (row,) = _http(world, "keyworker").get(reverse("dashboards:keyworker")).context["rows"]
    assert (row.threshold, row.overdue) == (3, True)
    clear_signal_settings()


def test_caseload_row_offers_the_keyworkers_own_check_in_in_one_click(world):
    rel = world.relationships["own"]
    html = _http(world, "keyworker").get(reverse("dashboards:keyworker")).content.decode()
    assert reverse("checkins:keyworker_form", args=[rel.pk]) in html
    # The deputy covers: the check-in is the keyworker's own, not theirs to give.
    html = _http(world, "deputy").get(reverse("dashboards:keyworker")).content.decode()
    assert reverse("checkins:keyworker_form", args=[rel.pk]) not in html


def test_caseload_filters_and_sorts_without_losing_the_total(world):
    _propose(world, "Vera", basis=world.voluntary)
    http = _http(world, "keyworker")
    resp = http.get(reverse("dashboards:keyworker"), {"only": "formal"})
    assert [r.relationship.pk for r in resp.context["rows"]] == [world.relationships["own"].pk]
    assert resp.context["total"] == 2
    assert "1 of 2 shown." in resp.content.decode()
    resp = http.get(reverse("dashboards:keyworker"), {"sort": "name"})
    names = [r.client.display_name for r in resp.context["rows"]]
    assert names == sorted(names, key=str.casefold)
    bad = http.get(reverse("dashboards:keyworker"), {"sort": "nonsense"})
    assert bad.status_code == 200
    assert len(bad.context["rows"]) == 2


def test_caseload_query_count_does_not_grow_with_filters_or_rows(world):
    http = _http(world, "keyworker")
    url = reverse("dashboards:keyworker")
    small = _queries(http, url, sort="contact", only="attention")
    for i in range(7):
        _propose(world, f"Extra{i}")
    assert _queries(http, url, sort="contact", only="attention") == small


def test_a_row_without_a_pattern_says_why_alerts_can_stand_beside_it(world):
    from keywork.signals.models import Pattern, RelationshipState
    from keywork.signals.services import alert_raise

    rel = world.relationships["own"]
    RelationshipState.objects.update_or_create(
        relationship=rel, defaults={"organisation": world.org, "pattern": Pattern.UNKNOWN,
                                    "evaluated_at": timezone.now()})
    assert alert_raise(relationship=rel, code="no_checkin", source="signals",
                       params={"days": 30, "client_days": 30, "worker_days": 30})
    html = _http(world, "keyworker").get(reverse("dashboards:keyworker")).content.decode()
    assert "Not enough check-ins yet" not in html
    assert "needs 2 check-ins each side" in html
    assert "So a row can show alerts before it shows a pattern." in html


# --- the supervisor's units: bounded, with counts and "show all" ----------------------------


def test_supervisor_unit_lists_are_bounded_with_a_count_and_show_all(world):
    extra = dash.SECTION_LIMIT + 3
    for i in range(extra):
        _propose(world, f"Wait{i:02d}")
    http = _http(world, "supervisor")
    resp = http.get(reverse("dashboards:supervisor"))
    (unit,) = [o for o in resp.context["units"] if o.unit.pk == world.unit_a.pk]
    assert len(unit.proposed) == dash.SECTION_LIMIT
    assert unit.more_proposed == extra - dash.SECTION_LIMIT
    assert "Show all" in resp.content.decode()
    everything = http.get(reverse("dashboards:supervisor"), {"all": "1"})
    (unit,) = [o for o in everything.context["units"] if o.unit.pk == world.unit_a.pk]
    assert len(unit.proposed) == extra
    assert unit.more_proposed == 0


def test_supervisor_page_queries_do_not_grow_with_the_rows(world):
    http = _http(world, "supervisor")
    url = reverse("dashboards:supervisor")
    small = _queries(http, url)
    for i in range(dash.SECTION_LIMIT + 4):
        _propose(world, f"Wait{i:02d}")
    assert _queries(http, url) == small
    assert _queries(http, url, all="1") == small


def test_supervisor_no_contact_list_uses_each_clients_own_threshold(world):
    # "own" (formal power) had contact 8 days ago: past its 7; a voluntary client 8 days
    # without contact is within its 14.
    Contact.objects.filter(pk=world.own_contact.pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=8))
    vera = _propose(world, "Vera", basis=world.voluntary)
    vera.episode.__class__.objects.filter(pk=vera.episode_id).update(
        start_date=timezone.localdate() - dt.timedelta(days=8))
    resp = _http(world, "supervisor").get(reverse("dashboards:supervisor"))
    (unit,) = [o for o in resp.context["units"] if o.unit.pk == world.unit_a.pk]
    quiet = {r.client.pk for r in unit.no_contact}
    assert world.clients["own"].pk in quiet
    assert vera.client_id not in quiet
    given = _http(world, "supervisor").get(reverse("dashboards:supervisor"), {"days": 5})
    (unit,) = [o for o in given.context["units"] if o.unit.pk == world.unit_a.pk]
    assert vera.client_id in {r.client.pk for r in unit.no_contact}


# --- people ----------------------------------------------------------------------------------


def test_people_page_filters_by_role_unit_and_name(world):
    http = _http(world, "administrator")
    url = reverse("organisations:users")
    roles = {m.role for m in http.get(url, {"role": "supervisor"}).context["memberships"]}
    assert roles == {Role.SUPERVISOR}
    in_b = http.get(url, {"unit": world.unit_b.pk}).context["memberships"]
    assert {m.user.username for m in in_b} == {"supervisor_b"}
    named = http.get(url, {"name": "colleag"}).context["memberships"]
    assert [m.user.username for m in named] == ["colleague"]
    bad = http.get(url, {"role": "pope"})
    assert bad.status_code == 200
    assert bad.context["form"].errors


def test_people_page_is_bounded_and_its_queries_do_not_grow(world):
    from keywork.organisations.selectors import PEOPLE_LIMIT

    http = _http(world, "administrator")
    url = reverse("organisations:users")
    small = _queries(http, url)
    for i in range(PEOPLE_LIMIT + 1):
        make_user(f"extra{i:02d}", world.org, Role.KEYWORKER, [world.unit_a])
    assert _queries(http, url) == small
    resp = http.get(url)
    assert len(resp.context["memberships"]) == PEOPLE_LIMIT
    assert resp.context["more"]
    assert len(http.get(url, {"all": "1"}).context["memberships"]) > PEOPLE_LIMIT

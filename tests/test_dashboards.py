"""The keyworker, supervisor, manager and research dashboards."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.clients import services as client_services
from keywork.contacts import services as contact_services
from keywork.contacts.models import Contact
from keywork.relationships import services as rel_services
from keywork.relationships.models import Relationship
from tests.helpers import login_as
from tests.world import admit

# --- helpers --------------------------------------------------------------------------------


def _get(world, who: str, name: str, **params):
    http = login_as(HttpClient(), world.users[who])
    return http.get(reverse(name), params)


def _propose(world, given: str, worker: str = "keyworker") -> Relationship:
    """A new client in unit A with a proposed keyworker and no introduction yet."""
    sup = world.memberships["supervisor"]
    client = admit(sup, world.unit_a, world.legal_basis, given, "Newcomer",
                   timezone.localdate() - dt.timedelta(days=3))
    return rel_services.relationship_propose(
        membership=sup, episode=client.episodes.get(), keyworker_id=world.users[worker].pk)


def _move_contact(contact: Contact, days_ago: int) -> None:
    Contact.objects.filter(pk=contact.pk).update(
        occurred_at=timezone.now() - dt.timedelta(days=days_ago))


def _log(world, rel: Relationship, *, days_ago: int = 1, who: str = "keyworker",
         **fields) -> Contact:
    fields.setdefault("kind", "session")
    return contact_services.contact_record(
        membership=world.memberships[who], relationship=rel,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago), **fields)


# --- keyworker: my caseload --------------------------------------------------------------


def test_caseload_shows_days_since_last_contact_and_introduction_state(world):
    _move_contact(world.own_contact, 3)
    new_rel = _propose(world, "Frida")
    resp = _get(world, "keyworker", "dashboards:keyworker")
    assert resp.status_code == 200
    rows = resp.context["rows"]
    by_client = {r.client.pk: r for r in rows}
    own = by_client[world.clients["own"].pk]
    assert (own.days_since, own.intro, own.overdue) == (3, "done", False)
    fresh = by_client[new_rel.client_id]
    assert (fresh.days_since, fresh.intro) == (None, "missing")
    html = resp.content.decode()
    assert "3 days ago" in html
    assert reverse("relationships:introduction", args=[new_rel.pk]) in html
    assert reverse("contacts:log", args=[world.relationships["own"].pk]) in html
    assert reverse("records:client", args=[world.clients["own"].pk]) in html
    assert "Anna Own" in html


def test_caseload_lists_only_open_relationships_of_the_worker(world):
    resp = _get(world, "keyworker", "dashboards:keyworker")
    shown = {r.client.pk for r in resp.context["rows"]}
    assert shown == {world.clients["own"].pk}  # not "ended" (closed), not a colleague's


def test_caseload_puts_what_needs_attention_first(world):
    new_rel = _propose(world, "Frida")
    resp = _get(world, "keyworker", "dashboards:keyworker")
    assert [r.client.pk for r in resp.context["rows"]] == [
        new_rel.client_id, world.clients["own"].pk]


def test_caseload_highlights_contact_older_than_the_no_contact_alert_allows(world):
    from keywork.signals.models import SignalSettings
    from keywork.signals.settings import clear

    # "own" is under formal power: the alert's own number for such clients applies.
    SignalSettings.objects.create(organisation=world.org,
                                  overrides={"coerced_no_contact_days": 5})
    clear()
    _move_contact(world.own_contact, 5)
    resp = _get(world, "keyworker", "dashboards:keyworker")
    (row,) = resp.context["rows"]
    assert row.overdue
    assert "overdue" in resp.content.decode()


def test_a_did_not_attend_is_not_counted_as_contact(world):
    _move_contact(world.own_contact, 10)
    _log(world, world.relationships["own"], days_ago=1, attended=False)
    resp = _get(world, "keyworker", "dashboards:keyworker")
    (row,) = resp.context["rows"]
    assert row.days_since == 10


def test_deputy_sees_the_client_they_cover_marked_as_deputy(world):
    resp = _get(world, "deputy", "dashboards:keyworker")
    (row,) = resp.context["rows"]
    assert row.client.pk == world.clients["own"].pk
    assert row.is_deputy
    assert '<span class="badge">deputy</span>' in resp.content.decode()


def test_caseload_is_audited_as_one_list_row_naming_the_clients(world):
    http = login_as(HttpClient(), world.keyworker)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    http.get(reverse("dashboards:keyworker"))
    rows = list(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    assert [(r.action, r.actor_id) for r in rows] == [("list", world.keyworker.pk)]
    assert rows[0].detail == f"caseload: {world.clients['own'].pk}"


def test_caseload_needs_the_same_queries_for_two_clients_as_for_eight(world):
    def count() -> int:
        http = login_as(HttpClient(), world.keyworker)
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(reverse("dashboards:keyworker")).status_code == 200
        return len(ctx.captured_queries)

    _propose(world, "Frida")
    small = count()
    for i in range(6):
        rel = _propose(world, f"Extra{i}")
        _log(world, rel, days_ago=i + 1)
    assert len(_get(world, "keyworker", "dashboards:keyworker").context["rows"]) == 8
    assert count() == small


def test_caseload_is_refused_to_roles_without_one(world):
    for who in ("manager", "administrator", "researcher"):
        assert _get(world, who, "dashboards:keyworker").status_code == 403, who


# --- supervisor --------------------------------------------------------------------------


def _unit(resp, unit):
    (overview,) = [o for o in resp.context["units"] if o.unit.pk == unit.pk]
    return overview


def test_supervisor_page_flags_clients_without_recent_contact(world):
    resp = _get(world, "supervisor", "dashboards:supervisor")
    assert resp.status_code == 200
    quiet = {r.client.pk for r in _unit(resp, world.unit_a).no_contact}
    # "own" had contact two hours ago; the others none since their episode began.
    assert quiet == {world.clients["same_unit"].pk, world.clients["ended"].pk}
    assert "Bo Sameunit" in resp.content.decode()


def test_supervisor_days_parameter_changes_who_is_flagged(world):
    _move_contact(world.own_contact, 4)
    default = _get(world, "supervisor", "dashboards:supervisor")
    assert world.clients["own"].pk not in {
        r.client.pk for r in _unit(default, world.unit_a).no_contact}
    short = _get(world, "supervisor", "dashboards:supervisor", days=3)
    flagged = {r.client.pk: r for r in _unit(short, world.unit_a).no_contact}
    assert flagged[world.clients["own"].pk].days_since == 4
    assert short.context["days"] == 3


@pytest.mark.parametrize("bad", ["0", "abc", "10000"])
def test_supervisor_days_parameter_is_validated(world, bad):
    resp = _get(world, "supervisor", "dashboards:supervisor", days=bad)
    assert resp.status_code == 200
    assert resp.context["days"] is None  # each client's own threshold, as with none typed
    assert resp.context["form"].errors


def test_supervisor_sees_caseloads_against_the_unit_limit(world):
    world.unit_a.caseload_limit = 1
    world.unit_a.save()
    _propose(world, "Frida", worker="colleague")
    resp = _get(world, "supervisor", "dashboards:supervisor")
    overview = _unit(resp, world.unit_a)
    loads = {w.name: (w.keyworker_of, w.deputy_for, w.over_limit) for w in overview.workers}
    assert loads == {
        "Keyworker Test": (1, 0, False),
        "Colleague Test": (2, 0, True),
        "Deputy Test": (0, 1, False),
    }
    assert overview.open_episodes == 4
    assert "over the limit" in resp.content.decode()


def test_supervisor_sees_relationships_without_introduction_and_proposals(world):
    rel = _propose(world, "Frida")
    resp = _get(world, "supervisor", "dashboards:supervisor")
    overview = _unit(resp, world.unit_a)
    assert [r.pk for r in overview.without_introduction] == [rel.pk]
    assert [r.pk for r in overview.proposed] == [rel.pk]
    assert rel.get_absolute_url() in resp.content.decode()


def test_supervisor_sees_active_relationship_started_with_a_waiver(world):
    rel = _propose(world, "Frida")
    rel_services.relationship_activate(membership=world.memberships["supervisor"],
                                       relationship=rel, waiver="Admitted at night.")
    overview = _unit(_get(world, "supervisor", "dashboards:supervisor"), world.unit_a)
    assert [r.pk for r in overview.without_introduction] == [rel.pk]
    assert overview.proposed == []


def test_supervisor_sees_personal_device_contacts_to_review(world):
    contact = _log(world, world.relationships["own"], kind="message",
                   channel="personal_device")
    resp = _get(world, "supervisor", "dashboards:supervisor")
    assert [c.pk for c in _unit(resp, world.unit_a).for_review] == [contact.pk]
    assert reverse("contacts:detail", args=[contact.pk]) in resp.content.decode()


def test_supervisor_sees_only_their_own_units(world):
    resp = _get(world, "supervisor_b", "dashboards:supervisor")
    assert [o.unit.pk for o in resp.context["units"]] == [world.unit_b.pk]
    html = resp.content.decode()
    assert "David Otherunit" in html
    assert "Bo Sameunit" not in html


def test_supervisor_page_returns_the_units_fragment_to_htmx(world):
    http = login_as(HttpClient(), world.supervisor)
    resp = http.get(reverse("dashboards:supervisor"), {"days": 3}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert html.lstrip().startswith('<div id="units">')
    assert "<html" not in html


def test_supervisor_page_is_audited_as_a_list(world):
    _get(world, "supervisor", "dashboards:supervisor")
    row = AuditEvent.objects.order_by("-id").first()
    assert (row.action, row.actor_id) == ("list", world.supervisor.pk)
    assert str(world.clients["same_unit"].pk) in row.detail


def test_supervisor_page_is_refused_to_other_roles(world):
    for who in ("keyworker", "manager", "administrator", "researcher"):
        assert _get(world, who, "dashboards:supervisor").status_code == 403, who


# --- manager -----------------------------------------------------------------------------


def test_manager_page_shows_figures_and_no_client_names(world):
    own = world.relationships["own"]
    _log(world, own, days_ago=2, attended=False)  # a planned session missed
    _log(world, own, days_ago=3, kind="everyday", initiated_by="client")
    client_services.episode_end(membership=world.memberships["supervisor"],
                                episode=world.clients["ended"].episodes.get(),
                                end_date=timezone.localdate(), outcome="completed")
    resp = _get(world, "manager", "dashboards:manager")
    assert resp.status_code == 200
    f = resp.context["f"]
    # The episode ended today was open in the period, so its client counts.
    assert {(b.label, b.value, b.coerced) for b in f.by_legal_basis} == {
        ("Compulsory care", 2, True), ("Voluntary", 2, False)}
    # keyworker 1, colleague 2, deputy 0 open relationships
    assert (f.keyworkers, f.caseload_mean, f.caseload_median, f.caseload_max) == (3, 1.0, 1, 2)
    assert [(b.label, b.value) for b in f.caseload_buckets][:2] == [("0", 1), ("1–5", 2)]
    rates = {r.unit: r for r in f.contact_rates}
    a = rates[world.unit_a.name]
    assert (a.contacts, a.clients, a.planned, a.everyday) == (2, 3, 1, 1)
    assert (a.did_not_attend, a.client_started) == (50, 50)
    assert a.rate == round(2 / 3 / f.period.weeks, 2)
    assert [(o.legal_basis, o.completed, o.dropped_out) for o in f.outcomes] == [
        ("Voluntary", 1, 0)]
    html = resp.content.decode()
    for client in world.clients.values():
        assert client.family_name not in html
        assert client.pseudonym not in html
    # Keyworkers are named beside their caseload and its limit, and nowhere else.
    start = html.index('<section class="card" id="caseload-limits"')
    rest = html[:start] + html[html.index("</section>", start):]
    assert "Keyworker Test" in html[start:]
    for worker in ("Keyworker Test", "Colleague Test", "Deputy Test"):
        assert worker not in rest


def test_manager_charts_are_svg_without_inline_styles(world):
    html = _get(world, "manager", "dashboards:manager").content.decode()
    assert "<svg" in html
    assert 'width="100.0"' in html  # the largest bar fills its row
    assert "style=" not in html
    assert "<script" not in html.split("</head>")[1]


def test_manager_page_is_refused_to_other_roles(world):
    for who in ("keyworker", "supervisor", "administrator", "researcher"):
        assert _get(world, who, "dashboards:manager").status_code == 403, who


# --- research ----------------------------------------------------------------------------


def test_research_page_shows_figures_by_unit_kind_and_legal_basis(world):
    resp = _get(world, "researcher", "dashboards:research")
    assert resp.status_code == 200
    cells = {(c.unit_kind, c.legal_basis): c for c in resp.context["cells"]}
    residential = cells[("Residential centre", "compulsory")]
    assert (residential.episodes, residential.open, residential.contacts) == (2, 2, 1)
    assert cells[("Community team", "voluntary")].episodes == 1
    html = resp.content.decode()
    assert "Anna" not in html
    assert reverse("dashboards:research_export") in html


def test_research_export_has_pseudonyms_and_no_names(world):
    http = login_as(HttpClient(), world.researcher)
    resp = http.get(reverse("dashboards:research_export"))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/csv")
    assert "attachment" in resp["Content-Disposition"]
    body = resp.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    own = world.clients["own"]
    assert len(rows) == 4  # the four episodes of this organisation
    mine = next(r for r in rows if r["pseudonym"] == own.pseudonym)
    assert mine == {
        "pseudonym": own.pseudonym, "birth_year": "1985", "unit_kind": "residential",
        "legal_basis": "compulsory", "coerced": "1",
        "start_date": own.episodes.get().start_date.isoformat(), "end_date": "",
        "outcome": "", "contacts": "1", "relationships": "1",
    }
    for client in world.clients.values():
        assert client.given_name not in body
        assert client.family_name not in body
    assert "1985-05-17" not in body
    assert world.clients["other_org_client"].pseudonym not in body


def test_research_export_is_audited_as_an_export(world):
    http = login_as(HttpClient(), world.researcher)
    http.get(reverse("dashboards:research_export"))
    row = AuditEvent.objects.order_by("-id").first()
    assert (row.action, row.actor_id, row.client_id) == ("export", world.researcher.pk, None)


def test_research_pages_are_refused_to_other_roles(world):
    before = AuditEvent.objects.filter(action="export").count()
    for who in ("keyworker", "supervisor", "manager", "administrator"):
        assert _get(world, who, "dashboards:research").status_code == 403, who
        assert _get(world, who, "dashboards:research_export").status_code == 403, who
    assert AuditEvent.objects.filter(action="export").count() == before

"""The inbox ("Today"): one list per person from every area, risk first; notifications and
the escalation of a concern without a decision."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.core import matters
from keywork.core.errors import ApplicationError
from keywork.core.matters import Matter, Scope
from keywork.inbox import services as inbox_services
from keywork.inbox.models import Notification, NotificationKind
from keywork.inbox.selectors import arrange, inbox_for
from keywork.matching.services import change_request_submit
from keywork.organisations.models import Role
from keywork.safeguarding import services as safeguarding_services
from keywork.safeguarding.models import Concern
from keywork.signals.models import Alert, Pattern, RelationshipState
from keywork.signals.services import alert_raise
from keywork.supervision import services as supervision_services
from tests.helpers import login_as
from tests.world import admit, allocate, make_user


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _http(user):
    return login_as(HttpClient(), user)


def _concern(world, *, category="child", risk="high", by="keyworker", client="own"):
    return safeguarding_services.concern_raise(
        membership=world.memberships[by], client=world.clients[client], category=category,
        description="Her son (8) said he is often alone at home at night.", risk_level=risk)


def _items(inbox):
    return [item for group in inbox.groups for item in group.items]


def _kinds(inbox):
    return [item.lead.kind for item in _items(inbox)]


# --- ordering, grouping, folding (pure) ------------------------------------------------------


def _m(kind, *, client, severity, days, cause="", ref=""):
    return Matter(source="t", kind=kind, title=kind, client_id=client, severity=severity,
                  since=timezone.now() - dt.timedelta(days=days), cause=cause,
                  ref=ref or f"{kind}:{client}:{days}")


def test_items_come_by_severity_then_age_and_group_under_their_client():
    found = [_m("old_low", client=1, severity=matters.LOW, days=90),
             _m("new_high", client=2, severity=matters.HIGH, days=1),
             _m("old_high", client=1, severity=matters.HIGH, days=30),
             _m("urgent", client=3, severity=matters.URGENT, days=0)]
    groups = arrange(found, {}, {})
    assert [[i.lead.kind for i in g.items] for g in groups] == [
        ["urgent"], ["old_high", "old_low"], ["new_high"]]


def test_the_organisations_severity_moves_a_kind():
    found = [_m("no_keyworker", client=1, severity=matters.HIGH, days=5),
             _m("enquiry_overdue", client=2, severity=matters.MEDIUM, days=50)]
    groups = arrange(found, {"enquiry_overdue": matters.URGENT}, {})
    assert [g.items[0].lead.kind for g in groups] == ["enquiry_overdue", "no_keyworker"]
    assert groups[0].items[0].severity == matters.URGENT


def test_matters_of_one_cause_fold_into_one_item_that_lists_its_facts():
    found = [_m("client_low", client=1, severity=matters.MEDIUM, days=2, cause="c1"),
             _m("client_drop", client=1, severity=matters.MEDIUM, days=2, cause="c1"),
             _m("pattern", client=1, severity=matters.LOW, days=2, cause="c1"),
             _m("other", client=1, severity=matters.LOW, days=2)]
    (group,) = arrange(found, {}, {})
    assert len(group.items) == 2
    folded = group.items[0]
    # The most severe of the cause leads; the less severe fact comes after it.
    assert {folded.lead.kind, folded.facts[0].kind} == {"client_low", "client_drop"}
    assert [f.kind for f in folded.facts][-1] == "pattern"
    assert len(folded.facts) == 2
    assert group.items[1].lead.kind == "other"


# --- the keyworker's inbox ------------------------------------------------------------------


def test_one_low_checkin_is_one_item_with_three_facts(world):
    own = world.relationships["own"]
    now = timezone.now()
    for code, params in (("client_low", {"latest": 30.0, "below": 50}),
                         ("client_drop", {"drop": 25.0, "previous": 55.0, "latest": 30.0,
                                          "reliable_change": 12.0})):
        alert_raise(relationship=own, code=code, source="signals", params=params,
                    raised_at=now)
    RelationshipState.objects.create(
        organisation_id=own.organisation_id, relationship=own,
        pattern=Pattern.AMBIVALENT, previous_pattern=Pattern.FRIENDLY, pattern_since=now,
        evaluated_at=now)
    inbox = inbox_for(world.memberships["keyworker"])
    engine = [i for i in _items(inbox) if i.lead.source == "signals"]
    assert len(engine) == 1
    assert sorted([engine[0].lead.kind, *(f.kind for f in engine[0].facts)]) == [
        "alert", "alert", "pattern_changed"]
    page = _http(world.keyworker).get(reverse("inbox:today")).content.decode()
    assert "The relationship pattern changed" in page


def test_keyworker_sees_own_matters_only_and_the_page_says_what_to_do(world):
    mine = _concern(world, category="other", risk="low")
    theirs = _concern(world, category="other", risk="low", by="colleague", client="same_unit")
    inbox = inbox_for(world.memberships["keyworker"])
    refs = {i.lead.ref for i in _items(inbox)}
    assert f"concern:{mine.pk}" in refs
    assert f"concern:{theirs.pk}" not in refs
    clients = {g.client.pk for g in inbox.groups if g.client}
    assert world.clients["same_unit"].pk not in clients
    resp = _http(world.keyworker).get(reverse("inbox:today"))
    assert resp.status_code == 200
    assert "What to do:" in resp.content.decode()


def test_the_agenda_brings_an_overdue_enquiry_once(world):
    # The world's episodes began 60 days ago: the first enquiries are overdue, and the
    # check raises their alerts too. The agenda shows each enquiry once.
    safeguarding_services.enquiries_check(organisation_id=world.org.pk)
    session = supervision_services.session_create(
        membership=world.memberships["supervisor"], worker_id=world.keyworker.pk,
        held_on=timezone.localdate())
    own_episode = world.clients["own"].episodes.get()
    enquiry_items = [i for i in session.items.all() if i.client_id == world.clients["own"].pk
                     and ("enquiry" in i.kind or "enquiry" in i.title.lower())]
    assert sorted(i.ref for i in enquiry_items) == [
        f"enquiry:{own_episode.pk}:children", f"enquiry:{own_episode.pk}:partner_violence"]


# --- the supervisor's inbox -----------------------------------------------------------------


def test_supervisor_inbox_gathers_the_units_matters(world):
    waiting = admit(world.memberships["supervisor"], world.unit_a, world.legal_basis, "Gus",
                    "Waiting", timezone.localdate() - dt.timedelta(days=20))
    change_request_submit(relationship=world.relationships["same_unit"], reason="",
                          reason_private=False)
    inbox = inbox_for(world.memberships["supervisor"])
    kinds = _kinds(inbox)
    assert "no_keyworker" in kinds
    assert "change_request" in kinds
    clients = {g.client.pk for g in inbox.groups if g.client}
    assert waiting.pk in clients
    assert world.clients["other_unit"].pk not in clients   # unit B is not theirs
    # Nothing of a change request reaches the keyworker's inbox or agenda.
    assert "change_request" not in _kinds(inbox_for(world.memberships["colleague"]))


def test_supervisor_b_does_not_see_unit_a(world):
    _concern(world)
    inbox = inbox_for(world.memberships["supervisor_b"])
    assert "concern_urgent" not in _kinds(inbox)
    assert not Notification.objects.filter(recipient=world.supervisor_b).exists()


# --- risk first -------------------------------------------------------------------------------


def test_urgent_concern_tops_the_supervisors_inbox_with_a_notification(world):
    change_request_submit(relationship=world.relationships["same_unit"], reason="",
                          reason_private=False)
    concern = _concern(world)
    inbox = inbox_for(world.memberships["supervisor"])
    first = inbox.groups[0].items[0]
    assert first.lead.ref == f"concern:{concern.pk}"
    assert first.severity == matters.URGENT
    (note,) = Notification.objects.filter(recipient=world.supervisor)
    assert note.kind == NotificationKind.CONCERN_URGENT
    assert note.client_id == concern.client_id
    assert note.channels == ["in_application"]
    # The one who raised it is not notified of their own concern.
    assert not Notification.objects.filter(recipient=world.keyworker).exists()
    page = _http(world.supervisor).get(reverse("inbox:today")).content.decode()
    assert "Urgent safeguarding concern" in page
    assert 'class="badge badge-bad"' in page


@pytest.mark.parametrize(("category", "risk", "urgent"), [
    ("child", "low", True), ("harm_to_self", "high", True),
    ("partner_violence", "immediate", True), ("harm_to_self", "medium", False)])
def test_which_concerns_reach_the_supervisors_at_once(world, category, risk, urgent):
    _concern(world, category=category, risk=risk)
    assert Notification.objects.filter(recipient=world.supervisor).exists() is urgent


def test_keyworker_is_told_what_to_do_in_their_jurisdiction(world):
    concern = _concern(world)
    http = _http(world.keyworker)
    page = http.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "What to do now" in page
    assert "orosanmälan" in page
    assert "The decision is due by" in page
    safeguarding_services.policy_update(
        membership=world.memberships["administrator"], first_enquiry_days=14,
        enquiry_interval_days=90, jurisdiction="england")
    page = http.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "children&#x27;s services" in page or "children's services" in page
    assert "orosanmälan" not in page


def test_the_decision_page_gives_the_due_time(world):
    concern = _concern(world)
    page = _http(world.keyworker).get(
        reverse("safeguarding:concern_decide", args=[concern.pk])).content.decode()
    assert "The decision is due by" in page


@pytest.mark.parametrize(("fields", "field"), [
    ({"urgent_decision_hours": 0}, "urgent_decision_hours"),
    ({"decision_hours": 400}, "decision_hours"),
    ({"urgent_decision_hours": 48, "decision_hours": 24}, "urgent_decision_hours"),
    ({"jurisdiction": "other", "instructions": ""}, "instructions"),
    ({"jurisdiction": "mars"}, "jurisdiction"),
])
def test_safeguarding_settings_refuse_what_cannot_work(world, fields, field):
    with pytest.raises(ApplicationError) as refused:
        safeguarding_services.policy_update(
            membership=world.memberships["administrator"], first_enquiry_days=14,
            enquiry_interval_days=90, **fields)
    assert refused.value.field == field


def test_escalation_after_the_time_limit_with_time_frozen(world):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        concern = _concern(world)               # urgent: 4 hours by default
        calm = _concern(world, category="other", risk="low")   # 72 hours
    with time_machine.travel(start + dt.timedelta(hours=3, minutes=59), tick=False):
        call_command("escalate_concerns")
    concern.refresh_from_db()
    assert concern.escalated_at is None
    with time_machine.travel(start + dt.timedelta(hours=4, minutes=1), tick=False):
        call_command("escalate_concerns")
        call_command("escalate_concerns")       # a second run changes nothing
    concern.refresh_from_db()
    calm.refresh_from_db()
    assert concern.escalated_at == start + dt.timedelta(hours=4, minutes=1)
    assert calm.escalated_at is None
    escalated = Notification.objects.filter(kind=NotificationKind.CONCERN_ESCALATED)
    assert sorted(escalated.values_list("recipient__username", flat=True)) == [
        "manager", "supervisor"]
    manager_note = escalated.get(recipient=world.manager)
    assert manager_note.client_id is None
    assert manager_note.url == ""
    audit = AuditEvent.objects.filter(object_type="concern", object_id=str(concern.pk),
                                      detail__contains="escalated")
    assert audit.count() == 1
    assert audit.get().source == "escalate_concerns"
    page = _http(world.manager).get(reverse("inbox:today")).content.decode()
    assert "no decision within the time limit" in page
    assert world.clients["own"].family_name not in page


def test_a_decided_concern_does_not_escalate(world):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        concern = _concern(world)
        safeguarding_services.concern_decide(
            membership=world.memberships["keyworker"], concern=concern,
            notify_authority=True, authority="Social services", notified_on=start.date(),
            reason="A young child alone at night.", client_told=True,
            client_told_on=start.date(), client_not_told_reason="")
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        call_command("escalate_concerns")
    concern.refresh_from_db()
    assert concern.escalated_at is None


def test_escalate_command_refuses_a_bad_moment(world):
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("escalate_concerns", now="tomorrow")


# --- notifications ----------------------------------------------------------------------------


def test_only_the_recipient_marks_a_notification_read(world):
    concern = _concern(world)
    note = Notification.objects.get(recipient=world.supervisor)
    assert _http(world.supervisor_b).post(
        reverse("inbox:notification_read", args=[note.pk])).status_code == 404
    resp = _http(world.supervisor).post(reverse("inbox:notification_read", args=[note.pk]),
                                        {"next": "https://elsewhere.example/"})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("safeguarding:concern", args=[concern.pk])
    note.refresh_from_db()
    assert note.read_at is not None


def test_the_navigation_shows_the_unread_badge_at_once(world):
    http = _http(world.supervisor)
    assert "Unread notifications:" not in http.get(reverse("supervision:index")).content.decode()
    _concern(world)
    assert "Unread notifications:" in http.get(reverse("supervision:index")).content.decode()


# --- the organisation's severities ------------------------------------------------------------


def test_administrator_sets_a_severity_and_bad_values_are_refused(world):
    http = _http(world.administrator)
    assert http.get(reverse("inbox:settings")).status_code == 200
    resp = http.post(reverse("inbox:settings"), {"no_keyworker": "9"})
    assert resp.status_code == 200
    assert "Select a valid choice" in resp.content.decode()
    with pytest.raises(ApplicationError):
        inbox_services.inbox_settings_update(membership=world.memberships["administrator"],
                                             severities={"concern_urgent": matters.LOW})
    with pytest.raises(ApplicationError):
        inbox_services.inbox_settings_update(membership=world.memberships["supervisor"],
                                             severities={})
    data = {key: str(kind.severity) for key, kind in matters.kinds().items() if kind.settable}
    data["enquiry_overdue"] = str(matters.HIGH)
    assert http.post(reverse("inbox:settings"), data).status_code == 302
    inbox = inbox_for(world.memberships["keyworker"])
    assert {i.severity for i in _items(inbox) if i.lead.kind == "enquiry_overdue"} == {
        matters.HIGH}


# --- cost -----------------------------------------------------------------------------------


def _add_rows(world, n):
    sup = world.memberships["supervisor"]
    for i in range(n):
        client = admit(sup, world.unit_a, world.legal_basis, f"Extra{i}", "Client",
                       timezone.localdate() - dt.timedelta(days=40))
        rel = allocate(sup, client, world.keyworker, world.memberships["keyworker"])
        alert_raise(relationship=rel, code="no_contact", source="signals",
                    params={"days_since": 30, "days": 21})
        admit(sup, world.unit_a, world.legal_basis, f"Waiting{i}", "Client",
              timezone.localdate() - dt.timedelta(days=10))
        safeguarding_services.concern_raise(
            membership=world.memberships["keyworker"], client=client, category="child",
            description="A worry.", risk_level="high")


def _queries(membership):
    with CaptureQueriesContext(connection) as ctx:
        inbox = inbox_for(membership)
    return len(ctx.captured_queries), inbox.total


@pytest.mark.parametrize("role", ["keyworker", "supervisor"])
def test_the_inbox_costs_the_same_queries_for_few_rows_and_many(world, role):
    _add_rows(world, 1)
    few, few_items = _queries(world.memberships[role])
    _add_rows(world, 6)
    many, many_items = _queries(world.memberships[role])
    assert many_items > few_items + 5
    assert many == few


def test_a_source_that_fails_is_named_and_the_rest_still_come(world):
    def broken(scope: Scope):
        raise RuntimeError("not ready")
    _concern(world)
    with matters.SOURCES.overridden("broken", broken):
        inbox = inbox_for(world.memberships["supervisor"])
        page = _http(world.supervisor).get(reverse("inbox:today")).content.decode()
    assert inbox.failed == ["broken"]
    assert "concern_urgent" in _kinds(inbox)
    assert "broken" in page


def test_a_second_supervisor_of_the_unit_is_notified_too(world):
    _user, _m = make_user("supervisor_two", world.org, Role.SUPERVISOR, [world.unit_a])
    _concern(world)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "supervisor", "supervisor_two"}
    assert Concern.objects.count() == 1


def test_an_emergency_read_is_one_matter_for_the_supervisor_who_reviews_it(world):
    client = world.clients["other_unit"]
    resp = _http(world.keyworker).post(reverse("breakglass:start"), {
        "reference": client.pseudonym, "reason": "The client is missing; the police ask."})
    assert resp.status_code == 302
    inbox = inbox_for(world.memberships["supervisor_b"])
    about = [i for g in inbox.groups if g.client and g.client.pk == client.pk
             for i in g.items]
    assert [i.lead.kind for i in about] == ["emergency_read_to_review"]
    assert not about[0].facts
    # The alert the read raised on the colleague's relationship is not a second matter on
    # the colleague's agenda: the review is the supervisor's, and it is listed once.
    agenda = matters.matters_for(organisation_id=world.org.pk, worker_id=world.colleague.pk,
                                 since=timezone.now() - dt.timedelta(days=30),
                                 viewer=world.memberships["supervisor_b"])
    assert Alert.objects.filter(client=client, code="emergency_read").exists()
    assert not [m for m in agenda if m.client_id == client.pk
                and (m.kind == "alert" or "emergency" in m.kind)]


def test_a_long_inbox_shows_the_first_clients_and_the_rest_on_asking(world, monkeypatch):
    """The most pressing clients first, with how many more there are; "Show all" gives
    every one. Only the clients shown are audited as read."""
    from keywork.inbox import selectors, views

    _add_rows(world, 3)
    everything = inbox_for(world.memberships["supervisor"], audit=False, limit=None)
    assert len(everything.groups) >= 3
    monkeypatch.setattr(selectors, "GROUP_LIMIT", 2)
    monkeypatch.setattr(views, "GROUP_LIMIT", 2)
    http = _http(world.supervisor)
    page = http.get(reverse("inbox:today"))
    shown = page.context["inbox"]
    assert [g.client for g in shown.groups] == [g.client for g in everything.groups[:2]]
    assert shown.more_groups == len(everything.groups) - 2
    assert shown.more_items == sum(len(g.items) for g in everything.groups[2:])
    assert shown.total == everything.total
    html = page.content.decode()
    assert f"{shown.more_items} more for {shown.more_groups} more client" in html
    assert "?all=1" in html
    listed = AuditEvent.objects.filter(action="list", detail__startswith="inbox:").latest("id")
    in_notes = {n.client.pk for n in shown.notifications if n.client is not None}
    hidden = {g.client.pk for g in everything.groups[2:] if g.client is not None} - in_notes
    assert hidden
    assert not hidden & {int(c) for c in listed.detail.split(":", 1)[1].split(",")}
    full = http.get(reverse("inbox:today"), {"all": "1"}).context["inbox"]
    assert len(full.groups) == len(everything.groups)
    assert full.more_groups == 0

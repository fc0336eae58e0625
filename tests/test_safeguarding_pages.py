"""Safeguarding pages as people use them, with the wrong people trying too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client as HttpClient
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins.models import SharingChoice, Visibility
from keywork.clients.models import Episode
from keywork.core.matters import Scope
from keywork.safeguarding import services
from keywork.safeguarding.agenda import safeguarding_items
from keywork.safeguarding.models import (
    Concern,
    ConcernStatus,
    Enquiry,
    HouseholdMember,
    SafeguardingPolicy,
    SafetyPlan,
)
from keywork.signals.models import Alert
from tests.helpers import login_as

pytestmark = pytest.mark.django_db


def _http(world, name: str) -> HttpClient:
    return login_as(HttpClient(), world.users[name])


def _concern(world, client_key: str = "own", *, by: str = "keyworker") -> Concern:
    return services.concern_raise(membership=world.memberships[by],
                                  client=world.clients[client_key], category="child",
                                  description="Her son said nobody was home at night.",
                                  risk_level="high")


def _decide(world, concern: Concern, *, by: str = "keyworker") -> Concern:
    return services.concern_decide(
        membership=world.memberships[by], concern=concern, notify_authority=True,
        authority="Social services", notified_on=timezone.localdate(),
        reason="A child left alone at night.", client_told=True,
        client_told_on=timezone.localdate(), client_not_told_reason="")


def _make_overdue(world, client_key: str = "own") -> None:
    """Move the client's episode start back so that both first enquiries are overdue."""
    Episode.objects.filter(client=world.clients[client_key]).update(
        start_date=timezone.localdate() - dt.timedelta(days=40))


# --- Household -----------------------------------------------------------------------------


def test_keyworker_adds_a_child_by_age_and_sees_it_on_the_safeguarding_page(world):
    http = _http(world, "keyworker")
    client = world.clients["own"]
    resp = http.post(reverse("safeguarding:member_add", args=[client.pk]), {
        "kind": "child", "name": "Leo", "age": "6", "lives_with": "part",
        "parental_responsibility": "shared", "agencies": "School nurse, Mia Berg"})
    assert resp.status_code == 302
    member = HouseholdMember.objects.get(client=client)
    assert member.birth_year == timezone.localdate().year - 6
    page = http.get(reverse("safeguarding:client", args=[client.pk]))
    assert "Leo" in page.content.decode()
    assert "School nurse, Mia Berg" in page.content.decode()
    assert AuditEvent.objects.filter(client_id=client.pk, action="view",
                                     detail="safeguarding record").exists()


def test_a_child_without_age_or_parental_responsibility_is_refused_with_a_message(world):
    http = _http(world, "keyworker")
    resp = http.post(reverse("safeguarding:member_add", args=[world.clients["own"].pk]),
                     {"kind": "child", "name": "Leo", "lives_with": "yes"})
    assert resp.status_code == 200
    assert "Give the child&#x27;s age or year of birth." in resp.content.decode()
    assert not HouseholdMember.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "supervisor_b", "outsider", "administrator",
                                 "researcher"])
def test_wrong_people_cannot_open_or_change_the_household(world, who):
    member = services.household_member_add(
        membership=world.memberships["keyworker"], client=world.clients["own"], kind="child",
        name="Leo", birth_year=2018, lives_with="yes", parental_responsibility="yes")
    http = _http(world, who)
    assert http.get(reverse("safeguarding:client",
                            args=[world.clients["own"].pk])).status_code == 404
    assert http.post(reverse("safeguarding:member_edit", args=[member.pk]),
                     {"kind": "child", "name": "X", "birth_year": "2018", "lives_with": "no",
                      "parental_responsibility": "no"}).status_code == 404
    member.refresh_from_db()
    assert member.name == "Leo"
    assert AuditEvent.objects.filter(action="denied", object_type="householdmember").exists()


# --- Routine enquiries ---------------------------------------------------------------------


def test_an_enquiry_not_asked_in_private_is_not_recorded(world):
    http = _http(world, "keyworker")
    url = reverse("safeguarding:enquiry_record", args=[world.clients["own"].pk, "children"])
    page = http.get(url)
    assert "alone, where nobody can overhear" in page.content.decode()
    resp = http.post(url, {"asked_on": timezone.localdate().isoformat(),
                           "outcome": "no_concern"})
    assert resp.status_code == 200
    assert "leave the enquiry open and ask another time" in resp.content.decode()
    assert not Enquiry.objects.exists()
    resp = http.post(url, {"asked_on": timezone.localdate().isoformat(),
                           "outcome": "no_concern", "asked_in_private": "on"})
    assert resp.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.asked_in_private
    assert enquiry.topic == "children"


def test_the_database_refuses_an_enquiry_that_was_not_asked_in_private(world):
    client = world.clients["own"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.create(organisation=world.org, client=client,
                               episode=client.episodes.get(), topic="children",
                               asked_on=timezone.localdate(), asked_in_private=False,
                               outcome="no_concern", asked_by=world.keyworker)


def test_overdue_enquiries_raise_alerts_once_and_recording_resolves_them(world):
    _make_overdue(world)
    call_command("check_safeguarding")
    call_command("check_safeguarding")
    rel = world.relationships["own"]
    codes = sorted(Alert.objects.filter(relationship=rel, source="safeguarding")
                   .values_list("code", flat=True))
    assert codes == ["enquiry_overdue_children", "enquiry_overdue_violence"]
    # Other clients' episodes started 60 days ago: beyond the 14 days, so they are overdue
    # too, but only clients with an open relationship carry an alert.
    assert not Alert.objects.filter(client=world.clients["ended"],
                                    source="safeguarding").exists()
    services.enquiry_record(membership=world.memberships["keyworker"],
                            client=world.clients["own"], topic="partner_violence",
                            asked_on=timezone.localdate(), asked_in_private=True,
                            outcome="declined")
    alert = Alert.objects.get(relationship=rel, code="enquiry_overdue_violence")
    assert alert.status == Alert.Status.RESOLVED
    assert Alert.objects.get(relationship=rel, code="enquiry_overdue_children").status == (
        Alert.Status.OPEN)


def test_the_client_page_shows_overdue_enquiries_and_leaves_the_alert_to_the_nightly_check(
        world):
    _make_overdue(world)
    http = _http(world, "keyworker")
    page = http.get(reverse("records:client", args=[world.clients["own"].pk]))
    text = page.content.decode()
    assert "Routine enquiry: The children&#x27;s welfare" in text
    assert AuditEvent.objects.filter(client_id=world.clients["own"].pk,
                                     detail="safeguarding summary").exists()
    overdue = Alert.objects.filter(relationship=world.relationships["own"],
                                   code="enquiry_overdue_children")
    assert not overdue.exists(), "reading the client page raised an alert"
    call_command("check_safeguarding")
    assert overdue.count() == 1
    assert "Routine enquiry: The children&#x27;s welfare" in http.get(
        reverse("records:client", args=[world.clients["own"].pk])).content.decode()


def test_reading_the_client_page_writes_nothing_but_audit_rows(world):
    """Overdue enquiries without their alert yet: the page shows them and writes no alert
    (nor anything else but the record of who read what)."""
    _make_overdue(world)
    http = _http(world, "keyworker")
    url = reverse("records:client", args=[world.clients["own"].pk])
    http.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    writes = [q["sql"] for q in captured.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
              and "audit_auditevent" not in q["sql"]]
    assert writes == []


def test_the_interval_is_set_per_organisation_by_an_administrator(world):
    http = _http(world, "administrator")
    form = {"first_enquiry_days": "70", "enquiry_interval_days": "30",
            "jurisdiction": "england", "instructions": "", "urgent_decision_hours": "2",
            "decision_hours": "48"}
    # A time limit that cannot work is refused on its field, and nothing is saved.
    refused = http.post(reverse("safeguarding:settings"),
                        {**form, "urgent_decision_hours": "60"})
    assert refused.status_code == 200
    assert "cannot be given longer" in refused.content.decode()
    assert not SafeguardingPolicy.objects.filter(organisation=world.org).exists()
    resp = http.post(reverse("safeguarding:settings"), form)
    assert resp.status_code == 302
    policy = SafeguardingPolicy.objects.get(organisation=world.org)
    assert (policy.first_enquiry_days, policy.enquiry_interval_days) == (70, 30)
    assert (policy.jurisdiction, policy.urgent_decision_hours, policy.decision_hours) == (
        "england", 2, 48)
    assert not SafeguardingPolicy.objects.filter(organisation=world.other_org).exists()
    # 60 days into the episode, the first enquiries are not due yet under the new setting.
    assert services.enquiries_check(organisation_id=world.org.pk) == 0
    assert _http(world, "supervisor").get(reverse("safeguarding:settings")).status_code == 403


# --- Concerns ------------------------------------------------------------------------------


def test_a_concern_cannot_be_closed_without_a_decision(world):
    concern = _concern(world)
    http = _http(world, "keyworker")
    resp = http.post(reverse("safeguarding:concern_close", args=[concern.pk]),
                     {"note": "Sorted."})
    assert resp.status_code == 200
    assert "A concern cannot be closed without a decision." in resp.content.decode()
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN
    resp = http.post(reverse("safeguarding:concern_decide", args=[concern.pk]), {
        "notify_authority": "no", "decision_reason": "", "client_told": "yes",
        "client_told_on": timezone.localdate().isoformat()})
    assert "Write why this was decided." in resp.content.decode()
    resp = http.post(reverse("safeguarding:concern_decide", args=[concern.pk]), {
        "notify_authority": "no", "decision_reason": "Grandmother stays nights now.",
        "client_told": "no", "client_not_told_reason": ""})
    assert "Write why the client was not told." in resp.content.decode()
    resp = http.post(reverse("safeguarding:concern_decide", args=[concern.pk]), {
        "notify_authority": "no", "decision_reason": "Grandmother stays nights now.",
        "client_told": "yes", "client_told_on": timezone.localdate().isoformat()})
    assert resp.status_code == 302
    resp = http.post(reverse("safeguarding:concern_close", args=[concern.pk]),
                     {"note": "Arrangement holds."})
    assert resp.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED
    assert concern.decided_by == world.keyworker
    assert concern.client_told is True


def test_the_database_refuses_a_closed_concern_without_a_decision(world):
    concern = _concern(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(status="closed", closed_at=timezone.now())


def test_a_closed_concern_cannot_be_decided_again(world):
    concern = _decide(world, _concern(world))
    services.concern_close(membership=world.memberships["keyworker"], concern=concern)
    http = _http(world, "keyworker")
    resp = http.post(reverse("safeguarding:concern_decide", args=[concern.pk]), {
        "notify_authority": "no", "decision_reason": "Changed my mind.", "client_told": "yes",
        "client_told_on": timezone.localdate().isoformat()})
    assert "A closed concern cannot be changed." in resp.content.decode()


def test_supervisor_reads_and_reviews_whatever_the_client_shares_with_the_keyworker(world):
    rel = world.relationships["own"]
    SharingChoice.objects.create(organisation=world.org, relationship=rel,
                                 visibility=Visibility.values[-1])
    concern = _decide(world, _concern(world))
    http = _http(world, "supervisor")
    page = http.get(reverse("safeguarding:concern", args=[concern.pk]))
    assert page.status_code == 200
    assert "Her son said nobody was home at night." in page.content.decode()
    assert AuditEvent.objects.filter(actor_id=world.supervisor.pk, action="view",
                                     object_type="concern", object_id=str(concern.pk)).exists()
    resp = http.post(reverse("safeguarding:concern_review", args=[concern.pk]),
                     {"note": "Right call; check the arrangement in a month."})
    assert resp.status_code == 302
    concern.refresh_from_db()
    assert concern.reviewed_by == world.supervisor
    # A keyworker never reviews, and the overview no longer lists it.
    assert _http(world, "keyworker").get(
        reverse("safeguarding:concern_review", args=[concern.pk])).status_code == 404
    overview = http.get(reverse("safeguarding:overview"))
    assert "Nothing waits for a decision or a review." in overview.content.decode()


def test_the_overview_lists_overdue_enquiries_of_the_supervisors_units_only(world):
    _make_overdue(world, "own")
    _make_overdue(world, "other_unit")
    page = _http(world, "supervisor").get(reverse("safeguarding:overview")).content.decode()
    own = reverse("safeguarding:client", args=[world.clients["own"].pk])
    other = reverse("safeguarding:client", args=[world.clients["other_unit"].pk])
    assert page.count(f'href="{own}"') == 2  # both topics
    assert f'href="{other}"' not in page


@pytest.mark.parametrize("who", ["colleague", "supervisor_b", "outsider", "administrator",
                                 "researcher"])
def test_wrong_people_cannot_open_a_concern(world, who):
    concern = _concern(world)
    http = _http(world, who)
    for name in ("safeguarding:concern", "safeguarding:concern_decide",
                 "safeguarding:concern_close", "safeguarding:safety_plan"):
        assert http.get(reverse(name, args=[concern.pk])).status_code == 404, name
    assert AuditEvent.objects.filter(action="denied", object_type="concern").exists()


def test_the_agenda_brings_undecided_and_unreviewed_concerns_and_overdue_enquiries(world):
    _make_overdue(world)
    undecided = _concern(world)
    decided = _decide(world, _concern(world))
    items = safeguarding_items(Scope(organisation_id=world.org.pk,
                                     worker_ids=(world.keyworker.pk,),
                                     since=timezone.now() - dt.timedelta(days=30)))
    kinds = {(i.kind, i.ref) for i in items}
    # About a child at high risk: the urgent kind, first of everything.
    assert ("concern_urgent", f"concern:{undecided.pk}") in kinds
    assert ("decision_to_review", f"concern:{decided.pk}") in kinds
    assert sum(1 for i in items if i.kind == "enquiry_overdue") == 2
    others = safeguarding_items(Scope(organisation_id=world.org.pk,
                                      worker_ids=(world.colleague.pk,),
                                      since=timezone.now()))
    assert not [i for i in others if i.client_id == world.clients["own"].pk]


# --- Safety plans --------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_safety_plan_document_is_stored_and_served_only_through_the_checked_view(
        world, tmp_path):
    concern = _concern(world)
    with override_settings(DATA_DIR=tmp_path):
        http = _http(world, "keyworker")
        resp = http.post(reverse("safeguarding:safety_plan", args=[concern.pk]), {
            "steps": "Go to her sister's; call the duty line.", "agreed_with_client": "on",
            "document": _upload("plan.pdf", PDF)})
        assert resp.status_code == 302
        plan = SafetyPlan.objects.get(concern=concern)
        assert plan.file_size == len(PDF)
        assert plan.file_name == "plan.pdf"
        assert (tmp_path / "safeguarding" / plan.file_path).read_bytes() == PDF
        got = _http(world, "supervisor").get(
            reverse("safeguarding:safety_plan_file", args=[concern.pk]))
        assert got.status_code == 200
        assert b"".join(got.streaming_content) == PDF
        assert got["Content-Disposition"].startswith("attachment")
        for who in ("outsider", "supervisor_b", "researcher"):
            assert _http(world, who).get(reverse("safeguarding:safety_plan_file",
                                                 args=[concern.pk])).status_code == 404


@pytest.mark.parametrize(("name", "data", "message"), [
    ("plan.exe", b"MZ...", "Attach a PDF, PNG or JPEG file."),
    ("plan.pdf", b"<html>not a pdf</html>", "The file is not the kind its name says"),
    ("plan.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "The file is larger than 5 MB."),
])
def test_a_wrong_or_too_large_document_is_refused(world, tmp_path, name, data, message):
    concern = _concern(world)
    with override_settings(DATA_DIR=tmp_path):
        resp = _http(world, "keyworker").post(
            reverse("safeguarding:safety_plan", args=[concern.pk]),
            {"steps": "Call the duty line.", "document": _upload(name, data)})
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert not SafetyPlan.objects.exists()
    assert not (tmp_path / "safeguarding").exists() or not any(
        (tmp_path / "safeguarding").iterdir())


def _plan_views(world, who: str = "keyworker") -> int:
    return AuditEvent.objects.filter(actor_id=world.users[who].pk, action="view",
                                     object_type="safetyplan").count()


def test_pages_that_do_not_show_the_safety_plan_do_not_record_reading_it(world):
    concern = _decide(world, _concern(world))
    services.safety_plan_save(membership=world.memberships["keyworker"], concern=concern,
                              steps="Call the duty line.")
    http = _http(world, "keyworker")
    for name in ("safeguarding:concern_decide", "safeguarding:concern_close"):
        assert http.get(reverse(name, args=[concern.pk])).status_code == 200, name
    supervisor = _http(world, "supervisor")
    assert supervisor.get(reverse("safeguarding:concern_review",
                                  args=[concern.pk])).status_code == 200
    assert _plan_views(world) == 0
    assert _plan_views(world, "supervisor") == 0
    assert http.get(reverse("safeguarding:concern", args=[concern.pk])).status_code == 200
    assert _plan_views(world) == 1


def test_a_refused_document_shows_the_plan_again_and_records_that_read(world, tmp_path):
    concern = _concern(world)
    with override_settings(DATA_DIR=tmp_path):
        services.safety_plan_save(membership=world.memberships["keyworker"], concern=concern,
                                  steps="Call the duty line.", document=_upload("plan.pdf", PDF))
        resp = _http(world, "keyworker").post(
            reverse("safeguarding:safety_plan", args=[concern.pk]),
            {"steps": "Call the duty line.", "document": _upload("plan.exe", b"MZ...")})
    assert resp.status_code == 200
    assert "Attach a PDF, PNG or JPEG file." in resp.content.decode()
    assert "plan.pdf" in resp.content.decode()
    assert _plan_views(world) == 1

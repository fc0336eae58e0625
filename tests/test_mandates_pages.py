"""The client's mandate: recorded, given and withdrawn by the client, the basis of each
advocacy contact, and the balance on the relationship page."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins import services as checkin_services
from keywork.contacts.models import Contact
from keywork.mandates import services
from keywork.mandates.models import AdvocacyBasis, Mandate
from tests.helpers import login_as


def _token(world) -> str:
    _link, token = checkin_services.checkin_link_create(
        membership=world.memberships["keyworker"], relationship=world.relationships["own"])
    return token


def _mandate(world, **kw) -> Mandate:
    fields = {"scope": "Call the landlord about the rent arrears",
              "who_may_be_contacted": "The landlord", "given_how": "spoken",
              "valid_from": timezone.localdate() - dt.timedelta(days=10)}
    fields.update(kw)
    return services.mandate_record(membership=world.memberships["keyworker"],
                                   relationship=world.relationships["own"], **fields)


def _log(http, rel, **extra):
    when = timezone.localtime() - dt.timedelta(hours=1)
    data = {"kind": "advocacy", "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "30", "initiated_by": "worker", "attended": "yes",
            "channel": "in_person", "note": "Met the landlord.", "adv-present": "1"}
    data.update(extra)
    return http.post(reverse("contacts:log", args=[rel.pk]), data)


def test_keyworker_records_a_mandate_and_the_client_sees_it(world):
    http = login_as(HttpClient(), world.keyworker)
    rel = world.relationships["own"]
    resp = http.post(reverse("mandates:create", args=[rel.pk]), {
        "scope": "Speak to the probation officer about a date",
        "who_may_be_contacted": "Probation officer", "given_how": "written"})
    assert resp.status_code == 302
    mandate = Mandate.objects.get(relationship=rel)
    assert mandate.valid_from == timezone.localdate()
    assert mandate.recorded_by == world.keyworker
    page = HttpClient().get(reverse("portal:mandates_list", args=[_token(world)]))
    assert "Speak to the probation officer about a date" in page.content.decode()


def test_a_mandate_ending_before_it_starts_is_refused(world):
    http = login_as(HttpClient(), world.keyworker)
    rel = world.relationships["own"]
    resp = http.post(reverse("mandates:create", args=[rel.pk]), {
        "scope": "Call the bank", "who_may_be_contacted": "Bank", "given_how": "spoken",
        "valid_from": "2026-05-10", "valid_until": "2026-05-01"})
    assert resp.status_code == 200
    assert "The last day comes before the first." in (
        resp.content.decode())
    assert not Mandate.objects.exists()


def test_client_gives_and_withdraws_a_mandate_on_their_own_page(world):
    token = _token(world)
    client = HttpClient()
    resp = client.post(reverse("portal:mandates_give", args=[token]), {
        "scope": "Call social services about my son", "who_may_be_contacted": "Social services"})
    assert resp.status_code == 302
    mandate = Mandate.objects.get()
    assert mandate.given_how == "own_page"
    assert mandate.recorded_by is None
    assert mandate.state_on(timezone.localdate()) == "active"
    confirm = client.get(reverse("portal:mandates_withdraw", args=[token, mandate.pk]))
    assert confirm.status_code == 200
    assert mandate.withdrawn_on is None
    client.post(reverse("portal:mandates_withdraw", args=[token, mandate.pk]))
    mandate.refresh_from_db()
    assert mandate.withdrawn_on == timezone.localdate()
    assert mandate.withdrawn_by_client
    listing = client.get(reverse("portal:mandates_list", args=[token])).content.decode()
    assert "Call social services about my son" in listing
    assert "Withdrawn" in listing
    http = login_as(HttpClient(), world.keyworker)
    staff = http.get(reverse("mandates:list", args=[world.relationships["own"].pk]))
    assert "on the client's own page" in staff.content.decode()


def test_the_clients_read_of_one_mandate_through_their_link_is_audited(world):
    mandate = _mandate(world)
    page = HttpClient().get(reverse("portal:mandates_withdraw", args=[_token(world), mandate.pk]))
    assert page.status_code == 200
    assert "Call the landlord about the rent arrears" in page.content.decode()
    row = AuditEvent.objects.get(action="view", object_type="mandate",
                                 object_id=str(mandate.pk))
    assert row.actor_id is None
    assert row.client_id == mandate.client_id


def test_client_link_cannot_withdraw_another_clients_mandate(world):
    theirs = services.mandate_record(
        membership=world.memberships["colleague"], relationship=world.relationships["same_unit"],
        scope="Their mandate", who_may_be_contacted="Someone", given_how="spoken")
    resp = HttpClient().post(reverse("portal:mandates_withdraw", args=[_token(world), theirs.pk]))
    theirs.refresh_from_db()
    assert resp.status_code == 404
    assert theirs.withdrawn_on is None


def test_staff_from_another_unit_cannot_withdraw_a_mandate(world):
    mandate = _mandate(world)
    http = login_as(HttpClient(), world.colleague)
    assert http.post(reverse("mandates:withdraw", args=[mandate.pk])).status_code == 404
    assert http.get(reverse("mandates:list",
                            args=[world.relationships["own"].pk])).status_code == 404
    mandate.refresh_from_db()
    assert mandate.withdrawn_on is None


def test_an_advocacy_contact_is_logged_with_the_mandate_it_rested_on(world):
    mandate = _mandate(world)
    http = login_as(HttpClient(), world.keyworker)
    rel = world.relationships["own"]
    resp = _log(http, rel, **{"adv-basis": "mandate", "adv-mandate": str(mandate.pk)})
    assert resp.status_code == 302
    basis = AdvocacyBasis.objects.get()
    assert basis.mandate == mandate
    assert basis.contact.kind == "advocacy"


def test_an_advocacy_contact_without_a_basis_is_refused_and_nothing_is_saved(world):
    http = login_as(HttpClient(), world.keyworker)
    before = Contact.objects.count()
    resp = _log(http, world.relationships["own"])
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "mandate or formal power" in html
    assert "Met the landlord." in html
    assert Contact.objects.count() == before


def test_a_withdrawn_mandate_cannot_carry_a_later_contact(world):
    mandate = _mandate(world)
    services.mandate_withdraw(membership=world.memberships["keyworker"], mandate=mandate)
    http = login_as(HttpClient(), world.keyworker)
    before = Contact.objects.count()
    resp = _log(http, world.relationships["own"],
                **{"adv-basis": "mandate", "adv-mandate": str(mandate.pk)})
    assert resp.status_code == 200
    assert "did not hold on the day" in resp.content.decode()
    assert Contact.objects.count() == before


def test_formal_power_needs_the_legal_basis_and_the_balance_shows_both(world):
    mandate = _mandate(world)
    http = login_as(HttpClient(), world.keyworker)
    rel = world.relationships["own"]
    refused = _log(http, rel, **{"adv-basis": "formal", "adv-legal_basis": " "})
    assert refused.status_code == 200
    assert "Name the legal basis" in refused.content.decode()
    assert _log(http, rel, **{"adv-basis": "formal",
                              "adv-legal_basis": "Compulsory care"}).status_code == 302
    assert _log(http, rel, **{"adv-basis": "mandate",
                              "adv-mandate": str(mandate.pk)}).status_code == 302
    assert _log(http, rel, **{"adv-basis": "mandate",
                              "adv-mandate": str(mandate.pk)}).status_code == 302
    page = http.get(reverse("records:relationship", args=[rel.pk]), follow=True).content.decode()
    assert "2 contacts on the client's mandate (67%)" in page
    assert "1 contact under formal power (33%)" in page
    client_page = HttpClient().get(
        reverse("portal:mandates_list", args=[_token(world)])).content.decode()
    assert "Compulsory care" in client_page
    assert "Call the landlord" in client_page


def test_the_basis_of_a_quick_logged_contact_is_recorded_afterwards(world):
    http = login_as(HttpClient(), world.keyworker)
    rel = world.relationships["own"]
    data = {"kind": "advocacy", "occurred_at": (timezone.localtime() - dt.timedelta(hours=1))
            .strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "20", "initiated_by": "worker",
            "attended": "yes", "channel": "in_person", "note": "Court hearing."}
    assert http.post(reverse("contacts:log", args=[rel.pk]), data).status_code == 302
    contact = Contact.objects.get(note="Court hearing.")
    detail = http.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Nothing recorded yet" in detail
    resp = http.post(reverse("mandates:basis", args=[contact.pk]),
                     {"basis": "formal", "legal_basis": "Court order"})
    assert resp.status_code == 302
    assert AdvocacyBasis.objects.get(contact=contact).legal_basis == "Court order"
    other = login_as(HttpClient(), world.colleague)
    assert other.post(reverse("mandates:basis", args=[contact.pk]),
                      {"basis": "formal", "legal_basis": "x"}).status_code == 404

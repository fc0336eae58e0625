"""The client's page as the one place for a client: the relationship (current and earlier),
check-ins, goals, safeguarding and contacts with the one contact form; the old relationship
page leading there; and every threshold said with the value that applies to the client."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins import services as checkin_services
from keywork.contacts import services as contact_services
from keywork.signals import settings as signal_settings
from keywork.signals.models import Alert, SignalSettings
from keywork.signals.services import relationship_evaluate
from tests.helpers import login_as
from tests.test_checkins_submit import CLIENT_ANSWERS

LOW_ANSWERS = {**CLIENT_ANSWERS, "match": 1, "presence": 1, "personal_professional": 1,
               "cooperation": 1, "flexible_support": 1, "role_clarity": 2,
               "confirmed_power": 2}


def _as(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _hub(client_id: int) -> str:
    return reverse("records:client", kwargs={"pk": client_id})


def _client_checkin(world, answers=CLIENT_ANSWERS, rel_name: str = "own"):
    link, _token = checkin_services.checkin_link_create(
        membership=world.memberships["keyworker"], relationship=world.relationships[rel_name])
    resp, _ = checkin_services.client_checkin_submit(
        link=link, answers=answers, idempotency_key=uuid.uuid4())
    return resp


def _form_names(html: str) -> set[str]:
    start = html.index('<form id="quick-contact"')
    form = html[start:html.index("</form>", start)]
    return set(re.findall(r'name="([^"]+)"', form))


# --- one page, the old page leading to it ------------------------------------------------------


def test_the_old_relationship_page_leads_to_its_section_of_the_clients_page(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").get(reverse("records:relationship", args=[rel.pk]))
    assert resp.status_code == 302
    assert resp["Location"] == f"{_hub(rel.client_id)}?relationship={rel.pk}#relationship"
    assert resp["Location"] == rel.get_absolute_url()


def test_the_old_relationship_page_stays_closed_to_those_who_may_not_read_it(world):
    rel = world.relationships["own"]
    for who in ("colleague", "outsider", "administrator"):
        resp = _as(world, who).get(reverse("records:relationship", args=[rel.pk]))
        assert resp.status_code == 404, who
    refused = AuditEvent.objects.filter(action="denied", object_type="relationship",
                                        object_id=str(rel.pk))
    assert refused.count() == 3


def test_following_an_old_link_records_the_reads_of_the_page_and_nothing_more(world):
    rel = world.relationships["own"]
    http = _as(world, "keyworker")
    reads = AuditEvent.objects.filter(client_id=rel.client_id, action="view")
    before = reads.count()
    assert http.get(rel.get_absolute_url()).status_code == 200
    direct = reads.count() - before
    page = http.get(reverse("records:relationship", args=[rel.pk]), follow=True)
    assert page.status_code == 200
    assert reads.count() - before - direct == direct
    assert reads.filter(object_type="client", detail="client record").count() == 2
    assert not reads.filter(object_type="relationship").exists()


def test_the_clients_page_carries_the_relationship_checkins_goals_and_safeguarding(world):
    rel = world.relationships["own"]
    _client_checkin(world)
    page = _as(world, "keyworker").get(_hub(rel.client_id)).content.decode()
    for anchor in ('id="relationship"', 'id="checkins"', 'id="goals"', 'id="safeguarding"',
                   'id="timeline"', 'id="quick-contact"'):
        assert anchor in page, anchor
    assert "Make active" not in page  # the relationship is active already
    assert reverse("checkins:relationship", args=[rel.pk]) in page
    assert reverse("signals:dyad", args=[rel.pk]) in page


def test_an_earlier_relationship_is_shown_when_asked_for(world):
    rel = world.relationships["ended"]
    http = _as(world, "supervisor")
    page = http.get(rel.get_absolute_url()).content.decode()
    assert "An earlier keyworker relationship" in page
    assert rel.get_end_reason_display() in page
    # A closed relationship takes no contact inline; the log page says what that means.
    assert 'id="quick-contact"' not in page


def test_a_relationship_of_another_client_is_never_shown_on_this_clients_page(world):
    own = world.relationships["own"]
    other = world.relationships["same_unit"]
    http = _as(world, "supervisor")
    for asked in (str(other.pk), "not-a-number", "99999999"):
        resp = http.get(_hub(own.client_id), {"relationship": asked})
        page = resp.content.decode()
        assert resp.status_code == 200
        assert "not one of this client&#x27;s" in page or "not one of this client's" in page
        assert other.client.display_name not in page


# --- one contact form --------------------------------------------------------------------------


def test_the_log_page_and_the_clients_page_offer_the_same_contact_form(world):
    rel = world.relationships["own"]
    http = _as(world, "keyworker")
    inline = http.get(_hub(rel.client_id)).content.decode()
    log = http.get(reverse("contacts:log", args=[rel.pk])).content.decode()
    names = _form_names(inline)
    assert names == _form_names(log)
    # The advocacy part (from the mandates app) is in both, not only on the log page.
    assert any(name.startswith("basis") or "basis" in name for name in names), names
    assert 'hx-post="' in inline[inline.index('<form id="quick-contact"'):]


def test_a_contact_logged_on_the_log_page_leads_back_to_the_relationship_on_the_hub(world):
    rel = world.relationships["own"]
    resp = _as(world, "keyworker").post(reverse("contacts:log", args=[rel.pk]), {
        "kind": "session", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30", "initiated_by": "worker", "attended": "yes",
        "channel": "in_person", "note": "From the log page."})
    assert resp.status_code == 302
    assert resp["Location"] == rel.get_absolute_url()


# --- bounded, and a constant number of queries ------------------------------------------------


def _queries(http: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_clients_page_reads_as_much_for_many_contacts_and_checkins_as_for_few(world):
    rel = world.relationships["own"]
    membership = world.memberships["keyworker"]
    http = _as(world, "keyworker")
    url = _hub(rel.client_id)
    _client_checkin(world)
    http.get(url)  # caches of the first request (sessions, instruments) are warm after it
    few = _queries(http, url)
    start = timezone.now() - dt.timedelta(days=20)
    for i in range(30):
        contact_services.contact_record(
            membership=membership, relationship=rel, occurred_at=start + dt.timedelta(hours=i),
            kind="everyday", note=f"Talk {i}.")
    for _i in range(8):
        _client_checkin(world)
    many = _queries(http, url)
    assert many == few


def test_the_clients_page_shows_the_latest_checkins_with_their_count(world):
    rel = world.relationships["own"]
    for _i in range(7):
        _client_checkin(world)
    page = _as(world, "supervisor").get(_hub(rel.client_id)).content.decode()
    section = page[page.index('id="checkins"'):]
    section = section[:section.index("</section>")]
    link = re.escape(reverse("checkins:response", args=[987654])).replace("987654", r"\d+")
    shown = re.findall(f'href="{link}"', section)
    assert len(shown) == 5  # the latest five, not all seven
    assert "All check-ins: 7 you can see" in section


# --- every threshold with the value that applies to the client ----------------------------------


def test_a_client_under_formal_power_is_shown_the_shorter_contact_limit(world):
    coerced = world.relationships["own"]  # compulsory care
    page = _as(world, "keyworker").get(_hub(coerced.client_id)).content.decode()
    assert "no contact has taken place for 7 days" in page
    assert "(14 days for other clients)" in page


def test_a_voluntary_client_is_shown_the_usual_contact_limit(world):
    voluntary = world.relationships["other_unit"]
    page = _as(world, "supervisor_b").get(_hub(voluntary.client_id)).content.decode()
    assert "no contact has taken place for 14 days;" in page
    assert "formal power (" not in page


def test_the_limits_shown_are_the_organisations_own(world):
    rel = world.relationships["own"]
    SignalSettings.objects.create(organisation=world.org, overrides={
        "coerced_no_contact_days": 5, "no_contact_days": 10, "no_checkin_days": 21})
    signal_settings.clear()
    page = _as(world, "keyworker").get(_hub(rel.client_id)).content.decode()
    assert "no contact has taken place for 5 days" in page
    assert "(10 days for other clients)" in page
    assert "has given none for 21 days" in page
    dyad = _as(world, "keyworker").get(reverse("signals:dyad", args=[rel.pk])).content.decode()
    assert "no contact has taken place for 5 days" in dyad


def test_an_alert_the_organisation_does_not_use_has_no_rule_on_the_page(world):
    rel = world.relationships["own"]
    SignalSettings.objects.create(organisation=world.org,
                                  overrides={"disabled_alerts": ["no_contact"]})
    signal_settings.clear()
    page = _as(world, "keyworker").get(_hub(rel.client_id)).content.decode()
    assert "no contact has taken place" not in page
    assert "has given none for 28 days" in page


def _low_checkin_evaluated(world):
    rel = world.relationships["own"]
    _client_checkin(world, answers=LOW_ANSWERS)
    relationship_evaluate(relationship_ids=[rel.pk])
    assert Alert.objects.filter(relationship=rel, code="client_low").exists()
    return rel


def test_not_enough_checkins_beside_a_rating_alert_says_why_both_hold(world):
    rel = _low_checkin_evaluated(world)
    for url in (_hub(rel.client_id), reverse("signals:dyad", args=[rel.pk])):
        page = _as(world, "supervisor").get(url).content.decode()
        assert "Not enough check-ins yet" in page, url
        assert "Client&#x27;s rating is low" in page or "Client's rating is low" in page
        why = re.search(r'<p class="message" id="why-both">([^<]+)</p>', page)
        assert why is not None, url
        assert "each given 2 scored check-ins" in why.group(1)
        assert "both statements hold" in why.group(1)


def test_no_explanation_when_there_is_nothing_to_reconcile(world):
    rel = world.relationships["own"]
    for url in (_hub(rel.client_id), reverse("signals:dyad", args=[rel.pk])):
        page = _as(world, "supervisor").get(url).content.decode()
        assert 'id="why-both"' not in page, url

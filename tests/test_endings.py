"""The ending checklist: who writes it, what it shows, the last check-in, and its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.checkins.models import CheckinLink
from keywork.endings.models import EndingChecklist, LastCheckin
from keywork.relationships import services as rel_services
from tests.helpers import login_as


def _http(user):
    return login_as(HttpClient(), user)


def _ending(world):
    rel = world.relationships["own"]
    rel_services.relationship_start_ending(membership=world.memberships["keyworker"],
                                           relationship=rel, end_reason="episode_ended")
    rel.refresh_from_db()
    return rel


def _data(**kw):
    data = {"planned_end_on": (timezone.localdate() + dt.timedelta(days=21)).isoformat(),
            "progress_named": "Kept every appointment; asked for help early.",
            "contact_after": "No contact; the community team calls in May.",
            "handover_needed": "on", "handover_to": "Community team",
            "handover_what": "The relapse plan.", "last_checkin": "not_yet"}
    data.update(kw)
    return data


def test_relationship_page_shows_the_open_points_while_ending_and_nothing_before(world):
    rel = world.relationships["own"]
    http = _http(world.keyworker)
    page = http.get(reverse("records:relationship", args=[rel.pk]), follow=True).content.decode()
    assert "Ending well" not in page
    _ending(world)
    page = http.get(reverse("records:relationship", args=[rel.pk]), follow=True).content.decode()
    assert "Ending well" in page
    assert "the client&#x27;s progress, named" in page
    assert reverse("endings:checklist", args=[rel.pk]) in page


def test_keyworker_writes_the_checklist_and_only_the_last_checkin_stays_open(world):
    rel = _ending(world)
    resp = _http(world.keyworker).post(reverse("endings:checklist", args=[rel.pk]), _data())
    assert resp.status_code == 302
    checklist = EndingChecklist.objects.get(relationship=rel)
    assert checklist.handover_to == "Community team"
    assert checklist.updated_by == world.keyworker
    page = _http(world.supervisor).get(reverse("records:relationship", args=[rel.pk]), follow=True)
    body = page.content.decode()
    assert "Kept every appointment" in body
    assert "the client&#x27;s last check-in" in body
    assert "the handover" not in body.split("Still open:")[1].split("</ul>")[0]
    assert AuditEvent.objects.filter(action="create", object_type="endingchecklist").exists()


def test_supervisor_changes_it_and_every_version_is_kept(world):
    rel = _ending(world)
    _http(world.keyworker).post(reverse("endings:checklist", args=[rel.pk]), _data())
    resp = _http(world.supervisor).post(reverse("endings:checklist", args=[rel.pk]),
                                        _data(handover_needed="", handover_to="",
                                              handover_what="", last_checkin="declined"))
    assert resp.status_code == 302
    checklist = EndingChecklist.objects.get(relationship=rel)
    assert not checklist.handover_needed
    assert checklist.last_checkin == LastCheckin.DECLINED
    assert checklist.history.count() == 2
    assert checklist.history.earliest().handover_to == "Community team"
    assert checklist.updated_by == world.supervisor
    page = _http(world.keyworker).get(reverse("records:relationship", args=[rel.pk]), follow=True)
    assert "Every point of the ending checklist is done." in page.content.decode()


@pytest.mark.parametrize("who", ["colleague", "supervisor_b", "manager", "administrator",
                                 "researcher", "outsider", "other_supervisor"])
def test_checklist_is_written_only_by_the_relationships_keyworkers_and_unit_supervisors(
        world, who):
    rel = _ending(world)
    http = _http(world.users[who])
    assert http.get(reverse("endings:checklist", args=[rel.pk])).status_code == 404
    assert http.post(reverse("endings:checklist", args=[rel.pk]), _data()).status_code == 404
    assert http.post(reverse("endings:last_checkin", args=[rel.pk])).status_code == 404
    assert not EndingChecklist.objects.exists()
    assert not CheckinLink.objects.filter(relationship=rel).exists()


def test_deputy_may_write_the_checklist(world):
    rel = _ending(world)
    assert _http(world.deputy).post(reverse("endings:checklist", args=[rel.pk]),
                                    _data()).status_code == 302


def test_last_checkin_link_is_made_remembered_and_counts_once_used(world):
    rel = _ending(world)
    resp = _http(world.keyworker).post(reverse("endings:last_checkin", args=[rel.pk]))
    assert resp.status_code == 200
    assert "/c/" in resp.content.decode()
    checklist = EndingChecklist.objects.get(relationship=rel)
    link = CheckinLink.objects.get(relationship=rel)
    assert checklist.last_checkin_link == link
    assert checklist.last_checkin == LastCheckin.OFFERED
    assert not checklist.last_checkin_done
    CheckinLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
    checklist.refresh_from_db()
    assert checklist.last_checkin_done
    page = _http(world.keyworker).get(reverse("records:relationship", args=[rel.pk]), follow=True)
    assert "Given on" in page.content.decode()


def test_bad_input_is_refused_with_a_message_and_nothing_is_lost(world):
    rel = _ending(world)
    too_early = (rel.started_on - dt.timedelta(days=5)).isoformat()
    resp = _http(world.keyworker).post(reverse("endings:checklist", args=[rel.pk]),
                                       _data(planned_end_on=too_early))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "cannot be planned before the relationship started" in body
    assert "Kept every appointment" in body
    assert not EndingChecklist.objects.exists()


def test_after_closing_the_checklist_is_kept_as_it_was(world):
    rel = _ending(world)
    _http(world.keyworker).post(reverse("endings:checklist", args=[rel.pk]), _data())
    close_page = _http(world.keyworker).get(reverse("relationships:close", args=[rel.pk]))
    assert "Ending well" in close_page.content.decode()
    rel_services.relationship_close(membership=world.memberships["keyworker"],
                                    relationship=rel)
    http = _http(world.supervisor)
    resp = http.post(reverse("endings:checklist", args=[rel.pk]),
                     _data(progress_named="Changed afterwards"))
    assert resp.status_code == 200
    assert "kept as it was" in resp.content.decode()
    assert EndingChecklist.objects.get(relationship=rel).progress_named.startswith("Kept")
    resp = http.post(reverse("endings:last_checkin", args=[rel.pk]))
    assert resp.status_code == 302
    page = http.get(reverse("records:relationship", args=[rel.pk]), follow=True).content.decode()
    assert "Ending well" in page
    assert "Kept every appointment" in page


def test_demo_has_one_ending_relationship_with_its_checklist_half_done(db):
    from keywork.demo.services import demo_seed
    from keywork.endings.selectors import open_points

    demo_seed(clients=30, seed=7, as_of=dt.date(2025, 6, 30), progress=False)
    checklist = EndingChecklist.objects.get()
    assert checklist.relationship.status == "ending"
    missing = open_points(checklist)
    assert 0 < len(missing) < len(open_points(None))

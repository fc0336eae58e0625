"""Staff search for a client: by name, reference or birth year, within the person's own
scope, audited as a list, with a clear message for input too short to search."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from keywork.audit.models import AuditEvent
from keywork.clients.models import Client
from keywork.clients.selectors import SEARCH_LIMIT
from tests.helpers import login_as
from tests.world import admit


def _http(world, who: str) -> HttpClient:
    return login_as(HttpClient(), world.users[who])


def _admit(world, given: str, family: str) -> Client:
    return admit(world.memberships["supervisor"], world.unit_a, world.legal_basis, given,
                 family, timezone.localdate() - dt.timedelta(days=3))


# --- search --------------------------------------------------------------------------------


def _search(world, who: str, q: str):
    return _http(world, who).get(reverse("clients:search"), {"q": q})


def test_search_finds_own_client_by_name_reference_and_birth_year(world):
    own = world.clients["own"]
    for q in ("anna", "Own", "anna own", own.pseudonym.lower(), str(own.date_of_birth.year)):
        found = [c.pk for c in _search(world, "keyworker", q).context["result"].clients]
        assert own.pk in found, q


def test_search_stays_within_the_keyworkers_scope(world):
    result = _search(world, "keyworker", "Sameunit").context["result"]
    assert result.clients == []
    assert not result.problem
    assert "No client you may open matches" in _search(world, "keyworker", "Sameunit"
                                                       ).content.decode()
    found = {c.pk for c in _search(world, "supervisor", "1985").context["result"].clients}
    assert found == {world.clients[k].pk for k in ("own", "same_unit", "ended")}
    assert world.clients["other_org_client"].pk not in {
        c.pk for c in _search(world, "supervisor", "Otherorg").context["result"].clients}


def test_search_finds_a_protected_identity_by_reference_only(world):
    own = world.clients["own"]
    Client.objects.filter(pk=own.pk).update(protected_identity=True)
    for q in ("Anna", "1985"):
        assert own.pk not in {c.pk for c in _search(world, "keyworker", q
                                                    ).context["result"].clients}, q
    resp = _search(world, "keyworker", own.pseudonym)
    assert [c.pk for c in resp.context["result"].clients] == [own.pk]
    assert "Anna" not in resp.content.decode().split("<main", 1)[1]


def test_search_says_what_is_wrong_with_empty_or_short_input(world):
    assert "Type a name" in _search(world, "keyworker", "   ").content.decode()
    resp = _search(world, "keyworker", "a")
    assert resp.context["result"].problem
    assert resp.context["result"].clients == []
    assert "at least two" in resp.content.decode()
    assert 'value="a"' in resp.content.decode()  # what was typed stays in the box


def test_search_is_audited_as_a_list_of_the_clients_shown(world):
    http = _http(world, "keyworker")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    http.get(reverse("clients:search"), {"q": "Anna"})
    rows = list(AuditEvent.objects.filter(id__gt=last))
    assert [(r.action, r.actor_id) for r in rows] == [("list", world.keyworker.pk)]
    assert rows[0].detail.endswith(str(world.clients["own"].pk))


def test_search_is_bounded_and_says_there_are_more(world):
    for i in range(SEARCH_LIMIT + 2):
        _admit(world, f"Sam{i:02d}", "Many")
    result = _search(world, "supervisor", "Many").context["result"]
    assert len(result.clients) == SEARCH_LIMIT
    assert result.more
    assert "Add a few letters" in _search(world, "supervisor", "Many").content.decode()


def test_search_is_refused_to_roles_without_client_records(world):
    for who in ("administrator", "researcher"):
        assert _search(world, who, "Anna").status_code == 403, who


def test_the_header_has_a_search_box_for_staff_with_records(world):
    html = _http(world, "keyworker").get(reverse("dashboards:keyworker")).content.decode()
    assert f'action="{reverse("clients:search")}"' in html
    html = _http(world, "administrator").get(reverse("organisations:users")).content.decode()
    assert f'action="{reverse("clients:search")}"' not in html



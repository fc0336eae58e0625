"""Every URL × every role × every scenario. A URL with no entry fails the suite."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import tests.matrix as matrix_pkg
from keywork.contacts.models import Contact
from tests.helpers import login_as
from tests.matrix import NO_CLIENT, READ, SUPERVISE, WRITE, Entry, Target

SCENARIOS = ("own", "same_unit", "other_unit", "other_org_client", "ended")
ROLES = ("keyworker", "supervisor", "manager", "administrator", "researcher")

# Who may do what to a client in each scenario (the world in tests/world.py).
ALLOWED = {
    READ: {
        "keyworker": {"own"},
        "supervisor": {"own", "same_unit", "ended"},
        "manager": {"own", "same_unit", "other_unit", "ended"},
        "administrator": set(),
        "researcher": set(),
    },
    WRITE: {
        "keyworker": {"own"},
        "supervisor": {"own", "same_unit", "ended"},
        "manager": set(),
        "administrator": set(),
        "researcher": set(),
    },
    SUPERVISE: {
        "keyworker": set(),
        "supervisor": {"own", "same_unit", "ended"},
        "manager": set(),
        "administrator": set(),
        "researcher": set(),
    },
}

IGNORED_NAMESPACES = {"admin"}
IGNORED_NAMES: set[str] = set()


def _entries() -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    for mod in pkgutil.iter_modules(matrix_pkg.__path__):
        module = importlib.import_module(f"tests.matrix.{mod.name}")
        for entry in getattr(module, "ENTRIES", []):
            assert entry.name not in found, f"{entry.name} declared twice"
            found[entry.name] = entry
    return found


def _url_names(resolver: URLResolver | None = None, ns: str = "") -> set[str]:
    names: set[str] = set()
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}{p.namespace}:" if p.namespace else ns
            if p.namespace in IGNORED_NAMESPACES:
                continue
            names |= _url_names(p, sub)
        elif isinstance(p, URLPattern):
            if p.name and f"{ns}{p.name}" not in IGNORED_NAMES:
                names.add(f"{ns}{p.name}")
            elif not p.name:
                names.add(f"{ns}<unnamed {p.pattern}>")
    return names


ENTRIES = _entries()


def test_every_url_has_an_entry_in_the_access_matrix():
    missing = sorted(_url_names() - set(ENTRIES))
    assert not missing, f"URLs with no access-matrix entry (add them to tests/matrix/): {missing}"


def test_the_matrix_names_no_url_that_is_gone():
    assert not sorted(set(ENTRIES) - _url_names())


def _targets(world) -> dict[str, Target]:
    out = {}
    for name in SCENARIOS:
        rel = world.relationships[name]
        contact = Contact.objects.filter(relationship=rel).first() or Contact.objects.create(
            organisation=rel.organisation, relationship=rel, client=rel.client,
            worker=rel.keyworker, created_by=rel.keyworker, kind="session",
            occurred_at=timezone.now() - timezone.timedelta(days=1), note="Matrix note.")
        out[name] = Target(client=rel.client, episode=rel.episode, relationship=rel,
                           contact=contact)
    return out


def _call(http: HttpClient, entry: Entry, target: Target):
    url = reverse(entry.name, kwargs=entry.kwargs(target))
    extra = {"HTTP_ACCEPT": "application/json"} if entry.api else {}
    if entry.method == "get":
        return http.get(url, **extra)
    return getattr(http, entry.method)(url, data=entry.data(target), **extra)


def _allowed(resp) -> bool:
    return resp.status_code < 400 and not (
        resp.status_code == 302 and "/accounts/" in resp.get("Location", ""))


@pytest.mark.parametrize("name", sorted(n for n, e in ENTRIES.items() if e.access != NO_CLIENT))
def test_client_data_url_is_open_to_exactly_the_right_people(world, name):
    entry = ENTRIES[name]
    targets = _targets(world)
    wrong = []
    for role in ROLES:
        http = login_as(HttpClient(), world.users[role])
        for scenario in SCENARIOS:
            sid = transaction.savepoint()
            resp = _call(http, entry, targets[scenario])
            transaction.savepoint_rollback(sid)
            expected = scenario in ALLOWED[entry.access][role]
            assert resp.status_code < 500, (role, scenario, resp.status_code)
            if _allowed(resp) != expected:
                wrong.append((role, scenario, resp.status_code))
    assert not wrong, f"{name}: (role, scenario, status) that broke the rule: {wrong}"


@pytest.mark.parametrize("name", sorted(n for n, e in ENTRIES.items() if e.access == NO_CLIENT))
def test_page_without_client_data_is_open_to_the_right_roles(world, name):
    entry = ENTRIES[name]
    target = _targets(world)["own"]
    anon = _call(HttpClient(), entry, target)
    assert anon.status_code < 500
    if not entry.public:
        assert not _allowed(anon) or anon.status_code == 302, "anonymous got in"
    for role in ROLES:
        http = login_as(HttpClient(), world.users[role])
        sid = transaction.savepoint()
        resp = _call(http, entry, target)
        transaction.savepoint_rollback(sid)
        assert resp.status_code < 500, (role, resp.status_code)
        expected = entry.public or not entry.roles or role in entry.roles
        assert _allowed(resp) == expected, (role, resp.status_code)

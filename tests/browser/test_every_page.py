"""Every page a GET can open, as every role that may open it, in real Chromium: axe-core
on each (serious and critical violations fail; moderate ones are listed in the report),
a screenshot at 1366×768 and at 390×844, and no sideways scroll on a phone for the lists.

The pages come from the access matrix (``tests/matrix``), so a new page is swept as soon
as it has its entry. One live server, one browser, one context per role, the pages visited
in a loop: the Django test client first says whether a page is HTML the role may open,
the browser only opens those."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from tests.browser.conftest import ARTIFACTS, AXE
from tests.helpers import login_as
from tests.matrix import NO_CLIENT
from tests.test_access_matrix import ALLOWED, ENTRIES, ROLES, _targets

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
FAILING = ("serious", "critical")
# The lists of a working day: on a phone they must fit the screen.
LISTS = {"dashboards:keyworker", "dashboards:supervisor", "organisations:users",
         "clients:search", "matching:home", "matching:profiles", "matching:intake"}


def _may_open(entry: Any, role: str | None) -> bool:
    if entry.method != "get" or entry.api:
        return False
    if role is None or entry.public:  # public pages once, as nobody signed in
        return role is None and entry.public
    if entry.access == NO_CLIENT:
        return not entry.roles or role in entry.roles
    return "own" in ALLOWED[entry.access][role]


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:3]]} for v in result["violations"]]


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
    page.screenshot(path=str(ARTIFACTS / f"{safe}.png"), full_page=True)


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_every_get_page_of_every_role_passes_axe_and_fits_a_phone(browser, live_server,
                                                                 committed_world, role):
    """One role per test, so that the roles are swept side by side."""
    world = committed_world
    targets = _targets(world)
    target = targets["own"]
    failures: list[str] = []
    moderate: list[str] = []
    overflow: list[str] = []
    visited = 0
    http = login_as(HttpClient(), world.users[role]) if role else HttpClient()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                  viewport=LAPTOP)
    if role:
        context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
            "value": http.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.set_default_timeout(15000)
    who = role or "anonymous"
    for name in sorted(ENTRIES):
        entry = ENTRIES[name]
        if not _may_open(entry, role):
            continue
        url = reverse(name, kwargs=entry.kwargs(target))
        answer = http.get(url)
        if answer.status_code != 200 or not answer.get("Content-Type", "").startswith(
                "text/html"):
            continue
        visited += 1
        page.set_viewport_size(LAPTOP)
        response = page.goto(url)
        assert response is not None, (who, name)
        assert response.status == 200, (who, name)
        _shot(page, f"{who}-{name}-1366")
        for v in _axe(page):
            line = f"{who} {name}: {v['impact']} {v['id']} ({v['help']}) {v['nodes']}"
            (failures if v["impact"] in FAILING else moderate).append(line)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        _shot(page, f"{who}-{name}-390")
        if width > PHONE["width"]:
            overflow.append(f"{who} {name}: {width} px wide at 390")
    context.close()
    report = {"visited": visited, "failing": failures, "moderate": moderate,
              "wider_than_a_phone": overflow}
    who = role or "anonymous"
    (ARTIFACTS.parent / f"axe-report-{who}.json").write_text(json.dumps(report, indent=1))
    print(f"\naxe, {who}: {visited} pages; {len(failures)} serious or critical; "
          f"{len(moderate)} moderate:")
    for line in moderate + overflow:
        print("  " + line)
    assert visited > 0, f"the sweep opened no page as {who}"
    assert not failures, "\n".join(failures)
    wide_lists = [o for o in overflow if o.split(" ")[1].rstrip(":") in LISTS]
    assert not wide_lists, "\n".join(wide_lists)


def test_a_caseload_of_sixteen_fits_one_laptop_screen_and_a_phone(browser, live_server,
                                                                 committed_world):
    import datetime as dt

    from django.utils import timezone

    from keywork.relationships import services as rel_services
    from tests.world import admit

    world = committed_world
    sup = world.memberships["supervisor"]
    for i in range(15):
        basis = world.legal_basis if i % 3 else world.voluntary
        client = admit(sup, world.unit_a, basis, f"Client{i:02d}", "Caseload",
                       timezone.localdate() - dt.timedelta(days=20 + i))
        rel_services.relationship_propose(membership=sup, episode=client.episodes.get(),
                                          keyworker_id=world.keyworker.pk)
    http = login_as(HttpClient(), world.keyworker)
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": http.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.goto(reverse("dashboards:keyworker"))
    rows = page.locator("table.caseload tbody tr")
    assert rows.count() == 16
    _shot(page, "caseload-sixteen-1366")
    bottom = page.evaluate(
        "() => document.querySelector('table.caseload tbody tr:last-child')"
        ".getBoundingClientRect().bottom")
    assert bottom <= LAPTOP["height"], f"the 16th row ends at {bottom} px"
    page.set_viewport_size(PHONE)
    _shot(page, "caseload-sixteen-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

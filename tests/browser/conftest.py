"""Real headless Chromium (Debian's package) driven by Playwright; axe-core from npm.

The browser is never downloaded by a tool: the tests use /usr/bin/chromium. When it is
missing the tests are skipped, unless KEYWORK_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("KEYWORK_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


def _unavailable(reason: str) -> None:
    if os.environ.get("KEYWORK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        _unavailable("axe-core is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the application's own pages keep their CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15000)
    yield p
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, bypass_csp=True,
                                  viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    p = context.new_page()
    p.set_default_timeout(15000)
    yield p
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^a-z0-9_-]+", "-", name.lower()) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")
                   ) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return the serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [v for v in result["violations"] if v.get("impact") in impacts]
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:5]]} for v in found]


def assert_accessible(page: Any, name: str) -> None:
    screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"{name}: " + json.dumps(violations, indent=1)


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("user ?name", re.I)).fill(username)
    page.get_by_label(re.compile("password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()

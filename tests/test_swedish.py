"""The Swedish translation: pages come out in Swedish when asked, and the catalogue is whole."""

from __future__ import annotations

import gettext
import importlib.util
import re
from pathlib import Path
from types import ModuleType

from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from keywork.accounts.models import User
from tests.helpers import login_as

ROOT = Path(__file__).resolve().parent.parent
LC_MESSAGES = ROOT / "src" / "keywork" / "locale" / "sv" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def load_check_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_messages", ROOT / "scripts" / "check_messages.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sign_in_page_is_in_swedish_with_the_swedish_language_cookie(db):
    http = HttpClient()
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    html = http.get(reverse("accounts:login")).content.decode()
    assert "Logga in i Keywork" in html
    assert "Sign in to Keywork" not in html


def test_sign_in_page_is_in_swedish_when_the_browser_asks_for_swedish(db):
    html = HttpClient(headers={"accept-language": "sv"}).get(
        reverse("accounts:login")).content.decode()
    assert "Logga in i Keywork" in html


def test_sign_in_page_stays_in_english_without_a_swedish_request(db):
    html = HttpClient().get(reverse("accounts:login")).content.decode()
    assert "Sign in to Keywork" in html
    assert "Logga in i Keywork" not in html


def test_keyworker_who_chose_swedish_gets_the_caseload_in_swedish(world):
    User.objects.filter(pk=world.keyworker.pk).update(language="sv")
    world.keyworker.refresh_from_db()
    http = login_as(HttpClient(), world.keyworker)
    resp = http.get(reverse("dashboards:keyworker"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Min ärendelista" in html
    assert "My caseload" not in html


def test_keyworker_who_chose_english_keeps_english_in_a_swedish_browser(world):
    User.objects.filter(pk=world.keyworker.pk).update(language="en")
    world.keyworker.refresh_from_db()
    http = login_as(HttpClient(headers={"accept-language": "sv"}), world.keyworker)
    html = http.get(reverse("dashboards:keyworker")).content.decode()
    assert "My caseload" in html
    assert "Min ärendelista" not in html


def test_swedish_catalogue_check_passes():
    assert load_check_script().main() == 0


def test_every_swedish_translation_keeps_the_placeholders_of_its_english_text():
    with open(LC_MESSAGES / "django.mo", "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    messages = catalogue._catalog  # type: ignore[attr-defined]
    wrong = []
    for key, text in messages.items():
        source = key[0] if isinstance(key, tuple) else key
        if not source:
            continue
        if sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(source))):
            wrong.append((source, text))
    assert messages, "the compiled Swedish catalogue is empty"
    assert not wrong, wrong[:5]

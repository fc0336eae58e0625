"""keywork.domain stays pure: no Django, and nothing from Keywork outside the domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import keywork.domain

DOMAIN_DIR = Path(keywork.domain.__file__).parent


def forbidden_imports(source: str) -> list[str]:
    """Imports of Django, or of Keywork modules outside keywork.domain, in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top == "django" or (top == "keywork" and name != "keywork"
                                   and not name.startswith("keywork.domain")) or (
                    name == "keywork"):
                found.append(name)
    return found


@pytest.mark.parametrize(("source", "bad"), [
    ("import django", ["django"]),
    ("from django.db import models", ["django.db"]),
    ("import django.conf as c", ["django.conf"]),
    ("def f():\n    from keywork.core.errors import ApplicationError", ["keywork.core.errors"]),
    ("from keywork import settings", ["keywork"]),
    ("import keywork.clients.models", ["keywork.clients.models"]),
    ("from keywork.domain.errors import DomainError\nimport numpy\nfrom . import signals", []),
    ("import djangoish", []),
])
def test_the_import_scanner_flags_what_it_should(source, bad):
    assert forbidden_imports(source) == bad


def test_no_domain_module_imports_django_or_the_rest_of_keywork():
    modules = sorted(DOMAIN_DIR.rglob("*.py"))
    assert {"__init__.py", "instruments.py", "synth.py", "signals/__init__.py",
            "signals/codes.py", "signals/config.py", "signals/batch.py", "signals/result.py",
            "signals/engine.py", "signals/explain.py"} <= {
        p.relative_to(DOMAIN_DIR).as_posix() for p in modules}
    offenders = {str(p.relative_to(DOMAIN_DIR)): bad for p in modules
                 if (bad := forbidden_imports(p.read_text(encoding="utf-8")))}
    assert offenders == {}

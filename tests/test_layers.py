"""The apps form layers: each imports only from the layers below it.

Every module of ``src/keywork`` is read (imports inside functions included), and so is every
template (``{% extends %}``, ``{% include %}`` and ``{% load %}`` of a tag library). An app may
use itself and the apps of lower layers; never an app of its own layer or of one above. Where
something low must cause something higher, the higher app registers a hook in its
``AppConfig.ready`` (see ``docs/architecture.md``). The project's own wiring (settings, the URL
configuration, the WSGI entry point) sits above every layer.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import keywork

SRC = Path(keywork.__file__).parent

# Lowest first. An app imports only from the layers before its own.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("domain",),                    # pure logic, no Django
    ("core",),                      # plumbing: env, base model, errors, hooks, matters
    ("audit",),                     # the hash-chained audit log
    ("organisations",),             # tenancy: organisations, units, memberships, legal bases
    ("accounts",),                  # sign-in, second factor, the person's own account
    ("clients",),                   # clients, episodes, the scope rule
    ("relationships",),             # keyworker relationships, introductions
    ("contacts", "checkins"),       # the record of contact; feedback from both sides
    ("signals",),                   # the engine, patterns, the one alert queue
    ("breakglass", "endings", "goals", "mandates"),  # record areas
    ("boundaries", "safeguarding"),  # protection, reading the areas below
    ("matching",),                  # allocation, reading everything that excludes a pair
    ("supervision", "dashboards", "records", "inbox"),  # gatherers
    ("portal", "api"),              # interfaces for people without an account, and programs
    ("demo",),                      # builds a whole service through every app
)
RANK = {app: i for i, layer in enumerate(LAYERS) for app in layer}
WIRING = {"settings", "urls", "wsgi", "__main__", "__init__"}

# Global templates (``src/keywork/templates``) belong to core.
TEMPLATE_OWNER_OF_GLOBAL = "core"


@dataclass(frozen=True)
class Use:
    module: str      # where the use is (a module path or a template path)
    line: int
    target: str      # what is used (a module or a template name)
    source_app: str
    target_app: str
    local: bool = False  # inside a function

    def __str__(self) -> str:
        where = " (inside a function)" if self.local else ""
        return (f"{self.module}:{self.line} {self.source_app} uses {self.target} "
                f"({self.target_app}){where}")


def app_of_module(path: Path) -> str:
    rel = path.relative_to(SRC)
    if len(rel.parts) == 1:
        return rel.stem if rel.stem not in WIRING else "<wiring>"
    return rel.parts[0]


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = ["keywork", *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_uses(path: Path, source: str) -> list[Use]:
    """Every import of a Keywork module in ``source``, with its line, relative ones resolved."""
    tree = ast.parse(source)
    local_nodes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            local_nodes |= {id(sub) for sub in ast.walk(node)
                            if isinstance(sub, ast.Import | ast.ImportFrom)}
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    source_app = app_of_module(path)
    uses: list[Use] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
                targets = [mod]
            else:
                mod = node.module or ""
                # ``from keywork import clients`` names an app as well
                targets = ([f"keywork.{a.name}" for a in node.names] if mod == "keywork"
                           else [mod])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            targets = [node.args[0].value]
        for target in targets:
            parts = target.split(".")
            if parts[0] != "keywork" or len(parts) < 2:
                continue
            target_app = parts[1] if parts[1] not in WIRING else "<wiring>"
            uses.append(Use(str(path.relative_to(SRC)), node.lineno, target, source_app,
                            target_app, id(node) in local_nodes))
    return uses


TAG = re.compile(r"{%\s*(extends|include|load)\s+([^%]+?)\s*%}")


def template_uses(path: Path, source: str, libraries: dict[str, str]) -> list[Use]:
    rel = path.relative_to(SRC)
    owner = rel.parts[0] if rel.parts[0] != "templates" else TEMPLATE_OWNER_OF_GLOBAL
    uses = []
    for match in TAG.finditer(source):
        kind, args = match.groups()
        line = source.count("\n", 0, match.start()) + 1
        if kind == "load":
            names = [a for a in args.split() if a != "from"]
            if " from " in f" {args} ":
                names = names[-1:]
            for name in names:
                module = libraries.get(name, "")
                if module.startswith("keywork."):
                    uses.append(Use(str(rel), line, name, owner, module.split(".")[1]))
            continue
        first = args.split()[0]
        if first[0] not in "\"'":
            continue  # a variable: a registered panel, chosen at run time
        name = first.strip("\"'").split("#")[0]
        target_app = name.split("/")[0] if "/" in name else TEMPLATE_OWNER_OF_GLOBAL
        if target_app in ("includes",):
            target_app = TEMPLATE_OWNER_OF_GLOBAL
        uses.append(Use(str(rel), line, name, owner, target_app))
    return uses


def _allowed(use: Use) -> bool:
    if use.source_app == "<wiring>" or use.target_app == use.source_app:
        return True
    if use.target_app == "<wiring>":
        return False
    if use.source_app not in RANK or use.target_app not in RANK:
        return False  # an app missing from LAYERS must be placed
    return RANK[use.target_app] < RANK[use.source_app]


def all_python_uses() -> list[Use]:
    return [use for path in sorted(SRC.rglob("*.py")) if "migrations" not in path.parts
            for use in python_uses(path, path.read_text(encoding="utf-8"))]


def all_template_uses() -> list[Use]:
    libraries = _tag_library_names()
    return [use for path in sorted(SRC.rglob("templates/**/*.html"))
            for use in template_uses(path, path.read_text(encoding="utf-8"), libraries)]


def _tag_library_names() -> dict[str, str]:
    from django.template.backends.django import get_installed_libraries

    return dict(get_installed_libraries())


# --- the scanners themselves ------------------------------------------------------------------


@pytest.mark.parametrize(("relpath", "source", "expected"), [
    ("clients/views.py", "from keywork.contacts.forms import ContactForm",
     [("contacts", False)]),
    ("clients/views.py", "def f():\n    from keywork.breakglass import selectors",
     [("breakglass", True)]),
    ("clients/views.py", "from . import services\nfrom .models import Client",
     [("clients", False), ("clients", False)]),
    ("clients/templatetags/x.py", "from ..models import Client", [("clients", False)]),
    ("clients/views.py", "from keywork import signals", [("signals", False)]),
    ("clients/views.py", "import importlib\nimportlib.import_module('keywork.signals.services')",
     [("signals", False)]),
    ("clients/views.py", "import numpy\nfrom django.db import models", []),
])
def test_the_import_scanner_finds_every_use_of_an_app(relpath, source, expected):
    uses = python_uses(SRC / relpath, source)
    assert [(u.target_app, u.local) for u in uses] == expected


def test_the_template_scanner_finds_includes_extends_and_tag_libraries():
    source = ('{% extends "base.html" %}{% load i18n goals_tags %}'
              '{% include "contacts/fragments.html#timeline" %}{% include panel.template %}'
              "{% include 'relationships/_head.html' with rel=None %}")
    uses = template_uses(SRC / "clients/templates/clients/x.html", source,
                         {"goals_tags": "keywork.goals.templatetags.goals_tags",
                          "i18n": "django.templatetags.i18n"})
    assert [(u.target, u.target_app) for u in uses] == [
        ("base.html", "core"), ("goals_tags", "goals"), ("contacts/fragments.html", "contacts"),
        ("relationships/_head.html", "relationships")]


def test_the_rule_allows_down_and_refuses_up_and_sideways():
    def use(source_app: str, target_app: str) -> Use:
        return Use("m.py", 1, "t", source_app, target_app)

    assert _allowed(use("contacts", "relationships"))
    assert _allowed(use("contacts", "contacts"))
    assert _allowed(use("<wiring>", "demo"))
    assert not _allowed(use("relationships", "contacts"))
    assert not _allowed(use("contacts", "checkins"))  # the same layer
    assert not _allowed(use("core", "organisations"))
    assert not _allowed(use("newapp", "core"))  # not placed in a layer yet


# --- the house -----------------------------------------------------------------------------------


def test_every_app_has_a_place_in_the_layers():
    apps = {p.parent.name for p in SRC.glob("*/__init__.py")} - {"locale", "static",
                                                                  "templates", "instruments"}
    assert sorted(apps - set(RANK)) == [], "place these apps in LAYERS"
    assert sorted(set(RANK) - apps) == [], "these apps in LAYERS no longer exist"


def test_no_module_imports_from_its_own_layer_or_above():
    offending = [str(u) for u in all_python_uses() if not _allowed(u)]
    assert offending == [], "imports that go up or sideways:\n" + "\n".join(offending)


def test_no_template_uses_a_template_or_tag_library_of_its_own_layer_or_above():
    offending = [str(u) for u in all_template_uses() if not _allowed(u)]
    assert offending == [], "templates that reach up or sideways:\n" + "\n".join(offending)


def test_keywork_modules_are_imported_at_the_top_of_a_module():
    """An import inside a function hides a dependency (it is how cycles were dodged). Only an
    ``AppConfig.ready`` imports inside a function: that is where hooks are registered."""
    offending = [str(u) for u in all_python_uses()
                 if u.local and u.target_app != u.source_app
                 and not u.module.endswith("apps.py")]
    assert offending == [], "imports inside functions:\n" + "\n".join(offending)


def test_no_module_looks_a_keywork_module_up_by_name():
    offending = [str(p.relative_to(SRC)) for p in sorted(SRC.rglob("*.py"))
                 if "migrations" not in p.parts and "importlib" in p.read_text(encoding="utf-8")]
    assert offending == []


def test_no_module_in_src_is_over_700_lines():
    exempt = {"demo/vocabulary.py"}
    long = {str(p.relative_to(SRC)): n for p in sorted(SRC.rglob("*.py"))
            if "migrations" not in p.parts and str(p.relative_to(SRC)) not in exempt
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 700}
    assert long == {}

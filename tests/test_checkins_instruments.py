"""Instruments as data: loading shipped and local definitions, versions, refusals."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import override_settings

from keywork.audit.models import AuditEvent
from keywork.checkins.models import CheckinResponse, Instrument, InstrumentVersion
from keywork.checkins.selectors import current_version, domain_instrument
from keywork.checkins.services import definition_digest, instruments_sync
from keywork.core.errors import ApplicationError
from keywork.domain.instruments import INSTRUMENTS_DIR, shipped_instruments

SHIPPED = sorted(shipped_instruments())


def _local_form(code: str = "licensed-scale", version: int = 1, *,
                first_item: str = "We get on.") -> dict[str, Any]:
    """A small instrument as a service would write it for a form it holds a licence for."""
    items: list[dict[str, Any]] = [
        {"code": d, "dimension": d, "text": {"en": first_item if d == "match" else f"{d}?"}}
        for d in ("match", "presence", "personal_professional", "cooperation",
                  "flexible_support")
    ]
    items.append({"code": "words", "dimension": "free_text", "optional": True,
                  "text": {"en": "Anything else?"}})
    return {
        "code": code, "version": version, "rater": "client", "languages": ["en"],
        "title": {"en": "A licensed form"},
        "scale": {"min": 1, "max": 7, "anchors": {"min": {"en": "Never"},
                                                  "max": {"en": "Always"}}},
        "scoring": {"dimension_min_items": 1, "overall_min_dimensions": 4,
                    "reliability": {"kind": "alpha", "value": 0.9, "norm_sd": 15}},
        "items": items,
    }


def _write(directory: Path, data: dict) -> Path:
    path = directory / f"{data['code']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("load_instruments", *args, stdout=out)
    return out.getvalue()


def test_a_fresh_database_has_every_shipped_instrument(db):
    assert sorted(Instrument.objects.values_list("code", flat=True)) == SHIPPED
    for code in SHIPPED:
        version = current_version(code)
        assert version is not None
        source = yaml.safe_load((INSTRUMENTS_DIR / f"{code}.yaml").read_text("utf-8"))
        assert version.definition == source
        assert version.digest == definition_digest(source)


def test_loading_again_changes_nothing(db):
    before = list(InstrumentVersion.objects.order_by("pk").values_list("pk", "digest"))
    output = _command()
    assert list(InstrumentVersion.objects.order_by("pk").values_list("pk", "digest")) == before
    assert output.count("unchanged") == len(SHIPPED)
    assert "0 version(s) added" in output


def test_the_digest_ignores_key_order_but_not_content():
    a = {"code": "x", "items": [{"text": {"en": "Å", "sv": "B"}}]}
    b = {"items": [{"text": {"sv": "B", "en": "Å"}}], "code": "x"}
    assert definition_digest(a) == definition_digest(b)
    assert definition_digest(a) != definition_digest({**a, "code": "y"})


def test_local_instruments_load_from_the_configured_directory(db, tmp_path):
    _write(tmp_path, _local_form())
    with override_settings(KEYWORK_LOCAL_INSTRUMENTS=str(tmp_path)):
        output = _command()
    assert "licensed-scale v1: created" in output
    instrument = Instrument.objects.get(code="licensed-scale")
    assert not instrument.is_shipped
    assert instrument.rater == "client"
    assert AuditEvent.objects.filter(action="system",
                                     detail__startswith="instrument licensed-scale v1").exists()


def test_changed_definition_with_the_same_version_is_refused(db, tmp_path):
    _write(tmp_path, _local_form())
    _command("--dir", str(tmp_path))
    original = InstrumentVersion.objects.get(instrument__code="licensed-scale")
    _write(tmp_path, _local_form(first_item="We get on really well."))
    with pytest.raises(CommandError, match="changed but its version is still 1: raise the "
                                           "version"):
        _command("--dir", str(tmp_path))
    assert list(InstrumentVersion.objects.filter(instrument__code="licensed-scale")) == [original]


def test_refusal_loads_nothing_from_the_same_run(db, tmp_path):
    _write(tmp_path, _local_form())
    _command("--dir", str(tmp_path))
    _write(tmp_path, _local_form(first_item="Changed."))
    _write(tmp_path, _local_form("another-form"))
    with pytest.raises(ApplicationError):
        instruments_sync(directory=tmp_path)
    assert not Instrument.objects.filter(code="another-form").exists()


def test_a_new_version_is_added_and_old_responses_keep_theirs(world, tmp_path):
    _write(tmp_path, _local_form())
    _command("--dir", str(tmp_path))
    v1 = InstrumentVersion.objects.get(instrument__code="licensed-scale", version=1)
    rel = world.relationships["own"]
    old = CheckinResponse.objects.create(
        organisation=world.org, relationship=rel, client=rel.client, instrument_version=v1,
        rater="client", submitted_at=rel.created_at, mode="link", answers={"match": 3})
    _write(tmp_path, _local_form(version=2, first_item="We get on well as people."))
    output = _command("--dir", str(tmp_path))
    assert "licensed-scale v2: new version" in output
    v2 = current_version("licensed-scale")
    assert v2 is not None
    assert v2.version == 2
    assert v2.pk != v1.pk
    old.refresh_from_db()
    assert old.instrument_version_id == v1.pk
    assert domain_instrument(old.instrument_version).item("match").text["en"] == "We get on."
    assert domain_instrument(v2).item("match").text["en"] == "We get on well as people."


def test_an_invalid_file_is_refused_with_what_is_wrong(db, tmp_path):
    broken = _local_form()
    broken["items"][0]["dimension"] = "charm"
    _write(tmp_path, broken)
    with pytest.raises(CommandError, match="dimension 'charm' is not one of"):
        _command("--dir", str(tmp_path))


def test_a_file_named_otherwise_than_its_code_is_refused(db, tmp_path):
    (tmp_path / "wrong-name.yaml").write_text(yaml.safe_dump(_local_form()), "utf-8")
    with pytest.raises(CommandError, match="the file name must be the code"):
        _command("--dir", str(tmp_path))


def test_a_missing_directory_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="is not a directory"):
        _command("--dir", str(tmp_path / "nowhere"))


def test_a_new_version_cannot_change_the_rater(db, tmp_path):
    _write(tmp_path, _local_form())
    _command("--dir", str(tmp_path))
    _write(tmp_path, {**_local_form(version=2), "rater": "keyworker"})
    with pytest.raises(CommandError, match="changes its rater from client to keyworker"):
        _command("--dir", str(tmp_path))


def test_a_stored_version_is_rebuilt_into_the_same_instrument(db):
    for code, form in shipped_instruments().items():
        version = current_version(code)
        assert version is not None
        assert domain_instrument(version) == form

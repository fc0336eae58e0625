"""Instruments as FHIR R5 Questionnaire resources, check-ins as QuestionnaireResponse.

- The canonical URL of an instrument is ``<SITE_URL>/fhir/Questionnaire/<code>``; its
  version is the instrument's version, and a response names both (``url|version``).
- Texts are in English (or the form's first language) with the other languages as the
  standard ``translation`` extension on the text element.
- A 0–10 question is an ``integer`` item with the standard ``minValue``/``maxValue``
  extensions; a free-text question is a ``text`` item. ``required`` follows the
  definition (scoring itself tolerates gaps: see docs/instruments.md).
- Each item carries the dimension it measures as an item code; reversed items say so in an
  extension.
- The subject of a response is the client's pseudonymous reference, never a name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from keywork.checkins.models import CheckinResponse, InstrumentVersion, Rater
from keywork.checkins.selectors import domain_instrument
from keywork.domain.instruments import Instrument

FHIR_VERSION = "5.0.0"
CONTENT_TYPE = "application/fhir+json"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def base_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/fhir"


def questionnaire_url(code: str) -> str:
    return f"{base_url()}/Questionnaire/{code}"


def _id(text: str) -> str:
    """A FHIR id: letters, digits, '-' and '.', at most 64 characters."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]


def _name(code: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", code) if part)


def _primary(form: Instrument) -> str:
    return "en" if "en" in form.languages else form.languages[0]


def _translations(texts: Mapping[str, str], primary: str) -> dict[str, Any] | None:
    others = [
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": lang},
                                           {"url": "content", "valueString": text}]}
        for lang, text in texts.items() if lang != primary
    ]
    return {"extension": others} if others else None


def _with_translations(target: dict[str, Any], key: str, texts: Mapping[str, str],
                       primary: str) -> None:
    target[key] = texts[primary]
    extra = _translations(texts, primary)
    if extra:
        target[f"_{key}"] = extra


def questionnaire(version: InstrumentVersion) -> dict[str, Any]:
    form = domain_instrument(version)
    primary = _primary(form)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": _id(f"{form.code}-v{form.version}"),
        "language": primary,
        "extension": [{"url": f"{base_url()}/StructureDefinition/rater",
                       "valueCode": form.rater}],
        "url": questionnaire_url(form.code),
        "version": str(form.version),
        "name": _name(form.code),
        "status": "active",
        "subjectType": ["Patient"],
        "date": version.loaded_at.isoformat(),
    }
    _with_translations(resource, "title", form.title, primary)
    if form.intro:
        _with_translations(resource, "description", form.intro, primary)
    dimension_system = f"{base_url()}/CodeSystem/dimension"
    items = []
    for item in form.items:
        entry: dict[str, Any] = {"linkId": item.code}
        _with_translations(entry, "text", item.text, primary)
        entry["code"] = [{"system": dimension_system, "code": item.dimension}]
        entry["required"] = not item.optional
        if item.is_free_text:
            entry["type"] = "text"
        else:
            entry["type"] = "integer"
            entry["extension"] = [{"url": MIN_VALUE, "valueInteger": item.scale_min},
                                  {"url": MAX_VALUE, "valueInteger": item.scale_max}]
            if item.reversed:
                entry["extension"].append({
                    "url": f"{base_url()}/StructureDefinition/reversed",
                    "valueBoolean": True})
        items.append(entry)
    resource["item"] = items
    return resource


def questionnaire_response(response: CheckinResponse) -> dict[str, Any]:
    form = domain_instrument(response.instrument_version)
    primary = _primary(form)
    client_ref = {"type": "Patient", "identifier": {
        "system": f"{base_url()}/client-reference", "value": response.client.pseudonym}}
    items = []
    for item in form.items:
        value = response.answers.get(item.code)
        if value is None or value == "":
            continue
        answer: dict[str, Any] = ({"valueString": str(value)} if item.is_free_text
                                  else {"valueInteger": int(value)})
        items.append({"linkId": item.code, "text": item.text[primary], "answer": [answer]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"checkin-{response.pk}",
        "identifier": [{"system": f"{base_url()}/checkin",
                        "value": str(response.idempotency_key)}],
        "questionnaire": f"{questionnaire_url(form.code)}|{form.version}",
        "status": "completed",
        "subject": client_ref,
        "authored": response.submitted_at.isoformat(),
        "item": items,
    }
    if response.rater == Rater.CLIENT:
        resource["source"] = client_ref
    elif response.submitted_by_id is not None:
        resource["author"] = {"type": "Practitioner", "identifier": {
            "system": f"{base_url()}/staff", "value": str(response.submitted_by_id)}}
    return resource

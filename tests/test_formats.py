"""Dates are written one way per language, on every page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation


def test_dates_are_written_one_way_per_language():
    from django.template import Context, Template

    day = dt.date(2026, 12, 7)
    moment = dt.datetime(2026, 12, 7, 14, 5, tzinfo=timezone.get_current_timezone())
    template = Template('{{ d|date }}|{{ m|date:"DATETIME_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"d": day, "m": moment})) == "7 Dec 2026|7 Dec 2026, 14:05"
    with translation.override("sv"):
        assert template.render(Context({"d": day, "m": moment})) == "2026-12-07|2026-12-07 14:05"

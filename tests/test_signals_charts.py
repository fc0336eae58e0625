"""The server-drawn line charts: labels in the reader's language, nothing drawn off the edge."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import translation

from keywork.signals.charts import WIDTH, line_chart

SERIES = [(dt.date(2026, 10, 5), 60.0), (dt.date(2026, 11, 18), 70.0)]


def test_date_labels_follow_the_active_language():
    with translation.override("sv"):
        sv = line_chart(SERIES, [])
    with translation.override("en"):
        en = line_chart(SERIES, [])
    assert sv is not None
    assert en is not None
    assert [t for _, t in sv.x_ticks] == ["5 Okt", "18 Nov"]
    assert [t for _, t in en.x_ticks] == ["5 Oct", "18 Nov"]


def test_the_last_date_label_ends_inside_the_drawing():
    chart = line_chart(SERIES, SERIES)
    assert chart is not None
    html = render_to_string("signals/_chart.html", {"chart": chart, "key": "k", "label": "L"})
    last_x, _ = chart.x_ticks[-1]
    assert last_x <= WIDTH
    assert f'x="{last_x}" y="146" class="tick" text-anchor="end"' in html
    assert 'text-anchor="start">5 Oct' in html

"""Forms of the dashboards: the period of the manager's figures, the targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from keywork.dashboards.models import Target
from keywork.domain import periods, targets

PRESET_LABELS = {
    periods.LAST_30_DAYS: _("Last 30 days"),
    periods.LAST_QUARTER: _("Last quarter"),
    periods.THIS_YEAR: _("This year"),
    periods.LAST_12_MONTHS: _("Last 12 months"),
}

PROBLEMS = {
    periods.REVERSED: _("The start date is after the end date. Swap them, or pick one of "
                        "the periods above."),
    periods.FUTURE: _("The end date is after today. Figures go up to today at the latest."),
    periods.TOO_EARLY: _("Pick a start date in 2000 or later."),
    periods.TOO_LONG: _("A period can be at most three years long."),
}


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start is None or end is None:
            raise forms.ValidationError(_("Give both dates, from and to."))
        problem = periods.period_problem(start, end, self.today)
        if problem is not None:
            raise forms.ValidationError(PROBLEMS[problem])
        return data


@dataclass
class PeriodChoice:
    """The period the page shows, the preset it came from (if any) and the form, bound
    with what was typed when it was refused."""

    period: periods.Period
    preset: str
    form: PeriodForm
    refused: bool


def period_from(query: QueryDict, today: dt.date) -> PeriodChoice:
    """The period asked for in the query: a preset (``?preset=30d``), two dates
    (``?start=…&end=…``) or, with neither, the default. A period that is refused keeps
    what was typed in the form, with the reason, and the page shows the default."""
    default = periods.preset_period(periods.DEFAULT, today)
    preset = query.get("preset", "")
    if preset in periods.PRESETS:
        period = periods.preset_period(preset, today)
        return PeriodChoice(period, preset, _unbound(period, today), refused=False)
    if preset:
        form = PeriodForm({"start": default.start, "end": default.end}, today=today)
        form.is_valid()
        form.add_error(None, _("There is no such period. Pick one of the periods above."))
        return PeriodChoice(default, periods.DEFAULT, form, refused=True)
    if "start" in query or "end" in query:
        form = PeriodForm(query, today=today)
        if form.is_valid():
            period = periods.Period(form.cleaned_data["start"], form.cleaned_data["end"])
            return PeriodChoice(period, "", form, refused=False)
        return PeriodChoice(default, periods.DEFAULT, form, refused=True)
    return PeriodChoice(default, periods.DEFAULT, _unbound(default, today), refused=False)


def _unbound(period: periods.Period, today: dt.date) -> PeriodForm:
    return PeriodForm(initial={"start": period.start, "end": period.end}, today=today)


class TargetsForm(forms.Form):
    """One optional number per figure; an empty field means no target."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in Target.Figure.choices:
            figure = targets.BY_KEY[key]
            self.fields[key] = forms.DecimalField(
                label=label, required=False, min_value=Decimal(str(figure.lowest)),
                max_value=Decimal(str(figure.highest)), decimal_places=figure.decimals,
                max_digits=8,
                help_text=(_("At least this much is the target.")
                           if figure.direction == targets.AT_LEAST
                           else _("At most this much is the target.")))

"""Forms of the boundary register, the contact agreement and the settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.boundaries.models import WEEKDAY_NAMES, Kind, Outcome, Severity
from keywork.contacts.models import Channel
from keywork.domain import boundaries as rules


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


ACCEPTED_CHOICES = [("", _("Does not apply")), ("yes", _("Accepted")), ("no", _("Declined"))]
SEVERITY_CHOICES = [("", _("The service's default for this kind")), *Severity.choices]


def _accepted(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _not_future(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return day


class EventForm(forms.Form):
    worker = forms.TypedChoiceField(label=_("Whom the event is about"), coerce=int,
                                    choices=[])
    kind = forms.ChoiceField(label=_("What happened"), choices=Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": _("Choose what happened.")})
    occurred_on = forms.DateField(label=_("When it happened"), widget=DateInput())
    context = forms.CharField(
        label=_("What happened, in context"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain facts: what, where, who started it, what you said or did."),
        error_messages={"required": _("Describe what happened.")})
    accepted = forms.TypedChoiceField(
        label=_("For a gift or an invitation: accepted or declined?"), coerce=_accepted,
        choices=ACCEPTED_CHOICES, required=False, empty_value=None,
        widget=forms.RadioSelect)
    value = forms.DecimalField(label=_("Value of the gift (approximate)"), required=False,
                               min_value=0, max_digits=9, decimal_places=2,
                               widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    that_event_only = forms.BooleanField(
        label=_("An accepted invitation is for that event only"), required=False)
    after_closure_reason = forms.CharField(
        label=_("Why there was contact after the ending"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY_CHOICES,
                                 required=False)

    def __init__(self, *args: Any, workers: list[tuple[int, str]] | None = None,
                 kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
        worker, kind = self.fields["worker"], self.fields["kind"]
        assert isinstance(worker, forms.ChoiceField)
        assert isinstance(kind, forms.ChoiceField)
        if workers:
            worker.choices = workers
        else:
            del self.fields["worker"]
        if kinds is not None:
            kind.choices = [c for c in Kind.choices if c[0] in kinds]

    def clean_occurred_on(self) -> dt.date:
        return _not_future(self.cleaned_data["occurred_on"])

    def event_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("worker", None)
        data["after_closure_reason"] = data.get("after_closure_reason") or ""
        data["severity"] = data.get("severity") or ""
        return data


class AfterClosureForm(forms.Form):
    relationship = forms.TypedChoiceField(label=_("With whom"), coerce=int, choices=[])
    occurred_on = forms.DateField(label=_("When it happened"), widget=DateInput())
    context = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe what happened.")})
    after_closure_reason = forms.CharField(
        label=_("Why there was contact after the ending"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the contact after the ending.")})

    def __init__(self, *args: Any, relationships: list[tuple[int, str]], **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["relationship"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = relationships
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_occurred_on(self) -> dt.date:
        return _not_future(self.cleaned_data["occurred_on"])


class ReflectForm(forms.Form):
    reflection = forms.CharField(
        label=_("Your reflection"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What led to it, what it meant for the work with the client, what you "
                    "would do another time."),
        error_messages={"required": _("Write your reflection.")})


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": _("Choose the outcome of the "
                                                              "review.")})
    review_note = forms.CharField(
        label=_("What was discussed and decided"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what was discussed and decided.")})
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)

    def clean_reviewed_on(self) -> dt.date:
        return _not_future(self.cleaned_data["reviewed_on"])


WEEKDAYS = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]


class AgreementForm(forms.Form):
    per_week = forms.IntegerField(
        label=_("Contacts per week"), required=False, min_value=1, max_value=50,
        help_text=_("Leave empty for no agreed number."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=[c for c in Channel.choices
                                      if c[0] != Channel.PERSONAL_DEVICE],
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any of the service's channels."))
    weekdays = forms.MultipleChoiceField(
        label=_("Days"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any day."))
    hours_from = forms.TimeField(label=_("Hours from"), required=False, widget=TimeInput())
    hours_to = forms.TimeField(label=_("Hours to"), required=False, widget=TimeInput())
    client_tasks = forms.CharField(
        label=_("What the client takes over themselves"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the client's words where you can: what they will handle without "
                    "calling."))
    note = forms.CharField(label=_("Anything else agreed"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DateInput())
    review_on = forms.DateField(label=_("Look at it again on"), required=False,
                                widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("hours_from") is None) != (data.get("hours_to") is None):
            self.add_error("hours_to", _("Give both the start and the end of the agreed "
                                         "hours, or neither."))
        return data


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What worries you?"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write what worries you.")})


class GiftsFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end comes after the start."))
        return data


class SettingsForm(forms.Form):
    drift_count = forms.IntegerField(label=_("Minor events that make a drift"), min_value=2,
                                     max_value=20)
    drift_window_days = forms.IntegerField(label=_("Within this many days"), min_value=7,
                                           max_value=730)
    post_closure_days = forms.IntegerField(
        label=_("Post-closure period in days"), min_value=0, max_value=3650,
        help_text=_("Contact with a client in this period after the relationship closed "
                    "is a boundary event that needs a reason and a review."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in Kind.choices:
            self.fields[f"severity_{code}"] = forms.ChoiceField(
                label=label, choices=Severity.choices,
                initial=rules.DEFAULT_SEVERITY[code])

    def severity_fields(self) -> list[forms.BoundField]:
        return [self[f"severity_{code}"] for code in Kind.values]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("drift_count", "drift_window_days",
                                        "post_closure_days")]

    def severity_defaults(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"severity_{code}"] for code in Kind.values}

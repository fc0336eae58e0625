"""Check-in forms built from an instrument definition."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keywork.domain.instruments import Instrument


@dataclass(frozen=True)
class RatingRow:
    """What the template needs to draw one 0–10 question as a row of large buttons."""

    field: forms.BoundField
    code: str
    text: str
    values: list[str]
    anchor_min: str
    anchor_max: str
    scale_min: int
    scale_max: int
    current: str
    skippable: bool


class CheckinForm(forms.Form):
    """The questions of one instrument in one language, and the key that makes a retried
    submission count once (a fresh one each time the form is shown)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, instrument: Instrument, language: str,
                 require_answers: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        self.require_answers = require_answers
        for item in instrument.rating_items:
            assert item.scale_min is not None
            assert item.scale_max is not None
            values = [str(n) for n in range(item.scale_min, item.scale_max + 1)]
            required = require_answers and not item.optional
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text[language], required=required, coerce=int, empty_value=None,
                choices=[("", _("Skip this question")), *((v, v) for v in values)],
                widget=forms.RadioSelect)
        for item in instrument.free_text_items:
            self.fields[item.code] = forms.CharField(
                label=item.text[language], required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}))

    def rating_rows(self) -> list[RatingRow]:
        anchors = self.instrument.anchors
        rows = []
        for item in self.instrument.rating_items:
            assert item.scale_min is not None
            assert item.scale_max is not None
            bound = self[item.code]
            value = bound.value()
            rows.append(RatingRow(
                field=bound, code=item.code, text=item.text[self.language],
                values=[str(n) for n in range(item.scale_min, item.scale_max + 1)],
                anchor_min=anchors.get("min", {}).get(self.language, ""),
                anchor_max=anchors.get("max", {}).get(self.language, ""),
                scale_min=item.scale_min, scale_max=item.scale_max,
                current="" if value in (None, "") else str(value),
                skippable=not (self.require_answers and not item.optional)))
        return rows

    def free_text_fields(self) -> list[forms.BoundField]:
        return [self[item.code] for item in self.instrument.free_text_items]

    def answers(self) -> dict[str, Any]:
        """The answers given, by item code (unanswered questions left out)."""
        data = self.cleaned_data
        return {item.code: data.get(item.code) for item in self.instrument.items
                if data.get(item.code) not in (None, "")}


class LinkForm(forms.Form):
    """Which form the client answers (the short weekly one unless another is chosen)."""

    instrument = forms.ChoiceField(label=_("Form"), required=False)

    def __init__(self, *args: Any, forms_offered: list[tuple[str, str]], **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = forms_offered
        if len(forms_offered) < 2:
            field.widget = forms.HiddenInput()


class FormChoiceForm(forms.Form):
    """Which of the keyworker's own forms is shown: the default (the short one) unless
    another offered one is asked for. The answers are sent with the code of the form that
    was shown, so they are always read against that form; a code that is missing or not
    offered is a form error, never a guess."""

    instrument = forms.ChoiceField(
        label=_("Which form?"),
        error_messages={
            "required": _("It is not clear which form was sent. Open the form again "
                          "and send it."),
            "invalid_choice": _("That form is not offered here. Choose one of the forms "
                                "offered."),
        })

    def __init__(self, *args: Any, forms_offered: list[tuple[str, str]], default: str,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = forms_offered
        self.offered = forms_offered
        self.default = default

    def chosen(self) -> str:
        """The code of the form to show: the one asked for when it is offered, otherwise
        the default (the error then says why)."""
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data["instrument"])
        return self.default


class ClientChoicesForm(forms.Form):
    """What the client lets their keyworker see, and a message only the supervisor reads."""

    visibility = forms.ChoiceField(label=_("What may your keyworker see?"),
                                   widget=forms.RadioSelect)
    private_comment = forms.CharField(
        label=_("A message to the supervisor (if you want)"), required=False, max_length=4000,
        help_text=_("Only the supervisor reads this. Your keyworker does not see it."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}))

    def __init__(self, *args: Any, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["visibility"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = options


"""The ending checklist form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keywork.endings.models import EndingChecklist, LastCheckin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ChecklistForm(forms.Form):
    planned_end_on = forms.DateField(label=_("Planned ending date"), required=False,
                                     widget=DateInput())
    progress_named = forms.CharField(
        label=_("Progress named"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The client's strengths and achievements, in words you have said to the "
                    "client."))
    contact_after = forms.CharField(
        label=_("Contact afterwards"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happens to contact after the ending, as agreed with the client."))
    handover_needed = forms.BooleanField(label=_("A handover is needed"), required=False)
    handover_to = forms.CharField(label=_("Handover to"), required=False, max_length=200,
                                  help_text=_("A person, service or authority."))
    handover_what = forms.CharField(label=_("What is handed over"), required=False,
                                    max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    last_checkin = forms.ChoiceField(label=_("The client's last check-in"),
                                     choices=LastCheckin.choices, widget=forms.RadioSelect,
                                     initial=LastCheckin.NOT_YET)

    @classmethod
    def for_checklist(cls, checklist: EndingChecklist | None) -> ChecklistForm:
        if checklist is None:
            return cls(initial={"handover_needed": True, "last_checkin": LastCheckin.NOT_YET})
        return cls(initial={name: getattr(checklist, name) for name in cls.base_fields})

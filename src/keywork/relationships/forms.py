"""Forms of the relationship lifecycle. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.clients.forms import DateInput
from keywork.relationships.models import EndReason, StartReason
from keywork.relationships.selectors import Candidate


def staff_choices(candidates: list[Candidate], *, empty: str) -> list[Any]:
    """People grouped: those who work in the episode's unit first, everyone else after."""
    def label(c: Candidate) -> str:
        return f"{c.name} ({c.role})"

    here = [(str(c.user_id), label(c)) for c in candidates if c.in_unit]
    elsewhere = [(str(c.user_id), label(c)) for c in candidates if not c.in_unit]
    choices: list[Any] = [("", empty)]
    if here:
        choices.append((_("In this unit"), here))
    if elsewhere:
        choices.append((_("Elsewhere in the service"), elsewhere))
    return choices


class ProposeForm(forms.Form):
    keyworker = forms.TypedChoiceField(label=_("Keyworker"), coerce=int)
    deputy = forms.TypedChoiceField(
        label=_("Deputy"), coerce=int, required=False, empty_value=None,
        help_text=_("Covers when the keyworker is away. Optional."))
    start_reason = forms.ChoiceField(label=_("Why this relationship starts"),
                                     choices=[("", "—"), *StartReason.choices])
    start_note = forms.CharField(label=_("Note"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keyworker"].choices = staff_choices(  # type: ignore[attr-defined]
            candidates, empty=str(_("Choose a keyworker")))
        self.fields["deputy"].choices = staff_choices(  # type: ignore[attr-defined]
            candidates, empty=str(_("No deputy")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deputy") and data.get("deputy") == data.get("keyworker"):
            self.add_error("deputy", _("The deputy must be someone other than the keyworker."))
        return data


class IntroductionForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the introduction"), widget=DateInput())
    explained_role = forms.BooleanField(label=_("I explained my role"), required=False)
    explained_purpose = forms.BooleanField(label=_("I explained the purpose of our contact"),
                                           required=False)
    explained_powers = forms.BooleanField(
        label=_("I explained my powers, legal ones included"), required=False)
    explained_confidentiality = forms.BooleanField(
        label=_("I explained the limits of confidentiality: what I must pass on and to whom"),
        required=False)
    client_understanding = forms.CharField(
        label=_("What the client understood, in their own words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write it as the client said it."),
        error_messages={"required": _("Write down what the client understood, in their own "
                                      "words.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class ActivateForm(forms.Form):
    waiver = forms.CharField(
        label=_("Why this relationship must start without a complete introduction"),
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with your name. The introduction should still follow."))


class EndingForm(forms.Form):
    end_reason = forms.ChoiceField(label=_("Why the relationship ends"),
                                   choices=[("", "—"), *EndReason.choices])
    ending_from = forms.DateField(label=_("Ending from"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the ending is planned: progress to name, what happens to contact "
                    "afterwards."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ending_from"].initial = timezone.localdate()


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DeputyForm(forms.Form):
    deputy = forms.TypedChoiceField(label=_("Deputy"), coerce=int, required=False,
                                    empty_value=None)

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].choices = staff_choices(  # type: ignore[attr-defined]
            candidates, empty=str(_("No deputy")))

"""Forms of the contact log: few taps for a keyworker on the move."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.contacts import hooks
from keywork.contacts.models import Channel, Contact, Initiator, Kind
from keywork.contacts.services import EDITABLE


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _attended(value: str) -> bool:
    return value == "yes"


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": _("Choose the kind of contact.")})
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeLocalInput())
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=24 * 60, initial=15,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    initiated_by = forms.ChoiceField(label=_("Who started it"), choices=Initiator.choices,
                                     widget=forms.RadioSelect, initial=Initiator.WORKER)
    attended = forms.TypedChoiceField(
        label=_("Did the client attend?"), coerce=_attended, widget=forms.RadioSelect,
        choices=[("yes", _("Attended")), ("no", _("Did not attend"))], initial="yes")
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices,
                                widget=forms.RadioSelect, initial=Channel.IN_PERSON)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "occurred_at" not in self.initial:
            self.fields["occurred_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0)

    def clean_occurred_at(self) -> dt.datetime:
        when: dt.datetime = self.cleaned_data["occurred_at"]
        if when > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be logged in the future."))
        return when

    def contact_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in EDITABLE}

    @classmethod
    def for_contact(cls, contact: Contact) -> ContactForm:
        initial = {k: getattr(contact, k) for k in EDITABLE}
        initial["attended"] = "yes" if contact.attended else "no"
        initial["occurred_at"] = timezone.localtime(contact.occurred_at)
        return cls(initial=initial)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The signed note stays as it was; this is added below it with your name "
                    "and the time."),
        error_messages={"required": _("Write the correction.")})


def contact_part_forms(data: Any, *, relationship: Any) -> list[tuple[hooks.ContactPart, Any]]:
    """The sub-forms other apps add to the contact form (what an advocacy contact rested
    on), bound to ``data`` on a POST: the same parts wherever the form is shown."""
    return [(part, part.form(data, relationship=relationship, prefix=part.prefix))
            for part in hooks.contact_parts]


def contact_form_context(relationship: Any, form: ContactForm | None = None,
                         parts: list[tuple[hooks.ContactPart, Any]] | None = None, *,
                         inline: bool = False) -> dict[str, Any]:
    """What the one contact form (``contacts/fragments.html#contact_form``) needs, on the
    log page and inline on the client's page alike."""
    if parts is None:
        parts = contact_part_forms(None, relationship=relationship)
    return {
        "contact_form": form if form is not None else ContactForm(),
        "contact_parts": [{"template": part.template, "form": part_form}
                          for part, part_form in parts],
        "log_relationship": relationship,
        "inline": inline,
    }

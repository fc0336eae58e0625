"""Forms of the supervision pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.supervision.models import Kind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class SessionNewForm(forms.Form):
    worker = forms.TypedChoiceField(label=_("Keyworker"), coerce=int,
                                    error_messages={"required": _("Choose a keyworker.")})
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect,
                             initial=Kind.INDIVIDUAL)

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker_field = self.fields["worker"]
        assert isinstance(worker_field, forms.ChoiceField)
        worker_field.choices = [("", _("Choose…")), *((w.pk, _name(w)) for w in workers)]
        if not self.is_bound:
            self.fields["held_on"].initial = timezone.localdate()


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=8000,
                            widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(label=_("Decisions"), required=False, max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 4}))


class ItemAddForm(forms.Form):
    title = forms.CharField(label=_("What to take up"), max_length=300,
                            error_messages={"required": _("Give the item a title.")})
    detail = forms.CharField(label=_("More about it"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ItemNotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("Decisions"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=500,
                           error_messages={"required": _("Write what is to be done.")})
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int,
                                   error_messages={"required": _("Choose who will do it.")})
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    item = forms.TypedChoiceField(label=_("About the agenda item"), coerce=int,
                                  required=False, empty_value=None)

    def __init__(self, *args: Any, owners: list[Any], items: list[Any], **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        item_field = self.fields["item"]
        assert isinstance(owner_field, forms.ChoiceField)
        assert isinstance(item_field, forms.ChoiceField)
        owner_field.choices = [("", _("Choose…")), *((u.pk, _name(u)) for u in owners)]
        item_field.choices = [("", _("The session as a whole")),
                              *((i.pk, i.title) for i in items)]


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("My reflection"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you take from the session, in your own words. You can change it "
                    "until the session is signed."))


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The signed record stays as it was; this is added below it with your "
                    "name and the time."),
        error_messages={"required": _("Write the addendum.")})

"""Forms for mandates, the basis of an advocacy contact, and the client's own page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.contacts.models import Kind
from keywork.mandates.models import Basis, GivenHow, Mandate
from keywork.relationships.models import Relationship


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MandateForm(forms.Form):
    scope = forms.CharField(
        label=_("What the client asked or allowed you to do"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: call the landlord about the rent arrears."),
        error_messages={"required": _("Write what the worker may do.")})
    who_may_be_contacted = forms.CharField(
        label=_("Who may be contacted"), max_length=300,
        error_messages={"required": _("Write who may be contacted.")})
    given_how = forms.ChoiceField(
        label=_("How the client gave it"), widget=forms.RadioSelect,
        choices=[(GivenHow.SPOKEN, GivenHow.SPOKEN.label),
                 (GivenHow.WRITTEN, GivenHow.WRITTEN.label)], initial=GivenHow.SPOKEN)
    valid_from = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    valid_until = forms.DateField(label=_("Until (leave empty if open)"), widget=DateInput(),
                                  required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["valid_from"].initial = timezone.localdate()


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("What the client said (optional)"), required=False,
                           max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ClientMandateForm(forms.Form):
    scope = forms.CharField(
        label=_("What may your keyworker do for you?"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: call my landlord about the rent."),
        error_messages={"required": _("Write what your keyworker may do.")})
    who_may_be_contacted = forms.CharField(
        label=_("Who may your keyworker contact?"), max_length=300,
        error_messages={"required": _("Write who may be contacted.")})
    valid_until = forms.DateField(label=_("Until when? (you can leave this empty)"),
                                  widget=DateInput(), required=False)


class _MandateChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Mandate) -> str:
        return f"{obj.scope[:80]} ({obj.who_may_be_contacted[:60]})"


class AdvocacyBasisForm(forms.Form):
    """What an advocacy contact rested on. On the contact log page it comes with the prefix
    ``adv`` and only counts when the contact is an advocacy contact."""

    present = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")
    basis = forms.ChoiceField(label=_("Done on the basis of"), choices=Basis.choices,
                              widget=forms.RadioSelect, required=False)
    mandate = _MandateChoice(label=_("The client's mandate"), queryset=Mandate.objects.none(),
                             required=False, empty_label=_("Choose a mandate"))
    legal_basis = forms.CharField(label=_("Legal basis of the formal power"), max_length=300,
                                  required=False)

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every mandate of the relationship: the service says if one did not hold on the
        # day of the contact.
        self.fields["mandate"].queryset = Mandate.objects.filter(  # type: ignore[attr-defined]
            organisation_id=relationship.organisation_id, relationship=relationship
        ).order_by("-valid_from", "-id")
        if not self.is_bound:
            self.fields["legal_basis"].initial = str(relationship.episode.legal_basis)

    def basis_fields(self, kind: str) -> dict[str, Any] | None:
        """The basis to record with a contact of ``kind``: None when the contact is not an
        advocacy contact or the page did not ask (the quick form). Call after is_valid."""
        if kind != Kind.ADVOCACY or not self.cleaned_data.get("present"):
            return None
        return {"basis": self.cleaned_data.get("basis") or "",
                "mandate": self.cleaned_data.get("mandate"),
                "legal_basis": self.cleaned_data.get("legal_basis") or ""}

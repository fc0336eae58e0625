from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keywork.organisations.models import LegalBasis, Organisation, Role, Unit


class _UnitsMixin:
    """A units field limited to the administrator's organisation."""

    def _limit_units(self, organisation: Organisation) -> None:
        field = self.fields["units"]  # type: ignore[attr-defined]
        field.queryset = Unit.objects.filter(organisation=organisation).order_by("name")


class UserCreateForm(_UnitsMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Units this person works in; for a supervisor, the units they are "
                    "responsible for."),
    )
    password = forms.CharField(
        label=_("Password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to have one made for you; it is shown once, on the next "
                    "page."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_units(organisation)


class MembershipForm(_UnitsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False,
        help_text=_("Off: the person can no longer sign in here. Everything they recorded "
                    "is kept."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_units(organisation)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "caseload_limit"]


class LegalBasisForm(forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["code", "name", "is_coerced", "powers", "confidentiality_limits",
                  "is_active", "order"]
        labels = {"order": _("Order in lists")}

    def __init__(self, *args: Any, code_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if code_fixed:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _(
                "Episodes use this legal basis, so its code stays as it is.")


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        # Days without contact are the no-contact alert's (Settings → Check-ins): one rule,
        # one place, read by the alert, the caseload and the supervisor's page alike.
        fields = ["name", "managers_see_records", "ending_grace_days",
                  "keyworker_second_factor"]
        help_texts = {
            "ending_grace_days": _("Empty: the service default."),
        }


# --- Check-in policy and signal settings -----------------------------------------------------


class PeopleFilterForm(forms.Form):
    """Narrow the people page; an unknown value is an error on its field, never a crash."""

    name = forms.CharField(label=_("Name or username"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("Every role")), *Role.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("Every unit"))
    active = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Active and deactivated")), ("yes", _("Active")), ("no", _("Deactivated"))])

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation).order_by("name")

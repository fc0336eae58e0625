"""Forms of the client record. They only parse input: the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.clients.models import Client, Episode
from keywork.clients.services import CLIENT_FIELDS
from keywork.organisations.models import LegalBasis, Membership, Organisation, Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ClientForm(forms.ModelForm):
    """The client's own fields. Bound without an instance: the view hands the cleaned
    values to ``client_create`` or ``client_update``."""

    class Meta:
        model = Client
        fields = list(CLIENT_FIELDS)
        widgets = {
            "date_of_birth": DateInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "own_words": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_date_of_birth(self) -> dt.date:
        born: dt.date = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return born

    def client_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in CLIENT_FIELDS}


def legal_bases_in_use(organisation: Organisation, keep: LegalBasis | None = None
                       ) -> QuerySet[LegalBasis]:
    """The organisation's active legal bases (and the one an episode already has)."""
    cond = Q(is_active=True)
    if keep is not None:
        cond |= Q(pk=keep.pk)
    return LegalBasis.objects.filter(cond, organisation=organisation).order_by("order", "name")


class EpisodeStartMixin(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    legal_basis = forms.ModelChoiceField(label=_("Legal basis"),
                                         queryset=LegalBasis.objects.none())
    start_date = forms.DateField(label=_("Start of the episode"), widget=DateInput())
    planned_end_date = forms.DateField(label=_("Planned end"), required=False,
                                       widget=DateInput())

    def setup_episode_fields(self, membership: Membership) -> None:
        self.fields["unit"].queryset = membership.units.order_by("name")  # type: ignore[attr-defined]
        self.fields["legal_basis"].queryset = legal_bases_in_use(  # type: ignore[attr-defined]
            membership.organisation)
        self.fields["start_date"].initial = timezone.localdate()
        units = list(membership.units.all())
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, planned = data.get("start_date"), data.get("planned_end_date")
        if start and planned and planned < start:
            self.add_error("planned_end_date", _("The planned end cannot be before the start."))
        return data

    def episode_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in
                ("unit", "legal_basis", "start_date", "planned_end_date")}


class AdmitForm(ClientForm, EpisodeStartMixin):
    """A new client and their first episode of care."""

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_episode_fields(membership)

    def clean(self) -> dict[str, Any]:
        return EpisodeStartMixin.clean(self)


class EpisodeForm(EpisodeStartMixin):
    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_episode_fields(membership)


class EpisodeEditForm(forms.Form):
    planned_end_date = forms.DateField(label=_("Planned end"), required=False,
                                       widget=DateInput())
    legal_basis = forms.ModelChoiceField(label=_("Legal basis"),
                                         queryset=LegalBasis.objects.none())
    consent = forms.ChoiceField(label=_("Consent to treatment and information sharing"),
                                choices=Episode.Consent.choices)
    consent_date = forms.DateField(label=_("Consent recorded on"), required=False,
                                   widget=DateInput())
    consent_note = forms.CharField(
        label=_("What the client agreed to"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the client's words where you can: what may be shared, with whom."))

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["legal_basis"].queryset = legal_bases_in_use(  # type: ignore[attr-defined]
            episode.legal_basis.organisation, keep=episode.legal_basis)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        planned = data.get("planned_end_date")
        if planned and planned < self.episode.start_date:
            self.add_error("planned_end_date", _("The planned end cannot be before the start."))
        consent, when = data.get("consent"), data.get("consent_date")
        if consent and consent != Episode.Consent.NOT_ASKED and not when:
            self.add_error("consent_date", _("Give the date the client answered."))
        if when and when > timezone.localdate():
            self.add_error("consent_date", _("The date cannot be in the future."))
        return data


class EpisodeEndForm(forms.Form):
    end_date = forms.DateField(label=_("End of the episode"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Outcome"),
                                choices=[("", "—"), *Episode.Outcome.choices])
    outcome_note = forms.CharField(label=_("About the outcome"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate()

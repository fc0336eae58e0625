"""Forms of matching: few fields, plain words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keywork.matching.models import ConflictKind, Skill
from keywork.matching.selectors import Worker


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _skills_field(skills: Sequence[Skill], label: Any, help_text: Any = "") -> forms.Field:
    return forms.ModelMultipleChoiceField(
        queryset=Skill.objects.filter(pk__in=[s.pk for s in skills]).order_by("-is_core", "name"),
        required=False, label=label, help_text=help_text,
        widget=forms.CheckboxSelectMultiple)


class ProfileForm(forms.Form):
    languages = forms.CharField(
        label=_("Languages you can work in"), required=False, max_length=300,
        help_text=_("Separated by commas, for example: Swedish, English, Arabic."))
    gender = forms.CharField(
        label=_("Gender, in your own words (optional)"), required=False, max_length=60,
        help_text=_("Used only when a client asks for a keyworker of a given gender."))
    experience_years = forms.IntegerField(
        label=_("Years of experience in this work"), min_value=0, max_value=60, initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args: Any, skills: Sequence[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"] = _skills_field(skills, _("Skills and training"))


class PreferenceForm(forms.Form):
    worker_gender = forms.CharField(
        label=_("The keyworker's gender the client asked for"), required=False, max_length=60,
        help_text=_("Leave empty unless the client asked, in their words (for example: "
                    "a woman)."))
    languages = forms.CharField(
        label=_("Languages the client wants to speak with the keyworker"), required=False,
        max_length=300,
        help_text=_("Separated by commas. Empty: the preferred language on the record."))
    note = forms.CharField(label=_("What the client said about it"), required=False,
                           max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, skills: Sequence[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"] = _skills_field(
            skills, _("Skills that matter for this client"),
            _("Empty: the skills that weigh for every client."))


class WeightsForm(forms.Form):
    capacity = forms.FloatField(label=_("Free capacity"), min_value=0, max_value=10)
    language = forms.FloatField(label=_("Language"), min_value=0, max_value=10)
    preference = forms.FloatField(label=_("The client's preferences"), min_value=0,
                                  max_value=10)
    skills = forms.FloatField(label=_("Skills and training"), min_value=0, max_value=10)
    experience = forms.FloatField(label=_("Experience"), min_value=0, max_value=10)
    continuity = forms.FloatField(label=_("Continuity with this client"), min_value=0,
                                  max_value=10)
    demanding_factor = forms.FloatField(
        label=_("Factor for coerced and safeguarding-heavy episodes"), min_value=1,
        max_value=5,
        help_text=_("Skills and experience weigh this many times more in such episodes."))


class SkillForm(forms.Form):
    name = forms.CharField(label=_("New skill or training"), max_length=120)
    is_core = forms.BooleanField(label=_("Weighs for every client"), required=False)


class ConflictForm(forms.Form):
    worker = forms.TypedChoiceField(label=_("Worker"), coerce=int)
    kind = forms.ChoiceField(label=_("What is the connection?"), choices=ConflictKind.choices,
                             widget=forms.RadioSelect)
    note = forms.CharField(label=_("About it"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, workers: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = list(workers)  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Change the keyworker")),
                 ("decline", _("Keep the keyworker"))])
    new_keyworker = forms.TypedChoiceField(label=_("New keyworker"), coerce=int,
                                           required=False, empty_value=None)
    note = forms.CharField(label=_("About the decision"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Needed when the keyworker stays the same."))
    joint_meeting_on = forms.DateField(label=_("Joint meeting on"), required=False,
                                       widget=DateInput())
    joint_meeting_with = forms.CharField(
        label=_("Who takes part in the joint meeting"), required=False, max_length=300,
        help_text=_("For example: the client, both keyworkers."))

    def __init__(self, *args: Any, workers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_keyworker"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose the new keyworker")), *[(w.user_id, w.name) for w in workers]]


class HandoverForm(forms.Form):
    handover_note = forms.CharField(
        label=_("Handover note for the new keyworker"), max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the new keyworker needs to know to carry on: goals, what works, "
                    "what to avoid. Not the client's reason for the change."))
    joint_meeting_on = forms.DateField(label=_("Joint meeting on"), required=False,
                                       widget=DateInput())
    joint_meeting_with = forms.CharField(label=_("Who takes part in the joint meeting"),
                                         required=False, max_length=300)


class ChangeRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why? (you do not have to say)"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}))
    share_reason = forms.BooleanField(
        label=_("My keyworker may read my reason"), required=False,
        help_text=_("If you leave this empty, only the supervisor reads it."))


class IntakeForm(forms.Form):
    """One choice per waiting client: the proposed worker, another, or keep waiting."""

    def __init__(self, *args: Any, rows: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            name = f"episode_{row.need.episode.pk}"
            choices: list[tuple[str, Any]] = [("", _("Keep waiting"))]
            choices += [(str(w.user_id), f"{w.name} ({score:.0f})") for w, score in row.options]
            self.fields[name] = forms.TypedChoiceField(
                label=row.need.client.display_name, choices=choices, required=False,
                coerce=int, empty_value=None)
            if not self.is_bound:
                self.initial[name] = str(row.proposed.user_id) if row.proposed else ""

    def choices(self) -> dict[int, int | None]:
        return {int(name.removeprefix("episode_")): value
                for name, value in self.cleaned_data.items()}

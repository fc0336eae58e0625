"""Safeguarding forms. The services hold the rules; the forms parse and say what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.safeguarding.models import (
    DECISION_HOURS_RANGE,
    URGENT_HOURS_RANGE,
    Category,
    Concern,
    EnquiryOutcome,
    HouseholdMember,
    Jurisdiction,
    LivesWith,
    MemberKind,
    Responsibility,
    Risk,
    SafetyPlan,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label=_("Child or adult"), choices=MemberKind.choices,
                             widget=forms.RadioSelect, initial=MemberKind.CHILD)
    name = forms.CharField(label=_("First name or initials"), max_length=120)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120,
                             help_text=_("Give the age or the year of birth."))
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False,
                                    min_value=1900, max_value=2200)
    relation = forms.CharField(label=_("Relation to the client"), max_length=120,
                               required=False,
                               help_text=_("For example: son, daughter, partner, mother."))
    lives_with = forms.ChoiceField(label=_("Lives with the client"), choices=LivesWith.choices,
                                   widget=forms.RadioSelect, initial=LivesWith.YES)
    parental_responsibility = forms.ChoiceField(
        label=_("Does the client have parental responsibility?"), required=False,
        choices=Responsibility.choices, widget=forms.RadioSelect,
        help_text=_("For a child only."))
    agencies = forms.CharField(label=_("Other agencies involved"), required=False,
                               max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("Social services, school, health visitor, "
                                           "others; with a contact if known."))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    left_on = forms.DateField(label=_("No longer in the household since"), required=False,
                              widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("birth_year") is None and data.get("age") is not None:
            data["birth_year"] = timezone.localdate().year - int(data["age"])
        return data

    def member_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("kind", "name", "birth_year", "relation", "lives_with",
                                      "parental_responsibility", "agencies", "note",
                                      "left_on")}

    @classmethod
    def for_member(cls, member: HouseholdMember) -> MemberForm:
        return cls(initial={k: getattr(member, k) for k in (
            "kind", "name", "birth_year", "relation", "lives_with", "parental_responsibility",
            "agencies", "note", "left_on")})


class EnquiryForm(forms.Form):
    asked_in_private = forms.BooleanField(
        label=_("I asked when the client and I were alone, where nobody could overhear"),
        required=False)
    asked_on = forms.DateField(label=_("Asked on"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("What came of it"), choices=EnquiryOutcome.choices,
                                widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asked_on"].initial = timezone.localdate()


class ConcernForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices,
                                 widget=forms.RadioSelect)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=Risk.choices,
                                   widget=forms.RadioSelect)
    description = forms.CharField(label=_("What happened or what was said"), max_length=8000,
                                  widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(forms.Form):
    notify_authority = forms.TypedChoiceField(
        label=_("Is an authority notified?"), choices=YES_NO, coerce=_yes_no,
        widget=forms.RadioSelect, required=False, empty_value=None)
    authority = forms.CharField(label=_("Which authority"), max_length=200, required=False,
                                help_text=_("For example: social services in the child's "
                                            "municipality, the police."))
    notified_on = forms.DateField(label=_("Notified on"), required=False, widget=DateInput())
    decision_reason = forms.CharField(label=_("Why"), max_length=4000, required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}))
    client_told = forms.TypedChoiceField(
        label=_("Was the client told?"), choices=YES_NO, coerce=_yes_no,
        widget=forms.RadioSelect, required=False, empty_value=None)
    client_told_on = forms.DateField(label=_("The client was told on"), required=False,
                                     widget=DateInput())
    client_not_told_reason = forms.CharField(
        label=_("Why the client was not told"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))

    def decision_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"notify_authority": d.get("notify_authority"),
                "authority": d.get("authority") or "", "notified_on": d.get("notified_on"),
                "reason": d.get("decision_reason") or "", "client_told": d.get("client_told"),
                "client_told_on": d.get("client_told_on"),
                "client_not_told_reason": d.get("client_not_told_reason") or ""}

    @classmethod
    def for_concern(cls, concern: Concern) -> DecisionForm:
        def yn(value: bool | None) -> str:
            return "" if value is None else ("yes" if value else "no")

        return cls(initial={
            "notify_authority": yn(concern.notify_authority), "authority": concern.authority,
            "notified_on": concern.notified_on, "decision_reason": concern.decision_reason,
            "client_told": yn(concern.client_told), "client_told_on": concern.client_told_on,
            "client_not_told_reason": concern.client_not_told_reason})


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Your review"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write what you made of the "
                                                         "decision.")})


class SafetyPlanForm(forms.Form):
    warning_signs = forms.CharField(label=_("Warning signs"), required=False, max_length=4000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    steps = forms.CharField(label=_("What the client and others will do"), required=False,
                            max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    contacts = forms.CharField(label=_("Who to call, and how"), required=False,
                               max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    children = forms.CharField(label=_("Arrangements for the children"), required=False,
                               max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    agreed_with_client = forms.BooleanField(label=_("Agreed with the client"), required=False)
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DateInput())
    document = forms.FileField(
        label=_("Document (PDF, PNG or JPEG, up to 5 MB)"), required=False,
        help_text=_("Optional: a plan written elsewhere. A new file replaces the old one."))

    def plan_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in (
            "warning_signs", "steps", "contacts", "children", "agreed_with_client",
            "review_on")}

    @classmethod
    def for_plan(cls, plan: SafetyPlan | None) -> SafetyPlanForm:
        if plan is None:
            return cls()
        return cls(initial={k: getattr(plan, k) for k in (
            "warning_signs", "steps", "contacts", "children", "agreed_with_client",
            "review_on")})


class PolicyForm(forms.Form):
    first_enquiry_days = forms.IntegerField(
        label=_("Days from the start of an episode to the first routine enquiries"),
        min_value=0, max_value=365)
    enquiry_interval_days = forms.IntegerField(
        label=_("Days between routine enquiries"), min_value=7, max_value=730)
    jurisdiction = forms.ChoiceField(
        label=_("Jurisdiction"), choices=Jurisdiction.choices,
        help_text=_("What a keyworker is told to do after recording a concern follows the "
                    "rules of this jurisdiction."))
    instructions = forms.CharField(
        label=_("Your own instructions after a concern"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown after the jurisdiction's steps: whom to call, where the "
                    "procedure is. Needed when the jurisdiction is “Other”."))
    urgent_decision_hours = forms.IntegerField(
        label=_("Hours to a decision on a concern at high risk or about a child"),
        min_value=URGENT_HOURS_RANGE[0], max_value=URGENT_HOURS_RANGE[1])
    decision_hours = forms.IntegerField(
        label=_("Hours to a decision on any other concern"),
        min_value=DECISION_HOURS_RANGE[0], max_value=DECISION_HOURS_RANGE[1],
        help_text=_("Past its time limit without a decision, a concern goes to every "
                    "supervisor of the unit and to the managers."))

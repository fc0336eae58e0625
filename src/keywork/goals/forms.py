"""Forms for goals: the staff pages and the client's own page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keywork.domain.goals import MAX_FIRST_STEP_DAYS
from keywork.goals.models import Agreement, Doer, GoalStatus, ProposedBy

SUPPORT_CHOICES = [
    ("emotional", _("Emotional")),
    ("practical", _("Practical")),
    ("cognitive", _("Cognitive (information, a new perspective)")),
    ("advocacy", _("Advocacy with authorities")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StepFields(forms.Form):
    step_text = forms.CharField(label=_("First step"), max_length=300,
                                help_text=_("Small and concrete: something that can be done "
                                            "within days."),
                                error_messages={"required": _("Write the step.")})
    step_who = forms.ChoiceField(label=_("Who does it"), choices=Doer.choices,
                                 widget=forms.RadioSelect, initial=Doer.CLIENT)
    step_who_else = forms.CharField(label=_("Who, if someone else"), max_length=120,
                                    required=False)
    step_due_on = forms.DateField(label=_("By when"), widget=DateInput(),
                                  error_messages={"required": _("Give the step a date."),
                                                  "invalid": _("Give a date.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["step_due_on"].initial = timezone.localdate() + dt.timedelta(days=7)

    def step_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("step_text", "step_who", "step_who_else",
                                                  "step_due_on")}


class GoalForm(StepFields):
    title = forms.CharField(label=_("Goal"), max_length=200,
                            help_text=_("In words the client would use."),
                            error_messages={"required": _("Write the goal in a few words.")})
    description = forms.CharField(label=_("More about it"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    proposed_by = forms.ChoiceField(label=_("Who proposed it"), choices=ProposedBy.choices,
                                    widget=forms.RadioSelect)
    agreement = forms.ChoiceField(label=_("Does the client agree?"),
                                  choices=Agreement.choices, widget=forms.RadioSelect,
                                  initial=Agreement.NOT_ASKED)
    client_words = forms.CharField(label=_("What the client said, in their own words"),
                                   required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    worker_view = forms.CharField(label=_("Your view"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    supports = forms.MultipleChoiceField(label=_("Kinds of support"), required=False,
                                         choices=SUPPORT_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)

    field_order = ["title", "description", "proposed_by", "agreement", "client_words",
                   "worker_view", "supports", "step_text", "step_who", "step_who_else",
                   "step_due_on"]


class TakeUpForm(StepFields):
    worker_view = forms.CharField(label=_("Your view after talking it through"),
                                  required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    supports = forms.MultipleChoiceField(label=_("Kinds of support"), required=False,
                                         choices=SUPPORT_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)
    field_order = ["worker_view", "supports", "step_text", "step_who", "step_who_else",
                   "step_due_on"]


class StanceForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Does the client agree now?"),
                                  choices=Agreement.choices, widget=forms.RadioSelect)
    client_words = forms.CharField(label=_("What the client said, in their own words"),
                                   required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    worker_view = forms.CharField(label=_("Your view"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(StepFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step_text"].label = _("Step")


class StepDoneForm(forms.Form):
    taken_over = forms.BooleanField(label=_("The client did this themselves"),
                                    required=False)


class ReviewForm(forms.Form):
    client_rating = forms.IntegerField(
        label=_("The client's rating (0–10)"), min_value=0, max_value=10, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    client_comment = forms.CharField(label=_("The client's comment"), required=False,
                                     max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    worker_rating = forms.IntegerField(
        label=_("Your rating (0–10)"), min_value=0, max_value=10, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    worker_comment = forms.CharField(label=_("Your comment"), required=False,
                                     max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), widget=forms.RadioSelect,
        choices=[(GoalStatus.OPEN, GoalStatus.OPEN.label),
                 (GoalStatus.REACHED, GoalStatus.REACHED.label),
                 (GoalStatus.STOPPED, GoalStatus.STOPPED.label)])


class ClientProposalForm(forms.Form):
    title = forms.CharField(label=_("What would you like to work on?"), max_length=200,
                            error_messages={"required": _("Write your goal in a few words.")})
    description = forms.CharField(label=_("Anything more you want to say (you can leave "
                                          "this empty)"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ClientCommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write your comment.")})


class GoalSettingsForm(forms.Form):
    first_step_days = forms.IntegerField(
        label=_("A goal's first step must be due within this many days"), min_value=1,
        max_value=MAX_FIRST_STEP_DAYS,
        help_text=_("Small first steps, soon: days, not months. From 1 to 90."))

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AlertUpdateForm(forms.Form):
    action = forms.ChoiceField(choices=[("acknowledge", _("Acknowledge")),
                                        ("resolve", _("Resolve"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to resolve: what was done, or why no action is needed."),
    )

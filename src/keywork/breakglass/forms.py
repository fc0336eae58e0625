from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StartForm(forms.Form):
    reference = forms.CharField(
        label=_("The client's reference"), max_length=16,
        help_text=_("Exactly as written, for example K-ABCD2345. Names are not searched."),
        error_messages={"required": _("Give the client's reference.")})
    reason = forms.CharField(
        label=_("Why you need the record now"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you need the record now, in a sentence.")})


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Your review"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what you found: was the access needed, and was "
                                      "the record used for that need only?")})


class PolicyForm(forms.Form):
    hours = forms.IntegerField(label=_("Hours an emergency access lasts"), min_value=1,
                               max_value=24)

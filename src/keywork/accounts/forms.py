from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

CODE_DIGITS = 6


class CodeForm(forms.Form):
    """The six digits an authenticator app shows. Spaces and dashes are ignored."""

    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        help_text=_("Open your authenticator app and type the code it shows for Keywork."),
        widget=forms.TextInput(attrs={
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "autofocus": True,
            "size": 8,
        }),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
            raise forms.ValidationError(_("Type the six digits your app shows, nothing else."))
        return code


def language_choices() -> list[tuple[str, Any]]:
    """Each language named in its own tongue, so anyone can find theirs."""
    own = {"en": "English", "sv": "Svenska"}
    return [("", _("The language of my browser"))] + [
        (code, own.get(code, name)) for code, name in settings.LANGUAGES
    ]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=language_choices,
        help_text=_("The language Keywork uses for you after you sign in, on any device."),
    )

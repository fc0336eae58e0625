from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keywork.core import matters
from keywork.inbox.selectors import SEVERITY_WORDS


class SeveritiesForm(forms.Form):
    """One choice of severity per kind of matter an organisation may set."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(level), SEVERITY_WORDS[level]) for level in matters.SEVERITIES
                   if level != matters.URGENT]
        for key, kind in sorted(matters.kinds().items(),
                                key=lambda kv: (kv[1].severity, str(kv[1].label))):
            if not kind.settable:
                continue
            self.fields[key] = forms.TypedChoiceField(
                label=kind.label, choices=choices, coerce=int,
                initial=str(current.get(key, kind.severity)),
                help_text=_("Default: %(level)s") % {"level": SEVERITY_WORDS[kind.severity]})

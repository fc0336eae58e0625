from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from keywork.checkins.models import Visibility
from keywork.contacts.models import Kind
from keywork.domain import signals as signal_rules
from keywork.signals.text import alert_title


class AlertUpdateForm(forms.Form):
    action = forms.ChoiceField(choices=[("acknowledge", _("Acknowledge")),
                                        ("resolve", _("Resolve"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to resolve: what was done, or why no action is needed."),
    )


# --- the organisation's signal settings (with the check-in policy, on one page) -----------


@dataclass(frozen=True)
class _Setting:
    """How one setting of the signal engine is offered: its label, what it does, and for a
    whole number what it counts ("days", "checkins" or "contacts")."""

    label: Any
    help: Any
    counts: str = ""


SIGNAL_SETTINGS: dict[str, _Setting] = {
    # When a pattern is named: what is looked at.
    "recent_checkins": _Setting(
        _("Latest check-ins averaged, per side"),
        _("Each side's latest check-ins are averaged to judge the relationship. A growing "
          "gap is found by comparing them with the same number just before."), "checkins"),
    "min_checkins_per_side": _Setting(
        _("Check-ins needed from each side"),
        _("No pattern is named until both the client and the keyworker have given this "
          "many check-ins."), "checkins"),
    "recent_contacts": _Setting(
        _("Latest contacts looked at"),
        _("The contact record is read over this many of the latest contacts."), "contacts"),
    "min_contacts": _Setting(
        _("Contacts needed to judge the contact record"),
        _("With fewer recent contacts than this, the contact record is not judged and the "
          "ratings decide on their own."), "contacts"),
    "contact_window_days": _Setting(
        _("Days in the contact count"),
        _("The relationship's figures count the contacts of this many days. It changes no "
          "pattern and no alert."), "days"),
    # Ratings.
    "low_below": _Setting(
        _("Low rating: an average below"),
        _("When one side's recent ratings average below this, it is a sign of tension.")),
    "warm_at_least": _Setting(
        _("Warm rating: an average of at least"),
        _("Both sides must average at least this for the pattern to be friendly and "
          "trustful.")),
    "large_gap_at_least": _Setting(
        _("Large gap between the two sides: at least"),
        _("When the two sides' averages are this far apart or more, either way round, it is "
          "a sign of tension.")),
    "small_gap_at_most": _Setting(
        _("Small gap between the two sides: at most"),
        _("For a friendly and trustful pattern, the two sides' averages are at most this "
          "far apart.")),
    "unstable_sd_at_least": _Setting(
        _("Unsteady ratings: a spread of at least"),
        _("When one side's recent ratings vary this much (standard deviation) or more, they "
          "swing: a sign of tension.")),
    "swing_at_least": _Setting(
        _("Unsteady ratings: a range of at least"),
        _("When one side's highest and lowest recent ratings are this far apart or more, "
          "they swing: a sign of tension.")),
    # The contact record.
    "dna_rate_at_least": _Setting(
        _("Missed contacts: at least"),
        _("When the client missed this share of recent contacts or more, it is a sign of "
          "conflict.")),
    "reciprocal_client_share_at_least": _Setting(
        _("Contact started by the client: at least"),
        _("For a friendly and trustful pattern, the client starts at least this share of "
          "recent contacts.")),
    "everyday_share_at_least": _Setting(
        _("Everyday contact: at least"),
        _("For a friendly and trustful pattern, at least this share of recent contacts is "
          "everyday contact (the kinds below).")),
    "everyday_kinds": _Setting(
        _("Kinds of contact that count as everyday contact"),
        _("Contact outside planned sessions: the everyday life of the unit counts.")),
    # Alerts.
    "client_low_below": _Setting(
        _("Client's latest rating below"),
        _("The alert is raised when the client's latest rating is below this.")),
    "client_drop_points": _Setting(
        _("A fall of more than"),
        _("The alert is raised when the client's rating falls by more than this from one "
          "check-in to the next. Leave it empty to use each form's own reliable-change "
          "amount, which is usually best.")),
    "gap_widening_points": _Setting(
        _("The gap grew by more than"),
        _("How much the keyworker's lead over the client must have grown, compared with "
          "the check-ins just before.")),
    "gap_worker_above_points": _Setting(
        _("Keyworker above the client by more than"),
        _("How far the keyworker's recent average must now be above the client's. The "
          "alert needs both.")),
    "worker_low_early_below": _Setting(
        _("Keyworker's early rating below"),
        _("The alert is raised when the keyworker's own rating, early in the relationship, "
          "is below this.")),
    "early_days": _Setting(
        _("Early: days from the start"),
        _("A keyworker's check-in counts as early within this many days of the start."),
        "days"),
    "early_checkins": _Setting(
        _("Early: the keyworker's first check-ins"),
        _("A keyworker's check-in also counts as early when it is one of their first, up "
          "to this many."), "checkins"),
    "ceiling_checkins": _Setting(
        _("Check-ins in a row at the top of the scale"),
        _("The alert is raised when this many of the client's check-ins in a row are all at "
          "the top of the scale."), "checkins"),
    "no_checkin_days": _Setting(
        _("Days without a check-in"),
        _("The alert is raised when the client or the keyworker has not checked in for this "
          "many days (counted from the start if never)."), "days"),
    "no_contact_days": _Setting(
        _("Days without contact"),
        _("The alert is raised after this many days without a contact that took place."),
        "days"),
    "coerced_no_contact_days": _Setting(
        _("Days without contact, client under formal power"),
        _("The same, for clients whose legal basis gives formal power over them: they need "
          "more attention, not less."), "days"),
    "client_only_share_at_least": _Setting(
        _("Share of contact started by the client: at least"),
        _("The alert is raised when the client started at least this share of recent "
          "contacts. It is also a sign of tension in the pattern.")),
    "client_only_min_contacts": _Setting(
        _("Contacts needed for this alert"),
        _("The share counts only when at least this many recent contacts were started by "
          "the client or the keyworker."), "contacts"),
}

# "When a pattern is named", in three parts.
PATTERN_GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_("What is looked at"), ("recent_checkins", "min_checkins_per_side", "recent_contacts",
                              "min_contacts", "contact_window_days")),
    (_("Ratings"), ("low_below", "warm_at_least", "large_gap_at_least", "small_gap_at_most",
                    "unstable_sd_at_least", "swing_at_least")),
    (_("The contact record"), ("dna_rate_at_least", "reciprocal_client_share_at_least",
                               "everyday_share_at_least", "everyday_kinds")),
)
# Each alert and the settings that belong to it.
ALERT_SETTINGS: dict[str, tuple[str, ...]] = {
    "client_low": ("client_low_below",),
    "client_drop": ("client_drop_points",),
    "gap_widening": ("gap_widening_points", "gap_worker_above_points"),
    "worker_low_early": ("worker_low_early_below", "early_days", "early_checkins"),
    "client_ceiling": ("ceiling_checkins",),
    "no_checkin": ("no_checkin_days",),
    "no_contact": ("no_contact_days", "coerced_no_contact_days"),
    "client_initiated_only": ("client_only_share_at_least", "client_only_min_contacts"),
}
# The errors of an ordered pair (first may not exceed second): on the first, on the second;
# %(value)s is the other field's value.
ORDER_ERRORS: dict[tuple[str, str], tuple[Any, Any]] = {
    ("small_gap_at_most", "large_gap_at_least"): (
        _("A small gap cannot be larger than the large gap (%(value)s)."),
        _("The large gap cannot be smaller than the small gap (%(value)s).")),
    ("low_below", "warm_at_least"): (
        _("A low rating cannot be above the warm rating (%(value)s)."),
        _("The warm rating cannot be below the low rating (%(value)s).")),
}
_UNITS = {
    "points": _("Points on the 0–100 scale."),
    "share": _("Per cent, 0–100."),
    "days": _("Days."),
    "checkins": _("Number of check-ins."),
    "contacts": _("Number of contacts."),
}


def _use_alert(code: str) -> str:
    return f"use_{code}"


def _plain(value: Any) -> Any:
    """A number as a person writes it: 50, not 50.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _kind_labels() -> dict[str, str]:
    labels = dict(Kind.choices)
    return {code: str(labels.get(code, code)) for code in signal_rules.KIND_CODES}


def _shown(name: str, value: Any) -> Any:
    """A setting's value as the form shows it: shares in per cent, kinds as codes."""
    if name == "everyday_kinds":
        return [signal_rules.KIND_CODES[i] for i in value]
    if value is None:
        return None
    if signal_rules.setting_limits(name).kind == "share":
        value = round(value * 100, 6)
    return _plain(value)


def _default_value(name: str) -> str:
    """A setting's default as the page writes it."""
    value = getattr(signal_rules.SignalConfig(), name)
    if name == "everyday_kinds":
        labels = _kind_labels()
        return ", ".join(labels[signal_rules.KIND_CODES[i]] for i in value)
    if value is None:
        return gettext("empty")
    return str(number_format(_shown(name, value)))


def _default_text(name: str) -> str:
    return gettext("Default: %(value)s.") % {"value": _default_value(name)}


def _help_text(name: str, unit: str) -> str:
    parts = [str(SIGNAL_SETTINGS[name].help)]
    if unit:
        parts.append(str(_UNITS[unit]))
    parts.append(_default_text(name))
    return " ".join(parts)


def _setting_field(name: str) -> forms.Field:
    setting = SIGNAL_SETTINGS[name]
    if name == "everyday_kinds":
        return forms.MultipleChoiceField(
            label=setting.label, required=False, choices=list(_kind_labels().items()),
            widget=forms.CheckboxSelectMultiple, help_text=_help_text(name, ""))
    limits = signal_rules.setting_limits(name)
    if limits.kind == "whole":
        low, high = int(limits.low), int(limits.high)
        message = gettext("Give a whole number from %(low)s to %(high)s.") % {
            "low": low, "high": high}
        return forms.IntegerField(
            label=setting.label, min_value=low, max_value=high,
            help_text=_help_text(name, setting.counts),
            error_messages={"invalid": message, "min_value": message, "max_value": message})
    scale = 100 if limits.kind == "share" else 1
    low_shown, high_shown = _plain(limits.low * scale), _plain(limits.high * scale)
    message = gettext("Give a number from %(low)s to %(high)s.") % {
        "low": low_shown, "high": high_shown}
    return forms.FloatField(
        label=setting.label, min_value=low_shown, max_value=high_shown,
        required=not limits.optional, help_text=_help_text(name, limits.kind),
        error_messages={"invalid": message, "min_value": message, "max_value": message})


@dataclass(frozen=True)
class AlertGroup:
    """One alert on the page: its title, whether it is used, and its settings."""

    code: str
    title: str
    use: forms.BoundField
    fields: list[forms.BoundField]


class CheckinPolicyForm(forms.Form):
    """What keyworkers see, how long links stay valid, and every signal setting.

    ``config`` is the organisation's effective signal configuration (the initial values);
    `signal_overrides` gives what differs from the defaults, as stored.
    """

    keyworker_visibility = forms.ChoiceField(
        label=_("What keyworkers see of their clients' check-ins, at most"),
        help_text=_("Each client can choose less. Supervisors always see everything."))
    link_hours = forms.IntegerField(label=_("Hours a check-in link stays valid"),
                                    min_value=1, max_value=24 * 30)

    def __init__(self, *args: Any, config: signal_rules.SignalConfig | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keyworker_visibility"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = Visibility.choices
        config = config or signal_rules.SignalConfig()
        # The settings' labels end in words such as "at least": no colon after them.
        for name in SIGNAL_SETTINGS:
            self.fields[name] = _setting_field(name)
            self.fields[name].initial = _shown(name, getattr(config, name))
            self.fields[name].label_suffix = ""
        for code in signal_rules.ALERT_CODES:
            self.fields[_use_alert(code)] = forms.BooleanField(
                label=_("Use this alert"), required=False, label_suffix="",
                initial=code not in config.disabled_alerts)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for low, high in signal_rules.ORDERED_SETTINGS:
            lo, hi = data.get(low), data.get(high)
            if lo is None or hi is None or lo <= hi:
                continue
            on_low, on_high = ORDER_ERRORS[(low, high)]
            self.add_error(low, str(on_low) % {"value": number_format(_plain(hi))})
            self.add_error(high, str(on_high) % {"value": number_format(_plain(lo))})
        return data

    def fields_with_errors(self) -> list[forms.BoundField]:
        return [field for field in self if field.errors]

    def policy_fields(self) -> list[forms.BoundField]:
        return [self["keyworker_visibility"], self["link_hours"]]

    def pattern_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in PATTERN_GROUPS]

    def alert_groups(self) -> list[AlertGroup]:
        return [AlertGroup(code, alert_title(code), self[_use_alert(code)],
                           [self[name] for name in ALERT_SETTINGS.get(code, ())])
                for code in signal_rules.ALERT_CODES]

    def signal_overrides(self) -> dict[str, Any]:
        """The signal settings that differ from the defaults, as the engine reads them
        (shares 0–1, kinds and alerts as codes). Only for a valid form."""
        data = self.cleaned_data
        defaults = signal_rules.SignalConfig()
        out: dict[str, Any] = {}
        for name in SIGNAL_SETTINGS:
            value = data.get(name)
            if name == "everyday_kinds":
                kinds = [code for code in signal_rules.KIND_CODES if code in (value or ())]
                if kinds != _shown(name, sorted(defaults.everyday_kinds)):
                    out[name] = kinds
                continue
            if value is not None and signal_rules.setting_limits(name).kind == "share":
                value = round(value / 100, 6)
            if value != getattr(defaults, name):
                out[name] = value
        disabled = [code for code in signal_rules.ALERT_CODES
                    if not data.get(_use_alert(code))]
        if disabled:
            out["disabled_alerts"] = disabled
        return out


def stored_problems_text(problems: Mapping[str, str]) -> list[str]:
    """The saved signal settings that no longer pass (``SignalConfig.from_stored``), each in
    words for the administrator: which setting, and what applies instead until the page is
    saved again."""
    where: dict[str, Any] = {}
    for legend, names in PATTERN_GROUPS:
        where.update(dict.fromkeys(names, legend))
    for code, names in ALERT_SETTINGS.items():
        where.update(dict.fromkeys(names, alert_title(code)))
    out = []
    for name in problems:
        if name == "":
            out.append(gettext("The saved signal settings cannot be read, so every default "
                               "applies until you save this page."))
        elif name == "disabled_alerts":
            out.append(gettext("Alerts switched off: an alert that no longer exists was "
                               "saved. It is ignored, and saving this page removes it."))
        elif name in SIGNAL_SETTINGS:
            out.append(gettext(
                "%(group)s, “%(setting)s”: the saved value cannot be used, so the default "
                "(%(default)s) applies until you save this page.") % {
                    "group": where.get(name, ""), "setting": SIGNAL_SETTINGS[name].label,
                    "default": _default_value(name)})
        else:
            out.append(gettext("“%(setting)s” is no longer a setting. It is ignored, and "
                               "saving this page removes it.") % {"setting": name})
    return out

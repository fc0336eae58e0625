"""Words of the boundaries app: its alert, and the text for reaffirming a boundary kindly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from keywork.endings.models import EndingChecklist

ALERT_TITLES = {"boundary_drift": _("Boundary drift: several minor events")}
ALERT_REASONS = {
    "boundary_drift": _("%(count)s minor boundary events in this relationship within "
                        "%(days)s days, from %(first)s to %(last)s."),
}
ALERT_EVIDENCE = {
    "boundary_minor_before_serious": _(
        "Serious boundary violations are almost always preceded by a series of minor ones. "
        "One small event is normal; several close together in one relationship are a "
        "warning."),
}
ALERT_NEXT_STEPS = {
    "boundary_take_to_supervision": _(
        "Look at the timeline together in supervision: what the events have in common, and "
        "what would keep the relationship personal but professional."),
}

GREETING = _("Hello %(name)s,")
GREETING_NO_NAME = _("Hello,")
REAFFIRM = _(
    "Thank you for getting in touch. It was good to hear from you.\n\n"
    "Our work together has ended, so I will not be in contact with you myself any more. "
    "That is not because you did anything wrong: it is how I keep to my role.\n\n"
    "During our time together I saw your strengths: %(strengths)s. You carry those with "
    "you.\n\n"
    "If you need support, [the service or person to contact, with how to reach them] is "
    "there for you.\n\n"
    "I wish you all the best,\n%(worker)s")
STRENGTHS_TO_FILL_IN = _(
    "[name two or three things you saw, for example how you kept going when it was hard, "
    "or how you stood up for yourself with the authorities]")


@dataclass(frozen=True)
class ReaffirmText:
    language: str
    label: str
    text: str


def reaffirm_texts(relationship: Any) -> list[ReaffirmText]:
    """The template in English and in Swedish, filled with the client's first name and the
    worker's name, for the worker to adapt before sending."""
    client = relationship.client
    name = "" if client.protected_identity else client.given_name
    worker = relationship.keyworker.get_full_name() or relationship.keyworker.get_username()
    # The strengths named at the ending, in the worker's own words, when the checklist has
    # them; otherwise a place to fill in.
    named = (EndingChecklist.objects.filter(relationship_id=relationship.pk)
             .values_list("progress_named", flat=True).first() or "").strip().rstrip(".")
    out = []
    for code, label in (("en", "English"), ("sv", "Svenska")):
        with translation.override(code):
            greeting = str(GREETING) % {"name": name} if name else str(GREETING_NO_NAME)
            body = str(REAFFIRM) % {"worker": worker,
                                    "strengths": named or str(STRENGTHS_TO_FILL_IN)}
            out.append(ReaffirmText(language=code, label=label,
                                    text=f"{greeting}\n\n{body}"))
    return out

"""The reasons behind a match, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keywork.domain.matching import Reason

EXCLUDED = {
    "conflict_of_interest": gettext_lazy("Excluded: a declared conflict of interest or "
                                         "private connection."),
    "client_asked_for_change": gettext_lazy("Excluded: the client asked for a change from "
                                            "this keyworker."),
}


def _skill_list(codes: object, names: Mapping[str, str]) -> str:
    items = codes if isinstance(codes, (list, tuple)) else ()
    return ", ".join(names.get(str(c), str(c)) for c in items)


def reason_text(reason: Reason, skill_names: Mapping[str, str]) -> str:
    p = dict(reason.params)
    code = reason.code
    if code == "excluded":
        return str(EXCLUDED.get(str(p.get("why")), _("Excluded.")))
    if code == "capacity":
        return _("%(free)s of %(limit)s places free") % p
    if code == "full":
        return _("Caseload full (limit %(limit)s)") % p
    if code == "language":
        return _("Speaks %(languages)s") % p
    if code == "no_language":
        return _("Does not speak %(languages)s") % p
    if code == "preference_met":
        return _("As the client asked: %(wanted)s") % p
    if code == "preference_not_met":
        return _("Not what the client asked for (%(wanted)s)") % p
    if code == "skills":
        return _("Trained in: %(skills)s") % {"skills": _skill_list(p.get("skills"),
                                                                      skill_names)}
    if code == "skills_missing":
        return _("Not recorded: %(skills)s") % {"skills": _skill_list(p.get("skills"),
                                                                       skill_names)}
    if code == "experience":
        return _("%(years)s years of experience") % {"years": f"{p.get('years', 0):g}"}
    if code == "continuity":
        return _("An earlier good relationship with this client")
    if code == "demanding":
        return _("Skills and experience weigh more: coerced or safeguarding-heavy episode")
    return code


def reasons_text(reasons: Sequence[Reason], skill_names: Mapping[str, str]) -> list[str]:
    return [reason_text(r, skill_names) for r in reasons]

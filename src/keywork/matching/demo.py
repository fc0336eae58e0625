"""Demo rows for matching: profiles for the keyworkers of the demo supervisor's units, three
earlier clients readmitted to the supervisor's first unit and waiting for a keyworker (no
new people: the planned clients stay exactly as planned), one declared conflict of interest
and one request from a client for another keyworker, waiting for the supervisor."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from keywork.clients.models import Client, Episode
from keywork.matching.models import (
    ChangeRequest,
    ClientPreference,
    ConflictDeclaration,
    Skill,
    StaffProfile,
)
from keywork.matching.services import skills_ensure_core
from keywork.organisations.models import Membership, Role
from keywork.relationships.models import Relationship, Status

SUPERVISOR = "sam"
KEYWORKER = "kim"
LANGUAGES = ("swedish", "english", "arabic", "finnish", "somali", "persian", "polish")
GENDERS = ("woman", "man", "woman", "man", "")
WISHES = (
    ("a woman", "I would rather talk with a woman."),
    ("", "Someone calm, please, who does not rush me."),
    ("", ""),
)


def seed(*, organisation_id: int, seed: int, as_of: dt.date) -> None:
    if StaffProfile.objects.filter(organisation_id=organisation_id).exists():
        return
    sup = (Membership.objects.filter(organisation_id=organisation_id, role=Role.SUPERVISOR,
                                     user__username=SUPERVISOR)
           .select_related("user", "organisation").first())
    if sup is None:
        return
    rng = random.Random(seed * 7919 + 5)  # noqa: S311 - demo data, not secrets
    skills_ensure_core(organisation_id=organisation_id)
    Skill.objects.create(organisation_id=organisation_id, code="cbt",
                         name="Cognitive behavioural therapy")
    skills = list(Skill.objects.filter(organisation_id=organisation_id).order_by("code"))
    units = list(sup.units.order_by("name"))
    staff = list(Membership.objects.filter(
        organisation_id=organisation_id, role__in=(Role.KEYWORKER, Role.SUPERVISOR),
        units__in=units).distinct().order_by("id")[:80])  # bounded, whatever the size
    for m in staff:
        langs = {"swedish", *rng.sample(LANGUAGES[1:], k=rng.randint(0, 2))}
        profile = StaffProfile.objects.create(
            organisation_id=organisation_id, membership=m,
            languages=", ".join(sorted(langs)), gender=rng.choice(GENDERS),
            experience_years=rng.randint(1, 18))
        profile.skills.set(rng.sample(skills, k=rng.randint(0, len(skills))))
    if not units:
        return
    _readmit(organisation_id=organisation_id, sup=sup, rng=rng, as_of=as_of,
             staff=staff)
    rel = (Relationship.objects.filter(organisation_id=organisation_id, status=Status.ACTIVE,
                                       keyworker__username=KEYWORKER)
           .order_by("-id").first())
    if rel is not None and not Client.objects.filter(pk=rel.client_id,
                                                     protected_identity=True).exists():
        asked = timezone.make_aware(dt.datetime.combine(as_of, dt.time(19, 40)))
        ChangeRequest.objects.create(
            organisation_id=organisation_id, relationship=rel, client_id=rel.client_id,
            reason="We keep clashing. I would like to start again with someone else.",
            reason_private=True, asked_at=asked)


def _readmit(*, organisation_id: int, sup: Membership, rng: random.Random, as_of: dt.date,
             staff: list[Membership]) -> None:
    """A new episode for up to three clients whose every episode in the unit has ended."""
    unit = sup.units.order_by("name").first()
    if unit is None:
        return
    open_clients = Episode.objects.filter(organisation_id=organisation_id,
                                          end_date__isnull=True).values("client_id")
    last = list(Episode.objects.filter(organisation_id=organisation_id, unit=unit,
                                       end_date__lt=as_of - dt.timedelta(days=30))
                .exclude(client_id__in=open_clients)
                .exclude(client__protected_identity=True)
                .order_by("client_id", "-end_date").distinct())
    seen: dict[int, Episode] = {}
    for e in last:
        seen.setdefault(e.client_id, e)
    earlier = sorted(seen.values(), key=lambda e: e.client_id)
    chosen = rng.sample(earlier, k=min(3, len(earlier)))
    for n, previous in enumerate(sorted(chosen, key=lambda e: e.client_id)):
        Episode.objects.create(
            organisation_id=organisation_id, client_id=previous.client_id, unit=unit,
            legal_basis_id=previous.legal_basis_id, start_date=as_of - dt.timedelta(days=1 + n),
            consent=Episode.Consent.NOT_ASKED)
        gender, words = WISHES[n]
        if gender or words:
            ClientPreference.objects.create(organisation_id=organisation_id,
                                            client_id=previous.client_id,
                                            worker_gender=gender, note=words)
        if n == 2 and staff:
            ConflictDeclaration.objects.create(
                organisation_id=organisation_id, client_id=previous.client_id,
                worker_id=staff[0].user_id, kind="neighbour",
                note="We live on the same street.", declared_by=sup.user, declared_on=as_of)

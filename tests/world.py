"""A small service built through the real services, shared by many tests.

Two organisations. In ``org`` there are units A and B; in ``other_org`` one unit.
People (each a user with one membership in ``org`` unless said otherwise):

- ``keyworker`` works in unit A; keyworks ``own`` (active) and had ``ended``
  (closed long ago, beyond the grace period).
- ``colleague`` keyworks ``same_unit`` in unit A; is deputy for nobody.
- ``deputy`` covers ``own`` as deputy.
- ``supervisor`` is responsible for unit A. ``supervisor_b`` for unit B.
- ``manager`` (the organisation lets managers open records), ``administrator``,
  ``researcher``.
- ``outsider`` is a keyworker in ``other_org``; keyworks ``other_org_client``.

Clients: ``own``, ``same_unit``, ``ended`` in unit A; ``other_unit`` in unit B;
``other_org_client`` in the other organisation. ``own_contact`` is a contact the keyworker
logged with ``own``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from keywork.accounts.models import User
from keywork.clients import services as client_services
from keywork.clients.models import Client
from keywork.contacts import services as contact_services
from keywork.contacts.models import Contact
from keywork.organisations.models import LegalBasis, Membership, Organisation, Role, Unit
from keywork.relationships import services as rel_services
from keywork.relationships.models import Relationship
from tests.factories import (
    LegalBasisFactory,
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    unit_a: Unit
    unit_b: Unit
    legal_basis: LegalBasis
    voluntary: LegalBasis
    users: dict[str, User]
    memberships: dict[str, Membership]
    clients: dict[str, Client]
    relationships: dict[str, Relationship]
    own_contact: Contact

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def make_org(name: str, **kw: Any) -> tuple[Organisation, Unit, Unit, LegalBasis, LegalBasis]:
    org = OrganisationFactory(name=name, **kw)
    a = UnitFactory(organisation=org, name=f"{name} Residential", kind=Unit.Kind.RESIDENTIAL)
    b = UnitFactory(organisation=org, name=f"{name} Community", kind=Unit.Kind.COMMUNITY)
    lvm = LegalBasisFactory(
        organisation=org, code="compulsory", name="Compulsory care", is_coerced=True,
        powers="I report to the court on your care.",
        confidentiality_limits="Risk to you or others, a child at risk, absconding: "
        "I must tell social services and the court.",
    )
    vol = LegalBasisFactory(
        organisation=org, code="voluntary", name="Voluntary", is_coerced=False,
        confidentiality_limits="Risk to you or others and a child at risk: social services.",
    )
    return org, a, b, lvm, vol


def make_user(username: str, org: Organisation, role: str, units: list[Unit] = ()  # type: ignore[assignment]
              ) -> tuple[User, Membership]:
    user = UserFactory(username=username, password=PASSWORD)
    membership = MembershipFactory(organisation=org, user=user, role=role, units=list(units))
    return user, membership


def admit(sup: Membership, unit: Unit, basis: LegalBasis, given: str, family: str,
          start: dt.date) -> Client:
    return client_services.client_create(
        membership=sup, unit=unit, legal_basis=basis, start_date=start, given_name=given,
        family_name=family, date_of_birth=dt.date(1985, 5, 17), own_words="My children.",
    )


def allocate(sup: Membership, client: Client, worker: User, kw: Membership,
             deputy: User | None = None) -> Relationship:
    episode = client.episodes.get()
    rel = rel_services.relationship_propose(
        membership=sup, episode=episode, keyworker_id=worker.pk,
        deputy_id=deputy.pk if deputy else None,
    )
    rel_services.introduction_record(
        membership=kw, relationship=rel, held_on=timezone.localdate(), explained_role=True,
        explained_purpose=True, explained_powers=True, explained_confidentiality=True,
        client_understanding="You have to tell them if my kids are not safe.",
    )
    return rel_services.relationship_activate(membership=kw, relationship=rel)


def build_world() -> World:
    org, unit_a, unit_b, lvm, vol = make_org("North Service", managers_see_records=True)
    other_org, other_unit, _, other_lvm, _ = make_org("South Service")
    users: dict[str, User] = {}
    ms: dict[str, Membership] = {}
    for name, role, units in [
        ("keyworker", Role.KEYWORKER, [unit_a]),
        ("colleague", Role.KEYWORKER, [unit_a]),
        ("deputy", Role.KEYWORKER, [unit_a]),
        ("supervisor", Role.SUPERVISOR, [unit_a]),
        ("supervisor_b", Role.SUPERVISOR, [unit_b]),
        ("manager", Role.MANAGER, []),
        ("administrator", Role.ADMINISTRATOR, []),
        ("researcher", Role.RESEARCHER, []),
    ]:
        users[name], ms[name] = make_user(name, org, role, units)
    users["outsider"], ms["outsider"] = make_user("outsider", other_org, Role.KEYWORKER,
                                                  [other_unit])
    users["other_supervisor"], ms["other_supervisor"] = make_user(
        "other_supervisor", other_org, Role.SUPERVISOR, [other_unit])

    start = timezone.localdate() - dt.timedelta(days=60)
    sup, sup_b = ms["supervisor"], ms["supervisor_b"]
    clients = {
        "own": admit(sup, unit_a, lvm, "Anna", "Own", start),
        "same_unit": admit(sup, unit_a, lvm, "Bo", "Sameunit", start),
        "ended": admit(sup, unit_a, vol, "Cecilia", "Ended", start - dt.timedelta(days=200)),
        "other_unit": admit(sup_b, unit_b, vol, "David", "Otherunit", start),
        "other_org_client": admit(ms["other_supervisor"], other_unit, other_lvm, "Eva",
                                  "Otherorg", start),
    }
    rels = {
        "own": allocate(sup, clients["own"], users["keyworker"], ms["keyworker"],
                        deputy=users["deputy"]),
        "same_unit": allocate(sup, clients["same_unit"], users["colleague"], ms["colleague"]),
        "ended": allocate(sup, clients["ended"], users["keyworker"], ms["keyworker"]),
        "other_unit": allocate(sup_b, clients["other_unit"], users["colleague"],
                               ms["colleague"]),
        "other_org_client": allocate(ms["other_supervisor"], clients["other_org_client"],
                                     users["outsider"], ms["outsider"]),
    }
    ended = rels["ended"]
    rel_services.relationship_start_ending(membership=ms["keyworker"], relationship=ended,
                                           end_reason="episode_ended")
    rel_services.relationship_close(membership=ms["keyworker"], relationship=ended)
    long_ago = timezone.now() - dt.timedelta(days=org.grace_days + 30)
    Relationship.objects.filter(pk=ended.pk).update(closed_at=long_ago)
    ended.refresh_from_db()

    contact = contact_services.contact_record(
        membership=ms["keyworker"], relationship=rels["own"],
        occurred_at=timezone.now() - dt.timedelta(hours=2), kind="session",
        duration_minutes=45, note="Talked about the week ahead.",
    )
    for user in users.values():  # clear the cached membership of the service calls
        user.__dict__.pop("_keywork_membership", None)
    return World(org=org, other_org=other_org, unit_a=unit_a, unit_b=unit_b, legal_basis=lvm,
                 voluntary=vol, users=users, memberships=ms, clients=clients,
                 relationships=rels, own_contact=contact)

"""factory_boy factories for rows that carry no clinical record: organisations, units,
legal bases, staff. Clients, episodes, relationships and contacts are built through the
real services (tests/world.py), so their rules and audit rows apply in tests too."""

from __future__ import annotations

import factory

from keywork.accounts.models import User
from keywork.organisations.models import LegalBasis, Membership, Organisation, Role, Unit


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = Unit.Kind.RESIDENTIAL


class LegalBasisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalBasis

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"basis-{n}")
    name = factory.Sequence(lambda n: f"Legal basis {n}")
    confidentiality_limits = "Risk to you or others and a child at risk: social services."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.LazyAttribute(lambda u: u.username.capitalize())
    last_name = "Test"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.KEYWORKER

    @factory.post_generation
    def units(self, create: bool, extracted: list[Unit] | None, **kwargs: object) -> None:
        if create and extracted:
            self.units.set(extracted)

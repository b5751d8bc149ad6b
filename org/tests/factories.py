from __future__ import annotations

from datetime import date

import factory

from org.models import Bureau, LegalOfficerAssignment, Role, Unit, UnitKind, User


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau
        django_get_or_create = ("code",)

    code = "330001"
    name = "测试县公安局"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    bureau = factory.SubFactory(BureauFactory)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}派出所")
    kind = UnitKind.STATION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    bureau = factory.LazyAttribute(lambda o: o.unit.bureau if o.unit else BureauFactory())
    unit = factory.SubFactory(UnitFactory)
    police_number = factory.Sequence(lambda n: f"{200000 + n}")
    name = factory.Sequence(lambda n: f"民警{n}")
    role = Role.OFFICER
    hire_date = date(2020, 7, 1)
    password = factory.django.Password("Correct-horse-42")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalOfficerAssignment

    officer = factory.SubFactory(UserFactory, role=Role.LEGAL_OFFICER)
    bureau = factory.LazyAttribute(lambda o: o.officer.bureau)
    unit = factory.SubFactory(UnitFactory)
    start_date = date(2024, 1, 1)
    end_date = None

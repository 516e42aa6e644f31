"""Factories for tests: a small Jilin with Changchun and Siping, organisations, users, companies."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from clusterhub.accounts.models import Membership, Organisation
from clusterhub.chain.models import ChainNode, SupplyLink
from clusterhub.core.choices import Confidentiality, Datum, Role
from clusterhub.enterprises.models import Enterprise, Site
from clusterhub.geo.models import Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{229000 + n}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    name_en = factory.Sequence(lambda n: f"Test district {n}")
    level = "county"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = "city_bureau"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.OFFICER


class ChainNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainNode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"测试零件{n}")
    name_en = factory.Sequence(lambda n: f"Test part {n}")
    segment = "parts"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试汽车零部件{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Auto Parts {n} Co., Ltd.")
    kind = "tier1"
    confidentiality = Confidentiality.PUBLIC


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.LazyAttribute(lambda s: f"{s.enterprise.name}工厂")
    kind = "plant"
    region = factory.LazyAttribute(lambda s: s.enterprise.home_region)
    longitude = Decimal("125.3")
    latitude = Decimal("43.8")
    datum = Datum.GCJ02


class SupplyLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplyLink

    supplier = factory.SubFactory(EnterpriseFactory)
    customer = factory.SubFactory(EnterpriseFactory, kind="oem")
    chain_node = factory.SubFactory(ChainNodeFactory)
    year = 2024
    annual_value = Decimal("1000000.00")

"""API schemas for enterprises and sites. Related records appear by their public ids and codes;
money is a decimal string of yuan."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from clusterhub.core.api_common import Yuan
from clusterhub.core.choices import Confidentiality, Datum

from .choices import (
    AliasKind,
    CertificationStandard,
    EnterpriseKind,
    EnterpriseSize,
    Ownership,
    SiteKind,
)

# Enterprises -------------------------------------------------------------------------------


class AliasSchema(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: AliasKind = AliasKind.OTHER


class CertificationOut(Schema):
    standard: CertificationStandard
    certificate_number: str
    issuer: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    site: int | None = Field(None, alias="site_id")
    valid_today: bool

    @staticmethod
    def resolve_valid_today(obj) -> bool:
        return obj.is_valid_on()


class SiteRef(Schema):
    id: int
    name: str
    kind: SiteKind
    region: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code


class EnterpriseOut(Schema):
    public_id: str
    credit_code: str | None
    name: str
    name_en: str
    short_name: str
    pinyin: str
    kind: EnterpriseKind
    ownership: Ownership | Literal[""]
    size: EnterpriseSize | Literal[""]
    stock_code: str
    home_region: str | None = Field(None, description="Code of the region of registration.")
    group: str | None = Field(
        None, description="Public id of the parent group (null if you may not see it)."
    )
    confidentiality: Confidentiality
    is_synthetic: bool
    updated: datetime.datetime

    @staticmethod
    def resolve_home_region(obj) -> str | None:
        return obj.home_region.code if obj.home_region_id else None

    @staticmethod
    def resolve_group(obj) -> str | None:
        # A group the caller may not see is not named.
        if obj.group_id and getattr(obj, "group_visible", False):
            return obj.group.public_id
        return None


class EnterpriseDetail(EnterpriseOut):
    home_country: str
    founded: datetime.date | None
    employees: int | None
    annual_revenue: Decimal | None = Field(description="Yuan.")
    website: str
    description: str
    source: str
    created: datetime.datetime
    aliases: list[AliasSchema]
    certifications: list[CertificationOut]
    sites: list[SiteRef] = Field(description="The sites you may see.")
    warnings: list[str] = Field(
        [], description="Notes on accepted input, e.g. a retired region code that was mapped."
    )

    @staticmethod
    def resolve_aliases(obj):
        return obj.aliases.all()

    @staticmethod
    def resolve_certifications(obj):
        return obj.certifications.all()

    @staticmethod
    def resolve_sites(obj):
        return getattr(obj, "visible_sites", [])


class EnterpriseFields(Schema):
    """Fields shared by create and update; on update every field is optional."""

    credit_code: str | None = Field(
        None, description="Unified social credit code, 18 characters (GB 32100-2015 checked)."
    )
    name_en: str | None = None
    short_name: str | None = None
    ownership: Ownership | None = None
    size: EnterpriseSize | None = None
    stock_code: str | None = None
    home_region: str | None = Field(
        None, description="Region code (a retired code is mapped, with a warning)."
    )
    group: str | None = Field(None, description="Public id of the parent group.")
    home_country: str | None = Field(None, min_length=2, max_length=2)
    founded: datetime.date | None = None
    employees: int | None = Field(None, ge=0)
    annual_revenue: Yuan = None
    website: str | None = None
    description: str | None = None
    confidentiality: Confidentiality | None = None
    source: str | None = None
    aliases: list[AliasSchema] | None = Field(None, description="Replaces all aliases when given.")


class EnterpriseCreate(EnterpriseFields):
    name: str = Field(min_length=1, max_length=200, description="Registered Chinese name.")
    kind: EnterpriseKind


class EnterprisePatch(EnterpriseFields):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: EnterpriseKind | None = None


class EnterpriseFilters(Schema):
    q: str | None = Field(
        None,
        description="Any name, alias, pinyin or initials, credit code, stock code or public id.",
    )
    kind: EnterpriseKind | None = None
    ownership: Ownership | None = None
    size: EnterpriseSize | None = None
    region: str | None = Field(
        None, description="Region code: registered or with a site in it (below included)."
    )
    park: str | None = Field(None, description="Park code: with a site in the park.")
    chain_node: str | None = Field(
        None, description="Chain node code: with a site making it or a node below it."
    )
    certification: CertificationStandard | None = Field(
        None, description="Holding a certificate of this standard valid today."
    )
    group: str | None = Field(None, description="Public id of the parent group.")
    synthetic: bool | None = Field(None, description="Only demo (true) or real (false) records.")
    ordering: (
        Literal["name", "-name", "public_id", "-public_id", "updated", "-updated", "kind"] | None
    ) = None


# Sites -------------------------------------------------------------------------------------


class CapabilityOut(Schema):
    chain_node: str
    chain_node_name: str
    products: str
    annual_capacity: str

    @staticmethod
    def resolve_chain_node(obj) -> str:
        return obj.chain_node.code

    @staticmethod
    def resolve_chain_node_name(obj) -> str:
        return obj.chain_node.name


class SiteOut(Schema):
    id: int
    enterprise: str = Field(description="Public id of the enterprise.")
    enterprise_name: str
    code: str
    name: str
    name_en: str
    kind: SiteKind
    region: str = Field(description="Region code.")
    park: str | None = Field(None, description="Park code.")
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    datum: Datum | Literal[""]
    capacity: Decimal | None
    capacity_unit: str
    is_synthetic: bool
    updated: datetime.datetime

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.public_id

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_park(obj) -> str | None:
        return obj.park.code if obj.park_id else None


class SiteDetail(SiteOut):
    created: datetime.datetime
    capabilities: list[CapabilityOut]
    warnings: list[str] = Field(
        [], description="Notes on accepted input, e.g. a retired region code that was mapped."
    )

    @staticmethod
    def resolve_capabilities(obj):
        return obj.capabilities.select_related("chain_node")


class SiteFields(Schema):
    code: str | None = None
    name_en: str | None = None
    park: str | None = Field(None, description="Park code.")
    address: str | None = None
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    datum: Datum | None = Field(None, description="Required with coordinates.")
    capacity: Decimal | None = Field(None, ge=0)
    capacity_unit: str | None = None


class SiteCreate(SiteFields):
    enterprise: str = Field(description="Public id of the enterprise.")
    name: str = Field(min_length=1, max_length=200)
    kind: SiteKind
    region: str = Field(description="Region code (a retired code is mapped).")


class SitePatch(SiteFields):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: SiteKind | None = None
    region: str | None = Field(None, description="Region code (a retired code is mapped).")


class SiteFilters(Schema):
    q: str | None = Field(None, description="Site or enterprise name, address, or site code.")
    kind: SiteKind | None = None
    region: str | None = Field(None, description="Region code (below included).")
    park: str | None = Field(None, description="Park code.")
    enterprise: str | None = Field(None, description="Public id of the enterprise.")
    chain_node: str | None = Field(None, description="Chain node code (below included).")
    ordering: Literal["name", "-name", "updated", "-updated", "id", "-id"] | None = None

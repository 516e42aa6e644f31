"""API schemas for the industry-chain taxonomy and supply links."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from clusterhub.core.api_common import Yuan
from clusterhub.core.choices import Confidentiality

from .choices import CodeSystem, Segment

# Chain nodes -------------------------------------------------------------------------------


class IndustryCodeOut(Schema):
    system: CodeSystem
    code: str
    title: str
    level: int


class ChainNodeRef(Schema):
    code: str
    name: str
    name_en: str


class ChainNodeOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None = Field(None, description="Code of the parent node.")
    segment: Segment
    depth: int
    sort_order: int
    is_nev: bool

    @staticmethod
    def resolve_parent(obj) -> str | None:
        parts = obj.path.strip("/").split("/")
        return parts[-2] if len(parts) > 1 else None


class ChainNodeDetail(ChainNodeOut):
    description: str
    keywords: str
    ancestors: list[str] = Field(description="Codes from the top of the tree down to the parent.")
    children: list[ChainNodeRef]
    codes: list[IndustryCodeOut] = Field(description="GB/T 4754-2017, HS and NAICS codes.")

    @staticmethod
    def resolve_ancestors(obj) -> list[str]:
        return obj.path.strip("/").split("/")[:-1]

    @staticmethod
    def resolve_children(obj):
        return obj.children.order_by("sort_order", "code")

    @staticmethod
    def resolve_codes(obj):
        return obj.codes.order_by("system", "code")


class ChainTreeNode(Schema):
    code: str
    name: str
    name_en: str
    segment: Segment
    is_nev: bool
    children: list[ChainTreeNode] = []


class ChainNodeFilters(Schema):
    q: str | None = Field(None, description="Name, English name, keyword or exact code.")
    segment: Segment | None = None
    parent: str | None = Field(None, description="Direct children of this node code.")
    under: str | None = Field(None, description="This node and everything below it.")
    code_system: CodeSystem | None = None
    industry_code: str | None = Field(None, description="Nodes mapped to this industry code.")
    ordering: Literal["path", "code", "-code", "name", "-name", "sort_order"] | None = None


class ChainTreeFilters(Schema):
    segment: Segment | None = None
    under: str | None = Field(None, description="Only the subtree of this node code.")


# Supply links ------------------------------------------------------------------------------


class SupplyLinkOut(Schema):
    """A party you may not see (a confidential enterprise outside your scope) is null."""

    id: int
    supplier: str | None = Field(description="Public id of the supplier.")
    supplier_name: str | None
    supplier_site: int | None = Field(None, alias="supplier_site_id")
    customer: str | None = Field(description="Public id of the customer.")
    customer_name: str | None
    customer_site: int | None = Field(None, alias="customer_site_id")
    chain_node: str = Field(description="Chain node code.")
    chain_node_name: str
    year: int
    annual_value: Decimal | None = Field(description="Yuan.")
    source: str
    confidentiality: Confidentiality
    is_synthetic: bool
    updated: datetime.datetime

    @staticmethod
    def _party(obj, role: str, attribute: str):
        if not getattr(obj, f"{role}_visible", False):
            return None
        return getattr(getattr(obj, role), attribute)

    @staticmethod
    def resolve_supplier(obj) -> str | None:
        return SupplyLinkOut._party(obj, "supplier", "public_id")

    @staticmethod
    def resolve_supplier_name(obj) -> str | None:
        return SupplyLinkOut._party(obj, "supplier", "name")

    @staticmethod
    def resolve_supplier_site(obj) -> int | None:
        return obj.supplier_site_id if getattr(obj, "supplier_visible", False) else None

    @staticmethod
    def resolve_customer(obj) -> str | None:
        return SupplyLinkOut._party(obj, "customer", "public_id")

    @staticmethod
    def resolve_customer_name(obj) -> str | None:
        return SupplyLinkOut._party(obj, "customer", "name")

    @staticmethod
    def resolve_customer_site(obj) -> int | None:
        return obj.customer_site_id if getattr(obj, "customer_visible", False) else None

    @staticmethod
    def resolve_chain_node(obj) -> str:
        return obj.chain_node.code

    @staticmethod
    def resolve_chain_node_name(obj) -> str:
        return obj.chain_node.name


class SupplyLinkFields(Schema):
    supplier_site: int | None = Field(None, description="Id of the supplier's producing site.")
    customer_site: int | None = Field(None, description="Id of the customer's receiving site.")
    annual_value: Yuan = None
    source: str | None = None
    confidentiality: Confidentiality | None = None


class SupplyLinkCreate(SupplyLinkFields):
    supplier: str = Field(description="Public id of the supplier.")
    customer: str = Field(description="Public id of the customer.")
    chain_node: str = Field(description="Chain node code.")
    year: int = Field(ge=1949, le=2100)


class SupplyLinkPatch(SupplyLinkFields):
    supplier: str | None = None
    customer: str | None = None
    chain_node: str | None = None
    year: int | None = Field(None, ge=1949, le=2100)


class SupplyLinkFilters(Schema):
    supplier: str | None = Field(None, description="Public id of the supplier.")
    customer: str | None = Field(None, description="Public id of the customer.")
    chain_node: str | None = Field(None, description="Chain node code (below included).")
    year: int | None = None
    supplier_region: str | None = Field(None, description="Region code of the supplying site.")
    customer_region: str | None = Field(None, description="Region code of the receiving site.")
    ordering: Literal["year", "-year", "annual_value", "-annual_value", "id", "-id"] | None = None

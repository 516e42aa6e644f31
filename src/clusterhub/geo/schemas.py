"""API schemas for regions and parks. Related records appear by their codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from clusterhub.core.choices import Datum

from .choices import ParkKind, RegionLevel


def parent_code(path: str) -> str | None:
    """The parent's code, read from a materialised path ("220000/220100/" -> "220000")."""
    parts = path.strip("/").split("/")
    return parts[-2] if len(parts) > 1 else None


class RegionRef(Schema):
    code: str
    name: str
    name_en: str


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    pinyin: str
    level: RegionLevel
    parent: str | None = Field(None, description="Code of the parent region.")
    longitude: Decimal | None
    latitude: Decimal | None
    datum: Datum | Literal[""] = Field(description="Datum of the centroid: GCJ-02 or WGS-84.")

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return parent_code(obj.path)


class RegionDetail(RegionOut):
    coordinate_source: str
    ancestors: list[str] = Field(description="Codes from the province down to the parent.")
    children: list[RegionRef]
    requested: str = Field(description="The code or name that was asked for.")
    warning: str | None = Field(
        None, description="Set when a retired code was mapped to the region that carries it now."
    )

    @staticmethod
    def resolve_ancestors(obj) -> list[str]:
        return obj.path.strip("/").split("/")[:-1]

    @staticmethod
    def resolve_children(obj):
        return obj.children.all()


class RegionFilters(Schema):
    q: str | None = Field(None, description="Name (Chinese or English), pinyin, or code prefix.")
    level: RegionLevel | None = None
    parent: str | None = Field(None, description="Direct children of this region code.")
    within: str | None = Field(None, description="Everything below this region code.")
    ordering: Literal["code", "-code", "name", "-name", "level"] | None = None


class ParkOut(Schema):
    code: str
    name: str
    name_en: str
    short_name: str
    kind: ParkKind
    region: str = Field(description="Code of the region that administers the park.")
    statistical_region: str | None = Field(None, description="NBS development-zone code.")
    parent: str | None = Field(None, description="Code of the park this one is part of.")
    spans: list[str] = Field(description="Codes of the areas a cross-area zone spans.")
    area_km2: Decimal | None
    leading_industries: str
    longitude: Decimal | None
    latitude: Decimal | None
    datum: Datum | Literal[""]
    source: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_statistical_region(obj) -> str | None:
        return obj.statistical_region.code if obj.statistical_region_id else None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_spans(obj) -> list[str]:
        return [region.code for region in obj.spans.all()]


class ParkFilters(Schema):
    q: str | None = Field(None, description="Name, English name, short name or exact code.")
    kind: ParkKind | None = None
    region: str | None = Field(
        None, description="Region code: parks in it or spanning into it (below included)."
    )
    ordering: Literal["code", "-code", "name", "-name"] | None = None

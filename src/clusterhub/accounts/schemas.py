"""API schemas for the caller's own account."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from clusterhub.core.choices import Role

from .choices import OrganisationKind


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_superuser: bool


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    kind: OrganisationKind
    region: str | None = Field(None, description="Region code the organisation governs.")
    enterprise: str | None = Field(None, description="Public id of the enterprise it speaks for.")

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_enterprise(obj) -> str | None:
        return obj.enterprise.public_id if obj.enterprise_id else None


class MembershipOut(Schema):
    organisation: OrganisationOut
    role: Role
    region_scope: str | None = Field(None, description="Region code narrowing the scope.")

    @staticmethod
    def resolve_region_scope(obj) -> str | None:
        return obj.region_scope.code if obj.region_scope_id else None


class ScopeOut(Schema):
    is_government: bool = Field(description="Government staff see internal records anywhere.")
    is_data_steward: bool = Field(description="May change records without a region.")
    regions: dict[str, Role] = Field(
        description="Region codes the user covers, with the strongest role in each."
    )
    organisations: list[int] = Field(description="Ids of the organisations the user belongs to.")


class MeOut(Schema):
    user: UserOut
    authenticated_by: Literal["token", "session"]
    memberships: list[MembershipOut]
    scope: ScopeOut

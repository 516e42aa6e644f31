"""Who may see and change what: the one place where record-level access is decided.

Every page, API endpoint, export and admin list reads through `Model.objects.restrict(user, action)`.
A user's reach comes from their memberships: each membership gives a role inside a region scope
(a province covers its prefectures and counties) and ties them to an organisation.

view:   public records to anyone logged in; internal records to government staff anywhere and to
        anyone whose scope covers the record; confidential records only to members whose scope
        covers the record's region, to the owning organisation and to people named on the record.
change: an officer (or higher) whose scope covers the record, or of the owning organisation.
delete: the same with the manager role.
Records without a region (the chain taxonomy, regions themselves) are changed only by data stewards:
superusers and administrators with a province-level scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .choices import ACTION_MIN_ROLE, ROLE_RANK, Confidentiality


@dataclass(frozen=True)
class Scope:
    region_path: str
    role_rank: int
    organisation_id: int
    is_top_level: bool


@dataclass(frozen=True)
class UserAccess:
    user_id: int | None
    is_authenticated: bool
    is_superuser: bool
    is_government: bool
    scopes: tuple[Scope, ...] = field(default_factory=tuple)

    def organisation_ids(self, min_rank: int = 1) -> set[int]:
        return {s.organisation_id for s in self.scopes if s.role_rank >= min_rank}

    def region_paths(self, min_rank: int = 1) -> list[str]:
        return [s.region_path for s in self.scopes if s.role_rank >= min_rank and s.region_path]

    def is_data_steward(self) -> bool:
        return self.is_superuser or any(
            s.is_top_level and s.role_rank >= ROLE_RANK["admin"] for s in self.scopes
        )

    def covers_region(self, region, action: str = "view") -> bool:
        """True if one of the user's scopes with a role strong enough for `action` holds `region`."""
        if self.is_superuser:
            return True
        if region is None:
            return False
        rank = ROLE_RANK[ACTION_MIN_ROLE[action]]
        return any(region.path.startswith(path) for path in self.region_paths(rank))


ANONYMOUS = UserAccess(None, False, False, False)


def get_access(user) -> UserAccess:
    """The user's reach, computed once per user object (one query) and cached on it."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_clusterhub_access", None)
    if cached is not None:
        return cached
    from clusterhub.accounts.models import Membership

    scopes = []
    is_government = False
    memberships = Membership.objects.filter(user=user, is_active=True).select_related(
        "organisation__region", "region_scope"
    )
    for membership in memberships:
        organisation = membership.organisation
        region = membership.region_scope or organisation.region
        is_government = is_government or organisation.is_government
        scopes.append(
            Scope(
                region_path=region.path if region and organisation.is_government else "",
                role_rank=ROLE_RANK[membership.role],
                organisation_id=organisation.pk,
                is_top_level=bool(region and region.parent_id is None),
            )
        )
    access = UserAccess(user.pk, True, user.is_superuser, is_government, tuple(scopes))
    user._clusterhub_access = access
    return access


@dataclass(frozen=True)
class AccessPolicy:
    """How a model's rows relate to regions, organisations and people.

    region_path: lookup to the path of the record's region (e.g. "region__path").
    organisation: lookup (or tuple of lookups) to the organisations that own the record; a supply
        link belongs to both sides, the supplier's and the customer's (and its group's).
    confidentiality: lookup to the confidentiality level, if records have one.
    named_people: lookup to users named on the record (they may see it whatever its level).
    """

    region_path: str | None = None
    organisation: str | tuple[str, ...] | None = None
    confidentiality: str | None = None
    named_people: str | None = None

    def _in_paths(self, paths: list[str]) -> Q:
        q = Q(pk__in=[])
        if self.region_path:
            for path in paths:
                q |= Q(**{f"{self.region_path}__startswith": path})
        return q

    def _through(self, model, lookup: str, values) -> Q:
        # A subquery, not a join: records owned by two organisations must not appear twice.
        return Q(pk__in=model._base_manager.filter(**{f"{lookup}__in": values}).values("pk"))

    def _owned_by(self, model, organisation_ids: set[int]) -> Q:
        q = Q(pk__in=[])
        if not (self.organisation and organisation_ids):
            return q
        lookups = (self.organisation,) if isinstance(self.organisation, str) else self.organisation
        for lookup in lookups:
            q |= self._through(model, lookup, sorted(organisation_ids))
        return q

    def visibility(self, access: UserAccess, model) -> Q | None:
        """The Q of rows `access` may view; None means every row."""
        if access.is_superuser:
            return None
        if not self.confidentiality:
            return None
        level = self.confidentiality
        q = Q(**{level: Confidentiality.PUBLIC})
        if access.is_government:
            q |= Q(**{level: Confidentiality.INTERNAL})
        q |= self._in_paths(access.region_paths())
        q |= self._owned_by(model, access.organisation_ids())
        if self.named_people and access.user_id:
            q |= self._through(model, self.named_people, [access.user_id])
        return q

    def changeability(self, access: UserAccess, action: str, model) -> Q | None:
        if access.is_superuser:
            return None
        if not self.region_path and not self.organisation:
            return None if access.is_data_steward() else Q(pk__in=[])
        rank = ROLE_RANK[ACTION_MIN_ROLE[action]]
        if access.is_data_steward():
            return None
        return self._in_paths(access.region_paths(rank)) | self._owned_by(
            model, access.organisation_ids(rank)
        )

    def filter(self, queryset, user, action: str):
        access = get_access(user)
        if not access.is_authenticated:
            return queryset.none()
        if action not in ACTION_MIN_ROLE:
            raise ValueError(f"unknown action {action!r}")
        model = queryset.model
        if action == "view":
            q = self.visibility(access, model)
        else:
            q = self.changeability(access, action, model)
        return queryset if q is None else queryset.filter(q)

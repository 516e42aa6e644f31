"""`GET /api/me`: who the API thinks you are, your memberships and the reach they give."""

from ninja import Router

from clusterhub.core.access import get_access
from clusterhub.core.choices import ROLE_RANK

from .models import Membership
from .schemas import MeOut

router = Router(tags=["account"])
_ROLE_BY_RANK = {rank: role for role, rank in ROLE_RANK.items()}


@router.get("", response=MeOut, summary="The calling user and their scope")
def me(request):
    user = request.auth
    access = get_access(user)
    regions: dict[str, str] = {}
    for scope in access.scopes:
        if scope.region_path:
            code = scope.region_path.strip("/").split("/")[-1]
            rank = max(scope.role_rank, ROLE_RANK.get(regions.get(code), 0))
            regions[code] = _ROLE_BY_RANK[rank]
    memberships = (
        Membership.objects.restrict(user, "view")
        .filter(user=user, is_active=True)
        .select_related("organisation__region", "organisation__enterprise", "region_scope")
        .order_by("organisation__name")
    )
    return {
        "user": user,
        "authenticated_by": "token" if getattr(request, "api_token", None) else "session",
        "memberships": list(memberships),
        "scope": {
            "is_government": access.is_government,
            "is_data_steward": access.is_data_steward(),
            "regions": regions,
            "organisations": sorted(access.organisation_ids()),
        },
    }

"""Business logic of sourcing and targets: demands and their candidates, supplier ranking,
"demands that fit me", investment-target recommendation, and search. Pages, the API, the
commands and the demo call these functions; they check access and write in one transaction.

Refusals are `django.core.exceptions.ValidationError` (a message per field) or
`MatchingPermissionError` (a PermissionDenied with a reason). `user=None` is the system itself
(commands, the demo): no access check, everything visible.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core.access import get_access
from clusterhub.core.choices import ACTION_MIN_ROLE, ROLE_RANK
from clusterhub.core.units import UnitError, parse_amount

from .choices import (
    ACTIVE_STATUSES,
    INVITED_STATUSES,
    CandidateStatus,
    DemandStatus,
    LocationPreference,
)
from .models import DemandCandidate, SourcingDemand, enterprise_ids_of

MAX_DISTANCE_KM = 5000


class MatchingPermissionError(PermissionDenied):
    """The user may see the record but not do this; the message says why."""


# ---------------------------------------------------------------------------------------------
# Who acts for which enterprise


def own_enterprise_ids(user, action: str = "view") -> list[int]:
    """Enterprises the user's organisations speak for, with a role strong enough for `action`."""
    if user is None:
        return []
    access = get_access(user)
    return enterprise_ids_of(access.organisation_ids(ROLE_RANK[ACTION_MIN_ROLE[action]]))


def own_enterprise(user):
    """The one enterprise a supplier's account speaks for (the first, if several)."""
    from clusterhub.enterprises.models import Enterprise

    ids = own_enterprise_ids(user)
    return Enterprise.objects.filter(pk__in=ids).order_by("pk").first() if ids else None


def may_buy_for(user, buyer) -> bool:
    """Superusers, and officers of an organisation speaking for the buyer or its group."""
    if user is None:
        return True
    if get_access(user).is_superuser:
        return True
    own = set(own_enterprise_ids(user, "change"))
    return buyer.pk in own or (buyer.group_id is not None and buyer.group_id in own)


def buyers_for(user):
    """Enterprises the user may post demands for: their own and their group's subsidiaries."""
    from django.db.models import Q

    from clusterhub.enterprises.models import Enterprise

    queryset = Enterprise.objects.restrict(user, "view") if user is not None else Enterprise.objects
    if user is None or get_access(user).is_superuser:
        return queryset.filter(kind__in=["oem", "tier1", "group"]).order_by("name")
    own = own_enterprise_ids(user, "change")
    return queryset.filter(Q(pk__in=own) | Q(group_id__in=own)).order_by("name")


def _require_buyer(user, demand_or_buyer) -> None:
    buyer = getattr(demand_or_buyer, "buyer", demand_or_buyer)
    if not may_buy_for(user, buyer):
        raise MatchingPermissionError(
            _("Only the buyer's purchasing staff (officer or higher) may do this.")
        )


# ---------------------------------------------------------------------------------------------
# Demands


def _clean_demand(demand: SourcingDemand) -> dict[str, str]:
    from clusterhub.enterprises.choices import CertificationStandard

    errors: dict[str, str] = {}
    if not (demand.title or "").strip():
        errors["title"] = _("a demand needs a title")
    if demand.buyer_site_id is not None and demand.buyer_site.enterprise_id not in (
        demand.buyer_id,
        demand.buyer.group_id,
    ):
        errors["buyer_site"] = _("the receiving plant must belong to the buyer")
    unknown = [
        c for c in demand.required_certifications or [] if c not in CertificationStandard.values
    ]
    if unknown:
        errors["required_certifications"] = _("unknown certification: %(names)s") % {
            "names": ", ".join(unknown)
        }
    if demand.location == LocationPreference.RADIUS:
        if not demand.max_distance_km:
            errors["max_distance_km"] = _("give the distance in km")
        elif demand.max_distance_km > MAX_DISTANCE_KM:
            errors["max_distance_km"] = _("at most %(km)d km") % {"km": MAX_DISTANCE_KM}
        if demand.buyer_site_id is None:
            errors["buyer_site"] = _("a distance is measured from a plant: choose the plant")
        elif demand.buyer_site.longitude is None:
            errors["buyer_site"] = _("this plant has no coordinates to measure a distance from")
    elif demand.location != LocationPreference.RADIUS:
        demand.max_distance_km = None
    if demand.deadline and demand.sop and demand.deadline > demand.sop:
        errors["deadline"] = _("the answer deadline is after the start of production")
    if demand.annual_value is not None and demand.annual_value < 0:
        errors["annual_value"] = _("an amount cannot be negative")
    return errors


def to_yuan(value, *, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        parsed = parse_amount(value)
    except UnitError as error:
        raise ValidationError({field: str(error)})
    return None if parsed is None else parsed.yuan.quantize(Decimal("0.01"))


DEMAND_FIELDS = (
    "buyer",
    "buyer_site",
    "chain_node",
    "title",
    "description",
    "annual_volume",
    "volume_unit",
    "annual_value",
    "required_certifications",
    "sop",
    "location",
    "max_distance_km",
    "deadline",
    "visibility",
    "status",
)


@transaction.atomic
def save_demand(*, user, demand: SourcingDemand | None = None, **values) -> SourcingDemand:
    """Create (demand=None, or an unsaved demand carrying a chosen code) or change a demand.
    Values are model field values; `annual_value` also takes text such as "3000万元"."""
    creating = demand is None or demand.pk is None
    if demand is None:
        demand = SourcingDemand()
    if creating:
        if demand.created_by_id is None and getattr(user, "is_authenticated", False):
            demand.created_by = user
    else:
        _require_buyer(user, demand)
        if not demand.is_active:
            raise ValidationError({"status": _("a closed demand cannot be changed")})
    unknown = set(values) - set(DEMAND_FIELDS) - {"is_synthetic"}
    if unknown:
        raise ValueError(f"unknown demand fields: {sorted(unknown)}")
    if "annual_value" in values:
        values["annual_value"] = to_yuan(values["annual_value"], field="annual_value")
    if "required_certifications" in values:
        values["required_certifications"] = sorted(
            {c.strip() for c in values["required_certifications"] or [] if c and c.strip()}
        )
    for name, value in values.items():
        setattr(demand, name, value)
    if demand.buyer_id is None:
        raise ValidationError({"buyer": _("choose the buyer")})
    _require_buyer(user, demand)
    if demand.status not in ACTIVE_STATUSES and creating:
        raise ValidationError({"status": _("a new demand is a draft or open")})
    errors = _clean_demand(demand)
    if errors:
        raise ValidationError(errors)
    demand.full_clean()
    demand.save()
    return demand


def demands_visible_to(user):
    queryset = SourcingDemand.objects.select_related("buyer", "chain_node", "buyer_site")
    return queryset if user is None else queryset.restrict(user, "view")


# ---------------------------------------------------------------------------------------------
# Ranking and "demands that fit me"


def rank_suppliers(*, user, demand: SourcingDemand, limit: int = 50):
    """The ranked, explained supplier list for a demand the user may see."""
    from . import ranking

    if user is not None and not demands_visible_to(user).filter(pk=demand.pk).exists():
        raise MatchingPermissionError(_("You may not see this demand."))
    if not may_see_ranking(user, demand):
        raise MatchingPermissionError(
            _("The ranked supplier list is for the buyer's purchasing staff and government staff.")
        )
    return ranking.rank(demand, user=user, limit=limit)


def may_see_ranking(user, demand: SourcingDemand) -> bool:
    """The buyer's staff and government staff; a supplier sees its own fit, not its rivals'."""
    if user is None:
        return True
    access = get_access(user)
    return access.is_superuser or access.is_government or may_buy_for(user, demand.buyer)


def demands_fitting(*, user, enterprise=None):
    """Open demands that fit the user's enterprise (or `enterprise`), best first, with the same
    explanation the buyer sees. Returns (enterprise, [(demand, candidate)])."""
    from . import ranking

    enterprise = enterprise or own_enterprise(user)
    if enterprise is None:
        return None, []
    if user is not None and not may_act_for(user, enterprise):
        raise MatchingPermissionError(_("You may only see the demands that fit your own company."))
    demands = demands_visible_to(user).filter(status=DemandStatus.OPEN)
    return enterprise, ranking.fits_for_enterprise(enterprise, list(demands), user=user)


def may_act_for(user, enterprise) -> bool:
    if user is None or get_access(user).is_superuser:
        return True
    return enterprise.pk in own_enterprise_ids(user)


# ---------------------------------------------------------------------------------------------
# Shortlist, invite, answer, result


def _explained(user, demand, supplier) -> tuple[object | None, float | None, dict]:
    """The supplier's best site, score and explanation for the demand (None when it does not
    pass the hard filters any more)."""
    from clusterhub.enterprises.models import Capability

    from . import ranking

    hood = ranking.neighbourhood(demand.chain_node)
    site_ids = list(
        Capability.objects.filter(
            site__enterprise=supplier, chain_node_id__in=list(hood.relation)
        ).values_list("site_id", flat=True)
    )
    scored = ranking.Scorer(demand, hood, user=user).score_sites(site_ids)
    if not scored:
        return None, None, {}
    best = scored[0]
    return best.site, best.score, best.as_dict()


def _visible_supplier(user, supplier_public_id: str):
    from clusterhub.enterprises.models import Enterprise

    queryset = (
        Enterprise.objects.all() if user is None else Enterprise.objects.restrict(user, "view")
    )
    supplier = queryset.filter(public_id=(supplier_public_id or "").strip()).first()
    if supplier is None:
        raise ValidationError(
            {"supplier": _("unknown enterprise “%(id)s”") % {"id": supplier_public_id}}
        )
    return supplier


@transaction.atomic
def shortlist(*, user, demand: SourcingDemand, supplier, note: str = "") -> DemandCandidate:
    """Put a supplier on the demand's shortlist, keeping its score and explanation as of now."""
    _require_buyer(user, demand)
    if not demand.is_active:
        raise ValidationError({"status": _("the demand is closed")})
    if supplier.pk == demand.buyer_id:
        raise ValidationError({"supplier": _("the buyer cannot supply itself")})
    site, score, explanation = _explained(user, demand, supplier)
    candidate, _created = DemandCandidate.objects.get_or_create(
        demand=demand, supplier=supplier, defaults={"status": CandidateStatus.SHORTLISTED}
    )
    candidate.site = site
    candidate.score = None if score is None else Decimal(str(round(score, 1)))
    candidate.explanation = explanation
    if note:
        candidate.note = note[:500]
    candidate.save()
    return candidate


@transaction.atomic
def remove_from_shortlist(*, user, candidate: DemandCandidate) -> None:
    _require_buyer(user, candidate.demand)
    if candidate.status != CandidateStatus.SHORTLISTED:
        raise ValidationError({"status": _("an invited supplier stays on the record")})
    candidate.delete()


@transaction.atomic
def invite(*, user, demand: SourcingDemand, suppliers: Iterable) -> list[DemandCandidate]:
    """Invite suppliers (shortlisting them first if needed). An invited-only demand becomes
    visible to them; an open demand is opened if it was a draft."""
    _require_buyer(user, demand)
    if not demand.is_active:
        raise ValidationError({"status": _("the demand is closed")})
    invited = []
    now = timezone.now()
    for supplier in suppliers:
        candidate = DemandCandidate.objects.filter(demand=demand, supplier=supplier).first()
        if candidate is None:
            candidate = shortlist(user=user, demand=demand, supplier=supplier)
        if candidate.status == CandidateStatus.SHORTLISTED:
            candidate.status = CandidateStatus.INVITED
            candidate.invited_at = now
            candidate.save()
        invited.append(candidate)
    if demand.status == DemandStatus.DRAFT:
        demand.status = DemandStatus.OPEN
        demand.save()
    return invited


@transaction.atomic
def respond(*, user, demand: SourcingDemand, interested: bool, note: str = "") -> DemandCandidate:
    """The invited supplier answers: interested (with a note, e.g. a quote) or declined."""
    candidate = (
        DemandCandidate.objects.filter(
            demand=demand,
            supplier_id__in=own_enterprise_ids(user, "change"),
            status__in=INVITED_STATUSES,
        )
        .select_related("demand")
        .first()
    )
    if candidate is None:
        raise MatchingPermissionError(_("Only an invited supplier may answer this demand."))
    if not demand.is_active:
        raise ValidationError({"status": _("the demand is closed")})
    if candidate.status in (CandidateStatus.AWARDED, CandidateStatus.NOT_SELECTED):
        raise ValidationError({"status": _("the result is already recorded")})
    candidate.status = CandidateStatus.INTERESTED if interested else CandidateStatus.DECLINED
    candidate.responded_at = timezone.now()
    candidate.response_note = (note or "")[:1000]
    candidate.save()
    return candidate


@transaction.atomic
def record_result(
    *,
    user,
    demand: SourcingDemand,
    outcome: str,
    awarded_to=None,
    note: str = "",
    on: datetime.date | None = None,
) -> SourcingDemand:
    """Close a demand: awarded to a supplier (any enterprise, shortlisted or not), closed without
    award, or cancelled. Candidates get their outcome."""
    _require_buyer(user, demand)
    if not demand.is_active:
        raise ValidationError({"status": _("the result is already recorded")})
    if outcome not in (DemandStatus.AWARDED, DemandStatus.CLOSED, DemandStatus.CANCELLED):
        raise ValidationError({"outcome": _("choose awarded, closed or cancelled")})
    if outcome == DemandStatus.AWARDED:
        if awarded_to is None:
            raise ValidationError({"awarded_to": _("say which supplier won the award")})
        if awarded_to.pk == demand.buyer_id:
            raise ValidationError({"awarded_to": _("the buyer cannot supply itself")})
        winner, _created = DemandCandidate.objects.get_or_create(
            demand=demand, supplier=awarded_to, defaults={"status": CandidateStatus.AWARDED}
        )
        winner.status = CandidateStatus.AWARDED
        winner.save()
    elif awarded_to is not None:
        raise ValidationError({"awarded_to": _("only an awarded demand names a supplier")})
    for candidate in demand.candidates.exclude(status=CandidateStatus.AWARDED):
        if candidate.status != CandidateStatus.NOT_SELECTED:
            candidate.status = CandidateStatus.NOT_SELECTED
            candidate.save()
    demand.status = outcome
    demand.awarded_to = awarded_to
    demand.result_note = (note or "")[:500]
    demand.closed_on = on or timezone.localdate()
    demand.save()
    return demand


# ---------------------------------------------------------------------------------------------
# Search and the index


def search(*, user, query: str, **options):
    """One search box across enterprises, projects and demands (see searching.search)."""
    from . import searching

    return searching.search(user=user, query=query, **options)


def rebuild_search_index(*, progress=None):
    from . import index

    return index.rebuild(progress=progress)


# ---------------------------------------------------------------------------------------------
# Investment targets (targets.py does the work)


def recommend_targets(*, user, region_code: str, year: int | None = None, **options):
    from . import targets

    return targets.recommend(user=user, region_code=region_code, year=year, **options)


def create_target_lead(*, user, region_code: str, node_code: str, enterprise, year=None):
    from . import targets

    return targets.create_lead(
        user=user, region_code=region_code, node_code=node_code, enterprise=enterprise, year=year
    )

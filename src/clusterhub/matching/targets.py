"""Investment-target recommendation (招商目标): for each gap of the chain analytics in a region,
the enterprises outside it that could fill the gap, ranked, with the reasons.

Input: the gap list of `chain.services.chain_report` (missing, weak and single-source nodes in the
region and year, with the value bought from outside: the unmet value). For each gap node the
candidates are enterprises that do not already make the node inside the region and that either
supply it (to any OEM, in the last three years) or have a capability for it. Score out of 100:

- return (40): value they sell this node to the region's OEMs from outside, as a share of the
  unmet value: what would "return" if they produced here (FAW's "six returns");
- other OEMs (20): value they sell this node to OEMs elsewhere (proven supplier, larger market);
- capability (10): a recorded capability for the node;
- size (10), growth (10: their sales of the node this year against two years before, doubling
  earns all), NEV relevance (10: a new-energy node and a company active in new-energy parts).

Values come from supply links the user may view (restrict), enterprises likewise: a target list
never names a company or a sale the user could not open.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from clusterhub.core.units import format_yuan

from .ranking import SIZE_SCORE, UNKNOWN_SIZE, visible

TARGET_WEIGHTS = {
    "return": 40,
    "other": 20,
    "capability": 10,
    "size": 10,
    "growth": 10,
    "nev": 10,
}
GAP_CLASSES = ("missing", "weak", "single_source")
OTHER_FULL_YUAN = 1_000_000_000
YEARS_BACK = 2
MIN_GAP_DEPTH = 2  # part families and parts, not whole segments or systems


class TargetsNotReady(RuntimeError):
    """The chain analytics has no snapshot yet; one has been requested."""


@dataclass
class Target:
    enterprise: object
    score: float
    return_value: Decimal
    other_value: Decimal
    growth: float | None
    has_capability: bool
    nev: bool
    reasons: list[str] = field(default_factory=list)
    factors: dict[str, float] = field(default_factory=dict)
    rank: int = 0

    def as_dict(self) -> dict:
        e = self.enterprise
        return {
            "rank": self.rank,
            "score": round(self.score, 1),
            "enterprise": {
                "public_id": e.public_id,
                "name": e.name,
                "name_en": e.name_en,
                "kind": e.kind,
                "size": e.size,
                "home_region": e.home_region.code if e.home_region_id else None,
                "home_region_name": e.home_region.name if e.home_region_id else None,
            },
            "return_value": str(self.return_value.quantize(Decimal("0.01"))),
            "other_value": str(self.other_value.quantize(Decimal("0.01"))),
            "growth": None if self.growth is None else round(self.growth, 3),
            "has_capability": self.has_capability,
            "nev": self.nev,
            "reasons": self.reasons,
            "factors": {k: round(v, 1) for k, v in self.factors.items()},
        }


@dataclass
class Gap:
    node: object
    gap_class: str
    class_label: str
    unmet: Decimal
    value_total: Decimal
    rate: float | None
    reason: str
    targets: list[Target] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "node": {
                "code": self.node.code,
                "name": self.node.name,
                "name_en": self.node.name_en,
                "is_nev": self.node.is_nev,
            },
            "gap_class": self.gap_class,
            "class_label": self.class_label,
            "unmet": str(self.unmet),
            "value_total": str(self.value_total),
            "rate": self.rate,
            "reason": self.reason,
            "targets": [t.as_dict() for t in self.targets],
        }


@dataclass
class TargetList:
    region: object
    year: int | None
    gaps: list[Gap] = field(default_factory=list)
    state: str = "ok"  # ok | not_ready | no_gaps
    message: str = ""

    def as_dict(self) -> dict:
        return {
            "region": {"code": self.region.code, "name": self.region.name},
            "year": self.year,
            "state": self.state,
            "message": self.message,
            "weights": TARGET_WEIGHTS,
            "gaps": [g.as_dict() for g in self.gaps],
        }


def _region(code: str):
    from clusterhub.geo.models import Region

    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ValidationError({"region": _("unknown region code “%(code)s”") % {"code": code}})
    return region


def gap_report(*, user, region_code: str, year: int | None, compute_if_missing: bool) -> dict:
    """The chain analytics' report for the region (its `gaps` are the input here)."""
    from clusterhub.chain import services as chain_services

    try:
        return chain_services.chain_report(
            user=user, region_code=region_code, year=year, compute_if_missing=compute_if_missing
        )
    except chain_services.AnalyticsNotReady:
        raise TargetsNotReady
    except chain_services.AnalyticsError as error:
        raise ValidationError({"region": str(error)})


def recommend(
    *,
    user,
    region_code: str,
    year: int | None = None,
    node_code: str | None = None,
    classes=GAP_CLASSES,
    per_gap: int = 10,
    max_gaps: int = 30,
    min_depth: int = MIN_GAP_DEPTH,
    compute_if_missing: bool = False,
) -> TargetList:
    """Target lists for the region's gaps (or one node's gap), best targets first."""
    from clusterhub.chain.models import ChainNode

    region = _region(region_code)
    answer = TargetList(region=region, year=year)
    try:
        report = gap_report(
            user=user, region_code=region.code, year=year, compute_if_missing=compute_if_missing
        )
    except TargetsNotReady:
        answer.state = "not_ready"
        answer.message = _(
            "The chain analytics is being computed; the target lists appear when it is ready."
        )
        return answer
    answer.year = report.get("year")
    nodes = {n.code: n for n in ChainNode._base_manager.all()}
    gaps = []
    for row in report.get("gaps", []):
        node = nodes.get(row["code"])
        if node is None or row["class"] not in classes:
            continue
        if node_code:
            if row["code"] != node_code:
                continue
        elif node.depth < min_depth:
            continue
        gaps.append(
            Gap(
                node=node,
                gap_class=row["class"],
                class_label=str(row.get("class_label") or row["class"]),
                unmet=Decimal(str(row["unmet"])),
                value_total=Decimal(str(row["value_total"])),
                rate=row.get("rate_value"),
                reason=row.get("reason", ""),
            )
        )
    gaps = gaps[:max_gaps]
    if not gaps:
        answer.state = "no_gaps"
        answer.message = (
            _("%(node)s is not a gap in %(region)s this year.")
            % {
                "node": nodes[node_code].display_name if node_code in nodes else node_code,
                "region": region.display_name,
            }
            if node_code
            else _("No missing, weak or single-source links in %(region)s this year.")
            % {"region": region.display_name}
        )
        return answer
    if answer.year is not None:
        _fill_targets(
            gaps, region=region, year=answer.year, user=user, per_gap=per_gap, nodes=nodes
        )
    answer.gaps = gaps
    return answer


def _fill_targets(gaps, *, region, year: int, user, per_gap: int, nodes: dict) -> None:
    from clusterhub.chain.models import SupplyLink
    from clusterhub.enterprises.models import Capability, Enterprise

    nev_nodes = {n.pk for n in nodes.values() if n.is_nev}

    def subtree(node) -> set[int]:
        return {n.pk for n in nodes.values() if n.path.startswith(node.path)}

    wanted = {gap.node.pk: subtree(gap.node) for gap in gaps}
    all_nodes = set().union(*wanted.values())
    links = (
        visible(SupplyLink.objects.all(), user)
        .filter(
            year__gte=year - YEARS_BACK,
            year__lte=year,
            annual_value__isnull=False,
            chain_node_id__in=all_nodes,
        )
        .annotate(
            buy_path=Coalesce("customer_site__region__path", "customer__home_region__path"),
            sup_path=Coalesce("supplier_site__region__path", "supplier__home_region__path"),
        )
        .values(
            "supplier_id",
            "customer__kind",
            "chain_node_id",
            "year",
            "annual_value",
            "buy_path",
            "sup_path",
        )
    )
    link_rows = list(links)
    capabilities = list(
        visible(Capability.objects.all(), user)
        .filter(chain_node_id__in=all_nodes | nev_nodes)
        .values("site__enterprise_id", "chain_node_id", "site__region__path")
    )
    nev_active = {c["site__enterprise_id"] for c in capabilities if c["chain_node_id"] in nev_nodes}
    nev_active |= set(
        visible(SupplyLink.objects.all(), user)
        .filter(chain_node_id__in=nev_nodes, year__gte=year - YEARS_BACK)
        .values_list("supplier_id", flat=True)
        .distinct()
    )
    inside = region.path
    candidate_ids: set[int] = set()
    per_gap_stats = {}
    for gap in gaps:
        nodes_here = wanted[gap.node.pk]
        local_makers = {
            c["site__enterprise_id"]
            for c in capabilities
            if c["chain_node_id"] in nodes_here
            and (c["site__region__path"] or "").startswith(inside)
        }
        stats = defaultdict(
            lambda: {
                "return": Decimal(0),
                "other": Decimal(0),
                "now": Decimal(0),
                "before": Decimal(0),
                "capability": False,
            }
        )
        for row in link_rows:
            if row["chain_node_id"] not in nodes_here:
                continue
            supplier = row["supplier_id"]
            produced_inside = (row["sup_path"] or "").startswith(inside)
            if produced_inside:
                local_makers.add(supplier)
                continue
            value = Decimal(row["annual_value"])
            s = stats[supplier]
            if row["year"] == year:
                s["now"] += value
                if row["customer__kind"] == "oem":
                    if (row["buy_path"] or "").startswith(inside):
                        s["return"] += value
                    else:
                        s["other"] += value
            elif row["year"] == year - YEARS_BACK:
                s["before"] += value
        for c in capabilities:
            if c["chain_node_id"] in nodes_here and not (c["site__region__path"] or "").startswith(
                inside
            ):
                stats[c["site__enterprise_id"]]["capability"] = True
        for maker in local_makers:
            stats.pop(maker, None)
        per_gap_stats[gap.node.pk] = stats
        candidate_ids.update(stats)
    enterprises = {
        e.pk: e
        for e in visible(Enterprise.objects.all(), user)
        .filter(pk__in=candidate_ids)
        .exclude(kind="oem")
        .select_related("home_region")
    }
    for gap in gaps:
        targets = []
        for enterprise_id, s in per_gap_stats[gap.node.pk].items():
            enterprise = enterprises.get(enterprise_id)
            if enterprise is None:
                continue
            targets.append(_score(gap, enterprise, s, nev=enterprise_id in nev_active))
        targets.sort(key=lambda t: (-t.score, t.enterprise.name))
        for position, target in enumerate(targets[:per_gap], start=1):
            target.rank = position
        gap.targets = targets[:per_gap]


def _score(gap: Gap, enterprise, s: dict, *, nev: bool) -> Target:
    w = TARGET_WEIGHTS
    reasons = []
    factors = {}
    unmet = gap.unmet if gap.unmet > 0 else Decimal(1)
    share = min(1.0, float(s["return"] / unmet)) if s["return"] else 0.0
    factors["return"] = w["return"] * math.sqrt(share)
    if s["return"]:
        reasons.append(
            _(
                "Sells %(value)s of %(node)s a year to this region's OEMs from outside: %(share).0f%% of the unmet value would return."
            )
            % {
                "value": format_yuan(s["return"]),
                "node": gap.node.display_name,
                "share": share * 100,
            }
        )
    other = float(s["other"])
    factors["other"] = w["other"] * (
        min(1.0, math.log10(1 + other / 1e5) / math.log10(1 + OTHER_FULL_YUAN / 1e5))
        if other
        else 0.0
    )
    if other:
        reasons.append(
            _("Supplies %(node)s to OEMs elsewhere (%(value)s a year).")
            % {"node": gap.node.display_name, "value": format_yuan(s["other"])}
        )
    factors["capability"] = w["capability"] if s["capability"] else 0.0
    if s["capability"]:
        reasons.append(
            _("Has a recorded capability for %(node)s.") % {"node": gap.node.display_name}
        )
    factors["size"] = w["size"] * SIZE_SCORE.get(enterprise.size, UNKNOWN_SIZE)
    if enterprise.size:
        reasons.append(_("%(size)s enterprise.") % {"size": enterprise.get_size_display()})
    growth = None
    if s["before"] > 0:
        growth = float(s["now"] / s["before"]) - 1
        factors["growth"] = w["growth"] * max(0.0, min(1.0, growth))
        if growth > 0:
            reasons.append(
                _("Its sales of this part grew %(growth).0f%% in two years.")
                % {"growth": growth * 100}
            )
    else:
        factors["growth"] = w["growth"] * 0.5 if s["now"] > 0 else 0.0
        if s["now"] > 0:
            reasons.append(_("A new supplier of this part in the last two years."))
    if nev:
        factors["nev"] = w["nev"] if gap.node.is_nev else w["nev"] / 2
        reasons.append(_("Active in new-energy vehicle parts."))
    else:
        factors["nev"] = 0.0
    return Target(
        enterprise=enterprise,
        score=sum(factors.values()),
        return_value=s["return"],
        other_value=s["other"],
        growth=growth,
        has_capability=s["capability"],
        nev=nev,
        reasons=reasons,
        factors=factors,
    )


# ---------------------------------------------------------------------------------------------
# From a target to a project lead


def create_lead(*, user, region_code: str, node_code: str, enterprise, year: int | None = None):
    """Turn a target into an investment project lead whose origin is this gap. Returns
    (project, created): an existing lead for the same company, node and region is returned."""
    from clusterhub.chain.models import ChainNode
    from clusterhub.core.access import get_access
    from clusterhub.projects.choices import OriginKind
    from clusterhub.projects.models import Project
    from clusterhub.projects.services import create_project

    region = _region(region_code)
    node = ChainNode._base_manager.filter(code=(node_code or "").strip()).first()
    if node is None:
        raise ValidationError({"node": _("unknown chain node “%(code)s”") % {"code": node_code}})
    existing = Project.objects.filter(
        investor=enterprise,
        origin_kind=OriginKind.GAP,
        origin_chain_node=node,
        origin_region=region,
    )
    if user is not None:
        existing = existing.restrict(user, "view")
    project = existing.order_by("pk").first()
    if project is not None:
        return project, False
    signing_region = None
    if region.level in ("prefecture", "county", "dev_zone"):
        access = get_access(user) if user is not None else None
        if access is None or access.is_data_steward() or access.covers_region(region, "add"):
            signing_region = region
    name = _("%(enterprise)s: %(node)s for %(region)s") % {
        "enterprise": enterprise.short_name or enterprise.name,
        "node": node.name,
        "region": region.name,
    }
    project = create_project(
        user=user,
        name=name[:200],
        investor=enterprise,
        origin_kind=OriginKind.GAP,
        origin_chain_node=node,
        origin_region=region,
        origin_reference=_("Target list %(region)s %(year)s")
        % {"region": region.code, "year": year or ""},
        chain_nodes=[node],
        signing_region=signing_region,
        description=_("Recommended on the target list for the %(node)s gap in %(region)s.")
        % {"node": node.name, "region": region.name},
        source="matching target list",
    )
    return project, True


# ---------------------------------------------------------------------------------------------
# The target list as a spreadsheet (招商目标清单)


def export_rows(target_list: TargetList) -> list[dict]:
    rows = []
    for gap in target_list.gaps:
        for target in gap.targets or [None]:
            e = target.enterprise if target else None
            rows.append(
                {
                    "node": gap.node.name,
                    "node_code": gap.node.code,
                    "class": gap.class_label,
                    "unmet": gap.unmet,
                    "rank": target.rank if target else None,
                    "name": e.name if e else _("No candidate found"),
                    "name_en": e.name_en if e else "",
                    "region": e.home_region.name if e and e.home_region_id else "",
                    "size": e.get_size_display() if e else "",
                    "return_value": target.return_value if target else None,
                    "other_value": target.other_value if target else None,
                    "growth": None
                    if not target or target.growth is None
                    else round(target.growth * 100, 1),
                    "nev": (_("yes") if target.nev else _("no")) if target else "",
                    "score": round(target.score, 1) if target else None,
                    "reasons": "；".join(target.reasons) if target else "",
                }
            )
    return rows


def export_xlsx_bytes(target_list: TargetList) -> bytes:
    from clusterhub.tabular.export import ExportColumn, xlsx_bytes

    columns = [
        ExportColumn("缺口环节", "Gap: chain node", "node", width=18),
        ExportColumn("环节代码", "Node code", "node_code", width=16),
        ExportColumn("缺口类型", "Gap class", "class", width=12),
        ExportColumn("外购金额", "Bought from outside", "unmet", unit="万元"),
        ExportColumn("推荐排名", "Rank", "rank", width=8),
        ExportColumn("目标企业", "Target enterprise", "name", width=36),
        ExportColumn("英文名称", "English name", "name_en", width=36),
        ExportColumn("所在地", "Located in", "region", width=12),
        ExportColumn("规模", "Size", "size", width=8),
        ExportColumn(
            "向本地整车厂供货", "Sales to this region's OEMs", "return_value", unit="万元"
        ),
        ExportColumn("向其他整车厂供货", "Sales to other OEMs", "other_value", unit="万元"),
        ExportColumn("两年增长（%）", "Growth in two years (%)", "growth", width=10),
        ExportColumn("新能源相关", "NEV relevant", "nev", width=8),
        ExportColumn("得分", "Score", "score", width=8),
        ExportColumn("推荐理由", "Reasons", "reasons", width=80),
    ]
    title = _("Investment target list: %(region)s, %(year)s") % {
        "region": target_list.region.display_name,
        "year": target_list.year or "",
    }
    return xlsx_bytes(export_rows(target_list), columns, "招商目标清单", title=title)

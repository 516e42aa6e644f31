"""The XLSX export of a filtered project list. Its headers are the importer's, so an exported
list can be edited in Excel and imported back (the project code is the key)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from clusterhub.chain.models import ChainNode
from clusterhub.tabular.export import ExportColumn, export_xlsx


def _names(users):
    return users.get_username() if users else ""


COLUMNS = [
    ExportColumn("项目编号", "Project code", "code", width=18),
    ExportColumn("项目名称", "Project name", "name", width=36),
    ExportColumn("英文名称", "English name", "name_en", width=30),
    ExportColumn("投资方", "Investor", "investor.name", width=32),
    ExportColumn("统一社会信用代码", "Credit code", "investor.credit_code", width=22),
    ExportColumn(
        "产业链环节",
        "Chain nodes",
        lambda p: "；".join(node.code for node in p.chain_nodes.all()),
    ),
    ExportColumn(
        "产业链板块", "Chain segment", lambda p: p.get_segment_display() if p.segment else ""
    ),
    ExportColumn("项目来源", "Origin", lambda p: p.get_origin_kind_display()),
    ExportColumn("来源说明", "Origin reference", "origin_reference"),
    ExportColumn(
        "签约地", "Signing city", lambda p: p.signing_region.code if p.signing_region else ""
    ),
    ExportColumn(
        "落地地区", "Landing area", lambda p: p.landing_region.code if p.landing_region else ""
    ),
    ExportColumn(
        "落地园区", "Landing park", lambda p: p.landing_park.code if p.landing_park else ""
    ),
    ExportColumn("计入城市", "Counted for city", lambda p: p.city.name if p.city else ""),
    ExportColumn("项目阶段", "Stage", lambda p: p.get_stage_display()),
    ExportColumn("计划投资", "Planned investment", "planned_investment", unit="亿元", places=4),
    ExportColumn("合同金额", "Contract amount", "contract_amount", unit="亿元", places=4),
    ExportColumn("到位资金", "Funds arrived", "funds_arrived", unit="亿元", places=4),
    ExportColumn(
        "固定资产投资", "Fixed-asset investment", "fixed_asset_investment", unit="亿元", places=4
    ),
    ExportColumn(
        "预计年产值", "Expected annual output", "expected_annual_output", unit="亿元", places=4
    ),
    ExportColumn("带动就业", "Jobs", "jobs"),
    ExportColumn("线索日期", "Lead date", "lead_on"),
    ExportColumn("签约日期", "Signed on", "signed_on"),
    ExportColumn("开工日期", "Started on", "started_on"),
    ExportColumn("投产日期", "Operating since", "operating_on"),
    ExportColumn("项目地址", "Site address", "site_address", width=30),
    ExportColumn("包保领导", "Owner official", lambda p: _names(p.owner)),
    ExportColumn("项目秘书", "Project secretary", lambda p: _names(p.secretary)),
    ExportColumn("密级", "Confidentiality", lambda p: p.get_confidentiality_display()),
    ExportColumn("停滞或终止原因", "Stall or drop reason", "stage_reason"),
    ExportColumn("模拟数据", "Synthetic", "is_synthetic"),
]


def export_projects(queryset, *, user):
    """`queryset` is already restricted and filtered by the caller (the list view or the API)."""
    rows = (
        queryset.restrict(user, "view")
        .select_related(
            "investor",
            "signing_region",
            "landing_region",
            "landing_park",
            "city",
            "owner",
            "secretary",
        )
        .prefetch_related(Prefetch("chain_nodes", queryset=ChainNode.objects.only("code")))
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return export_xlsx(rows, COLUMNS, "招商项目", filename=f"projects-{stamp}")

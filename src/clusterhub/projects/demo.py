"""Demo projects: the 2021-10-19 conference's 18 signed projects (RMB 21.0 billion in all, over the
six conference cities), a seeded synthetic history of several hundred projects in every stage
since 2020, promotion activities, monthly output reports and targets for 2021-2026.

What is real: the conference (2021-10-19, Changchun), its 18 signed key projects, their total of
RMB 21 billion and the six presenting cities (en.changchun.gov.cn 2021-10-21). What is not known
and therefore illustrative: each project's name, investor and amount, and everything after the
signing; every record here is marked synthetic (`is_synthetic=True`).

`load_project_demo()` runs after the base demo (it takes investors from the enterprise registry
and owners from the demo's city officers). It is deterministic for a seed and idempotent: a
second run finds the projects and writes nothing; `reset=True` deletes the demo's projects,
activities, output reports and targets first.

For the events app: the conference projects have the stable codes CONFERENCE_CODES
("CC2021-1019-01" .. "CC2021-1019-18") and origin_reference CONFERENCE_REFERENCE.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clusterhub.chain.models import ChainNode
from clusterhub.core.changelog import log_bulk_create
from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.models import Enterprise
from clusterhub.geo.models import Park, Region

from .choices import PIPELINE, ActivityKind, Metric, OriginKind, ProblemStatus, ScopeKind, Stage
from .models import (
    Activity,
    FundsArrival,
    Milestone,
    OutputReport,
    Problem,
    Project,
    StageEvent,
    Target,
)

DEFAULT_SEED = 20211019
YI = Decimal(100_000_000)
CONFERENCE_DATE = datetime.date(2021, 10, 19)
CONFERENCE_REFERENCE = (
    "2021-10-19 长春汽车产业集群姊妹城市推介会 "
    "(Conference for the Promotion of Sister Cities of Changchun Auto Clusters)"
)
CONFERENCE_SOURCE = (
    "18 projects and RMB 21 bn in all: en.changchun.gov.cn 2021-10-21; names, investors and the "
    "split by project are illustrative"
)
SYNTHETIC_SOURCE = "synthetic demo data"
CONFERENCE_CODES = [f"CC2021-1019-{n:02d}" for n in range(1, 19)]

# (city code, name, investor kinds, chain node prefix, amount in 亿元); the amounts add up to
# exactly 210亿元. Names follow each city's role in the chain (FACTS.md).
CONFERENCE_PROJECTS = [
    ("220100", "红旗新能源整车配套座舱模块项目", "tier1", "PRT.INT", "35"),
    ("220100", "新能源汽车电驱动总成项目", "tier1", "PRT.NEV", "28"),
    ("220100", "智能网联汽车域控制器项目", "tier1", "PRT.ICV", "22"),
    ("220100", "轻量化铝合金底盘结构件项目", "tier1", "PRT.CHS", "18"),
    ("220100", "汽车热管理系统项目", "tier2", "PRT.PWT", "12"),
    ("220100", "整车物流与零部件循环取货中心项目", "logistics", "SVC.LOG", "9.5"),
    ("220200", "汽车用碳纤维复合材料项目", "raw_material", "MAT.CHM", "15"),
    ("220200", "车用电子元器件产业园项目", "tier2", "PRT.EE", "10"),
    ("220200", "动力电池正极材料项目", "raw_material", "MAT.CHM", "6.5"),
    ("220300", "专用车及改装车生产基地项目", "oem", "VEH.SPV", "12"),
    ("220300", "长春—四平共建汽车零部件产业园项目", "tier2", "PRT.BDY", "8"),
    ("220300", "商用车转向系统扩能项目", "tier1", "PRT.CHS", "5"),
    ("220400", "汽车用铝合金型材项目", "raw_material", "MAT.ALU", "6"),
    ("220400", "汽车线束及连接器项目", "tier2", "PRT.EE", "4"),
    ("220700", "油气化工汽车新材料项目", "raw_material", "MAT.CHM", "7"),
    ("220700", "汽车轮胎橡胶助剂项目", "raw_material", "MAT.TYR", "3.5"),
    ("220800", "风光制氢及氢燃料电池客车配套项目", "tier1", "PRT.NEV", "5.5"),
    ("220800", "新能源汽车零部件再制造项目", "service", "SVC.AFM", "3"),
]
# Where the conference projects stand today (index into CONFERENCE_PROJECTS -> stage).
CONFERENCE_STAGES = [
    Stage.OPERATING,
    Stage.OPERATING,
    Stage.STARTED,
    Stage.OPERATING,
    Stage.OPERATING,
    Stage.OPERATING,
    Stage.STARTED,
    Stage.OPERATING,
    Stage.STALLED,
    Stage.OPERATING,
    Stage.STARTED,
    Stage.OPERATING,
    Stage.OPERATING,
    Stage.SIGNED,
    Stage.STARTED,
    Stage.OPERATING,
    Stage.STARTED,
    Stage.SIGNED,
]

# Synthetic history: share of projects per city (Changchun leads the cluster).
CITY_WEIGHTS = {
    "220100": 46,
    "220200": 13,
    "220300": 10,
    "220400": 6,
    "220500": 4,
    "220600": 3,
    "220700": 7,
    "220800": 6,
    "222400": 5,
}
CITY_ROLE_NODES = {
    "220100": ["VEH.PCN", "VEH.PCI", "PRT.NEV", "PRT.ICV", "PRT.INT", "PRT.CHS", "PRT.PWT"],
    "220200": ["MAT.CHM", "PRT.EE", "PRT.NEV", "MAT.ALU"],
    "220300": ["VEH.SPV", "PRT.CHS", "PRT.BDY", "VEH.CV"],
    "220400": ["MAT.ALU", "PRT.EE", "MAT.STL"],
    "220700": ["MAT.CHM", "MAT.TYR", "PRT.NEV"],
    "220800": ["PRT.NEV", "VEH.CV", "SVC.AFM"],
}
NAME_PARTS = {
    "vehicles": ["整车扩能", "新能源整车", "专用车", "商用车改装"],
    "parts": ["零部件", "总成", "模块", "系统", "精密件", "结构件"],
    "materials": ["新材料", "原材料", "复合材料", "型材"],
    "services": ["服务中心", "检测中心", "物流中心", "研发中心"],
}
STALL_REASONS = [
    "土地指标未落实",
    "环评审批未通过",
    "投资方资金链紧张",
    "配套电力设施未到位",
    "主机厂订单调整",
]
DROP_REASONS = ["投资方转投外省", "项目论证不可行", "企业经营战略调整"]
MILESTONES = ["完成项目备案", "取得土地证", "完成环评批复", "厂房封顶", "设备进场", "试生产"]
PROBLEMS = ["用地手续办理慢", "电力增容需协调", "人才招聘困难", "配套道路未建成", "融资需协调"]
# Monthly output in 2020 per city and segment (亿元), grown every year (synthetic).
OUTPUT_BASE = {
    "220100": {"vehicles": 420, "parts": 110, "services": 28},
    "220200": {"vehicles": 6, "parts": 14, "services": 3},
    "220300": {"vehicles": 9, "parts": 7, "services": 2},
    "220400": {"vehicles": 0, "parts": 4, "services": 1},
    "220700": {"vehicles": 0, "parts": 3, "services": 1},
    "220800": {"vehicles": 2, "parts": 2, "services": 1},
}


class DemoError(RuntimeError):
    pass


def _demo_projects():
    return Project.objects.filter(is_synthetic=True)


def reset_project_demo() -> None:
    """Delete the demo's projects and what hangs on them (logged, like any delete)."""
    for project in _demo_projects():
        project.delete()
    Activity.objects.filter(is_synthetic=True).delete()
    OutputReport.objects.filter(is_synthetic=True).delete()
    Target.objects.filter(note=SYNTHETIC_SOURCE).delete()


class _Builder:
    def __init__(self, seed: int, today: datetime.date):
        self.rng = random.Random(seed)
        self.today = today
        self.now = timezone.now()
        self.regions = {r.code: r for r in Region.objects.all()}
        by_pk = {r.pk: r for r in self.regions.values()}
        self.counties = defaultdict(list)
        for region in self.regions.values():
            if region.level == "county" and region.parent_id in by_pk:
                self.counties[by_pk[region.parent_id].code].append(region)
        for values in self.counties.values():
            values.sort(key=lambda r: r.code)
        self.parks = defaultdict(list)
        for park in Park.objects.select_related("region").order_by("code"):
            self.parks[park.region.code].append(park)
        self.nodes = {n.code: n for n in ChainNode.objects.all()}
        # "PRT.NEV" -> the node and the nodes under it.
        self.leaf_nodes = defaultdict(list)
        for node in sorted(self.nodes.values(), key=lambda n: n.path):
            parts = node.code.split(".")
            if len(parts) >= 2:
                self.leaf_nodes[".".join(parts[:2])].append(node)
        enterprises = Enterprise.objects.filter(home_region__isnull=False).select_related(
            "home_region"
        )
        self.investors = defaultdict(list)
        for enterprise in sorted(enterprises, key=lambda e: (e.kind, e.name)):
            self.investors[enterprise.kind].append(enterprise)
        if not self.investors:
            raise DemoError("load the base demo first: there are no enterprises")
        users = get_user_model().objects.filter(
            username__in=[*CITY_USERS.values(), "province", "province_viewer"]
        )
        self.users = {u.username: u for u in users}
        self.projects: list[Project] = []
        self.events: list[StageEvent] = []
        self.nodes_of: list[tuple[Project, list[ChainNode]]] = []
        self.funds: list[FundsArrival] = []
        self.milestones: list[Milestone] = []
        self.problems: list[Problem] = []

    # -- helpers --
    def owner(self, city_code: str):
        return self.users.get(CITY_USERS.get(city_code, ""))

    def investor(self, kind: str):
        pool = (
            self.investors.get(kind)
            or self.investors.get("tier1")
            or next(iter(self.investors.values()))
        )
        return self.rng.choice(pool)

    def county(self, city_code: str):
        counties = self.counties.get(city_code)
        return self.rng.choice(counties) if counties else self.regions[city_code]

    def node(self, prefix: str):
        nodes = self.leaf_nodes.get(prefix) or [n for c, n in self.nodes.items() if c == prefix]
        return self.rng.choice(nodes) if nodes else None

    def event(self, project, from_stage, to_stage, on, reason=""):
        owner = project.owner
        self.events.append(
            StageEvent(
                project=project,
                from_stage=from_stage,
                to_stage=to_stage,
                at=datetime.datetime.combine(on, datetime.time(10), tzinfo=datetime.UTC)
                if on < self.today
                else self.now,
                on=on,
                user=owner,
                user_name=owner.get_username() if owner else "",
                source="import",
                reason=reason,
            )
        )

    def walk(self, project, stages_with_dates, final_reason=""):
        """Record the stage events and dates of a project's history."""
        previous = ""
        for stage, day in stages_with_dates:
            reason = final_reason if stage in (Stage.STALLED, Stage.DROPPED) else ""
            self.event(project, previous, stage, day, reason)
            if stage == Stage.SIGNED:
                project.signed_on = day
            elif stage == Stage.STARTED:
                project.started_on = day
            elif stage == Stage.OPERATING:
                project.operating_on = day
            if stage == Stage.STALLED:
                project.stalled_from = previous
            previous = stage
        project.stage = previous
        last_day = stages_with_dates[-1][1]
        changed = datetime.datetime.combine(last_day, datetime.time(10), tzinfo=datetime.UTC)
        project.stage_changed_at = min(changed, self.now)
        if previous in (Stage.STALLED, Stage.DROPPED):
            project.stage_reason = final_reason

    def add_money(self, project, amount_yi: Decimal):
        amount = (amount_yi * YI).quantize(Decimal("0.01"))
        project.planned_investment = (amount * Decimal("1.1")).quantize(Decimal("0.01"))
        if project.signed_on:
            project.contract_amount = amount
            share = {
                Stage.SIGNED: 0.1,
                Stage.STARTED: 0.45,
                Stage.OPERATING: 0.85,
                Stage.STALLED: 0.2,
                Stage.DROPPED: 0.05,
            }[project.stage]
            arrived = amount * Decimal(str(share)) * Decimal(str(self.rng.uniform(0.7, 1.1)))
            arrived = arrived.quantize(Decimal("0.01"))
            if arrived > 0:
                # Two arrivals: after signing and after the start (or now).
                first_on = min(project.signed_on + datetime.timedelta(days=60), self.today)
                second_on = min(
                    (project.started_on or project.signed_on) + datetime.timedelta(days=150),
                    self.today,
                )
                half = (arrived / 2).quantize(Decimal("0.01"))
                self.funds.append(FundsArrival(project=project, on=first_on, amount=half))
                self.funds.append(
                    FundsArrival(project=project, on=second_on, amount=arrived - half)
                )
                project.funds_arrived = arrived
            if project.started_on:
                project.fixed_asset_investment = (arrived * Decimal("0.8")).quantize(
                    Decimal("0.01")
                )
        project.expected_annual_output = (
            amount * Decimal(str(self.rng.uniform(0.8, 2.0)))
        ).quantize(Decimal("0.01"))
        project.jobs = int(float(amount_yi) * self.rng.uniform(20, 60)) + 20

    def follow_up(self, project):
        """Milestones and problems for projects under way; some late, as in real life."""
        if project.stage not in (Stage.SIGNED, Stage.STARTED, Stage.STALLED):
            return
        base = project.started_on or project.signed_on or project.lead_on
        for index, title in enumerate(self.rng.sample(MILESTONES, 3)):
            due = base + datetime.timedelta(days=90 * (index + 1))
            done = (
                due - datetime.timedelta(days=5)
                if due < self.today and self.rng.random() < 0.7
                else None
            )
            self.milestones.append(
                Milestone(
                    project=project, title=title, due_on=due, done_on=done, owner=project.owner
                )
            )
        if self.rng.random() < 0.45:
            raised = min(base + datetime.timedelta(days=30), self.today)
            due = raised + datetime.timedelta(days=self.rng.randint(20, 120))
            resolved = self.rng.random() < 0.5 and due < self.today
            self.problems.append(
                Problem(
                    project=project,
                    description=self.rng.choice(PROBLEMS),
                    owner=project.owner,
                    raised_on=raised,
                    due_on=due,
                    status=ProblemStatus.RESOLVED if resolved else ProblemStatus.OPEN,
                    resolution="已协调解决" if resolved else "",
                    resolved_on=due if resolved else None,
                )
            )

    def new_project(
        self, *, code, name, city_code, investor, node, origin_kind, reference, lead_on
    ):
        landing = self.county(city_code)
        parks = self.parks.get(city_code) or []
        park = self.rng.choice(parks) if parks and self.rng.random() < 0.6 else None
        owner = self.owner(city_code)
        project = Project(
            code=code,
            name=name,
            investor=investor,
            segment=node.segment if node else "",
            origin_kind=origin_kind,
            origin_reference=reference,
            origin_chain_node=node if origin_kind == OriginKind.GAP else None,
            origin_region=self.regions[city_code] if origin_kind == OriginKind.GAP else None,
            signing_region=self.regions[city_code],
            landing_region=landing,
            landing_park=park,
            site_address=f"{landing.name}{self.rng.randint(1, 999)}号",
            owner=owner,
            lead_on=lead_on,
            source=SYNTHETIC_SOURCE,
            is_synthetic=True,
        )
        project.derive_location(self.regions)
        self.projects.append(project)
        self.nodes_of.append((project, [node] if node else []))
        return project

    # -- the two sets --
    def conference(self):
        for index, (city, name, kind, prefix, amount) in enumerate(CONFERENCE_PROJECTS):
            node = self.node(prefix)
            lead_on = CONFERENCE_DATE - datetime.timedelta(days=self.rng.randint(120, 300))
            project = self.new_project(
                code=CONFERENCE_CODES[index],
                name=name,
                city_code=city,
                investor=self.investor(kind),
                node=node,
                origin_kind=OriginKind.EVENT,
                reference=CONFERENCE_REFERENCE,
                lead_on=lead_on,
            )
            project.source = CONFERENCE_SOURCE
            project.confidentiality = Confidentiality.PUBLIC
            target = CONFERENCE_STAGES[index]
            path = [
                (Stage.LEAD, lead_on),
                (Stage.NEGOTIATING, lead_on + datetime.timedelta(days=45)),
                (Stage.SIGNED, CONFERENCE_DATE),
            ]
            started = CONFERENCE_DATE + datetime.timedelta(days=self.rng.randint(150, 330))
            if target in (Stage.STARTED, Stage.OPERATING):
                path.append((Stage.STARTED, started))
            if target == Stage.OPERATING:
                path.append(
                    (Stage.OPERATING, started + datetime.timedelta(days=self.rng.randint(300, 600)))
                )
            reason = ""
            if target == Stage.STALLED:
                path.append((Stage.STALLED, CONFERENCE_DATE + datetime.timedelta(days=400)))
                reason = STALL_REASONS[0]
            self.walk(project, path, reason)
            self.add_money(project, Decimal(amount))
            self.follow_up(project)

    def history(self, count: int):
        start = datetime.date(2020, 1, 1)
        span = (self.today - start).days
        cities = [c for c in CITY_WEIGHTS if c in self.regions]
        weights = [CITY_WEIGHTS[c] for c in cities]
        kinds = ["tier1", "tier1", "tier2", "tier2", "raw_material", "service", "logistics", "oem"]
        prefixes = [p for p in self.leaf_nodes if "." in p]
        origins = [
            (OriginKind.GAP, 3),
            (OriginKind.EVENT, 2),
            (OriginKind.MEETING, 2),
            (OriginKind.VISIT, 3),
            (OriginKind.REFERRAL, 2),
            (OriginKind.RECOMMENDATION, 1),
        ]
        for n in range(count):
            city = self.rng.choices(cities, weights)[0]
            # More projects in recent years: the pipeline is growing.
            lead_on = start + datetime.timedelta(days=int(span * math.sqrt(self.rng.random())))
            roles = CITY_ROLE_NODES.get(city) or prefixes or ["PRT.NEV"]
            node = self.node(self.rng.choice(roles))
            if node is None and prefixes:
                node = self.node(self.rng.choice(prefixes))
            segment = node.segment if node else "parts"
            base = node.name if node else "汽车"
            parts = [p for p in NAME_PARTS[segment] if p not in base] or ["项目"]
            name = f"{base}{self.rng.choice(parts)}项目".replace("项目项目", "项目")
            origin = self.rng.choices([o for o, _w in origins], [w for _o, w in origins])[0]
            reference = (
                f"{lead_on.year}年汽车产业招商推介会（模拟）" if origin == OriginKind.EVENT else ""
            )
            project = self.new_project(
                code=f"P{lead_on.year}-D{n + 1:04d}",
                name=name,
                city_code=city,
                investor=self.investor(self.rng.choice(kinds)),
                node=node,
                origin_kind=origin,
                reference=reference,
                lead_on=lead_on,
            )
            path = [(Stage.LEAD, lead_on)]
            day = lead_on
            reason = ""
            for stage, (low, high), chance in (
                (Stage.NEGOTIATING, (20, 90), 0.8),
                (Stage.SIGNED, (60, 240), 0.6),
                (Stage.STARTED, (90, 300), 0.75),
                (Stage.OPERATING, (240, 540), 0.7),
            ):
                nxt = day + datetime.timedelta(days=self.rng.randint(low, high))
                if nxt > self.today or self.rng.random() > chance:
                    break
                path.append((stage, nxt))
                day = nxt
            last = path[-1][0]
            roll = self.rng.random()
            recent = (self.today - day).days < 700
            if last != Stage.OPERATING and roll < 0.12 and recent:
                when = min(day + datetime.timedelta(days=self.rng.randint(30, 200)), self.today)
                path.append((Stage.STALLED, when))
                reason = self.rng.choice(STALL_REASONS)
            elif last in (Stage.LEAD, Stage.NEGOTIATING) and (roll < 0.22 or not recent):
                when = min(day + datetime.timedelta(days=self.rng.randint(30, 200)), self.today)
                path.append((Stage.DROPPED, when))
                reason = self.rng.choice(DROP_REASONS)
            self.walk(project, path, reason)
            project.confidentiality = (
                Confidentiality.CONFIDENTIAL
                if project.stage in (Stage.LEAD, Stage.NEGOTIATING)
                else Confidentiality.INTERNAL
            )
            amount = Decimal(str(round(math.exp(self.rng.gauss(1.2, 0.9)), 2)))
            self.add_money(project, max(amount, Decimal("0.3")))
            if not project.signed_on:
                project.contract_amount = None
            self.follow_up(project)

    def write(self):
        Project.objects.bulk_create(self.projects, batch_size=500)
        log_bulk_create(self.projects)
        through = Project.chain_nodes.through
        through.objects.bulk_create(
            [
                through(project_id=p.pk, chainnode_id=n.pk)
                for p, nodes in self.nodes_of
                for n in nodes
            ],
            ignore_conflicts=True,
        )
        named = Project.named_people.through
        named.objects.bulk_create(
            [named(project_id=p.pk, user_id=p.owner_id) for p in self.projects if p.owner_id],
            ignore_conflicts=True,
        )
        for collection in (self.events, self.funds, self.milestones, self.problems):
            for item in collection:
                item.project_id = item.project.pk
        StageEvent.objects.bulk_create(self.events, batch_size=2000)
        for model, items in (
            (FundsArrival, self.funds),
            (Milestone, self.milestones),
            (Problem, self.problems),
        ):
            model.objects.bulk_create(items, batch_size=1000)
            log_bulk_create(items)


CITY_USERS = {
    "220100": "changchun",
    "220200": "jilin",
    "220300": "siping",
    "220400": "liaoyuan",
    "220500": "tonghua",
    "220600": "baishan",
    "220700": "songyuan",
    "220800": "baicheng",
    "222400": "yanbian",
}


def _activities(builder: _Builder) -> list[Activity]:
    """Visits, events and meetings per city and week since 2023 (busier cities do more)."""
    rng = builder.rng
    items = []
    day = datetime.date(2023, 1, 2)
    while day <= builder.today:
        for code, weight in CITY_WEIGHTS.items():
            region = builder.regions.get(code)
            if region is None:
                continue
            scale = weight / 10
            for kind, rate in (
                (ActivityKind.VISIT, 1.2),
                (ActivityKind.MEETING, 0.8),
                (ActivityKind.EVENT, 0.08),
            ):
                lam = rate * scale * rng.uniform(0.4, 1.6)
                for _k in range(_poisson(rng, lam)):
                    on = day + datetime.timedelta(days=rng.randint(0, 6))
                    if on > builder.today:
                        continue
                    items.append(
                        Activity(
                            kind=kind,
                            on=on,
                            region=region,
                            region_path=region.path,
                            title=f"{region.name}{kind.label}（模拟）",
                            is_synthetic=True,
                        )
                    )
        day += datetime.timedelta(weeks=1)
    return items


def _poisson(rng, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _outputs(builder: _Builder) -> list[OutputReport]:
    items = []
    rng = builder.rng
    last = builder.today.replace(day=1) - datetime.timedelta(days=1)  # last full month
    for code, segments in OUTPUT_BASE.items():
        region = builder.regions.get(code)
        if region is None:
            continue
        for year in range(2020, last.year + 1):
            growth = Decimal(str(1.08 ** (year - 2020)))
            for month in range(1, 13):
                if (year, month) > (last.year, last.month):
                    break
                season = Decimal(str(0.85 + 0.3 * (month / 12) + rng.uniform(-0.04, 0.04)))
                for segment, base in segments.items():
                    if not base:
                        continue
                    value = (Decimal(base) * growth * season * YI).quantize(Decimal("0.01"))
                    items.append(
                        OutputReport(
                            region=region,
                            region_path=region.path,
                            segment=segment,
                            year=year,
                            month=month,
                            value=value,
                            source=SYNTHETIC_SOURCE,
                            is_synthetic=True,
                        )
                    )
    return items


def _targets(builder: _Builder) -> list[Target]:
    """Targets 2021-2026 from the generated history: a little above what was done (so some
    years are met and some missed), cities with their own stretch, output goals growing toward
    the trillion-level ambition."""
    from .kpis import actual_values, resolve_scope

    rng = builder.rng
    province = Region.objects.filter(parent__isnull=True, code="220000").first()
    items = []
    cluster = resolve_scope("cluster")
    for year in range(2021, 2027):
        as_of = datetime.date(year, 12, 31)
        actual = actual_values(
            projects=Project.objects.all(), scope=cluster, year=year, as_of=as_of
        )
        if year == builder.today.year:
            # The running year: aim at last year's level plus growth.
            actual = actual_values(
                projects=Project.objects.all(),
                scope=cluster,
                year=year - 1,
                as_of=as_of.replace(year=year - 1),
            )
        stretch = Decimal(str(rng.uniform(0.95, 1.2)))
        for metric in (
            Metric.PROJECTS_SIGNED,
            Metric.CONTRACT_AMOUNT,
            Metric.FUNDS_ARRIVED,
            Metric.PROJECTS_STARTED,
            Metric.PROJECTS_OPERATING,
        ):
            value = (actual[metric] * stretch).quantize(
                Decimal("1") if metric.startswith("projects") else Decimal("0.01")
            )
            items.append(
                Target(
                    scope_kind=ScopeKind.CLUSTER,
                    region=province,
                    year=year,
                    metric=metric,
                    value=max(value, Decimal(1)),
                    note=SYNTHETIC_SOURCE,
                )
            )
        for metric, base in (
            (Metric.OUTPUT_VEHICLES, 5600),
            (Metric.OUTPUT_PARTS, 1700),
            (Metric.OUTPUT_SERVICES, 450),
        ):
            value = Decimal(base) * Decimal(str(1.12 ** (year - 2021))) * YI
            items.append(
                Target(
                    scope_kind=ScopeKind.CLUSTER,
                    region=province,
                    year=year,
                    metric=metric,
                    value=value.quantize(Decimal("0.01")),
                    note=SYNTHETIC_SOURCE,
                )
            )
        for code in CITY_WEIGHTS:
            city = builder.regions.get(code)
            if city is None:
                continue
            scope = resolve_scope(code)
            reference_year = year - 1 if year == builder.today.year else year
            city_actual = actual_values(
                projects=Project.objects.all(),
                scope=scope,
                year=reference_year,
                as_of=datetime.date(reference_year, 12, 31),
            )
            city_stretch = Decimal(str(rng.uniform(0.85, 1.35)))
            for metric in (
                Metric.PROJECTS_SIGNED,
                Metric.CONTRACT_AMOUNT,
                Metric.FUNDS_ARRIVED,
                Metric.PROJECTS_STARTED,
            ):
                value = (city_actual[metric] * city_stretch).quantize(
                    Decimal("1") if metric.startswith("projects") else Decimal("0.01")
                )
                items.append(
                    Target(
                        scope_kind=ScopeKind.CITY,
                        region=city,
                        year=year,
                        metric=metric,
                        value=max(value, Decimal(1)),
                        note=SYNTHETIC_SOURCE,
                    )
                )
    for target in items:
        target.region_path = target.region.path if target.region else ""
    return items


@transaction.atomic
def load_project_demo(*, seed: int = DEFAULT_SEED, history: int = 600, reset: bool = False) -> dict:
    """Load the demo projects (see the module docstring). Returns counts; {"unchanged": True}
    when the demo projects are already there."""
    if reset:
        reset_project_demo()
    elif Project.objects.filter(code=CONFERENCE_CODES[0]).exists():
        return {"unchanged": True, "projects": _demo_projects().count()}
    builder = _Builder(seed, timezone.localdate())
    builder.conference()
    builder.history(history)
    builder.write()
    activities = _activities(builder)
    Activity.objects.bulk_create(activities, batch_size=2000)
    outputs = _outputs(builder)
    OutputReport.objects.bulk_create(outputs, batch_size=2000)
    targets = _targets(builder)
    Target.objects.bulk_create(targets)
    log_bulk_create(targets)
    conference = Project.objects.filter(code__in=CONFERENCE_CODES)
    total = sum(p.contract_amount for p in conference)
    if conference.count() != 18 or total != 210 * YI:
        raise DemoError(f"conference projects wrong: {conference.count()} worth {total}")
    return {
        "unchanged": False,
        "projects": len(builder.projects),
        "stage_events": len(builder.events),
        "milestones": len(builder.milestones),
        "problems": len(builder.problems),
        "funds": len(builder.funds),
        "activities": len(activities),
        "output_reports": len(outputs),
        "targets": len(targets),
        "conference_amount": total,
    }


__all__ = ["CONFERENCE_CODES", "CONFERENCE_REFERENCE", "PIPELINE", "load_project_demo"]

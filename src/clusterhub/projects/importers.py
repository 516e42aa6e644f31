"""Project lists as city bureaus keep them (Chinese headers, 万元/亿元, Chinese dates, GBK CSV),
imported through the shared engine (clusterhub.tabular): `clusterhub import projects FILE`.

One row is one project. A row updates the project with its project code (项目编号); a row
without a code updates the project with the same name and investor, else creates one. Empty
cells leave existing values alone. The stage column moves the project through the same checks
as the stage-move service (signing needs an amount and a date, construction a site and a
landing area, no move backwards, no date in the future); each stage passed is logged. Amounts
are in 万元 unless the header names another unit ("合同金额（亿元）"); a cell with its own unit
("3000万元" in a 亿元 column) is read by its own unit and the preview lists the conversion.

New projects are written in bulk, one batch at a time (a 50,000-row list in well under a
minute); updates go through the models' save, which logs each change.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.chain.choices import Segment
from clusterhub.chain.importers import ChainNodeLookup
from clusterhub.core.bulk import bulk_insert
from clusterhub.core.changelog import current_context, log_bulk_create
from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.importers import CONFIDENTIALITY_ZH, EnterpriseLookup, RegionsLookup
from clusterhub.geo.models import Park, Region
from clusterhub.tabular.columns import (
    AmountColumn,
    BooleanColumn,
    CellError,
    ChoiceColumn,
    DateColumn,
    IntegerColumn,
    ListColumn,
    Lookup,
    ReferenceColumn,
    TextColumn,
)
from clusterhub.tabular.engine import Importer

from .choices import PIPELINE, OriginKind, Stage
from .models import FundsArrival, Project, StageEvent
from .services import (
    DATE_FIELD,
    MONEY_FIELDS,
    STAGE_VALUES,
    apply_stage_move,
    new_project_code,
    stage_errors,
    stages_passed,
)

STAGE_ZH = {
    "lead": ["线索", "项目线索", "储备", "在谈线索", "跟踪"],
    "negotiating": ["洽谈", "在谈", "洽谈中", "正在洽谈", "对接"],
    "signed": ["签约", "已签约", "签约项目", "已签"],
    "started": ["开工", "已开工", "在建", "开工建设", "建设中"],
    "operating": ["投产", "已投产", "竣工投产", "达产", "运营"],
    "stalled": ["停滞", "停缓建", "暂停", "搁置"],
    "dropped": ["终止", "已终止", "放弃", "取消"],
}
ORIGIN_ZH = {
    "gap": ["补链", "链条缺口", "产业链缺口", "强链补链", "延链补链"],
    "event": ["招商活动", "推介会", "招商会", "展会", "签约活动"],
    "meeting": ["对接会", "对接洽谈", "一对一对接", "洽谈会"],
    "recommendation": ["推荐", "平台推荐", "系统推荐"],
    "visit": ["走访", "考察", "拜访", "上门招商"],
    "referral": ["以商招商", "介绍", "中介", "委托招商"],
    "other": ["其他", "其它"],
}
SEGMENT_ZH = {
    "vehicles": ["整车", "整车制造"],
    "parts": ["零部件", "汽车零部件", "配套", "零部件及系统"],
    "materials": ["材料", "原材料", "汽车材料"],
    "services": ["服务", "汽车服务", "后市场", "生产性服务"],
}


class InvestorLookup(EnterpriseLookup):
    """The investor: an enterprise of the registry the user may see. An unknown name is refused
    with the closest registry names, so the user can correct it or add the enterprise first."""

    accepted = gettext_lazy(
        "the investor's credit code, public id, exact registered name, short name or alias"
    )
    MAX_SUGGESTED = 200  # unknown names get suggestions (one query each) up to this many

    def resolve(self, key, row):
        try:
            return super().resolve(key, row)
        except CellError as error:
            if self.found.get(key.strip()):
                raise  # more than one match: the parent's message says what to do
            suggested = self.ctx.cache.setdefault("investor_suggestions", {})
            if key not in suggested and len(suggested) < self.MAX_SUGGESTED:
                from clusterhub.enterprises.models import Enterprise
                from clusterhub.enterprises.services import search_enterprises

                visible = self.ctx.restrict(Enterprise.objects.all(), "view")
                short = key.strip()[:4]
                suggested[key] = list(
                    search_enterprises(visible, short).values_list("name", flat=True)[:3]
                )
            names = suggested.get(key) or []
            message = _(
                "unknown investor “%(key)s”: it is not in the enterprise registry; add it there "
                "first (import enterprises) or write its exact registered name or credit code"
            ) % {"key": key}
            if names:
                message += _("; did you mean: %(names)s") % {"names": "、".join(names)}
            raise CellError(message) from error


class ParkLookup(Lookup):
    """Parks by code, name or short name; all loaded once."""

    accepted = gettext_lazy("park code, name or short name")

    def __init__(self, ctx):
        super().__init__(ctx)
        if "parks" not in ctx.cache:
            by_key: dict[str, list[Park]] = defaultdict(list)
            for park in Park.objects.select_related("region"):
                for key in {park.code, park.name, park.short_name, park.name_en.lower()}:
                    if key:
                        by_key[key].append(park)
            ctx.cache["parks"] = by_key
        self.by_key = ctx.cache["parks"]

    def resolve(self, key, row):
        key = key.strip()
        parks = self.by_key.get(key) or self.by_key.get(key.lower()) or []
        if len(parks) == 1:
            return parks[0], ""
        if len(parks) > 1:
            raise CellError(_("“%(key)s” names more than one park: use its code") % {"key": key})
        raise CellError(_("unknown park “%(key)s”") % {"key": key})


class PersonLookup(Lookup):
    """A user by user name or full name. Spreadsheets name people who may have no account: an
    unknown name is a warning and the field stays empty, never a rejected row."""

    accepted = gettext_lazy("user name or full name of a ClusterHub user")

    def __init__(self, ctx):
        super().__init__(ctx)
        self.found = ctx.cache.setdefault("people", {})

    def prefetch(self, keys):
        if "people_by_name" not in self.ctx.cache:
            # Chinese names are written family name first ("王军"); accounts are few: load once.
            by_name = defaultdict(dict)
            for user in get_user_model().objects.filter(is_active=True):
                for name in {
                    user.username,
                    user.get_full_name(),
                    f"{user.last_name}{user.first_name}",
                }:
                    if name:
                        by_name[name][user.pk] = user
            self.ctx.cache["people_by_name"] = by_name
        by_name = self.ctx.cache["people_by_name"]
        for key in keys:
            self.found[key.strip()] = list(by_name.get(key.strip(), {}).values())

    def resolve(self, key, row):
        matches = self.found.get(key.strip(), [])
        if len(matches) == 1:
            return matches[0], ""
        return None, _("“%(key)s” is not a ClusterHub user (or names several): left empty") % {
            "key": key
        }


class ProjectImporter(Importer):
    kind = "projects"
    label = gettext_lazy("Investment projects")
    model = Project
    batch_size = 1000
    field_columns = {"code": "code", "name": "name"}

    columns = [
        TextColumn(
            "code",
            "项目编号",
            "Project code",
            aliases=("项目代码", "编号", "项目号", "Code"),
            max_length=40,
            help_text=gettext_lazy("Re-importing a row with the same code updates the project."),
            example="CC2024-0001",
        ),
        TextColumn(
            "name",
            "项目名称",
            "Project name",
            aliases=("项目", "名称", "Name", "Project"),
            required=True,
            max_length=200,
            example="一汽配套动力电池项目",
        ),
        TextColumn("name_en", "英文名称", "English name", aliases=("英文名",), max_length=300),
        ReferenceColumn(
            "investor",
            "投资方",
            "Investor",
            aliases=(
                "投资主体",
                "投资企业",
                "投资单位",
                "签约企业",
                "项目单位",
                "企业名称",
                "Investor name",
            ),
            lookup=InvestorLookup,
            example="富奥汽车零部件股份有限公司",
            help_text=gettext_lazy("Required for a new project; must be in the registry."),
        ),
        ReferenceColumn(
            "investor_code",
            "统一社会信用代码",
            "Credit code",
            aliases=("信用代码", "投资方信用代码", "社会信用代码", "USCC"),
            lookup=InvestorLookup,
            help_text=gettext_lazy("The investor's credit code; wins over the name."),
        ),
        ListColumn(
            "chain_nodes",
            "产业链环节",
            "Chain nodes",
            aliases=("产业链", "所属环节", "链条环节", "补链环节", "产业环节"),
            max_length=100,
        ),
        ChoiceColumn(
            "segment",
            "产业链板块",
            "Chain segment",
            aliases=("产业板块", "板块", "所属板块", "行业分类", "Segment"),
            choices=Segment,
            labels_zh=SEGMENT_ZH,
        ),
        ChoiceColumn(
            "origin_kind",
            "项目来源",
            "Origin",
            aliases=("来源", "招商方式", "线索来源", "Source of lead"),
            choices=OriginKind,
            labels_zh=ORIGIN_ZH,
        ),
        TextColumn(
            "origin_reference",
            "来源说明",
            "Origin reference",
            aliases=("来源备注", "招商活动名称"),
            max_length=300,
        ),
        ReferenceColumn(
            "signing_region",
            "签约地",
            "Signing city",
            aliases=("签约城市", "签约地区", "签约市州"),
            lookup=RegionsLookup,
            example="220100",
        ),
        ReferenceColumn(
            "landing_region",
            "落地地区",
            "Landing area",
            aliases=(
                "落地区域",
                "建设地点",
                "项目地点",
                "所在地区",
                "所属地区",
                "所在县区",
                "县区",
                "落地县区",
            ),
            lookup=RegionsLookup,
            example="长春市朝阳区",
        ),
        ReferenceColumn(
            "landing_park",
            "落地园区",
            "Landing park",
            aliases=("园区", "所在园区", "所属园区", "开发区", "Park"),
            lookup=ParkLookup,
        ),
        TextColumn(
            "counted_city",
            "计入城市",
            "Counted for city",
            help_text=gettext_lazy("Derived from the landing area; ignored on import."),
        ),
        ChoiceColumn(
            "stage",
            "项目阶段",
            "Stage",
            aliases=("项目状态", "进展阶段", "推进阶段", "进展情况", "状态", "阶段", "Status"),
            choices=Stage,
            labels_zh=STAGE_ZH,
            help_text=gettext_lazy(
                "Empty: a new project is a lead; an existing one keeps its stage."
            ),
        ),
        AmountColumn(
            "planned_investment",
            "计划投资",
            "Planned investment",
            aliases=("计划总投资", "总投资", "投资总额", "项目总投资", "拟投资"),
            unit="万元",
        ),
        AmountColumn(
            "contract_amount",
            "合同金额",
            "Contract amount",
            aliases=("签约金额", "合同投资额", "协议投资额", "签约额", "协议金额"),
            unit="万元",
        ),
        AmountColumn(
            "funds_arrived",
            "到位资金",
            "Funds arrived",
            aliases=("实际到位资金", "累计到位资金", "到位金额", "资金到位"),
            unit="万元",
            help_text=gettext_lazy("The total to date; an increase is recorded as arriving today."),
        ),
        AmountColumn(
            "fixed_asset_investment",
            "固定资产投资",
            "Fixed-asset investment",
            aliases=("累计完成投资", "完成固定资产投资", "累计完成固定资产投资", "完成投资"),
            unit="万元",
        ),
        AmountColumn(
            "expected_annual_output",
            "预计年产值",
            "Expected annual output",
            aliases=("达产后年产值", "预计产值", "年产值"),
            unit="万元",
        ),
        IntegerColumn(
            "jobs",
            "带动就业",
            "Jobs",
            aliases=("就业人数", "新增就业", "用工人数"),
            min_value=0,
            max_value=1_000_000,
            suffixes=("人",),
        ),
        DateColumn(
            "lead_on", "线索日期", "Lead date", aliases=("立项日期", "录入日期", "线索时间")
        ),
        DateColumn("signed_on", "签约日期", "Signed on", aliases=("签约时间",)),
        DateColumn("started_on", "开工日期", "Started on", aliases=("开工时间",)),
        DateColumn("operating_on", "投产日期", "Operating since", aliases=("投产时间", "竣工日期")),
        TextColumn(
            "site_address",
            "项目地址",
            "Site address",
            aliases=("建设地址", "详细地址", "选址"),
            max_length=300,
        ),
        ReferenceColumn(
            "owner",
            "包保领导",
            "Owner official",
            aliases=("包保责任人", "责任领导", "项目负责人", "Owner"),
            lookup=PersonLookup,
        ),
        ReferenceColumn(
            "secretary",
            "项目秘书",
            "Project secretary",
            aliases=("联络员", "项目联络人", "Secretary"),
            lookup=PersonLookup,
        ),
        ChoiceColumn(
            "confidentiality",
            "密级",
            "Confidentiality",
            aliases=("保密级别", "公开范围"),
            choices=Confidentiality,
            labels_zh=CONFIDENTIALITY_ZH,
            help_text=gettext_lazy(
                "Empty for a new project: confidential while a lead or negotiating, else internal."
            ),
        ),
        TextColumn(
            "reason",
            "停滞或终止原因",
            "Stall or drop reason",
            aliases=("停滞原因", "终止原因", "存在问题"),
            max_length=500,
        ),
        TextColumn(
            "description",
            "建设内容",
            "Description",
            aliases=("主要建设内容", "项目简介", "项目内容", "Description"),
        ),
        BooleanColumn("is_synthetic", "模拟数据", "Synthetic"),
    ]

    PLAIN_FIELDS = (
        "name",
        "name_en",
        "segment",
        "origin_kind",
        "origin_reference",
        "signing_region",
        "landing_region",
        "landing_park",
        "site_address",
        "owner",
        "secretary",
        "confidentiality",
        "description",
        "jobs",
        "is_synthetic",
        *MONEY_FIELDS,
    )

    def keys(self, row):
        if "code" in row.values:
            return [("code", ("code", row.values["code"]), row.values["code"])]
        return []

    def describe(self, row):
        instance = row.instance
        if instance is not None:
            return f"{instance.code} {instance.name}"
        return row.values.get("name", "")

    def start(self, ctx):
        ctx.cache["regions_by_code"] = {r.code: r for r in Region.objects.all()}
        ctx.cache["node_lookup"] = ChainNodeLookup(ctx)
        ctx.cache["pending"] = []
        ctx.cache["now"] = timezone.now()
        ctx.cache["today"] = timezone.localdate()
        actor = ctx.user if ctx.user is not None else current_context().user
        ctx.cache["actor"] = actor if getattr(actor, "is_authenticated", False) else None

    # -- checking --
    def check_batch(self, rows, ctx):
        ctx.cache["batch"] = rows
        ctx.cache.pop("batch_last_create", None)
        codes = {r.values["code"] for r in rows if "code" in r.values}
        by_code = {p.code: p for p in Project.objects.filter(code__in=codes)}
        uncoded = {r.values["name"] for r in rows if "code" not in r.values and "name" in r.values}
        by_name = defaultdict(list)
        if uncoded:
            for project in Project.objects.filter(name__in=uncoded):
                by_name[(project.name, project.investor_id)].append(project)
        matched = {}
        for row in rows:
            investor = self._investor(row)
            if "code" in row.values:
                matched[row.number] = by_code.get(row.values["code"])
            else:
                candidates = by_name.get((row.values.get("name"), getattr(investor, "pk", None)))
                matched[row.number] = candidates[0] if candidates and len(candidates) == 1 else None
        existing = [p for p in matched.values() if p is not None]
        changeable = ctx.allowed_pks(Project.objects.all(), [p.pk for p in existing], "change")
        for row in rows:
            if not row.ok:
                continue
            project = matched[row.number]
            if project is not None and project.pk not in changeable:
                row.error(
                    "code" if "code" in row.values else "name",
                    _("this project belongs to another area: you may not change it"),
                )
                continue
            if project is None:
                self._build_new(row, ctx)
            else:
                self._build_update(row, project, ctx)

    def _set_field_names(self, row) -> list[str]:
        """The model fields this row sets (the engine validates only those)."""
        names = [f for f in ("code", *self.PLAIN_FIELDS) if f in row.values]
        return [*names, "stage", "stage_reason"]

    def _investor(self, row):
        return row.values.get("investor_code") or row.values.get("investor")

    def _set_fields(self, row, project, ctx):
        values = row.values
        investor = self._investor(row)
        if investor is not None:
            project.investor = investor
        for field in self.PLAIN_FIELDS:
            # An unknown person is a warning: the field keeps its value.
            if field in values and values[field] is not None:
                setattr(project, field, values[field])
        if project.landing_park_id and not project.landing_region_id:
            project.landing_region = project.landing_park.region
        nodes = []
        lookup = ctx.cache["node_lookup"]
        for key in values.get("chain_nodes", []):
            try:
                node, _warning = lookup.resolve(key, row)
            except CellError as error:
                row.error("chain_nodes", str(error))
                continue
            nodes.append(node)
        if nodes:
            row.extra["chain_nodes"] = nodes
            if not project.segment:
                project.segment = nodes[0].segment
        project.derive_location(ctx.cache["regions_by_code"])

    def _dates(self, row, project) -> dict:
        dates = {}
        for stage, field in DATE_FIELD.items():
            day = row.values.get(field) or getattr(project, field)
            if day is not None:
                dates[stage] = day
        return dates

    def _check_move(self, row, project, stage, ctx):
        """Plan the move to `stage` on the unsaved project, or put the reasons on the row."""
        try:
            passed = stages_passed(project, stage)
        except ValidationError as error:
            for message in error.messages:
                row.error("stage", message)
            return None
        dates = self._dates(row, project)
        if stage in (Stage.STALLED, Stage.DROPPED):
            dates.setdefault(stage, ctx.cache["today"])
        reason = row.values.get("reason", "")
        errors = {}
        if not (self.prechecked and row.action == "create"):
            # A new project's move depends on its row alone: checked by the dry run already.
            errors = stage_errors(
                project,
                stage=stage,
                passed=passed,
                dates=dates,
                reason=reason,
                today=ctx.cache["today"],
            )
        for field, message in errors.items():
            row.error(field if field in self._keys() else "stage", message)
        if errors:
            return None
        return apply_stage_move(
            project,
            stage=stage,
            passed=passed,
            dates=dates,
            reason=reason,
            now=ctx.cache["now"],
            user=ctx.cache["actor"],
            record=ctx.apply,  # a dry run needs the checks, not the events
        )

    def _keys(self) -> set[str]:
        return {column.key for column in self.columns}

    def _build_new(self, row, ctx):
        values = row.values
        if self._investor(row) is None:
            if "investor" not in row.cells and "investor_code" not in row.cells:
                row.error("investor", _("a new project needs its investor"))
            return
        today = ctx.cache["today"]
        stage = values.get("stage", Stage.LEAD)
        dated = [values[f] for f in ("signed_on", "started_on", "operating_on") if f in values]
        lead_on = values.get("lead_on") or (min(dated) if dated else today)
        if lead_on > today:
            row.error("lead_on", _("the lead date cannot be in the future"))
            return
        project = Project(
            code=values.get("code") or new_project_code(year=lead_on.year),
            origin_kind=OriginKind.OTHER,
            stage=Stage.LEAD,
            stage_changed_at=ctx.cache["now"],
            lead_on=lead_on,
        )
        row.action = "create"
        row.instance = project
        self._set_fields(row, project, ctx)
        if "confidentiality" not in values:
            early = stage in (Stage.LEAD, Stage.NEGOTIATING)
            project.confidentiality = (
                Confidentiality.CONFIDENTIAL if early else Confidentiality.INTERNAL
            )
        if not ctx.may_add_in_region(project.counted_region):
            key = "landing_region" if "landing_region" in values else "signing_region"
            region = project.counted_region
            if region is None:
                row.error(key, _("give the signing city or the landing area of the project"))
            else:
                row.error(
                    key,
                    _("outside your area: you may not add projects in %(region)s")
                    % {"region": region.name},
                )
        events = []
        if ctx.apply:
            actor = ctx.cache["actor"]
            events.append(
                StageEvent(
                    project=project,
                    from_stage="",
                    to_stage=Stage.LEAD,
                    at=ctx.cache["now"],
                    on=lead_on,
                    user=actor,
                    user_name=actor.get_username() if actor else "",
                    source="import",
                )
            )
        target = stage
        if stage in (Stage.STALLED, Stage.DROPPED):
            # The pipeline stage it reached before: the latest stage with a date.
            reached = [
                s
                for s in (Stage.OPERATING, Stage.STARTED, Stage.SIGNED)
                if values.get(DATE_FIELD[s])
            ]
            target = reached[0] if reached else Stage.NEGOTIATING
        if target != Stage.LEAD:
            moved = self._check_move(row, project, target, ctx)
            if moved is None:
                return
            events += moved
        if stage != target:
            moved = self._check_move(row, project, stage, ctx)
            if moved is None:
                return
            events += moved
        for event in events:
            event.source = "import"
        row.extra["events"] = events
        if project.funds_arrived:
            row.extra["funds"] = project.funds_arrived
        self.clean_instance(row, project, self._set_field_names(row))

    def _build_update(self, row, project, ctx):
        self.start_update(row, project)
        old_funds = project.funds_arrived or 0
        self._set_fields(row, project, ctx)
        stage = row.values.get("stage")
        events = []
        if stage and stage != project.stage:
            moved = self._check_move(row, project, stage, ctx)
            if moved is None:
                return
            events = moved
            for event in events:
                event.source = "import"
            row.extra_changes.append(
                (_("stage"), "", " → ".join(str(Stage(e.to_stage).label) for e in events))
            )
        elif project.stage in STAGE_VALUES and project.stage in PIPELINE:
            # Dates given for stages already reached are facts to check too.
            for field in ("signed_on", "started_on", "operating_on"):
                day = row.values.get(field)
                if day is not None and day > ctx.cache["today"]:
                    row.error(field, _("this date is in the future"))
        if "contract_amount" in row.values and project.stage in (
            Stage.SIGNED,
            Stage.STARTED,
            Stage.OPERATING,
        ):
            if not project.contract_amount:
                row.error(
                    "contract_amount", _("a signed project keeps a contract amount above zero")
                )
        row.extra["events"] = events
        delta = (project.funds_arrived or 0) - old_funds
        if delta:
            row.extra["funds"] = delta
        if "chain_nodes" in row.extra:
            row.extra_changes.append(
                (_("chain nodes"), "", "、".join(n.code for n in row.extra["chain_nodes"]))
            )
        self.clean_instance(row, project, self._set_field_names(row))

    # -- writing --
    def apply_row(self, row, ctx):
        if row.action == "update":
            return self._write_update(row, ctx)
        # New projects are written in bulk: buffered until the batch's last new row.
        ctx.cache["pending"].append(row)
        last = ctx.cache.get("batch_last_create")
        if last is None:
            creates = [r for r in ctx.cache["batch"] if r.ok and r.action == "create"]
            last = ctx.cache["batch_last_create"] = creates[-1]
        if row is last:
            self._flush(ctx)
        return row.instance

    def _write_update(self, row, ctx):
        project = row.instance
        project.save()
        self._write_children([row])
        return project

    def _flush(self, ctx):
        rows = ctx.cache["pending"]
        if not rows:
            return
        ctx.cache["pending"] = []
        projects = [row.instance for row in rows]
        bulk_insert(Project, projects)
        log_bulk_create(projects)
        named = [
            Project.named_people.through(project_id=p.pk, user_id=uid)
            for p in projects
            for uid in {p.owner_id, p.secretary_id} - {None}
        ]
        if named:
            Project.named_people.through.objects.bulk_create(named, ignore_conflicts=True)
        self._write_children(rows)

    def _write_children(self, rows):
        events, nodes, funds = [], [], []
        today = timezone.localdate()
        for row in rows:
            project = row.instance
            for event in row.extra.get("events", []):
                event.project = project
                events.append(event)
            if row.extra.get("chain_nodes"):
                if row.action == "update":
                    project.chain_nodes.set(row.extra["chain_nodes"])
                else:
                    nodes += [
                        Project.chain_nodes.through(project_id=project.pk, chainnode_id=n.pk)
                        for n in row.extra["chain_nodes"]
                    ]
            amount = row.extra.get("funds")
            if amount:
                if row.action == "create":
                    # The arrival date of an imported total is not known: the latest stage date.
                    on = project.operating_on or project.started_on or project.signed_on or today
                else:
                    on = today
                funds.append(
                    FundsArrival(project=project, on=on, amount=amount, note=_("imported total"))
                )
            if row.action == "update":
                people = {project.owner_id, project.secretary_id} - {None}
                if people:
                    project.named_people.add(*people)
        if events:
            bulk_insert(StageEvent, events)
        if nodes:
            Project.chain_nodes.through.objects.bulk_create(nodes, ignore_conflicts=True)
        if funds:
            bulk_insert(FundsArrival, funds)
            log_bulk_create(funds)

    def finish(self, ctx):
        self._flush(ctx)

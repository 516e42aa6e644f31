"""Enterprise lists as bureaus keep them, imported through the shared engine (clusterhub.tabular).

One row is one enterprise, optionally with one site. A row updates the enterprise that has its
credit code, else its public id, else exactly its registered name. Any other row goes through
entity resolution (clusterhub.resolution, docs/resolution.md) against the whole registry and the
file's other rows: merged automatically into the record it names under another name (blank
fields filled, its names kept as aliases), created and queued for review in the middle band, or
created. The preview lists the decision of every row. Empty cells leave the existing values
alone; aliases are added, never removed.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.choices import Confidentiality, Datum
from clusterhub.geo.models import Region, RetiredRegionCode
from clusterhub.geo.services import RegionLookup, find_region
from clusterhub.resolution.choices import Decision, ReviewKind
from clusterhub.resolution.models import FieldProvenance
from clusterhub.resolution.normalise import has_chinese, normalise_record
from clusterhub.resolution.services import (
    PROVENANCE_FIELDS,
    city_of_region,
    queue_review,
    registry_records,
    resolve_rows,
)
from clusterhub.tabular.columns import (
    AmountColumn,
    CellError,
    ChoiceColumn,
    DateColumn,
    DecimalColumn,
    IntegerColumn,
    ListColumn,
    Lookup,
    ReferenceColumn,
    TextColumn,
)
from clusterhub.tabular.engine import Importer

from .choices import AliasKind, EnterpriseKind, EnterpriseSize, Ownership, SiteKind
from .models import Enterprise, EnterpriseAlias, Site
from .services import create_enterprises_in_bulk, save_enterprise, save_site
from .validators import normalise_uscc, uscc_problem

KIND_ZH = {
    "oem": ["整车企业", "整车", "整车厂", "主机厂", "整车制造"],
    "tier1": ["一级供应商", "一级配套", "一级", "一级配套商"],
    "tier2": ["二级供应商", "二级配套", "二级", "二级配套商"],
    "raw_material": ["原材料", "原材料企业", "材料"],
    "service": ["服务", "服务企业", "生产性服务"],
    "research": ["研发检测", "研发", "检测", "科研院所"],
    "finance": ["金融", "金融机构"],
    "logistics": ["物流", "物流企业"],
    "group": ["集团", "集团公司", "控股集团"],
}
KIND_SYNONYMS = {"T1": "tier1", "Tier 1": "tier1", "T2": "tier2", "Tier 2": "tier2"}
OWNERSHIP_ZH = {
    "state": ["国有", "国企", "央企", "国有控股", "地方国企", "国有企业"],
    "private": ["民营", "私营", "民企", "民营企业"],
    "foreign": ["外资", "外商独资", "外企", "港澳台资", "外资企业"],
    "joint_venture": ["合资", "中外合资", "合营", "合资企业"],
}
SIZE_ZH = {
    "large": ["大型", "大"],
    "medium": ["中型", "中"],
    "small": ["小型", "小"],
    "micro": ["微型", "微"],
}
CONFIDENTIALITY_ZH = {
    "public": ["公开"],
    "internal": ["内部"],
    "confidential": ["机密", "保密", "秘密"],
}
SITE_KIND_ZH = {
    "plant": ["工厂", "生产基地", "生产厂", "厂区"],
    "office": ["办公", "总部", "办公室", "办事处"],
    "research": ["研发中心", "研发", "研究院"],
    "warehouse": ["仓库", "仓储", "物流中心"],
}
DATUM_ZH = {
    "GCJ-02": ["GCJ-02", "GCJ02", "火星坐标", "国测局坐标", "高德", "腾讯"],
    "WGS-84": ["WGS-84", "WGS84", "GPS"],
}
SITE_FIELD_COLUMNS = {"name": "site_name", "kind": "site_kind", "region": "site_region"}
PUBLIC_ID = re.compile(r"^E[0-9A-Z]{9}$")
RESOLUTION_LISTED = 10_000  # rows listed in the preview's resolution table (counts stay exact)


def _alias_kind(name) -> str:
    if not name:
        return AliasKind.OTHER
    return AliasKind.OTHER if has_chinese(name) else AliasKind.ENGLISH


# ---------------------------------------------------------------------------------------------
# Lookups shared with other importers (supply links use EnterpriseLookup)


class RegionsLookup(Lookup):
    """Regions by code, retired code (mapped, with a warning) or name; all loaded once."""

    accepted = gettext_lazy("region code (220100), retired code (220381) or name (长春市)")

    def __init__(self, ctx):
        super().__init__(ctx)
        cache = ctx.cache.get("regions")
        if cache is None:
            cache = {}
            names: dict[str, list[Region]] = defaultdict(list)
            for region in Region.objects.all():
                cache[region.code] = RegionLookup(region)
                names[region.name].append(region)
                if region.name_en:
                    names[region.name_en.lower()].append(region)
            for name, regions in names.items():
                if len(regions) == 1:
                    cache.setdefault(name, RegionLookup(regions[0]))
            for code in RetiredRegionCode.objects.values_list("code", flat=True):
                cache[code] = find_region(code_or_name=code)
            ctx.cache["regions"] = cache
            ctx.cache["region_names"] = {n: r[0] for n, r in names.items() if len(r) == 1}
        self.cache = cache

    def resolve(self, key, row):
        key = key.strip()
        if re.fullmatch(r"\d{12}", key) and key.endswith("000000"):
            key = key[:6]  # a 12-digit statistical code of a county or above
        lookup = self.cache.get(key) or self.cache.get(key.lower())
        if lookup is None:
            lookup = self._by_prefix(key) or find_region(
                code_or_name=key, regions_by_key=self.cache
            )
            self.cache[key] = lookup
        if lookup.region is None:
            raise CellError(lookup.error)
        return lookup.region, lookup.warning

    def _by_prefix(self, key: str):
        """ "长春" for 长春市, when exactly one region's name starts with it."""
        if key.isdigit() or len(key) < 2:
            return None
        names = self.ctx.cache["region_names"]
        found = {
            r.pk: r
            for name, r in names.items()
            if name.startswith(key) and len(name) <= len(key) + 3
        }
        if len(found) == 1:
            region = next(iter(found.values()))
            return RegionLookup(
                region,
                warning=_("“%(key)s” read as %(name)s (%(code)s)")
                % {"key": key, "name": region.name, "code": region.code},
            )
        return None


class PendingEnterprise:
    """An enterprise named in this file but not in the registry yet; resolved by the importer."""

    def __init__(self, key: str):
        self.key = key

    def __str__(self):
        return self.key


class EnterpriseLookup(Lookup):
    """Enterprises the user may see, by credit code, public id, exact name, short name or alias."""

    accepted = gettext_lazy("credit code, public id, exact registered name or alias")
    allow_pending = False

    def __init__(self, ctx):
        super().__init__(ctx)
        self.found: dict[str, list[Enterprise]] = {}

    def prefetch(self, keys):
        keys = {k.strip() for k in keys} - set(self.found)
        if not keys:
            return
        visible = self.ctx.restrict(Enterprise.objects.all(), "view")
        codes = {normalise_uscc(k): k for k in keys if len(normalise_uscc(k)) == 18}
        ids = {k.upper(): k for k in keys if PUBLIC_ID.match(k.upper())}
        hits: dict[str, dict[int, Enterprise]] = defaultdict(dict)
        for enterprise in visible.filter(credit_code__in=list(codes)):
            hits[codes[enterprise.credit_code]][enterprise.pk] = enterprise
        for enterprise in visible.filter(public_id__in=list(ids)):
            hits[ids[enterprise.public_id]][enterprise.pk] = enterprise
        names = [k for k in keys if k not in hits]
        if names:
            for enterprise in visible.filter(name__in=names):
                hits[enterprise.name][enterprise.pk] = enterprise
            rest = [k for k in names if k not in hits]
            if rest:
                for enterprise in visible.filter(short_name__in=rest):
                    hits[enterprise.short_name][enterprise.pk] = enterprise
                aliases = EnterpriseAlias.objects.filter(
                    name__in=rest, enterprise__in=visible
                ).select_related("enterprise")
                for alias in aliases:
                    hits[alias.name][alias.enterprise_id] = alias.enterprise
        for key in keys:
            self.found[key] = list(hits.get(key, {}).values())

    def resolve(self, key, row):
        key = key.strip()
        matches = self.found.get(key, [])
        if len(matches) == 1:
            return matches[0], ""
        if len(matches) > 1:
            raise CellError(
                _("“%(key)s” names more than one enterprise: use the credit code or the public id")
                % {"key": key}
            )
        if self.allow_pending:
            return PendingEnterprise(key), ""
        raise CellError(
            _(
                "unknown enterprise “%(key)s”: give its credit code, public id or exact registered name"
            )
            % {"key": key}
        )


class GroupLookup(EnterpriseLookup):
    """The parent group: in the registry, or listed in an earlier row of the same file."""

    allow_pending = True


# ---------------------------------------------------------------------------------------------
# The importer


def _website(text: str) -> str:
    """Lists often give "www.faw.com.cn" without a scheme."""
    return text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) else f"http://{text}"


class EnterpriseImporter(Importer):
    kind = "enterprises"
    label = gettext_lazy("Enterprises")
    model = Enterprise
    field_columns = {"home_region": "home_region", "group": "group"}

    columns = [
        TextColumn(
            "credit_code",
            "统一社会信用代码",
            "Unified social credit code",
            aliases=("信用代码", "社会信用代码", "统一代码", "USCC", "Credit code"),
            normalise=normalise_uscc,
            check=uscc_problem,
            example="91220101123456789X",
            help_text=gettext_lazy("18 characters; the check character is verified."),
        ),
        TextColumn(
            "public_id",
            "企业编号",
            "Public id",
            aliases=("平台编号", "ClusterHub ID"),
            normalise=str.upper,
            help_text=gettext_lazy("The id ClusterHub gave the enterprise; only for updates."),
        ),
        TextColumn(
            "name",
            "企业名称",
            "Registered name",
            aliases=(
                "名称",
                "单位名称",
                "公司名称",
                "企业全称",
                "Name",
                "Company name",
                "Enterprise",
            ),
            required=True,
            max_length=200,
            example="长春一汽富维汽车零部件股份有限公司",
        ),
        TextColumn("name_en", "英文名称", "English name", aliases=("英文名",), max_length=200),
        TextColumn("short_name", "企业简称", "Short name", aliases=("简称",), max_length=60),
        ListColumn(
            "aliases",
            "别名",
            "Aliases",
            aliases=("其他名称", "又名", "Other names"),
            max_length=200,
            example="富维；FAWAY",
        ),
        ListColumn("former_names", "曾用名", "Former names", max_length=200),
        ChoiceColumn(
            "kind",
            "企业类型",
            "Kind",
            aliases=("类型", "企业类别", "类别", "Type", "Enterprise kind"),
            choices=EnterpriseKind,
            labels_zh=KIND_ZH,
            synonyms=KIND_SYNONYMS,
            help_text=gettext_lazy("Required for a new enterprise."),
        ),
        ChoiceColumn(
            "ownership",
            "所有制",
            "Ownership",
            aliases=("企业性质", "经济类型", "所有制性质"),
            choices=Ownership,
            labels_zh=OWNERSHIP_ZH,
        ),
        ChoiceColumn(
            "size",
            "企业规模",
            "Size",
            aliases=("规模",),
            choices=EnterpriseSize,
            labels_zh=SIZE_ZH,
        ),
        ReferenceColumn(
            "home_region",
            "注册地",
            "Registered in",
            aliases=(
                "注册地区划",
                "注册地区划代码",
                "行政区划代码",
                "区划代码",
                "所在地区",
                "所属地区",
                "所在地",
                "地区",
                "Region",
                "Region code",
            ),
            lookup=RegionsLookup,
            example="220100",
        ),
        ReferenceColumn(
            "group",
            "所属集团",
            "Parent group",
            aliases=("母公司", "上级集团", "集团", "Group", "Parent company"),
            lookup=GroupLookup,
            example="中国第一汽车集团有限公司",
        ),
        TextColumn(
            "stock_code", "股票代码", "Stock code", aliases=("证券代码",), max_length=20, zfill=6
        ),
        TextColumn(
            "website",
            "网址",
            "Website",
            aliases=("网站", "官网", "主页"),
            max_length=200,
            normalise=_website,
        ),
        DateColumn("founded", "成立日期", "Founded", aliases=("成立时间", "注册日期")),
        IntegerColumn(
            "employees",
            "员工人数",
            "Employees",
            aliases=("从业人员", "职工人数", "从业人数", "人数"),
            min_value=0,
            max_value=10_000_000,
            suffixes=("人",),
        ),
        AmountColumn(
            "annual_revenue",
            "年营业收入",
            "Annual revenue",
            aliases=("营业收入", "营收", "年营收", "Revenue"),
            unit="万元",
        ),
        TextColumn(
            "description", "企业简介", "Description", aliases=("简介", "主营业务", "主营产品")
        ),
        ChoiceColumn(
            "confidentiality",
            "密级",
            "Confidentiality",
            aliases=("保密级别", "公开范围"),
            choices=Confidentiality,
            labels_zh=CONFIDENTIALITY_ZH,
        ),
        TextColumn("source", "数据来源", "Source", aliases=("来源",), max_length=300),
        TextColumn(
            "site_name",
            "厂区名称",
            "Site name",
            aliases=("工厂名称", "生产基地", "厂区", "Site"),
            max_length=200,
            help_text=gettext_lazy("Optional: a plant or office of the enterprise, found by name."),
        ),
        ChoiceColumn(
            "site_kind",
            "厂区类型",
            "Site kind",
            choices=SiteKind,
            labels_zh=SITE_KIND_ZH,
        ),
        TextColumn(
            "address",
            "地址",
            "Address",
            aliases=("详细地址", "厂区地址", "Site address"),
            max_length=300,
        ),
        ReferenceColumn(
            "site_region",
            "厂区所在地",
            "Site region",
            aliases=("厂区区划", "厂区区划代码", "厂区地区"),
            lookup=RegionsLookup,
            help_text=gettext_lazy("Empty: the registered region."),
        ),
        DecimalColumn(
            "longitude",
            "经度",
            "Longitude",
            aliases=("Lng", "Lon"),
            min_value=73,
            max_value=136,
            places=6,
        ),
        DecimalColumn(
            "latitude", "纬度", "Latitude", aliases=("Lat",), min_value=3, max_value=54, places=6
        ),
        ChoiceColumn(
            "datum",
            "坐标系",
            "Datum",
            aliases=("坐标系统", "Coordinate system"),
            choices=Datum,
            labels_zh=DATUM_ZH,
            help_text=gettext_lazy(
                "Required with coordinates: GCJ-02 (Chinese web maps) or WGS-84 (GPS)."
            ),
        ),
    ]

    ENTERPRISE_FIELDS = (
        "credit_code",
        "name",
        "name_en",
        "short_name",
        "kind",
        "ownership",
        "size",
        "home_region",
        "stock_code",
        "website",
        "founded",
        "employees",
        "annual_revenue",
        "description",
        "confidentiality",
        "source",
    )
    TEXT_FIELDS = (
        "name",
        "name_en",
        "short_name",
        "stock_code",
        "website",
        "description",
        "source",
    )
    SITE_COLUMNS = (
        "site_name",
        "site_kind",
        "address",
        "site_region",
        "longitude",
        "latitude",
        "datum",
    )

    def keys(self, row):
        keys = []
        if "credit_code" in row.values:
            keys.append(
                ("credit_code", ("code", row.values["credit_code"]), row.values["credit_code"])
            )
        if "public_id" in row.values:
            keys.append(("public_id", ("id", row.values["public_id"]), row.values["public_id"]))
        if "name" in row.values:
            keys.append(("name", ("name", row.values["name"]), row.values["name"]))
        return keys

    def start(self, ctx):
        ctx.cache["file_keys"] = {}  # name/code of rows checked so far -> row number
        ctx.cache["written"] = {}  # row number -> enterprise written (for parent groups)
        ctx.cache["registry"] = None  # resolution's registry records, loaded on first need
        ctx.cache["new_rows"] = {}  # row number -> the new enterprise of that row
        ctx.cache["resolution"] = []  # per row: what resolution decided (the preview shows it)
        ctx.cache["resolution_counts"] = {"key": 0, "auto": 0, "review": 0, "new": 0}

    def describe(self, row):
        return row.values.get("name") or (row.instance.name if row.instance else "")

    # -- checking --
    def check_batch(self, rows, ctx):
        codes = {r.values["credit_code"] for r in rows if "credit_code" in r.values}
        ids = {r.values["public_id"] for r in rows if "public_id" in r.values}
        names = {r.values["name"] for r in rows if "name" in r.values}
        base = Enterprise.objects.select_related("home_region")
        by_code = {e.credit_code: e for e in base.filter(credit_code__in=codes)}
        by_id = {e.public_id: e for e in base.filter(public_id__in=ids)}
        by_name = defaultdict(list)
        for enterprise in base.filter(name__in=names):
            by_name[enterprise.name].append(enterprise)

        matched = {}
        for row in rows:
            matched[row.number] = self._match(row, by_code, by_id, by_name)
        resolved = self._resolve([r for r in rows if r.ok and matched[r.number] is None], ctx)
        # One Python object per record, so two rows naming it differently both land on it, and
        # read afresh (the registry cached for the file may predate an earlier batch's update).
        same = {e.pk: e for e in matched.values() if e is not None}
        wanted = {
            r.enterprise.pk
            for r in resolved.values()
            if r.enterprise is not None and r.enterprise.pk is not None
        }
        same.update(base.in_bulk(wanted - set(same)))
        for number, resolution in resolved.items():
            if resolution.enterprise is not None and resolution.enterprise.pk is not None:
                resolution.enterprise = same.setdefault(
                    resolution.enterprise.pk, resolution.enterprise
                )
                matched[number] = resolution.enterprise
        existing = [e for e in matched.values() if e is not None]
        changeable = ctx.allowed_pks(Enterprise.objects.all(), [e.pk for e in existing])
        aliases = defaultdict(set)
        sites = defaultdict(list)
        if existing:
            for enterprise_id, name in EnterpriseAlias.objects.filter(
                enterprise__in=existing
            ).values_list("enterprise_id", "name"):
                aliases[enterprise_id].add(name)
            site_names = {r.values["site_name"] for r in rows if "site_name" in r.values}
            for site in Site.objects.filter(enterprise__in=existing, name__in=site_names):
                sites[site.enterprise_id].append(site)
        for row in rows:
            if not row.ok:
                continue
            resolution = resolved.get(row.number)
            if resolution is not None:
                self._build_resolved(row, resolution, ctx, changeable, aliases, sites)
            else:
                enterprise = matched[row.number]
                if enterprise is not None and enterprise.pk not in changeable:
                    row.error(
                        "credit_code" if "credit_code" in row.values else "name",
                        _("outside your region: you may not change this enterprise"),
                    )
                    continue
                self._build(row, enterprise, ctx, aliases, sites)
                if row.ok and enterprise is not None:
                    self._note_resolution(row, ctx, "key", 1.0, enterprise)
            if row.ok:
                file_keys = ctx.cache["file_keys"]
                for key in ("name", "credit_code", "public_id", "short_name"):
                    if key in row.values:
                        file_keys.setdefault(row.values[key], row.number)
                if row.action == "create":
                    ctx.cache["new_rows"][row.number] = row.instance
                    registry = ctx.cache["registry"]
                    if registry is not None:
                        # Later batches of the file meet this company as a registry record.
                        # Normalised once: resolution kept this row's record.
                        normalised = resolution.normalised if resolution is not None else None
                        if not normalised:
                            normalised = normalise_record(self._canonical(row))
                        registry.append((row.instance, normalised))

    # -- entity resolution --
    @staticmethod
    def _canonical(row) -> dict:
        """The row in resolution's canonical shape (docs/resolution.md)."""
        values = row.values
        region = values.get("home_region")
        canonical = {"_row": row.number}
        for key in ("name", "name_en", "short_name", "credit_code", "stock_code", "website"):
            if values.get(key):
                canonical[key] = values[key]
        if values.get("address"):
            canonical["address"] = values["address"]
        names = list(values.get("aliases", [])) + list(values.get("former_names", []))
        if names:
            canonical["aliases"] = names
        if isinstance(region, Region):
            canonical["city"] = city_of_region(region)
        return canonical

    def _resolve(self, rows, ctx) -> dict:
        """Resolution of the rows no key matched: row number -> Resolution."""
        if not rows:
            return {}
        if ctx.cache["registry"] is None:
            ctx.cache["registry"] = registry_records()
        resolutions = resolve_rows(
            rows=[self._canonical(row) for row in rows],
            source=ctx.source,
            registry=ctx.cache["registry"],
        )
        return {row.number: r for row, r in zip(rows, resolutions, strict=True)}

    def _note_resolution(self, row, ctx, decision, score, target=None, candidate=None, ctx_note=""):
        counts = ctx.cache["resolution_counts"]
        counts[decision] = counts.get(decision, 0) + 1
        listed = ctx.cache["resolution"]
        if len(listed) >= RESOLUTION_LISTED:
            return
        visible = self._visible(ctx, [e for e in (target, candidate) if e is not None])

        def named(enterprise):
            if enterprise is None:
                return None
            if enterprise.pk is None:
                row_number = next(
                    (n for n, e in ctx.cache["new_rows"].items() if e is enterprise), None
                )
                return {"id": "", "name": enterprise.name, "row": row_number}
            if enterprise.pk not in visible:
                return {"id": "", "name": _("a record you cannot see"), "row": None}
            return {"id": enterprise.public_id, "name": enterprise.name, "row": None}

        listed.append(
            {
                "row": row.number,
                "label": row.values.get("name", ""),
                "decision": decision,
                "score": round(float(score), 4),
                "into": named(target),
                "candidate": named(candidate),
                "note": str(ctx_note),
            }
        )

    @staticmethod
    def _visible(ctx, enterprises) -> set:
        pks = {e.pk for e in enterprises if e.pk is not None}
        return ctx.allowed_pks(Enterprise.objects.all(), pks, "view") if pks else set()

    def _build_resolved(self, row, resolution, ctx, changeable, aliases, sites):
        """Act on what resolution decided for a row no key matched."""
        note = "; ".join(str(n) for n in resolution.notes)
        target = resolution.enterprise
        if resolution.decision == Decision.AUTO and target is None:
            # Another new company of this file, named differently (an earlier row of it).
            head = resolution.cluster.removeprefix("new-")
            target = ctx.cache["new_rows"].get(int(head)) if head.isdigit() else None
        if resolution.decision == Decision.AUTO and target is not None:
            if target.pk is None or target.pk in changeable:
                self._build_merge(row, target, ctx, aliases, sites)
                if row.ok:
                    self._note_resolution(row, ctx, "auto", resolution.score, target, None, note)
                return
            # A record the user may not change: created and asked about, never merged silently.
            self._build(row, None, ctx, aliases, sites)
            candidate = target
            score = resolution.score
        elif resolution.decision == Decision.REVIEW:
            self._build(row, None, ctx, aliases, sites)
            candidate = resolution.candidate
            if candidate is None:
                head = resolution.candidate_cluster.removeprefix("new-")
                candidate = ctx.cache["new_rows"].get(int(head)) if head.isdigit() else None
            score = resolution.score
        else:
            self._build(row, None, ctx, aliases, sites)
            if row.ok:
                self._note_resolution(row, ctx, "new", resolution.score, None, None, note)
            return
        if not row.ok:
            return
        if candidate is None:
            self._note_resolution(row, ctx, "new", score, None, None, note)
            return
        row.extra["review"] = {
            "candidate": candidate,
            "score": score,
            "key": resolution.key,
            "incoming": {
                k: v
                for k, v in self._canonical(row).items()
                if k != "_row" and isinstance(v, str | list) and v
            },
        }
        self._note_resolution(row, ctx, "review", score, None, candidate, note)

    def _build_merge(self, row, enterprise, ctx, aliases, sites):
        """A row resolution merges into a record named differently: blank fields are filled, the
        row's names become aliases; nothing the record already says is overwritten."""
        values = row.values
        if enterprise.pk is not None:
            self.start_update(row, enterprise)
        else:
            # A new company of this file: the row is folded into the record it creates.
            row.action = "update"
            row.instance = enterprise
            row.before = None
            row.extra["merge_into_new"] = True
        filled = []
        for field in ("credit_code", *self.ENTERPRISE_FIELDS):
            if field in ("name", "confidentiality", "source") or field not in values:
                continue
            if getattr(enterprise, field) in (None, ""):
                setattr(enterprise, field, values[field])
                filled.append(field)
        self.clean_instance(row, enterprise, [f for f in self.TEXT_FIELDS if f in filled])
        known = {enterprise.name, enterprise.name_en, enterprise.short_name}
        known |= set(aliases.get(enterprise.pk, ())) if enterprise.pk else set()
        names = [(values.get(k), _alias_kind(values.get(k))) for k in ("name", "name_en")]
        names.append((values.get("short_name"), AliasKind.SHORT))
        names += [(n, AliasKind.OTHER) for n in values.get("aliases", [])]
        names += [(n, AliasKind.FORMER) for n in values.get("former_names", [])]
        new = []
        for name, kind in names:
            if name and name not in known:
                known.add(name)
                new.append((name, kind))
        if enterprise.pk is None:
            pending = ctx.cache.setdefault("pending_aliases", {}).setdefault(id(enterprise), set())
            new = [(n, k) for n, k in new if n not in pending]
            pending.update(n for n, _k in new)
        if new:
            row.extra["aliases"] = new
            row.extra_changes.append((_("aliases"), "", "、".join(n for n, _k in new)))
        self._build_site(row, enterprise, ctx, sites)

    def _match(self, row, by_code, by_id, by_name):
        code = row.values.get("credit_code")
        public_id = row.values.get("public_id")
        name = row.values.get("name")
        found = by_code.get(code) if code else None
        if public_id:
            by_public_id = by_id.get(public_id)
            if by_public_id is None:
                row.error("public_id", _("no enterprise has this public id"))
                return None
            if found is not None and found.pk != by_public_id.pk:
                row.error(
                    "public_id",
                    _("this public id and the credit code belong to two different enterprises"),
                )
                return None
            found = found or by_public_id
        if found is None and name:
            candidates = by_name.get(name, [])
            if code:
                others = [e for e in candidates if e.credit_code and e.credit_code != code]
                if others:
                    row.error(
                        "credit_code",
                        _(
                            "an enterprise with this registered name has credit code %(code)s: "
                            "check the code"
                        )
                        % {"code": others[0].credit_code},
                    )
                    return None
                candidates = [e for e in candidates if not e.credit_code]
            if len(candidates) > 1:
                row.error(
                    "name",
                    _("more than one enterprise has this name: add the credit code to say which"),
                )
                return None
            if candidates:
                found = candidates[0]
        return found

    def _build(self, row, enterprise, ctx, aliases, sites):
        values = row.values
        if enterprise is None:
            enterprise = Enterprise()
            row.action = "create"
            row.instance = enterprise
            if "kind" not in values:
                row.error("kind", _("a new enterprise needs its kind"))
        else:
            self.start_update(row, enterprise)
        old_region = enterprise.home_region if enterprise.pk else None
        for field in self.ENTERPRISE_FIELDS:
            if field in values:
                setattr(enterprise, field, values[field])
        # Rights: a new enterprise, or one moved to another region, must land inside the scope.
        region = enterprise.home_region if enterprise.home_region_id else None
        if (enterprise.pk is None or region != old_region) and not ctx.may_add_in_region(region):
            key = "home_region" if "home_region" in values else "name"
            if region is None:
                row.error(
                    key,
                    _("give the registered region: you may only add enterprises in your region"),
                )
            else:
                row.error(
                    key,
                    _("outside your region: you may not add or move enterprises to %(region)s")
                    % {"region": region.name},
                )
        group = values.get("group")
        if isinstance(group, PendingEnterprise):
            first = ctx.cache["file_keys"].get(group.key)
            if first is None:
                row.error(
                    "group",
                    _("unknown enterprise “%(key)s”: it is not in the registry nor in a row above")
                    % {"key": group.key},
                )
            else:
                row.extra["group_row"] = first
                row.extra_changes.append((_("parent group"), "", _("row %(row)d") % {"row": first}))
        elif group is not None:
            if enterprise.pk and group.pk == enterprise.pk:
                row.error("group", _("an enterprise cannot be its own parent group"))
            elif enterprise.pk and group.group_id == enterprise.pk:
                row.error(
                    "group", _("“%(group)s” is a subsidiary of this enterprise") % {"group": group}
                )
            else:
                enterprise.group = group
        # Model checks for the free-text fields (lengths, the website's URL); the typed columns
        # (codes, choices, dates, numbers, regions) were checked as they were read.
        self.clean_instance(row, enterprise, [f for f in self.TEXT_FIELDS if f in values])
        self._build_aliases(row, enterprise, aliases)
        self._build_site(row, enterprise, ctx, sites)

    def _build_aliases(self, row, enterprise, aliases):
        have = set(aliases.get(enterprise.pk, ())) if enterprise.pk else set()
        new = []
        for key, kind in (("aliases", AliasKind.OTHER), ("former_names", AliasKind.FORMER)):
            for name in row.values.get(key, []):
                if name not in have and name != row.values.get("name"):
                    have.add(name)
                    new.append((name, kind))
        if new:
            row.extra["aliases"] = new
            if enterprise.pk:
                row.extra_changes.append((_("aliases"), "", "、".join(n for n, _k in new)))

    def _build_site(self, row, enterprise, ctx, sites):
        values = row.values
        given = [key for key in self.SITE_COLUMNS if key in values]
        if not given:
            return
        name = values.get("site_name")
        if not name:
            row.error(given[0], _("give the site name (厂区名称) for the site's details"))
            return
        site = None
        for candidate in sites.get(enterprise.pk, []) if enterprise.pk else []:
            if candidate.name == name:
                site = candidate
        before = None
        if site is None:
            site = Site(name=name, kind=values.get("site_kind", SiteKind.PLANT))
        else:
            from clusterhub.core.changelog import snapshot

            before = snapshot(site)
        old_region = site.region if site.pk else None
        for field, key in (
            ("kind", "site_kind"),
            ("address", "address"),
            ("region", "site_region"),
        ):
            if key in values:
                setattr(site, field, values[key])
        if not site.region_id and enterprise.home_region_id:
            site.region = enterprise.home_region
        if not site.region_id:
            row.error(
                "site_region", _("give the site's region (or the enterprise's registered region)")
            )
            return
        has_lon, has_lat = "longitude" in values, "latitude" in values
        if has_lon != has_lat:
            row.error("longitude" if has_lat else "latitude", _("give both longitude and latitude"))
        elif has_lon:
            if "datum" not in values:
                row.error("datum", _("coordinates need their datum: GCJ-02 or WGS-84"))
            site.longitude, site.latitude = values["longitude"], values["latitude"]
            site.datum = values.get("datum", "")
        if site.region != old_region and not ctx.may_add_in_region(site.region):
            row.error(
                "site_region" if "site_region" in values else "site_name",
                _("outside your region: you may not add a site in %(region)s")
                % {"region": site.region.name},
            )
        if site.pk and site.pk not in ctx.allowed_pks(Site.objects.all(), [site.pk]):
            row.error("site_name", _("outside your region: you may not change this site"))
        self.clean_instance(row, site, ["name", "address"])
        if site.pk is None:
            row.extra["site"] = site
            row.extra["site_new"] = True
            if enterprise.pk:
                row.extra_changes.append((_("site"), "", name))
        else:
            from clusterhub.core.changelog import snapshot

            if before != snapshot(site):
                row.extra["site"] = site  # written only when something changed
                row.extra_changes.append((_("site"), name, _("updated")))

    # -- writing --
    def apply_batch(self, rows, ctx):
        """New enterprises (with aliases and sites) in bulk; updates one by one."""
        written = ctx.cache["written"]
        creates, later = [], []
        for row in rows:
            if row.action != "create":
                continue
            group_row = row.extra.get("group_row")
            if group_row is not None:
                if group_row in written:
                    row.instance.group = written[group_row]
                elif any(r.number == group_row for r in rows):
                    later.append(row)  # its group is created in this same batch
                    continue
            creates.append(row)
        create_enterprises_in_bulk(
            enterprises=[row.instance for row in creates],
            aliases=[
                (row.instance, name, kind)
                for row in creates
                for name, kind in row.extra.get("aliases", ())
            ],
            sites=[self._site_for(row) for row in creates if row.extra.get("site")],
        )
        for row in creates:
            written[row.number] = row.instance
        for row in rows:
            if row.action == "update" or row in later:
                self.apply_row(row, ctx)
        self._after_write(rows, ctx)

    def _after_write(self, rows, ctx):
        """What resolution keeps of written rows: the provenance of every value (which list said
        what, when) and a review item for each row in the middle band."""
        source = ctx.source or str(self.label)
        user = ctx.user if getattr(ctx.user, "is_authenticated", False) else None
        provenance = []
        for row in rows:
            enterprise = row.instance
            if enterprise is None or enterprise.pk is None or row.extra.get("kept"):
                continue
            row.extra["kept"] = True
            canonical = self._canonical(row)
            for field in PROVENANCE_FIELDS:
                value = canonical.get(field)
                if value in (None, ""):
                    continue
                provenance.append(
                    FieldProvenance(
                        enterprise=enterprise,
                        field=field,
                        value=str(value)[:500],
                        source=str(row.values.get("source") or source)[:300],
                        user=user,
                    )
                )
            review = row.extra.get("review")
            if review and review["candidate"].pk is not None:
                item = queue_review(
                    enterprise=enterprise,
                    candidate=review["candidate"],
                    score=review["score"],
                    kind=ReviewKind.IMPORT,
                    source=source,
                    incoming_key=review["key"],
                    incoming=review["incoming"],
                )
                if item is not None:
                    ctx.cache["queued"] = ctx.cache.get("queued", 0) + 1
                    row.extra["queued"] = item.pk
        FieldProvenance.objects.bulk_create(provenance, batch_size=1000)

    def report(self, ctx):
        if "resolution" not in ctx.cache:
            return {}
        return {
            "resolution": {
                "counts": dict(ctx.cache["resolution_counts"]),
                "queued": ctx.cache.get("queued", 0),
                "rows": ctx.cache["resolution"],
                "truncated": len(ctx.cache["resolution"]) >= RESOLUTION_LISTED,
            }
        }

    @staticmethod
    def _site_for(row):
        site = row.extra["site"]
        site.enterprise = row.instance
        return site

    def forget_batch(self, rows, ctx):
        super().forget_batch(rows, ctx)
        for row in rows:
            ctx.cache["written"].pop(row.number, None)
            if row.extra.pop("kept", None) and row.extra.pop("queued", None):
                ctx.cache["queued"] -= 1
            site = row.extra.get("site")
            if site is not None and row.extra.get("site_new"):
                site.pk = None
                site._state.adding = True

    def apply_row(self, row, ctx):
        enterprise = row.instance
        if enterprise.pk is None and row.action == "update":
            raise ValidationError(
                _("the row this one is merged into (the same company) was not imported")
            )
        group_row = row.extra.get("group_row")
        if group_row is not None:
            group = ctx.cache["written"].get(group_row)
            if group is None:
                row.warn(
                    "group", _("the parent group's row was not imported; the group is left empty")
                )
            else:
                enterprise.group = group
        new_aliases = row.extra.get("aliases")
        aliases = None
        if new_aliases:
            aliases = list(enterprise.aliases.values_list("name", "kind")) if enterprise.pk else []
            aliases += new_aliases
        if row.action == "update" and not row.extra.get("changed_fields") and group_row is None:
            if aliases is not None:
                save_enterprise(enterprise=enterprise, aliases=aliases)
        else:
            save_enterprise(enterprise=enterprise, aliases=aliases)
        site = row.extra.get("site")
        if site is not None:
            site.enterprise = enterprise
            try:
                save_site(site=site)
            except ValidationError as error:
                # Name the file's site columns, not the enterprise's.
                raise ValidationError(
                    {
                        SITE_FIELD_COLUMNS.get(field, field): messages
                        for field, messages in error.message_dict.items()
                    }
                )
        ctx.cache["written"][row.number] = enterprise
        self._after_write([row], ctx)
        return enterprise

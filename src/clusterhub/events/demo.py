"""The demo conference: 2021-10-19, "Conference for the Promotion of Sister Cities of Changchun
Auto Clusters", with FAW and six city presentations, about 400 registrations, a few thousand
meeting requests, a published schedule, check-ins, outcomes and the 18 signings.

Real (en.changchun.gov.cn 2021-10-21): the conference, its date and city, the presenting cities
(Changchun, Jilin, Siping, Liaoyuan, Songyuan, Baicheng) and FAW, 400+ guests, 18 projects signed
for RMB 21 bn in all. Illustrative: the session times, the B2B slots and tables (the news item
mentions no matchmaking; the 2025 follow-up did one-to-one matching), every participant, request,
meeting and outcome, which are marked synthetic. The signings link to the projects demo's
"CC2021-1019-01".."18" (which carry the amounts).

`load_event_demo()` runs after the base and project demos. Deterministic for a seed; a second run
finds the event and writes nothing; reset=True deletes the event and what it made first.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo

from django.db import transaction

from clusterhub.core.changelog import change_context, log_bulk_create
from clusterhub.core.choices import ChangeSource

from . import services
from .choices import EventStatus, Outcome, ParticipantRole, RequestStatus, SessionKind
from .models import (
    Event,
    Interpreter,
    MeetingRequest,
    MeetingSlot,
    Registration,
    Session,
    Signing,
    Table,
)

SLUG = "changchun-sister-cities-2021"
SEED = 20211019
DATE = datetime.date(2021, 10, 19)
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
CITIES = [
    ("220100", "长春市", "Changchun"),
    ("220200", "吉林市", "Jilin"),
    ("220300", "四平市", "Siping"),
    ("220400", "辽源市", "Liaoyuan"),
    ("220700", "松原市", "Songyuan"),
    ("220800", "白城市", "Baicheng"),
]
CITY_ROLES = {
    "220100": "整车“龙头”，国际汽车城 / complete vehicles, the “dragon head”",
    "220200": "“两翼”：汽车化工、碳纤维、汽车电子、电池产业园 / auto chemicals, carbon fibre, electronics, batteries",
    "220300": "专用车，与长春共建园区 / special-purpose vehicles, a park co-built with Changchun",
    "220400": "原材料基地 / raw-material base",
    "220700": "原材料基地：石油天然气 / raw materials: oil and gas",
    "220800": "原材料基地：风电、光伏，一汽解放氢能客车 / wind and solar; FAW Jiefang hydrogen buses",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海波宇鹏晨浩然思雨欣怡博文"
REASONS_SUPPLY = [
    "介绍我司{p}产品，争取进入一汽配套体系",
    "{p}本地化配套合作",
    "希望了解红旗新车型的{p}采购计划",
    "Localised supply of {p} for the Changchun plants",
    "{p}: quotation and sample testing",
]
REASONS_INVEST = [
    "拟在{c}投资建设{p}生产基地，了解园区政策",
    "Investment in a {p} plant in {c}: land, incentives",
    "洽谈{c}产业园入驻事宜",
]
PARTS = [
    "座椅",
    "线束",
    "车灯",
    "制动系统",
    "转向器",
    "动力电池",
    "电驱动",
    "热管理",
    "内饰件",
    "轮胎",
    "铝合金压铸件",
    "车身冲压件",
    "汽车电子",
    "碳纤维部件",
    "氢燃料电池",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _at(hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(DATE, datetime.time(hour, minute), tzinfo=TZ)


def reset_event_demo() -> None:
    from clusterhub.projects.models import Project

    event = Event.objects.filter(slug=SLUG).first()
    if event is None:
        return
    with transaction.atomic():
        leads = list(event.runs.values_list("meetings__lead_project", flat=True))
        event.delete()
        Project.objects.filter(pk__in=[p for p in leads if p], is_synthetic=True).delete()


def load_event_demo(
    *, seed: int = SEED, reset: bool = False, time_limit: float = 10.0, participants: int = 400
) -> dict:
    if reset:
        reset_event_demo()
    existing = Event.objects.filter(slug=SLUG).first()
    if existing is not None:
        return {"event": SLUG, "created": False}
    with change_context(source=ChangeSource.COMMAND):
        return _load(seed=seed, time_limit=time_limit, participants=participants)


def _load(*, seed: int, time_limit: float, participants: int) -> dict:
    from clusterhub.accounts.models import Organisation
    from clusterhub.enterprises.models import Enterprise
    from clusterhub.geo.models import Region

    rng = random.Random(seed)
    regions = {r.code: r for r in Region.objects.filter(code__in=[c for c, _z, _e in CITIES])}
    changchun = regions.get("220100") or Region.objects.filter(code="220100").first()
    if changchun is None:
        raise RuntimeError("load the base demo first: the region 220100 (Changchun) is missing")
    organiser, _created = Organisation.objects.get_or_create(
        name="长春汽车产业集群推介会组委会",
        defaults={
            "name_en": "Organising committee, Changchun auto cluster promotion conference",
            "kind": "event_organiser",
            "region": changchun,
        },
    )
    with transaction.atomic():
        event = Event.objects.create(
            slug=SLUG,
            name="长春汽车产业集群姊妹城市推介会",
            name_en="Conference for the Promotion of Sister Cities of Changchun Auto Clusters",
            starts_on=DATE,
            city=changchun,
            venue="长春 / Changchun (China-Germany Automobile Congress)",
            organiser=organiser,
            status=EventStatus.OPEN,
            # Written the way the organising bureau would, in Chinese.
            description=(
                "中国一汽与长春、吉林、四平、辽源、松原、白城六市面向400余位嘉宾推介，"
                "签约18个重点合作项目，总额210亿元（en.changchun.gov.cn 2021-10-21）。"
                "会议各环节时间、一对一对接、参会者及对接需求为示意性的合成数据。"
            ),
            source="en.changchun.gov.cn 2021-10-21",
        )
        sessions = [
            Session(
                event=event,
                kind=SessionKind.OPENING,
                title="开幕与致辞",
                title_en="Opening and speech",
                starts_at=_at(9, 0),
                ends_at=_at(9, 20),
                speaker="张志军 Zhang Zhijun (speech); 王子联 Wang Zilian (presiding)",
            ),
            Session(
                event=event,
                kind=SessionKind.SIGNING,
                title="重点合作项目签约仪式",
                title_en="Signing of 18 key cooperation projects",
                starts_at=_at(9, 20),
                ends_at=_at(9, 50),
            ),
            Session(
                event=event,
                kind=SessionKind.SPEECH,
                title="中国一汽发展与红旗品牌规划",
                title_en="FAW's development and the Hongqi brand plan",
                starts_at=_at(9, 50),
                ends_at=_at(10, 10),
                speaker="王国强 Wang Guoqiang, FAW",
            ),
        ]
        start = _at(10, 10)
        for code, name, name_en in CITIES:
            sessions.append(
                Session(
                    event=event,
                    kind=SessionKind.PRESENTATION,
                    title=f"{name}推介：{CITY_ROLES[code].split(' / ')[0]}",
                    title_en=f"{name_en}: {CITY_ROLES[code].split(' / ')[1]}",
                    starts_at=start,
                    ends_at=start + datetime.timedelta(minutes=15),
                    city=regions.get(code),
                    speaker=f"{name_en} representative",
                )
            )
            start += datetime.timedelta(minutes=15)
        sessions.append(
            Session(
                event=event,
                kind=SessionKind.MATCHMAKING,
                title="一对一供需对接",
                title_en="One-to-one B2B meetings",
                starts_at=_at(13, 30),
                ends_at=_at(18, 50),
            )
        )
        Session.objects.bulk_create(sessions)
        slots = MeetingSlot.objects.bulk_create(
            MeetingSlot(
                event=event,
                starts_at=_at(13, 30) + datetime.timedelta(minutes=20 * i),
                ends_at=_at(13, 30) + datetime.timedelta(minutes=20 * i + 20),
                label=f"B2B {i + 1:02d}",
            )
            for i in range(16)
        )
        tables = Table.objects.bulk_create(
            Table(
                event=event,
                label=f"{'A' if t < 100 else 'V'}{t + 1:03d}",
                seats=4 if t < 100 else 8,
                zone="A" if t < 100 else "VIP",
            )
            for t in range(120)
        )
        interpreters = Interpreter.objects.bulk_create(
            Interpreter(event=event, name=name, languages=langs)
            for name, langs in (
                ("Anna Schmidt", "zh,de,en"),
                ("刘德文 Liu Dewen", "zh,de"),
                ("Emily Chen", "zh,en"),
                ("佐藤 Sato Yui", "zh,ja"),
            )
        )
        log_bulk_create([*Session.objects.filter(event=event), *slots, *tables, *interpreters])
    slot_ids = [s.pk for s in slots]

    # Participants: organisations from the registry (so they match), plus city delegations.
    pool = {
        kind: list(Enterprise.objects.filter(kind__in=kinds).order_by("name")[:limit])
        for kind, kinds, limit in (
            ("buyer", ["oem", "tier1"], 400),
            ("supplier", ["tier1", "tier2", "raw_material", "service", "logistics"], 2000),
            ("investor", ["finance", "group"], 200),
        )
    }
    faw_buyers = [e for e in pool["buyer"] if e.kind == "oem"] or pool["buyer"]
    people: list[Registration] = []
    used_orgs: set[int] = set()

    def pick(kind):
        candidates = [e for e in pool[kind] if e.pk not in used_orgs]
        if not candidates:
            return None
        e = rng.choice(candidates)
        used_orgs.add(e.pk)
        return e

    plan = [("buyer", 60), ("supplier", participants - 60 - 40 - 18 - 10 - 12), ("investor", 40)]
    k = 0
    for role, count in plan:
        for _i in range(count):
            k += 1
            if role == "buyer" and faw_buyers and rng.random() < 0.5:
                enterprise = rng.choice(faw_buyers)  # several FAW purchasers from one OEM
            else:
                enterprise = pick(role)
            org = enterprise.name if enterprise else f"示例{role}企业{k:03d}（合成）"
            u = rng.random()
            languages = (
                ["zh"]
                if u < 0.6
                else (["zh", "en"] if u < 0.9 else (["de", "en"] if u < 0.96 else ["ja"]))
            )
            available = sorted(rng.sample(slot_ids, 12)) if rng.random() < 0.6 else slot_ids
            people.append(
                services.register(
                    event=event,
                    name=_name(rng),
                    organisation_name=org,
                    credit_code=enterprise.credit_code or "" if enterprise else "",
                    role=role,
                    languages=languages,
                    needs_interpreter="zh" not in languages,
                    max_meetings=rng.randint(4, 10) if role != "buyer" else rng.randint(8, 12),
                    available_slots=available,
                    email=f"guest{k:03d}@demo.clusterhub.invalid",
                    offers=rng.choice(PARTS) if role == "supplier" else "",
                    seeks=rng.choice(PARTS) if role in ("buyer", "investor") else "",
                    is_synthetic=True,
                    by_organiser=True,
                )
            )
    # Six city delegations of three, kept together; 12 provincial and other officials; 10 media.
    for code, name, _en in CITIES:
        for _i in range(3):
            k += 1
            people.append(
                services.register(
                    event=event,
                    name=_name(rng),
                    organisation_name=f"{name}商务局",
                    role=ParticipantRole.GOVERNMENT,
                    languages=["zh"],
                    max_meetings=10,
                    delegation=name,
                    city=regions.get(code),
                    email=f"guest{k:03d}@demo.clusterhub.invalid",
                    seeks="招商引资 / investment",
                    is_synthetic=True,
                    by_organiser=True,
                )
            )
    for role, count, org in (
        (ParticipantRole.GOVERNMENT, 12, "吉林省商务厅"),
        (ParticipantRole.MEDIA, 10, "吉林日报社"),
    ):
        for _i in range(count):
            k += 1
            people.append(
                services.register(
                    event=event,
                    name=_name(rng),
                    organisation_name=org,
                    role=role,
                    languages=["zh"],
                    max_meetings=0 if role == ParticipantRole.MEDIA else 4,
                    email=f"guest{k:03d}@demo.clusterhub.invalid",
                    is_synthetic=True,
                    by_organiser=True,
                )
            )

    # Requests: suppliers ask buyers (a few buyers are wanted by many), investors ask delegations.
    by_role: dict[str, list[Registration]] = {}
    for p in people:
        by_role.setdefault(p.role, []).append(p)
    buyers = by_role.get("buyer", [])
    popularity = [rng.paretovariate(3.0) for _ in buyers]
    delegations = [p for p in by_role.get("government", []) if p.delegation]
    leads = {}
    for p in delegations:
        leads.setdefault(p.delegation, p)
    seen: set[tuple[int, int]] = set()
    requests: list[MeetingRequest] = []

    def add(a, b, reason):
        key = (min(a.pk, b.pk), max(a.pk, b.pk))
        if a.pk == b.pk or key in seen:
            return
        seen.add(key)
        u = rng.random()
        status = (
            RequestStatus.ACCEPTED
            if u < 0.8
            else (RequestStatus.DECLINED if u < 0.92 else RequestStatus.PENDING)
        )
        requests.append(
            MeetingRequest(
                event=event,
                requester=a,
                recipient=b,
                reason=reason,
                status=status,
                priority=1 if rng.random() < 0.85 else rng.choice((2, 3)),
                chain_gap=rng.choice(("0.5", "1.0")) if rng.random() < 0.12 else "0",
                is_synthetic=True,
            )
        )

    for supplier in by_role.get("supplier", []):
        for _i in range(rng.randint(6, 14)):
            buyer = rng.choices(buyers, weights=popularity)[0]
            add(
                supplier,
                buyer,
                rng.choice(REASONS_SUPPLY).format(p=supplier.offers or rng.choice(PARTS)),
            )
    for investor in by_role.get("investor", []):
        for lead in rng.sample(list(leads.values()), min(3, len(leads))):
            add(
                investor,
                lead,
                rng.choice(REASONS_INVEST).format(
                    c=lead.delegation, p=investor.seeks or rng.choice(PARTS)
                ),
            )
        for _i in range(rng.randint(1, 4)):
            add(investor, rng.choice(buyers), "战略合作 / strategic cooperation")
    for lead in leads.values():
        for supplier in rng.sample(by_role.get("supplier", []), 6):
            add(lead, supplier, "邀请落户本市园区 / invite to our park")
    now = datetime.datetime.combine(DATE - datetime.timedelta(days=3), datetime.time(10), tzinfo=TZ)
    for q in requests:
        if q.status != RequestStatus.PENDING:
            q.responded_at = now
    MeetingRequest.objects.bulk_create(requests, batch_size=1000)
    log_bulk_create(requests)
    # Must-meets: an FAW buyer with a supplier that fills a chain gap.
    for _i in range(15):
        services.add_must_meet(
            a=rng.choice(buyers),
            b=rng.choice(by_role.get("supplier", [])),
            reason="补链：本地缺少该零部件供应商 / fills a chain gap",
            priority=3,
            chain_gap="1.0",
        )

    run = services.run_schedule(event=event, time_limit=time_limit)
    services.publish(run=run)

    # The day itself: check-ins, meetings held, outcomes (a few project leads).
    for p in people:
        if rng.random() < 0.9:
            Registration.objects.filter(pk=p.pk).update(
                checked_in_at=_at(8, 30) + datetime.timedelta(minutes=rng.randint(0, 60))
            )
    meetings = list(
        run.meetings.select_related(
            "request__requester", "request__recipient", "run__event", "slot"
        )
    )
    leads_made = 0
    for m in meetings[: int(len(meetings) * 0.6)]:
        u = rng.random()
        outcome = Outcome.NO_INTEREST if u < 0.3 else Outcome.FOLLOW_UP
        if (
            u > 0.985
            and leads_made < 6
            and (m.request.requester.enterprise_id or m.request.recipient.enterprise_id)
        ):
            outcome = Outcome.PROJECT_LEAD
        try:
            services.record_outcome(meeting=m, outcome=outcome, note="demo")
        except Exception:
            services.record_outcome(meeting=m, outcome=Outcome.FOLLOW_UP, note="demo")
            continue
        if m.lead_project_id:
            m.lead_project.is_synthetic = True
            m.lead_project.save(update_fields=["is_synthetic"])
            leads_made += 1

    # The 18 signings, linked to the projects demo's conference projects.
    from clusterhub.projects.models import Project

    projects = list(Project.objects.filter(code__startswith="CC2021-1019-").order_by("code"))
    for n, project in enumerate(projects, start=1):
        Signing.objects.create(
            event=event,
            project=project,
            order=n,
            title=project.name,
            amount=project.contract_amount or 0,
            city=project.city
            if getattr(project, "city", None)
            else (project.signing_region or changchun),
            segment=project.segment or "parts",
            parties=f"{project.investor.name} / {(project.city or changchun).name if getattr(project, 'city', None) else changchun.name}",
            is_synthetic=project.is_synthetic,
        )
    totals = services.signing_totals(event)
    return {
        "event": SLUG,
        "created": True,
        "registrations": len(people),
        "requests": event.requests.count(),
        "meetings": run.meetings_count,
        "gap_to_bound": run.gap_to_bound,
        "project_leads": leads_made,
        "signings": totals.count,
        "signed_total": str(totals.total),
    }

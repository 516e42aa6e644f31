"""Business logic for investment projects: create, edit, move between stages, milestones, problems,
funds, promotion activities, and the alerts that come out of them.

Every function takes keyword-only arguments, checks everything before it writes, and writes in one
transaction, so a refused change leaves nothing half written. Refusals are
`django.core.exceptions.ValidationError` (with a message per field where there is a field) or
`ProjectPermissionError` (a `PermissionDenied` with a reason). `user=None` means the system itself
(demo loaders, background tasks): no access check, and the change log takes its actor from
`core.changelog.change_context`.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.access import get_access
from clusterhub.core.changelog import current_context
from clusterhub.core.choices import Confidentiality
from clusterhub.core.units import UnitError, parse_amount

from .choices import PIPELINE, ActivityKind, OriginKind, ProblemStatus, Stage
from .models import (
    Activity,
    FundsArrival,
    Milestone,
    Problem,
    Project,
    StageAlertRule,
    StageEvent,
)

MONEY_FIELDS = (
    "planned_investment",
    "contract_amount",
    "funds_arrived",
    "fixed_asset_investment",
    "expected_annual_output",
)
# Days without a stage change after which a project in a stage raises an alert; StageAlertRule
# rows (editable in the admin) override these.
DEFAULT_STALE_DAYS = {
    Stage.LEAD: 60,
    Stage.NEGOTIATING: 90,
    Stage.SIGNED: 120,
    Stage.STARTED: 365,
    Stage.STALLED: 30,
}


class ProjectPermissionError(PermissionDenied):
    """The user may see the project but not change it; the message says why."""


# ---------------------------------------------------------------------------------------------
# Small checks shared by the services, the forms and the importer


def to_yuan(value, *, field: str = "", unit: str = "元") -> Decimal | None:
    """Decimal yuan from a Decimal, a number (in `unit`) or text such as "3000万元" / "2.1亿".

    Negative amounts are refused: no project money is negative.
    """
    if value is None or value == "":
        return None
    try:
        parsed = parse_amount(value, unit)
    except UnitError as error:
        raise ValidationError({field: str(error)} if field else str(error))
    if parsed is None:
        return None
    if parsed.yuan < 0:
        message = _("an amount cannot be negative")
        raise ValidationError({field: message} if field else message)
    return parsed.yuan.quantize(Decimal("0.01"))


def check_not_future(day: datetime.date | None, *, field: str, today=None) -> None:
    """Signing, start, operation and arrival dates are facts: they cannot be in the future."""
    today = today or timezone.localdate()
    if day is not None and day > today:
        raise ValidationError(
            {
                field: _("%(date)s is in the future; this date records something that happened")
                % {"date": day.isoformat()}
            }
        )


def can_change(user, project: Project) -> bool:
    if user is None:
        return True
    return Project.objects.restrict(user, "change").filter(pk=project.pk).exists()


def require_change(user, project: Project) -> None:
    if not can_change(user, project):
        city = project.city or project.counted_region
        raise ProjectPermissionError(
            _(
                "You may not change this project: it belongs to %(city)s, outside your area, "
                "or your role only allows viewing."
            )
            % {"city": city or _("no city")}
        )


def new_project_code(*, year: int | None = None) -> str:
    year = year or timezone.localdate().year
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return f"P{year}-" + "".join(secrets.choice(alphabet) for _ in range(6))


def _default_region_for(user):
    """A government user's own area: where the projects they create are counted by default."""
    from clusterhub.geo.models import Region

    if user is None:
        return None
    paths = get_access(user).region_paths(2)
    if not paths:
        return None
    # The narrowest scope: a district officer's projects belong to the district.
    path = max(paths, key=len)
    return Region.objects.filter(path=path).first()


def _record_event(*, project, from_stage, to_stage, on, reason="", now=None, user=None):
    context = current_context()
    actor = user if user is not None else context.user
    if not getattr(actor, "is_authenticated", False):
        actor = None
    return StageEvent.objects.create(
        project=project,
        from_stage=from_stage,
        to_stage=to_stage,
        at=now or timezone.now(),
        on=on,
        user=actor,
        user_name=actor.get_username() if actor else "",
        source=context.source,
        reason=reason[:500],
    )


# ---------------------------------------------------------------------------------------------
# Projects


@transaction.atomic
def create_project(
    *,
    user,
    name: str,
    investor,
    origin_kind: str,
    name_en: str = "",
    code: str | None = None,
    description: str = "",
    chain_nodes: Iterable = (),
    segment: str = "",
    origin_chain_node=None,
    origin_region=None,
    origin_reference: str = "",
    signing_region=None,
    landing_region=None,
    landing_park=None,
    site=None,
    site_address: str = "",
    owner=None,
    secretary=None,
    named_people: Iterable = (),
    confidentiality: str | None = None,
    stage: str = Stage.LEAD,
    lead_on: datetime.date | None = None,
    planned_investment=None,
    expected_annual_output=None,
    jobs: int | None = None,
    source: str = "",
    is_synthetic: bool = False,
) -> Project:
    """Create an investment project as a lead (or negotiating) and log its first stage event.

    For the events app: a B2B meeting outcome becomes a lead with
        create_project(user=officer_or_None, name=..., investor=enterprise,
                       origin_kind=OriginKind.MEETING, origin_reference="CONF-2021-10-19 / meeting 12",
                       signing_region=city)
    and a signing at a conference is then `move_project_stage(..., stage=Stage.SIGNED,
    contract_amount=..., on=signing_date)`. A project found for a chain gap passes
    origin_kind=OriginKind.GAP with origin_chain_node and origin_region.

    user: the acting user (None for the system). A user needs the officer role over the area the
        project is counted in; with no area given, a government user's own area is used.
    investor: an Enterprise of the registry (see `find_investor` to match a name).
    amounts: Decimal yuan, numbers in yuan, or text with a unit ("3000万元", "2.1亿元").
    confidentiality: defaults to confidential (a lead or a negotiation is not public).
    Refuses with ValidationError or ProjectPermissionError; writes nothing then.
    """
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("a project needs a name")
    if investor is None or getattr(investor, "pk", None) is None:
        errors["investor"] = _(
            "the investor is not in the enterprise registry: match it to an existing "
            "enterprise or create it first"
        )
    if origin_kind not in OriginKind.values:
        errors["origin_kind"] = _("unknown origin “%(kind)s”") % {"kind": origin_kind}
    if stage not in (Stage.LEAD, Stage.NEGOTIATING):
        errors["stage"] = _(
            "a new project starts as a lead or a negotiation; signing and later stages are "
            "stage moves with their own checks"
        )
    amounts = {}
    for field, value in (
        ("planned_investment", planned_investment),
        ("expected_annual_output", expected_annual_output),
    ):
        try:
            amounts[field] = to_yuan(value, field=field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if jobs is not None and jobs < 0:
        errors["jobs"] = _("jobs cannot be negative")
    try:
        check_not_future(lead_on, field="lead_on")
    except ValidationError as error:
        errors.update(error.message_dict)
    if origin_kind == OriginKind.GAP and origin_chain_node is None:
        errors["origin_chain_node"] = _("a project from a chain gap names the chain node")
    if errors:
        raise ValidationError(errors)

    chain_nodes = list(chain_nodes)
    if not signing_region and not landing_region:
        signing_region = _default_region_for(user)
    if landing_park is not None and landing_region is None:
        landing_region = landing_park.region
    project = Project(
        code=(code or "").strip() or new_project_code(),
        name=name.strip(),
        name_en=(name_en or "").strip(),
        investor=investor,
        description=description,
        segment=segment or (chain_nodes[0].segment if chain_nodes else ""),
        origin_kind=origin_kind,
        origin_chain_node=origin_chain_node,
        origin_region=origin_region,
        origin_reference=origin_reference[:300],
        signing_region=signing_region,
        landing_region=landing_region,
        landing_park=landing_park,
        site=site,
        site_address=site_address,
        owner=owner if owner is not None else _government_user(user),
        secretary=secretary,
        confidentiality=confidentiality or Confidentiality.CONFIDENTIAL,
        stage=stage,
        stage_changed_at=timezone.now(),
        lead_on=lead_on or timezone.localdate(),
        jobs=jobs,
        source=source,
        is_synthetic=is_synthetic,
        **amounts,
    )
    project.derive_location()
    if user is not None:
        access = get_access(user)
        region = project.counted_region
        if not (access.is_data_steward() or (region and access.covers_region(region, "add"))):
            raise ProjectPermissionError(
                _("You may only create projects in your own area (%(area)s is outside it).")
                % {"area": region or _("no area")}
            )
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ValidationError(
            {"code": _("project code %(code)s is already used") % {"code": project.code}}
        )
    if chain_nodes:
        project.chain_nodes.set(chain_nodes)
    extra = [p for p in named_people if p is not None]
    if extra:
        project.named_people.add(*extra)
    _record_event(project=project, from_stage="", to_stage=stage, on=project.lead_on, user=user)
    return project


def _government_user(user):
    if user is None or not get_access(user).is_government:
        return None
    return user


def legal_moves(project: Project) -> list[str]:
    """The stages this project may move to next."""
    if project.stage in (Stage.OPERATING, Stage.DROPPED):
        return []
    if project.stage == Stage.STALLED:
        base = project.stalled_from or Stage.LEAD
        index = PIPELINE.index(base)
        return [*PIPELINE[index:], Stage.DROPPED]
    index = PIPELINE.index(project.stage)
    return [*PIPELINE[index + 1 :], Stage.STALLED, Stage.DROPPED]


# Django builds a Choices class's `values` list afresh on every access (with a hasattr per
# member): an import asking once per row spent a sixth of its time there.
STAGE_VALUES = frozenset(Stage.values)


def stages_passed(project: Project, stage: str) -> list[str]:
    """The stages a move to `stage` goes through (each is checked and logged), or a
    ValidationError when the move is not allowed."""
    if stage not in STAGE_VALUES:
        raise ValidationError({"stage": _("unknown stage “%(stage)s”") % {"stage": stage}})
    allowed = legal_moves(project)
    if stage not in allowed:
        raise ValidationError(
            {
                "stage": _(
                    "a project cannot move from “%(from)s” to “%(to)s”; allowed: %(allowed)s"
                )
                % {
                    "from": Stage(project.stage).label,
                    "to": Stage(stage).label,
                    "allowed": ", ".join(str(Stage(s).label) for s in allowed) or _("none"),
                }
            }
        )
    if stage in (Stage.STALLED, Stage.DROPPED):
        return [stage]
    start = project.stalled_from if project.stage == Stage.STALLED else project.stage
    if project.stage == Stage.STALLED and stage == start:
        return []  # resuming where it stalled
    return PIPELINE[PIPELINE.index(start) + 1 : PIPELINE.index(stage) + 1]


DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.OPERATING: "operating_on",
}


def stage_errors(
    project: Project,
    *,
    stage: str,
    passed: list[str],
    dates: dict[str, datetime.date],
    reason: str = "",
    today: datetime.date | None = None,
) -> dict[str, str]:
    """What is missing for the move (field -> reason); empty when it may go ahead. No queries.

    `project` carries the values the move will leave it with (amount, regions, site);
    `dates` the effective date of each stage passed."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if stage in (Stage.STALLED, Stage.DROPPED) and not (reason or "").strip():
        errors["reason"] = _("say why the project is %(stage)s") % {"stage": Stage(stage).label}
    previous = project.lead_on
    previous_label = _("the lead was recorded")
    for step in passed:
        field = DATE_FIELD.get(step)
        if field is None:
            continue
        day = dates.get(step)
        if day is None:
            errors[field] = _("“%(stage)s” needs its date") % {"stage": Stage(step).label}
            continue
        if day > today:
            errors[field] = _(
                "%(date)s is in the future; this date records something that happened"
            ) % {"date": day.isoformat()}
        elif previous and day < previous:
            errors[field] = _("%(date)s is before %(previous)s (%(previous_date)s)") % {
                "date": day.isoformat(),
                "previous": previous_label,
                "previous_date": previous.isoformat(),
            }
        if step == Stage.SIGNED:
            if not project.contract_amount or project.contract_amount <= 0:
                errors["contract_amount"] = _("signing needs a contract amount above zero")
            if project.counted_region is None:
                errors["signing_region"] = _("signing needs the signing city")
            previous_label = _("the signing")
        elif step == Stage.STARTED:
            if not (project.site_id or project.site_address or project.landing_park_id):
                errors["site_address"] = _(
                    "construction needs a site: a registry site, an address or the landing park"
                )
            if project.landing_region_id is None:
                errors["landing_region"] = _("construction needs the landing area")
            previous_label = _("the start of construction")
        previous = day
    return errors


def apply_stage_move(
    project: Project,
    *,
    stage: str,
    passed: list[str],
    dates: dict[str, datetime.date],
    reason: str = "",
    now=None,
    user=None,
    record: bool = True,
) -> list[StageEvent]:
    """Set the project's stage fields for a checked move and return its stage events, unsaved
    (the caller saves the project, then the events); `record=False` (a dry run) makes none."""
    now = now or timezone.now()
    from_stage = project.stage
    for step in passed:
        field = DATE_FIELD.get(step)
        if field:
            setattr(project, field, dates[step])
    if stage == Stage.STALLED:
        project.stalled_from = from_stage
    elif from_stage == Stage.STALLED:
        project.stalled_from = ""
    project.stage = stage
    project.stage_reason = reason.strip()[:500] if stage in (Stage.STALLED, Stage.DROPPED) else ""
    project.stage_changed_at = now
    if not record:
        return []
    context = current_context()
    actor = user if user is not None else context.user
    if not getattr(actor, "is_authenticated", False):
        actor = None
    events = []
    previous = from_stage
    default_day = dates.get(stage) or timezone.localdate(now)
    for step in passed or [stage]:
        events.append(
            StageEvent(
                project=project,
                from_stage=previous,
                to_stage=step,
                at=now,
                on=dates.get(step, default_day),
                user=actor,
                user_name=actor.get_username() if actor else "",
                source=context.source,
                reason=(reason if step == stage else "")[:500],
            )
        )
        previous = step
    return events


@transaction.atomic
def move_project_stage(
    *,
    user,
    project: Project,
    stage: str,
    on: datetime.date | None = None,
    reason: str = "",
    contract_amount=None,
    signing_region=None,
    landing_region=None,
    landing_park=None,
    site=None,
    site_address: str | None = None,
    confidentiality: str | None = None,
) -> Project:
    """Move a project to `stage`, checking what that stage needs, and log who did it.

    lead -> negotiating -> signed -> construction started -> operating; any active stage may
    stall or be dropped (both need a reason); a stalled project resumes at the stage it stalled
    at or later. Moving forward over several stages checks each stage passed and logs one stage
    event for each. Signing needs a contract amount above zero and a signing date; construction
    needs a site (a registry site, an address or the landing park) and a landing area. The date
    (`on`, default today) cannot be in the future nor before the previous stage's date.

    Refused (nothing written): ValidationError with the reason, ProjectPermissionError when the
    user may not change this project (a city officer and another city's project).
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_change(user, project)
    on = on or timezone.localdate()
    passed = stages_passed(project, stage)
    check_not_future(on, field="on")
    if contract_amount not in (None, ""):
        project.contract_amount = to_yuan(contract_amount, field="contract_amount")
    if signing_region is not None:
        project.signing_region = signing_region
    if landing_park is not None:
        project.landing_park = landing_park
        if landing_region is None and project.landing_region_id is None:
            landing_region = landing_park.region
    if site is not None:
        project.site = site
        if landing_region is None and project.landing_region_id is None:
            landing_region = site.region
    if landing_region is not None:
        project.landing_region = landing_region
    if site_address is not None:
        project.site_address = site_address.strip()
    if confidentiality:
        project.confidentiality = confidentiality
    dates = dict.fromkeys(passed, on)
    dates[stage] = on
    errors = stage_errors(project, stage=stage, passed=passed, dates=dates, reason=reason)
    if errors:
        # The form has one date field: report date problems on it.
        for field in DATE_FIELD.values():
            if field in errors:
                errors["on"] = errors.pop(field)
        raise ValidationError(errors)
    events = apply_stage_move(
        project, stage=stage, passed=passed, dates=dates, reason=reason, user=user
    )
    project.save()
    StageEvent.objects.bulk_create(events)
    return project


EDITABLE_FIELDS = {
    "name",
    "name_en",
    "description",
    "segment",
    "origin_kind",
    "origin_chain_node",
    "origin_region",
    "origin_reference",
    "signing_region",
    "landing_region",
    "landing_park",
    "site",
    "site_address",
    "owner",
    "secretary",
    "confidentiality",
    "investor",
    "jobs",
    "source",
    *MONEY_FIELDS,
}


@transaction.atomic
def update_project(
    *,
    user,
    project: Project,
    chain_nodes: Iterable | None = None,
    named_people: Iterable | None = None,
    funds_on: datetime.date | None = None,
    **changes,
) -> Project:
    """Change a project's details (not its stage: that is `move_project_stage`).

    Amounts accept Decimal yuan or text with a unit. A change of `funds_arrived` (the running
    total) is recorded as a funds arrival of the difference on `funds_on` (default today), so the
    year's KPIs count money when it arrived. Refused changes write nothing.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_change(user, project)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("these fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    errors = {}
    for field in MONEY_FIELDS:
        if field in changes:
            try:
                changes[field] = to_yuan(changes[field], field=field)
            except ValidationError as error:
                errors.update(error.message_dict)
    if "investor" in changes and getattr(changes["investor"], "pk", None) is None:
        errors["investor"] = _("the investor is not in the enterprise registry")
    if changes.get("jobs") is not None and changes["jobs"] < 0:
        errors["jobs"] = _("jobs cannot be negative")
    if "contract_amount" in changes and project.stage in (
        Stage.SIGNED,
        Stage.STARTED,
        Stage.OPERATING,
    ):
        if not changes["contract_amount"]:
            errors["contract_amount"] = _("a signed project keeps a contract amount above zero")
    if "name" in changes and not (changes["name"] or "").strip():
        errors["name"] = _("a project needs a name")
    try:
        check_not_future(funds_on, field="funds_on")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    old_funds = project.funds_arrived or Decimal(0)
    for field, value in changes.items():
        setattr(project, field, value)
    if "landing_park" in changes and changes["landing_park"] and not project.landing_region_id:
        project.landing_region = changes["landing_park"].region
    if project.stage in (Stage.STARTED, Stage.OPERATING) and project.landing_region_id is None:
        raise ValidationError(
            {"landing_region": _("a project under construction has a landing area")}
        )
    project.save()
    if chain_nodes is not None:
        project.chain_nodes.set(list(chain_nodes))
    if named_people is not None:
        keep = [p for p in (project.owner, project.secretary) if p is not None]
        project.named_people.set([*named_people, *keep])
    if "funds_arrived" in changes:
        delta = (project.funds_arrived or Decimal(0)) - old_funds
        if delta:
            FundsArrival.objects.create(
                project=project,
                on=funds_on or timezone.localdate(),
                amount=delta,
                note=_("total updated"),
            )
    return project


@transaction.atomic
def record_funds(
    *, user, project: Project, amount, on: datetime.date, note: str = ""
) -> FundsArrival:
    """Money arrived on a date; the project's total goes up by it."""
    require_change(user, project)
    yuan = to_yuan(amount, field="amount")
    if not yuan:
        raise ValidationError({"amount": _("an arrival needs an amount above zero")})
    check_not_future(on, field="on")
    if project.stage not in (Stage.SIGNED, Stage.STARTED, Stage.OPERATING, Stage.STALLED):
        raise ValidationError({"amount": _("funds arrive only for signed projects")})
    arrival = FundsArrival.objects.create(project=project, on=on, amount=yuan, note=note)
    total = project.fund_arrivals.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    project.funds_arrived = total
    project.save(update_fields=["funds_arrived", "updated", "region_path", "city"])
    return arrival


# ---------------------------------------------------------------------------------------------
# Milestones and the problem log


@transaction.atomic
def add_milestone(
    *, user, project: Project, title: str, due_on: datetime.date, owner=None, note: str = ""
) -> Milestone:
    require_change(user, project)
    if not (title or "").strip():
        raise ValidationError({"title": _("a milestone needs a title")})
    if due_on is None:
        raise ValidationError({"due_on": _("a milestone needs a due date")})
    return Milestone.objects.create(
        project=project, title=title.strip(), due_on=due_on, owner=owner or project.owner, note=note
    )


@transaction.atomic
def complete_milestone(*, user, milestone: Milestone, done_on: datetime.date | None = None):
    require_change(user, milestone.project)
    done_on = done_on or timezone.localdate()
    check_not_future(done_on, field="done_on")
    milestone.done_on = done_on
    milestone.save()
    return milestone


@transaction.atomic
def add_problem(
    *,
    user,
    project: Project,
    description: str,
    owner=None,
    due_on: datetime.date | None = None,
    raised_on: datetime.date | None = None,
) -> Problem:
    require_change(user, project)
    if not (description or "").strip():
        raise ValidationError({"description": _("describe the problem")})
    raised_on = raised_on or timezone.localdate()
    check_not_future(raised_on, field="raised_on")
    if due_on and due_on < raised_on:
        raise ValidationError({"due_on": _("the date to solve it by is before it was raised")})
    return Problem.objects.create(
        project=project,
        description=description.strip(),
        owner=owner or project.owner,
        due_on=due_on,
        raised_on=raised_on,
    )


@transaction.atomic
def resolve_problem(
    *, user, problem: Problem, resolution: str, resolved_on: datetime.date | None = None
) -> Problem:
    require_change(user, problem.project)
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("say how the problem was resolved")})
    resolved_on = resolved_on or timezone.localdate()
    check_not_future(resolved_on, field="resolved_on")
    problem.status = ProblemStatus.RESOLVED
    problem.resolution = resolution.strip()
    problem.resolved_on = resolved_on
    problem.save()
    return problem


# ---------------------------------------------------------------------------------------------
# Promotion activities (for the activity index)


def record_activity(
    *,
    kind: str,
    region,
    on: datetime.date,
    title: str,
    project: Project | None = None,
    enterprise=None,
    reference: str = "",
    is_synthetic: bool = False,
) -> Activity:
    """Record a visit, event, meeting or call of a city's promotion work.

    For the events app: one call per conference (kind=ActivityKind.EVENT, region=host city) and
    per B2B meeting held (kind=ActivityKind.MEETING, region=the city of the officer's bureau).
    Use `reference` for a stable id (e.g. "meeting:123") so a re-run does not count twice.
    """
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("unknown activity kind “%(kind)s”") % {"kind": kind}})
    if region is None:
        raise ValidationError({"region": _("an activity belongs to a city")})
    check_not_future(on, field="on")
    if reference:
        existing = Activity.objects.filter(kind=kind, reference=reference).first()
        if existing is not None:
            return existing
    return Activity.objects.create(
        kind=kind,
        region=region,
        on=on,
        title=title[:300],
        project=project,
        enterprise=enterprise,
        reference=reference[:300],
        is_synthetic=is_synthetic,
    )


# ---------------------------------------------------------------------------------------------
# Investors: match a typed name to the registry


@dataclass(frozen=True)
class InvestorMatch:
    enterprise: object | None
    candidates: list


def find_investor(*, name: str, limit: int = 5) -> InvestorMatch:
    """An exact registered name, short name, alias or credit code wins; otherwise the candidates
    a person can pick from (or create the enterprise)."""
    from clusterhub.enterprises.models import Enterprise, EnterpriseAlias
    from clusterhub.enterprises.services import normalise_query, search_enterprises

    key = normalise_query(name)
    if not key:
        return InvestorMatch(None, [])
    exact = list(
        Enterprise.objects.filter(name=key)[:2]
        or Enterprise.objects.filter(credit_code=key.upper())[:2]
        or Enterprise.objects.filter(short_name=key)[:2]
        or Enterprise.objects.filter(
            pk__in=EnterpriseAlias.objects.filter(name=key).values("enterprise_id")
        )[:2]
    )
    if len(exact) == 1:
        return InvestorMatch(exact[0], exact)
    candidates = exact or list(search_enterprises(Enterprise.objects.all(), key)[:limit])
    return InvestorMatch(None, candidates)


# ---------------------------------------------------------------------------------------------
# Alerts


# The kinds of alert, in the order an owner works through them.
ALERT_KINDS = {
    "stale": gettext_lazy("No stage change"),
    "milestone": gettext_lazy("Overdue milestones"),
    "problem": gettext_lazy("Problems past their date"),
}


@dataclass(frozen=True)
class Alert:
    kind: str  # a key of ALERT_KINDS
    project: Project
    message: str
    since: datetime.date | None
    days: int


def stale_days_by_stage() -> dict[str, int]:
    days = dict(DEFAULT_STALE_DAYS)
    days.update(dict(StageAlertRule.objects.values_list("stage", "days")))
    return days


def alerts_for(*, projects, today: datetime.date | None = None) -> list[Alert]:
    """Alerts for a queryset of projects: no stage change for too long, overdue milestones, open
    problems past their date. A fixed number of queries whatever the number of projects."""
    today = today or timezone.localdate()
    alerts: list[Alert] = []
    thresholds = stale_days_by_stage()
    project_ids = projects.values("pk")
    for stage, days in thresholds.items():
        limit = timezone.now() - datetime.timedelta(days=days)
        for project in projects.filter(stage=stage, stage_changed_at__lt=limit).select_related(
            "city"
        )[:500]:
            since = timezone.localdate(project.stage_changed_at)
            idle = (today - since).days
            alerts.append(
                Alert(
                    "stale",
                    project,
                    _("no stage change for %(days)d days in “%(stage)s” (limit %(limit)d)")
                    % {"days": idle, "stage": Stage(stage).label, "limit": days},
                    since,
                    idle,
                )
            )
    for milestone in (
        Milestone.objects.filter(project__in=project_ids, done_on__isnull=True, due_on__lt=today)
        .select_related("project__city")
        .order_by("due_on")[:500]
    ):
        late = (today - milestone.due_on).days
        alerts.append(
            Alert(
                "milestone",
                milestone.project,
                _("milestone “%(title)s” was due on %(date)s (%(days)d days late)")
                % {"title": milestone.title, "date": milestone.due_on.isoformat(), "days": late},
                milestone.due_on,
                late,
            )
        )
    for problem in (
        Problem.objects.filter(project__in=project_ids, status=ProblemStatus.OPEN, due_on__lt=today)
        .select_related("project__city")
        .order_by("due_on")[:500]
    ):
        late = (today - problem.due_on).days
        alerts.append(
            Alert(
                "problem",
                problem.project,
                _("problem “%(problem)s” was to be solved by %(date)s (%(days)d days late)")
                % {
                    "problem": problem.description[:80],
                    "date": problem.due_on.isoformat(),
                    "days": late,
                },
                problem.due_on,
                late,
            )
        )
    alerts.sort(key=lambda a: -a.days)
    return alerts


def alerts_for_owner(*, user, today: datetime.date | None = None) -> list[Alert]:
    """The alerts a user is responsible for: projects they own or are secretary of."""
    from django.db.models import Q

    projects = Project.objects.restrict(user, "view").filter(Q(owner=user) | Q(secretary=user))
    return alerts_for(projects=projects, today=today)


# ---------------------------------------------------------------------------------------------
# Targets


@transaction.atomic
def set_target(
    *,
    user,
    scope,
    year: int,
    metric: str,
    value,
    segment: str = "",
    note: str = "",
):
    """Create or change the target of a scope (see kpis.resolve_scope), segment, year, metric.

    A cluster target needs a province-wide scope (or a data steward); a city or park target an
    officer of that city."""
    from .choices import Metric, ScopeKind
    from .models import Target

    if metric not in Metric.values:
        raise ValidationError({"metric": _("unknown metric “%(m)s”") % {"m": metric}})
    amount = to_yuan(value, field="value")
    if amount is None:
        raise ValidationError({"value": _("give the target value")})
    region = None if scope.kind == ScopeKind.PARK else scope.region
    if scope.kind == ScopeKind.CLUSTER and region is None:
        from clusterhub.geo.models import Region

        region = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if user is not None:
        access = get_access(user)
        area = scope.park.region if scope.park is not None else region
        if not (access.is_data_steward() or (area and access.covers_region(area, "change"))):
            raise ProjectPermissionError(
                _("You may only set targets for your own area (%(area)s is outside it).")
                % {"area": area or _("the cluster")}
            )
    target, _created = Target.objects.update_or_create(
        scope_kind=scope.kind,
        region=region,
        park=scope.park,
        segment=segment or "",
        year=year,
        metric=metric,
        defaults={"value": amount, "note": note},
    )
    return target

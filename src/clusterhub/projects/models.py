"""Investment projects (招商项目) from lead to operation, with their milestones, problems, stage
history, funds, activities, and the cluster's targets.

The events app points at projects (Meeting.lead_project, Signing.project); projects hold no key
into events, so the two apps migrate independently.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.chain.choices import Segment
from clusterhub.core.access import AccessPolicy
from clusterhub.core.choices import Confidentiality
from clusterhub.core.models import BilingualNameMixin, ChangeLoggedModel, RestrictedQuerySet

from .choices import ActivityKind, Metric, OriginKind, ProblemStatus, ScopeKind, Stage

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}

PROJECT_POLICY = AccessPolicy(
    region_path="region_path",
    confidentiality="confidentiality",
    named_people="named_people",
)


def _through_project(prefix: str = "project__") -> AccessPolicy:
    """Child records are seen and changed exactly as their project is."""
    return AccessPolicy(
        region_path=f"{prefix}region_path",
        confidentiality=f"{prefix}confidentiality",
        named_people=f"{prefix}named_people",
    )


def city_code_of(path: str) -> str:
    """The prefecture code in a region path: "220000/220100/220104/" -> "220100"."""
    parts = [p for p in (path or "").split("/") if p]
    return parts[1] if len(parts) > 1 else ""


class Project(BilingualNameMixin, ChangeLoggedModel):
    code = models.CharField(
        _("project code"),
        max_length=40,
        unique=True,
        help_text=_("The bureau's project number; a re-import with the same code updates it."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("investor"),
        on_delete=models.PROTECT,
        related_name="investment_projects",
    )
    chain_nodes = models.ManyToManyField(
        "chain.ChainNode",
        verbose_name=_("chain nodes filled"),
        blank=True,
        related_name="projects",
    )
    segment = models.CharField(
        _("chain segment"),
        max_length=16,
        choices=Segment.choices,
        blank=True,
        help_text=_("Taken from the first chain node unless set."),
    )
    description = models.TextField(_("description"), blank=True)

    # Where it came from: a chain gap (node + region), an event, a meeting, a visit ...
    origin_kind = models.CharField(
        _("origin"), max_length=16, choices=OriginKind.choices, default=OriginKind.OTHER
    )
    origin_chain_node = models.ForeignKey(
        "chain.ChainNode",
        verbose_name=_("gap: chain node"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gap_projects",
    )
    origin_region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("gap: region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gap_projects",
    )
    origin_reference = models.CharField(
        _("origin reference"),
        max_length=300,
        blank=True,
        help_text=_("The event, meeting, visit or person the project came from."),
    )

    signing_region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("signing city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_projects",
    )
    landing_region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("landing area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="landed_projects",
    )
    landing_park = models.ForeignKey(
        "geo.Park",
        verbose_name=_("landing park"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    site = models.ForeignKey(
        "enterprises.Site",
        verbose_name=_("site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    site_address = models.CharField(_("site address"), max_length=300, blank=True)
    # Derived from the landing area, else the signing city: the project is counted for one city
    # only, and cluster totals count each project once.
    region_path = models.CharField(
        _("region path"), max_length=200, blank=True, db_index=True, editable=False
    )
    city = models.ForeignKey(
        "geo.Region",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="city_projects",
        editable=False,
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner official"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
        help_text=_("The official who owns the project (项目包保)."),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project secretary"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretary_projects",
    )
    named_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people named"),
        blank=True,
        related_name="named_projects",
        help_text=_("They may see the project whatever its confidentiality."),
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.CONFIDENTIAL,
    )

    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.LEAD)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True)
    stalled_from = models.CharField(
        _("stalled at stage"), max_length=16, choices=Stage.choices, blank=True
    )
    stage_reason = models.CharField(
        _("reason"), max_length=500, blank=True, help_text=_("Why it stalled or was dropped.")
    )
    lead_on = models.DateField(_("lead recorded on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    operating_on = models.DateField(_("operating since"), null=True, blank=True)

    planned_investment = models.DecimalField(_("planned investment (yuan)"), **MONEY)
    contract_amount = models.DecimalField(_("contracted amount (yuan)"), **MONEY)
    funds_arrived = models.DecimalField(_("funds arrived (yuan)"), **MONEY)
    fixed_asset_investment = models.DecimalField(
        _("fixed-asset investment to date (yuan)"), **MONEY
    )
    expected_annual_output = models.DecimalField(_("expected annual output (yuan)"), **MONEY)
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)

    source = models.CharField(_("source"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not a real project.")
    )

    access_policy = PROJECT_POLICY

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-updated", "-pk"]
        indexes = [
            models.Index(fields=["stage", "city"]),
            models.Index(fields=["city", "signed_on"]),
            models.Index(fields=["started_on"]),
            models.Index(fields=["operating_on"]),
            models.Index(fields=["stage", "stage_changed_at"]),
            models.Index(fields=["-updated", "-id"]),
            # The cockpit's conference signings read the few projects that came from an event.
            models.Index(fields=["origin_kind", "origin_reference"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_investment__gte=0)
                | models.Q(planned_investment__isnull=True),
                name="project_planned_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(contract_amount__gte=0) | models.Q(contract_amount__isnull=True),
                name="project_contract_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(funds_arrived__gte=0) | models.Q(funds_arrived__isnull=True),
                name="project_funds_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(fixed_asset_investment__gte=0)
                | models.Q(fixed_asset_investment__isnull=True),
                name="project_fixed_assets_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_annual_output__gte=0)
                | models.Q(expected_annual_output__isnull=True),
                name="project_output_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.code])

    @property
    def counted_region(self):
        return self.landing_region or self.signing_region

    def derive_location(self, regions_by_code: dict | None = None) -> None:
        """Set region_path and city from the landing area (else the signing city)."""
        region = self.counted_region
        self.region_path = region.path if region else ""
        code = city_code_of(self.region_path)
        if not code:
            self.city = None
        elif regions_by_code is not None and code in regions_by_code:
            self.city = regions_by_code[code]
        elif region is not None and region.code == code:
            self.city = region
        elif self.city_id is None or self.city.code != code:
            from clusterhub.geo.models import Region

            self.city = Region.objects.filter(code=code).first()

    def save(self, *args, **kwargs):
        self.derive_location()
        super().save(*args, **kwargs)
        # The owner and the secretary are always among the people named on the project.
        people = [p for p in (self.owner_id, self.secretary_id) if p]
        if people:
            self.named_people.add(*people)


class StageEvent(models.Model):
    """One move of a project between stages: who, when, from, to, and why. Append-only."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_events"
    )
    from_stage = models.CharField(_("from"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=16, choices=Stage.choices)
    at = models.DateTimeField(_("recorded at"), db_index=True)
    on = models.DateField(_("effective date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    access_policy = _through_project()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["project", "at", "pk"]
        indexes = [models.Index(fields=["to_stage", "on"])]

    def __str__(self):
        return f"{self.project_id}: {self.from_stage or '—'} → {self.to_stage}"


class Milestone(ChangeLoggedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_milestones",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    access_policy = _through_project()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title


class Problem(ChangeLoggedModel):
    """An entry of the problem log (问题清单): what blocks the project, who solves it, by when."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="problems"
    )
    description = models.CharField(_("problem"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_problems",
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("to solve by"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    access_policy = _through_project()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problem log")
        ordering = ["status", "due_on", "pk"]

    def __str__(self):
        return self.description


class FundsArrival(ChangeLoggedModel):
    """Money that actually arrived (到位资金) on a date: the project's total is their sum."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="fund_arrivals"
    )
    on = models.DateField(_("arrived on"), db_index=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    access_policy = _through_project()

    class Meta:
        verbose_name = _("funds arrival")
        verbose_name_plural = _("funds arrived")
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.project_id} {self.on} {self.amount}"


class Activity(ChangeLoggedModel):
    """Promotion work that feeds the weekly activity index: visits, events, meetings, calls.

    The events app records its conferences and B2B meetings here through
    `services.record_activity`, so the index needs no key into events.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    on = models.DateField(_("date"), db_index=True)
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("city"), on_delete=models.PROTECT, related_name="activities"
    )
    region_path = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promotion_activities",
    )
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = AccessPolicy(region_path="region_path")

    class Meta:
        verbose_name = _("promotion activity")
        verbose_name_plural = _("promotion activities")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)


class Target(ChangeLoggedModel):
    """A goal for one scope (the cluster, a city or a park), chain segment, year and metric."""

    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text=_("The province for the cluster, the city for a city target."),
    )
    park = models.ForeignKey(
        "geo.Park",
        verbose_name=_("park"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
    )
    segment = models.CharField(
        _("chain segment"),
        max_length=16,
        choices=Segment.choices,
        blank=True,
        help_text=_("Empty: the whole chain."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    value = models.DecimalField(
        _("target"), max_digits=20, decimal_places=2, help_text=_("Yuan, or a number of projects.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    region_path = models.CharField(max_length=200, blank=True, editable=False, db_index=True)

    access_policy = AccessPolicy(region_path="region_path")

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "scope_kind", "region__code", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "region", "park", "segment", "year", "metric"],
                name="one_target_per_scope_segment_year_metric",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self):
        return f"{self.year} {self.scope_label} {self.get_metric_display()}"

    @property
    def scope_label(self) -> str:
        if self.park_id:
            return str(self.park)
        return str(self.region) if self.region_id else str(_("Cluster"))

    def save(self, *args, **kwargs):
        region = self.park.region if self.park_id else self.region
        self.region_path = region.path if region else ""
        super().save(*args, **kwargs)


class OutputReport(ChangeLoggedModel):
    """Reported industrial output value of a city for a chain segment and month (统计口径).

    The three trillion-level goals (vehicles, parts, services) are measured against these.
    """

    region = models.ForeignKey(
        "geo.Region", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    segment = models.CharField(_("chain segment"), max_length=16, choices=Segment.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    value = models.DecimalField(_("output value (yuan)"), max_digits=20, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = AccessPolicy(region_path="region_path")

    class Meta:
        verbose_name = _("output report")
        verbose_name_plural = _("output reports")
        ordering = ["year", "month", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "segment", "year", "month"], name="one_output_per_city_month"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="output_not_negative"),
        ]

    def __str__(self):
        return f"{self.region} {self.year}-{self.month:02d} {self.segment}"

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)


class StageAlertRule(ChangeLoggedModel):
    """After how many days without a stage change a project in a stage raises an alert."""

    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, unique=True)
    days = models.PositiveIntegerField(_("days without change"))

    class Meta:
        verbose_name = _("stage alert rule")
        verbose_name_plural = _("stage alert rules")
        ordering = ["stage"]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.days}"


__all__ = [
    "Activity",
    "FundsArrival",
    "Metric",
    "Milestone",
    "OutputReport",
    "Problem",
    "Project",
    "StageAlertRule",
    "StageEvent",
    "Target",
]

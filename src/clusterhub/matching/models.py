"""Sourcing demands posted by OEMs and tier-1s, the suppliers they shortlist and invite, and the
queue that keeps the search index in step with the database.

Who sees a demand (DemandAccessPolicy): a demand open to everyone is seen by anyone signed in once
it is no longer a draft; the buyer's organisation (or its parent group's) sees all its demands;
an invited-only demand is seen by nobody else but the suppliers invited to it (and superusers).
Government staff get no special view of invited-only demands: they are commercial.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import AccessPolicy, get_access
from clusterhub.core.choices import ACTION_MIN_ROLE, ROLE_RANK
from clusterhub.core.models import ChangeLoggedModel

from .choices import (
    INVITED_STATUSES,
    CandidateStatus,
    DemandStatus,
    DemandVisibility,
    LocationPreference,
)

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_demand_code() -> str:
    return "D" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(9))


def enterprise_ids_of(organisation_ids) -> list[int]:
    """The registry enterprises that the given organisations speak for."""
    from clusterhub.accounts.models import Organisation

    if not organisation_ids:
        return []
    return list(
        Organisation.objects.filter(pk__in=sorted(organisation_ids), enterprise__isnull=False)
        .order_by()
        .values_list("enterprise_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class DemandAccessPolicy(AccessPolicy):
    """Demands (prefix "") and rows that hang off a demand (prefix "demand__")."""

    prefix: str = ""
    # Candidate rows: the supplier sees its own row once invited, never the others' rows.
    supplier_rows: bool = False

    def _buyer_q(self, enterprise_ids) -> Q:
        p = self.prefix
        return Q(**{f"{p}buyer_id__in": enterprise_ids}) | Q(
            **{f"{p}buyer__group_id__in": enterprise_ids}
        )

    def visibility(self, access, model):
        if access.is_superuser:
            return None
        own = enterprise_ids_of(access.organisation_ids())
        q = self._buyer_q(own) if own else Q(pk__in=[])
        if self.supplier_rows:
            if own:
                q |= Q(supplier_id__in=own, status__in=INVITED_STATUSES)
            return q
        p = self.prefix
        q |= Q(**{f"{p}visibility": DemandVisibility.EVERYONE}) & ~Q(
            **{f"{p}status": DemandStatus.DRAFT}
        )
        if own:
            invited = DemandCandidate.objects.filter(
                supplier_id__in=own, status__in=INVITED_STATUSES
            ).values("demand_id")
            q |= Q(**{f"{p}pk__in": invited})
        return q

    def changeability(self, access, action, model):
        if access.is_superuser:
            return None
        own = enterprise_ids_of(access.organisation_ids(ROLE_RANK[ACTION_MIN_ROLE[action]]))
        if not own:
            return Q(pk__in=[])
        return self._buyer_q(own)


def may_post_demands(user) -> bool:
    """Superusers and officers (or higher) of an organisation that speaks for an enterprise."""
    access = get_access(user)
    return access.is_superuser or bool(
        enterprise_ids_of(access.organisation_ids(ROLE_RANK[ACTION_MIN_ROLE["add"]]))
    )


class SourcingDemand(ChangeLoggedModel):
    code = models.CharField(
        _("demand code"), max_length=16, unique=True, default=new_demand_code, editable=False
    )
    buyer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="sourcing_demands",
    )
    buyer_site = models.ForeignKey(
        "enterprises.Site",
        verbose_name=_("receiving plant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sourcing_demands",
        help_text=_("Distances are measured from this plant."),
    )
    chain_node = models.ForeignKey(
        "chain.ChainNode",
        verbose_name=_("chain node"),
        on_delete=models.PROTECT,
        related_name="sourcing_demands",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("part description"), blank=True, help_text=_("In Chinese, English or both.")
    )
    annual_volume = models.PositiveIntegerField(_("annual volume"), null=True, blank=True)
    volume_unit = models.CharField(
        _("volume unit"), max_length=30, blank=True, help_text=_("e.g. sets, pieces, vehicles")
    )
    annual_value = models.DecimalField(
        _("annual value (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    required_certifications = models.JSONField(
        _("required certifications"), default=list, blank=True
    )
    sop = models.DateField(_("start of production"), null=True, blank=True)
    location = models.CharField(
        _("location preference"),
        max_length=16,
        choices=LocationPreference.choices,
        default=LocationPreference.ANYWHERE,
    )
    max_distance_km = models.PositiveIntegerField(_("maximum distance (km)"), null=True, blank=True)
    deadline = models.DateField(_("answer by"), null=True, blank=True)
    visibility = models.CharField(
        _("who may see it"),
        max_length=16,
        choices=DemandVisibility.choices,
        default=DemandVisibility.EVERYONE,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    awarded_to = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("awarded to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    result_note = models.CharField(_("result"), max_length=500, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = DemandAccessPolicy()

    class Meta:
        verbose_name = _("sourcing demand")
        verbose_name_plural = _("sourcing demands")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "chain_node"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(location=LocationPreference.RADIUS) | Q(max_distance_km__isnull=False),
                name="demand_radius_has_distance",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("matching:demand_detail", args=[self.code])

    @property
    def is_active(self) -> bool:
        return self.status in (DemandStatus.DRAFT, DemandStatus.OPEN)


class DemandCandidate(ChangeLoggedModel):
    """A supplier the buyer shortlisted or invited for a demand, and how it ended."""

    demand = models.ForeignKey(
        SourcingDemand,
        verbose_name=_("demand"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    supplier = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="demand_candidacies",
    )
    site = models.ForeignKey(
        "enterprises.Site",
        verbose_name=_("site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CandidateStatus.choices,
        default=CandidateStatus.SHORTLISTED,
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    explanation = models.JSONField(_("why it ranked there"), default=dict, blank=True)
    note = models.CharField(_("buyer's note"), max_length=500, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    response_note = models.CharField(_("supplier's answer"), max_length=1000, blank=True)

    access_policy = DemandAccessPolicy(prefix="demand__", supplier_rows=True)

    class Meta:
        verbose_name = _("demand candidate")
        verbose_name_plural = _("demand candidates")
        ordering = ["demand", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "supplier"], name="one_candidacy_per_supplier"
            )
        ]

    def __str__(self):
        return f"{self.demand.code} · {self.supplier}"


class SearchIndexQueue(models.Model):
    """Records changed since the search index last caught up (written by signal handlers in the
    same transaction as the change, drained by the index task)."""

    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"

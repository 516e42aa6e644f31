"""Entity resolution: the review queue, remembered decisions, merges with provenance, old ids."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import AccessPolicy
from clusterhub.core.models import ChangeLoggedModel

from .choices import DecisionChoice, ReviewKind, ReviewStatus


class ReviewItem(ChangeLoggedModel):
    """A pair that may be one company: an incoming list row (now its own registry record) and a
    registry record, or two registry records a user flagged. Seen by officers whose scope covers
    both records: the item's region is the smallest region holding both."""

    kind = models.CharField(_("kind"), max_length=16, choices=ReviewKind.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
        db_index=True,
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The record made from the incoming row, or the first flagged record."),
    )
    candidate = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("may be the same as"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("match probability"), default=0.0)
    comparison = models.JSONField(_("field comparison"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    incoming_key = models.CharField(_("incoming record key"), max_length=300, blank=True)
    incoming = models.JSONField(_("incoming row"), default=dict, blank=True)
    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    merge = models.ForeignKey(
        "Merge",
        verbose_name=_("merge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_items",
    )

    access_policy = AccessPolicy(region_path="region__path")

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review queue")
        ordering = ["-score", "pk"]

    def __str__(self):
        return f"{self.enterprise_id} ~ {self.candidate_id} ({self.score:.3f})"

    def get_absolute_url(self):
        return reverse("resolution:review", args=[self.pk])


class PairDecision(ChangeLoggedModel):
    """A person's answer about a pair, by stable keys, so the pair is never asked again: the key of
    an incoming record (cc:<credit code>, sc:<stock code> or n:<name>|<city>) or E:<public id>."""

    left_key = models.CharField(_("left key"), max_length=300)
    right_key = models.CharField(_("right key"), max_length=300)
    decision = models.CharField(_("decision"), max_length=8, choices=DecisionChoice.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_item = models.ForeignKey(
        ReviewItem,
        verbose_name=_("review item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )

    class Meta:
        verbose_name = _("pair decision")
        verbose_name_plural = _("pair decisions")
        constraints = [
            models.UniqueConstraint(fields=["left_key", "right_key"], name="one_decision_per_pair")
        ]

    def __str__(self):
        return f"{self.left_key} / {self.right_key}: {self.decision}"


class Merge(ChangeLoggedModel):
    """One record absorbed into another, with everything needed to undo it."""

    survivor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("kept record"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    survivor_public_id = models.CharField(_("kept public id"), max_length=16)
    absorbed_public_id = models.CharField(_("absorbed public id"), max_length=16, db_index=True)
    absorbed_name = models.CharField(_("absorbed name"), max_length=200)
    # The absorbed record's fields, the rows moved to the survivor, rows removed as duplicates,
    # the survivor's fields before the merge filled them, and aliases the merge added.
    absorbed = models.JSONField(_("absorbed record"), default=dict)
    moved = models.JSONField(default=list, blank=True)
    removed = models.JSONField(default=list, blank=True)
    survivor_before = models.JSONField(default=dict, blank=True)
    added_aliases = models.JSONField(default=list, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    access_policy = AccessPolicy(region_path="survivor__home_region__path")

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.absorbed_public_id} → {self.survivor_id}"


class MergedId(models.Model):
    """An absorbed record's public id, still answering: links and bookmarks go to the survivor."""

    old_public_id = models.CharField(_("old public id"), max_length=16, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="merged_ids",
    )
    merge = models.ForeignKey(
        Merge, verbose_name=_("merge"), on_delete=models.CASCADE, related_name="merged_ids"
    )

    class Meta:
        verbose_name = _("merged id")
        verbose_name_plural = _("merged ids")

    def __str__(self):
        return f"{self.old_public_id} → {self.enterprise_id}"


class FieldProvenance(models.Model):
    """Which source said what about a company's field, and when."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="provenance",
    )
    field = models.CharField(_("field"), max_length=40)
    value = models.CharField(_("value"), max_length=500)
    source = models.CharField(_("source"), max_length=300)
    recorded = models.DateTimeField(_("recorded"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("field provenance")
        verbose_name_plural = _("field provenance")
        ordering = ["field", "-recorded", "-pk"]
        indexes = [models.Index(fields=["enterprise", "field"])]

    def __str__(self):
        return f"{self.field}={self.value} ({self.source})"

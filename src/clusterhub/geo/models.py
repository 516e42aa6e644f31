from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import AccessPolicy
from clusterhub.core.choices import Datum
from clusterhub.core.models import BilingualNameMixin, ChangeLoggedModel

from .choices import ParkKind, RegionLevel


class Region(BilingualNameMixin, ChangeLoggedModel):
    """An administrative or statistical unit: province > prefecture > county/district or zone."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    pinyin = models.CharField(_("pinyin"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # "220000/220100/220102/": scope checks are one prefix comparison.
    path = models.CharField(_("path"), max_length=200, db_index=True, editable=False)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    datum = models.CharField(_("datum"), max_length=8, choices=Datum.choices, blank=True)
    coordinate_source = models.CharField(_("coordinate source"), max_length=100, blank=True)

    access_policy = AccessPolicy()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        super().save(*args, **kwargs)


class RetiredRegionCode(ChangeLoggedModel):
    """An old code that still appears in data, mapped to the unit that carries it today."""

    code = models.CharField(_("retired code"), max_length=12, unique=True)
    name = models.CharField(_("name at the time"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("current region"), on_delete=models.PROTECT, related_name="+"
    )
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("retired region code")
        verbose_name_plural = _("retired region codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} → {self.region.code}"


class Park(BilingualNameMixin, ChangeLoggedModel):
    """An industrial park or zone. A zone such as the Automobile City may span several regions."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ParkKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="parks",
        help_text=_("The region that administers the park."),
    )
    statistical_region = models.ForeignKey(
        Region,
        verbose_name=_("statistical code"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statistical_parks",
        help_text=_("The NBS statistical development-zone unit, where there is one."),
    )
    spans = models.ManyToManyField(
        Region, verbose_name=_("areas spanned"), blank=True, related_name="spanning_parks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    leading_industries = models.CharField(_("leading industries"), max_length=300, blank=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    datum = models.CharField(_("datum"), max_length=8, choices=Datum.choices, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    access_policy = AccessPolicy(region_path="region__path")

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks and zones")
        ordering = ["code"]

    def __str__(self):
        return self.name

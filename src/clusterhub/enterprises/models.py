import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import AccessPolicy
from clusterhub.core.choices import Confidentiality, Datum
from clusterhub.core.models import BilingualNameMixin, ChangeLoggedModel

from .choices import (
    AliasKind,
    CertificationStandard,
    EnterpriseKind,
    EnterpriseSize,
    Ownership,
    SiteKind,
)
from .validators import validate_uscc

PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_public_id() -> str:
    return "E" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(9))


class Enterprise(BilingualNameMixin, ChangeLoggedModel):
    public_id = models.CharField(
        _("public id"), max_length=16, unique=True, default=new_public_id, editable=False
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
    )
    name = models.CharField(_("registered name"), max_length=200, db_index=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    pinyin = models.CharField(_("pinyin"), max_length=400, blank=True, editable=False)
    pinyin_initials = models.CharField(
        _("pinyin initials"), max_length=100, blank=True, editable=False
    )
    group = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EnterpriseKind.choices)
    ownership = models.CharField(
        _("ownership"), max_length=16, choices=Ownership.choices, blank=True
    )
    size = models.CharField(_("size"), max_length=8, choices=EnterpriseSize.choices, blank=True)
    stock_code = models.CharField(_("stock code"), max_length=20, blank=True, db_index=True)
    home_region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("registered in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    home_country = models.CharField(_("home country"), max_length=2, default="CN")
    founded = models.DateField(_("founded"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not a real company.")
    )

    access_policy = AccessPolicy(
        region_path="home_region__path",
        organisation="organisations",
        confidentiality="confidentiality",
    )
    changelog_exclude = ("created", "updated", "pinyin", "pinyin_initials")

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "home_region"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.public_id])

    def save(self, *args, **kwargs):
        from .services import pinyin_of

        self.pinyin, self.pinyin_initials = pinyin_of(self.name)
        if self.credit_code == "":
            self.credit_code = None
        super().save(*args, **kwargs)


class EnterpriseAlias(ChangeLoggedModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AliasKind.choices)

    access_policy = AccessPolicy(
        region_path="enterprise__home_region__path",
        organisation="enterprise__organisations",
        confidentiality="enterprise__confidentiality",
    )

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="unique_alias_per_company")
        ]

    def __str__(self):
        return self.name


class Site(BilingualNameMixin, ChangeLoggedModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="sites"
    )
    code = models.CharField(_("site code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SiteKind.choices)
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="sites"
    )
    park = models.ForeignKey(
        "geo.Park",
        verbose_name=_("park"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sites",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    datum = models.CharField(_("datum"), max_length=8, choices=Datum.choices, blank=True)
    capacity = models.DecimalField(
        _("annual capacity"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=30, blank=True, help_text=_("e.g. vehicles, sets, GWh")
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = AccessPolicy(
        region_path="region__path",
        organisation="enterprise__organisations",
        confidentiality="enterprise__confidentiality",
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["enterprise__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | ~models.Q(datum=""),
                name="site_coordinates_have_datum",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:site_detail", args=[self.pk])


class Certification(ChangeLoggedModel):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certifications",
    )
    standard = models.CharField(_("standard"), max_length=20, choices=CertificationStandard.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    access_policy = AccessPolicy(
        region_path="enterprise__home_region__path",
        organisation="enterprise__organisations",
        confidentiality="enterprise__confidentiality",
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["standard"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="certification_dates_in_order",
            )
        ]

    def __str__(self):
        return self.standard

    def is_valid_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Capability(ChangeLoggedModel):
    """A chain node that a site makes, with what it makes and how much."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="capabilities"
    )
    chain_node = models.ForeignKey(
        "chain.ChainNode",
        verbose_name=_("chain node"),
        on_delete=models.PROTECT,
        related_name="capabilities",
    )
    products = models.CharField(_("products"), max_length=300, blank=True)
    annual_capacity = models.CharField(_("annual capacity"), max_length=60, blank=True)

    access_policy = AccessPolicy(
        region_path="site__region__path",
        organisation="site__enterprise__organisations",
        confidentiality="site__enterprise__confidentiality",
    )

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        constraints = [
            models.UniqueConstraint(fields=["site", "chain_node"], name="one_capability_per_node")
        ]

    def __str__(self):
        return f"{self.site} · {self.chain_node}"

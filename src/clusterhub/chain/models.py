from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import AccessPolicy
from clusterhub.core.choices import Confidentiality
from clusterhub.core.models import BilingualNameMixin, ChangeLoggedModel

from .choices import CodeSystem, Segment


class IndustryCode(ChangeLoggedModel):
    system = models.CharField(_("system"), max_length=16, choices=CodeSystem.choices)
    code = models.CharField(_("code"), max_length=16)
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    title = models.CharField(_("title"), max_length=400)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("industry code")
        verbose_name_plural = _("industry codes")
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="unique_code_per_system")
        ]

    def __str__(self):
        return f"{self.system} {self.code}"


class ChainNode(BilingualNameMixin, ChangeLoggedModel):
    """A link of the industry chain: a segment, a system, or a part family."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    segment = models.CharField(_("segment"), max_length=16, choices=Segment.choices)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    path = models.CharField(_("path"), max_length=300, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Words buyers use for these parts.")
    )
    is_nev = models.BooleanField(_("new-energy vehicle relevant"), default=False)
    codes = models.ManyToManyField(
        IndustryCode, verbose_name=_("industry codes"), blank=True, related_name="chain_nodes"
    )

    access_policy = AccessPolicy()

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        parent_path = self.parent.path if self.parent else ""
        self.path = f"{parent_path}{self.code}/"
        self.depth = self.parent.depth + 1 if self.parent else 0
        super().save(*args, **kwargs)


class SupplyLink(ChangeLoggedModel):
    """One supplier selling one chain node to one customer in one year."""

    supplier = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="sales",
    )
    supplier_site = models.ForeignKey(
        "enterprises.Site",
        verbose_name=_("supplier site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales",
        help_text=_("The producing site; it decides whether the supply counts as local."),
    )
    customer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="purchases",
    )
    customer_site = models.ForeignKey(
        "enterprises.Site",
        verbose_name=_("customer site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchases",
    )
    chain_node = models.ForeignKey(
        ChainNode, verbose_name=_("chain node"), on_delete=models.PROTECT, related_name="links"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    annual_value = models.DecimalField(
        _("annual value (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = AccessPolicy(
        region_path="supplier__home_region__path",
        organisation=(
            "supplier__organisations",
            "customer__organisations",
            "customer__group__organisations",
        ),
        confidentiality="confidentiality",
    )

    class Meta:
        verbose_name = _("supply link")
        verbose_name_plural = _("supply links")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "customer", "chain_node", "year"],
                name="one_link_per_supplier_customer_node_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("customer")), name="supplier_is_not_customer"
            ),
            models.CheckConstraint(
                condition=models.Q(annual_value__gte=0) | models.Q(annual_value__isnull=True),
                name="supply_value_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["year", "chain_node"])]

    def __str__(self):
        return f"{self.supplier} → {self.customer} · {self.chain_node} · {self.year}"

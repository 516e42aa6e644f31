from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County or district")
    DEV_ZONE = "dev_zone", _("Statistical development zone")


class ParkKind(models.TextChoices):
    ETDZ = "etdz", _("Economic and technological development zone")
    HIGH_TECH = "high_tech", _("High-tech zone")
    INDUSTRIAL = "industrial", _("Industrial park")
    AUTOMOBILE_CITY = "automobile_city", _("Automobile city (cross-area zone)")
    OTHER = "other", _("Other")

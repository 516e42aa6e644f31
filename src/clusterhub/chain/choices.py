from django.db import models
from django.utils.translation import gettext_lazy as _


class Segment(models.TextChoices):
    VEHICLES = "vehicles", _("Complete vehicles")
    PARTS = "parts", _("Parts and systems")
    MATERIALS = "materials", _("Materials")
    SERVICES = "services", _("Services")


class CodeSystem(models.TextChoices):
    GBT4754 = "GB/T4754-2017", _("GB/T 4754-2017 (China industry classification)")
    HS2022 = "HS2022", _("HS 2022 (customs)")
    HS2017 = "HS2017", _("HS 2017 (customs, superseded)")
    NAICS2022 = "NAICS2022", _("NAICS 2022")
    ISIC4 = "ISIC4", _("ISIC Rev.4")

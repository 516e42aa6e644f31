from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseKind(models.TextChoices):
    OEM = "oem", _("Vehicle maker (OEM)")
    TIER1 = "tier1", _("Tier-1 supplier")
    TIER2 = "tier2", _("Tier-2 supplier")
    RAW_MATERIAL = "raw_material", _("Raw material")
    SERVICE = "service", _("Service")
    RESEARCH = "research", _("Research and testing")
    FINANCE = "finance", _("Finance")
    LOGISTICS = "logistics", _("Logistics")
    GROUP = "group", _("Group holding")


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-owned")
    JOINT_VENTURE = "joint_venture", _("Joint venture")


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class AliasKind(models.TextChoices):
    SHORT = "short", _("Short name")
    ENGLISH = "english", _("English name")
    BRAND = "brand", _("Brand")
    FORMER = "former", _("Former name")
    OTHER = "other", _("Other")


class SiteKind(models.TextChoices):
    PLANT = "plant", _("Plant")
    OFFICE = "office", _("Office")
    RESEARCH = "research", _("R&D centre")
    WAREHOUSE = "warehouse", _("Warehouse")


class CertificationStandard(models.TextChoices):
    IATF16949 = "IATF 16949", "IATF 16949"
    ISO9001 = "ISO 9001", "ISO 9001"
    ISO14001 = "ISO 14001", "ISO 14001"
    ISO45001 = "ISO 45001", "ISO 45001"
    VDA63 = "VDA 6.3", "VDA 6.3"
    ISO26262 = "ISO 26262", "ISO 26262"
    TISAX = "TISAX", "TISAX"
    CCC = "CCC", _("China Compulsory Certification (CCC)")

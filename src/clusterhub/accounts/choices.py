from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department")
    CITY_BUREAU = "city_bureau", _("City bureau")
    PARK_COMMITTEE = "park_committee", _("Park committee")
    ENTERPRISE = "enterprise", _("Enterprise")
    EVENT_ORGANISER = "event_organiser", _("Event organiser")


GOVERNMENT_KINDS = {
    OrganisationKind.PROVINCIAL_DEPARTMENT,
    OrganisationKind.CITY_BUREAU,
    OrganisationKind.PARK_COMMITTEE,
}

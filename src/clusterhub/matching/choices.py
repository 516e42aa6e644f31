from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandVisibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone signed in")
    INVITED = "invited", _("Invited suppliers only")


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    AWARDED = "awarded", _("Awarded")
    CLOSED = "closed", _("Closed without award")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which suppliers may still be shortlisted, invited and answer.
ACTIVE_STATUSES = (DemandStatus.DRAFT, DemandStatus.OPEN)


class LocationPreference(models.TextChoices):
    ANYWHERE = "anywhere", _("Anywhere")
    PROVINCE = "province", _("In the province")
    RADIUS = "radius", _("Within a distance of the plant")


class CandidateStatus(models.TextChoices):
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INVITED = "invited", _("Invited")
    INTERESTED = "interested", _("Interested")
    DECLINED = "declined", _("Declined")
    AWARDED = "awarded", _("Awarded")
    NOT_SELECTED = "not_selected", _("Not selected")


# A supplier in one of these statuses has been invited (and may see an invited-only demand).
INVITED_STATUSES = (
    CandidateStatus.INVITED,
    CandidateStatus.INTERESTED,
    CandidateStatus.DECLINED,
    CandidateStatus.AWARDED,
    CandidateStatus.NOT_SELECTED,
)


class NodeMatch(models.TextChoices):
    EXACT = "exact", _("Makes this part")
    PARENT = "parent", _("Makes the part family")
    SIBLING = "sibling", _("Makes a neighbouring part")

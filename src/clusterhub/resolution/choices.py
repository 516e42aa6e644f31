from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    """What resolution does with an incoming row."""

    AUTO = "auto", _("Merged automatically")
    REVIEW = "review", _("Sent to review")
    NEW = "new", _("New company")


class ReviewKind(models.TextChoices):
    IMPORT = "import", _("Incoming row")
    FLAG = "flag", _("Flagged by a user")
    REGISTRY = "registry", _("Registry check")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Same company (merged)")
    REJECTED = "rejected", _("Different companies")
    UNDONE = "undone", _("Merge undone")


class DecisionChoice(models.TextChoices):
    ACCEPT = "accept", _("Same company")
    REJECT = "reject", _("Different companies")

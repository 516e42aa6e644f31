from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")


class Datum(models.TextChoices):
    GCJ02 = "GCJ-02", _("GCJ-02 (Chinese web maps)")
    WGS84 = "WGS-84", _("WGS-84 (GPS)")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    OFFICER = "officer", _("Officer")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


ROLE_RANK = {Role.VIEWER: 1, Role.OFFICER: 2, Role.MANAGER: 3, Role.ADMIN: 4}

# The lowest role that may perform an action on a record inside the member's scope.
ACTION_MIN_ROLE = {
    "view": Role.VIEWER,
    "add": Role.OFFICER,
    "change": Role.OFFICER,
    "delete": Role.MANAGER,
}


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ChangeSource(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    IMPORT = "import", _("Import")
    COMMAND = "command", _("Command")
    SYSTEM = "system", _("System")

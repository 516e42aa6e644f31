from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING_STATUSES = {ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING}


class ImportJobQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """A job is its uploader's: others (but superusers) never see it, whatever the action."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(user=user)


class ImportJob(models.Model):
    """One uploaded file: its dry run, then (if the user commits) the import, with progress."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    is_system = models.BooleanField(
        _("system import"), default=False, help_text=_("Run from the command line without a user.")
    )
    kind = models.CharField(_("kind"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored as"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    encoding = models.CharField(
        _("encoding"), max_length=20, blank=True, help_text=_("Empty: detected automatically.")
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    good_rows_only = models.BooleanField(_("import the good rows only"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    result = models.JSONField(_("dry-run result"), null=True, blank=True)
    commit_result = models.JSONField(_("import result"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "-created"])]

    def __str__(self):
        return f"{self.kind}: {self.file_name}"

    def get_absolute_url(self):
        return reverse("tabular:job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def latest_result(self) -> dict:
        return self.commit_result or self.result or {}

    @property
    def rejected_count(self) -> int:
        return (self.latest_result.get("counts") or {}).get("rejected", 0)

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import AccessPolicy
from .choices import ChangeAction, ChangeSource


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the rows `user` may perform `action` on (see core.access)."""
        return self.model.access_policy.filter(self, user, action)


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ChangeLoggedModel(TimeStampedModel):
    """A record whose every create, update and delete is written to the change log."""

    access_policy = AccessPolicy()
    # Fields left out of before/after snapshots (noise, or derived).
    changelog_exclude: tuple[str, ...] = ("created", "updated")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class ObjectChange(models.Model):
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    # Kept even if the user is deleted later.
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ChangeSource.choices)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("change log")
        ordering = ["-time", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = [k for k in (after or before) if before.get(k) != after.get(k)]
        return [(k, before.get(k), after.get(k)) for k in keys]


class BilingualNameMixin:
    """`display_name`: the English name on English pages when there is one, else the Chinese."""

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name

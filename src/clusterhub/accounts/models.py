import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import AccessPolicy
from clusterhub.core.choices import Role
from clusterhub.core.models import BilingualNameMixin, ChangeLoggedModel

from .choices import GOVERNMENT_KINDS, OrganisationKind


class Organisation(BilingualNameMixin, ChangeLoggedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("For government bodies: the area they govern, which is their members' scope."),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("For enterprise accounts: the registry record the organisation speaks for."),
    )

    access_policy = AccessPolicy(region_path="region__path", organisation="pk")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_government(self) -> bool:
        return self.kind in GOVERNMENT_KINDS


class Membership(ChangeLoggedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    region_scope = models.ForeignKey(
        "geo.Region",
        verbose_name=_("region scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Narrows the organisation's region (a district officer of a city bureau)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    access_policy = AccessPolicy(
        region_path="organisation__region__path", organisation="organisation_id"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str):
        """The active token for a raw key, or None. Only the hash is stored."""
        token = (
            self.filter(key_hash=_hash_token(raw), is_active=True).select_related("user").first()
        )
        if token is None or not token.user.is_active:
            return None
        if token.expires and token.expires < timezone.now():
            return None
        return token


class ApiToken(ChangeLoggedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    changelog_exclude = ("created", "updated", "last_used", "key_hash")
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str, expires=None) -> tuple["ApiToken", str]:
        """Create a token; the raw key is returned once and never stored."""
        raw = "ch_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:8], key_hash=_hash_token(raw), expires=expires
        )
        return token, raw

"""Promotion conferences: agenda, venue, registrations, meeting requests, schedules, signings.

Events point at projects (Meeting.lead_project, Signing.project); projects hold no key into
events. An event belongs to its organiser's organisation: they (and officers whose region covers
the host city) change it; anyone logged in sees it, and the public event page needs no login.
Meeting requests and meetings are private to the two participants and the organisers.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterhub.chain.choices import Segment
from clusterhub.core.access import AccessPolicy
from clusterhub.core.models import BilingualNameMixin, ChangeLoggedModel

from .choices import (
    EventStatus,
    MatchStatus,
    Outcome,
    ParticipantRole,
    RegistrationStatus,
    RequestStatus,
    RunStatus,
    SessionKind,
)

EVENT_POLICY = AccessPolicy(region_path="city__path", organisation="organiser_id")


def through_event(prefix: str = "event__") -> AccessPolicy:
    return AccessPolicy(region_path=f"{prefix}city__path", organisation=f"{prefix}organiser_id")


@dataclass(frozen=True)
class PrivatePolicy(AccessPolicy):
    """Seen only by the organisers (organisation or region scope) and the people named on it."""

    def visibility(self, access, model):
        if access.is_superuser:
            return None
        q = self._in_paths(access.region_paths()) | self._owned_by(model, access.organisation_ids())
        if access.user_id:
            for lookup in (self.named_people or "").split(","):
                if lookup:
                    q |= self._through(model, lookup, [access.user_id])
        return q


class Event(BilingualNameMixin, ChangeLoggedModel):
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    starts_on = models.DateField(_("date"))
    days = models.PositiveSmallIntegerField(_("days"), default=1)
    city = models.ForeignKey(
        "geo.Region", verbose_name=_("host city"), on_delete=models.PROTECT, related_name="+"
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    keep_delegations_together = models.BooleanField(
        _("keep delegations together"),
        default=True,
        help_text=_("Members of one delegation go to every meeting together."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = EVENT_POLICY

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status == EventStatus.OPEN


class Session(ChangeLoggedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    city = models.ForeignKey(
        "geo.Region",
        verbose_name=_("presenting city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    slides_url = models.URLField(_("slides"), blank=True)

    access_policy = through_event()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.title_en:
            return self.title_en
        return self.title


class MeetingSlot(ChangeLoggedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    label = models.CharField(_("label"), max_length=40, blank=True)

    access_policy = through_event()

    class Meta:
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.label or self.starts_at.strftime("%H:%M")


class Table(ChangeLoggedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    label = models.CharField(_("label"), max_length=20)
    seats = models.PositiveSmallIntegerField(_("seats"), default=4)
    zone = models.CharField(_("zone"), max_length=60, blank=True)

    access_policy = through_event()

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "label"], name="one_table_label_per_event")
        ]

    def __str__(self):
        return self.label


class Interpreter(ChangeLoggedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="interpreters")
    name = models.CharField(_("name"), max_length=100)
    languages = models.CharField(_("languages"), max_length=40, help_text=_("e.g. zh,de"))
    available_slots = models.JSONField(
        _("available slots"), default=list, blank=True, help_text=_("Slot ids; empty: all.")
    )

    access_policy = through_event()

    class Meta:
        verbose_name = _("interpreter")
        verbose_name_plural = _("interpreters")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def language_set(self) -> frozenset:
        return frozenset(x.strip() for x in self.languages.split(",") if x.strip())


def new_token() -> str:
    return uuid.uuid4().hex


class Registration(ChangeLoggedModel):
    """One participant. A public registration is not an account: its secret token opens the
    participant's own confirmation, badge, agenda and calendar."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("registry enterprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    match_status = models.CharField(
        _("registry match"),
        max_length=16,
        choices=MatchStatus.choices,
        default=MatchStatus.UNMATCHED,
    )
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)
    languages = models.CharField(_("languages"), max_length=40, default="zh")
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    max_meetings = models.PositiveSmallIntegerField(_("most meetings wanted"), default=8)
    available_slots = models.JSONField(_("available slots"), default=list, blank=True)
    delegation = models.CharField(
        _("delegation"),
        max_length=60,
        blank=True,
        help_text=_("A city delegation whose members attend meetings together."),
    )
    city = models.ForeignKey(
        "geo.Region",
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    offers = models.TextField(_("what we offer"), blank=True)
    seeks = models.TextField(_("what we look for"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = PrivatePolicy(
        region_path="event__city__path", organisation="event__organiser_id", named_people="user"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["organisation_name", "name"]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.name} ({self.organisation_name})"

    @property
    def language_set(self) -> frozenset:
        return frozenset(x.strip() for x in self.languages.split(",") if x.strip())

    @property
    def is_active(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


class MeetingRequest(ChangeLoggedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(
        Registration,
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        related_name="requests_made",
    )
    recipient = models.ForeignKey(
        Registration,
        verbose_name=_("to"),
        on_delete=models.CASCADE,
        related_name="requests_received",
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=1, help_text=_("1 (normal) to 5, set by the organiser.")
    )
    chain_gap = models.DecimalField(
        _("chain-gap value"),
        max_digits=3,
        decimal_places=2,
        default=0,
        help_text=_("0 to 1: how much this meeting would fill a weak link of the chain."),
    )
    chain_node = models.ForeignKey(
        "chain.ChainNode",
        verbose_name=_("chain node"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    must_meet = models.BooleanField(_("must meet"), default=False)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = PrivatePolicy(
        region_path="event__city__path",
        organisation="event__organiser_id",
        named_people="requester__user,recipient__user",
    )

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("recipient")), name="no_request_to_oneself"
            )
        ]

    def __str__(self):
        return f"{self.requester.name} → {self.recipient.name}"


class ScheduleRun(ChangeLoggedModel):
    """One run of the scheduler: a draft to review, then the published schedule."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField(pgettext_lazy("scheduler run", "number"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    time_limit = models.FloatField(_("time limit (s)"), default=10)
    reschedule = models.BooleanField(_("keeps published meetings"), default=False)
    meetings_count = models.PositiveIntegerField(_("meetings"), default=0)
    value = models.PositiveIntegerField(_("value"), default=0)
    bound = models.FloatField(_("proven upper bound"), null=True, blank=True)
    covered = models.PositiveIntegerField(_("people with a meeting"), default=0)
    askers = models.PositiveIntegerField(_("people who asked"), default=0)
    idle_gaps = models.PositiveIntegerField(_("idle gaps"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    issues = models.JSONField(_("issues"), default=list, blank=True)
    unscheduled = models.JSONField(_("not scheduled"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    access_policy = through_event()
    changelog_exclude = ("created", "updated", "stats", "unscheduled", "changes")

    class Meta:
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="one_run_number_per_event")
        ]

    def __str__(self):
        return f"{self.event} #{self.number}"

    @property
    def gap_to_bound(self):
        if not self.bound:
            return None
        return max(0.0, (self.bound - self.value) / self.bound)

    @property
    def gap_percent(self):
        gap = self.gap_to_bound
        return None if gap is None else round(100 * gap, 2)


class Meeting(ChangeLoggedModel):
    run = models.ForeignKey(ScheduleRun, on_delete=models.CASCADE, related_name="meetings")
    request = models.ForeignKey(
        MeetingRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="meetings"
    )
    slot = models.ForeignKey(MeetingSlot, verbose_name=_("slot"), on_delete=models.PROTECT)
    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.PROTECT)
    interpreter = models.ForeignKey(
        Interpreter,
        verbose_name=_("interpreter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    lead_project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_meetings",
    )

    access_policy = PrivatePolicy(
        region_path="run__event__city__path",
        organisation="run__event__organiser_id",
        named_people="request__requester__user,request__recipient__user",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot__starts_at", "table__pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "request"], name="one_meeting_per_request"),
            models.UniqueConstraint(fields=["run", "slot", "table"], name="one_meeting_per_table"),
        ]

    def __str__(self):
        return f"{self.request} @ {self.slot} / {self.table}"


class Signing(ChangeLoggedModel):
    """An agreement signed on stage, linked to its investment project."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signings")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="event_signings",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("agreement"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    city = models.ForeignKey(
        "geo.Region", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    segment = models.CharField(_("chain segment"), max_length=16, choices=Segment.choices)
    parties = models.CharField(_("signing parties"), max_length=300, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("from meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signings",
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    access_policy = through_event()

    class Meta:
        verbose_name = _("signing")
        verbose_name_plural = _("signings")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "project"], name="one_signing_per_project")
        ]

    def __str__(self):
        return self.title

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Registration open")
    CLOSED = "closed", _("Registration closed")
    FINISHED = "finished", _("Finished")


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    SPEECH = "speech", _("Speech")
    PRESENTATION = "presentation", _("City presentation")
    SIGNING = "signing", _("Signing ceremony")
    MATCHMAKING = "matchmaking", _("B2B meetings")
    BREAK = "break", _("Break")


class ParticipantRole(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")
    INVESTOR = "investor", _("Investor")
    GOVERNMENT = "government", _("Government")
    MEDIA = "media", _("Media")


class Language(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    DE = "de", _("German")
    JA = "ja", _("Japanese")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class MatchStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("Not matched")
    CREDIT_CODE = "credit_code", _("Matched by credit code")
    EXACT_NAME = "exact_name", _("Matched by exact name")
    RESOLVED = "resolved", _("Matched by entity resolution")
    CONFIRMED = "confirmed", _("Confirmed by the organiser")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    FAILED = "failed", _("Failed")


class Outcome(models.TextChoices):
    NO_INTEREST = "no_interest", _("No interest")
    FOLLOW_UP = "follow_up", _("Follow-up")
    PROJECT_LEAD = "project_lead", _("Project lead")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    STARTED = "started", _("Construction started")
    OPERATING = "operating", _("Operating")
    STALLED = "stalled", _("Stalled")
    DROPPED = "dropped", _("Dropped")


# The main line a project walks; stalled and dropped sit beside it.
PIPELINE = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.OPERATING]
ACTIVE_STAGES = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED]
# Stages at or past signing: a project in them has a contract.
SIGNED_OR_LATER = [Stage.SIGNED, Stage.STARTED, Stage.OPERATING]


class OriginKind(models.TextChoices):
    GAP = "gap", _("A chain gap")
    EVENT = "event", _("A promotion event")
    MEETING = "meeting", _("A B2B meeting")
    RECOMMENDATION = "recommendation", _("A recommendation")
    VISIT = "visit", _("A visit")
    REFERRAL = "referral", _("A referral")
    OTHER = "other", _("Other")


class ScopeKind(models.TextChoices):
    CLUSTER = "cluster", _("Cluster (province)")
    CITY = "city", _("City")
    PARK = "park", _("Park")


class Metric(models.TextChoices):
    PROJECTS_SIGNED = "projects_signed", _("Projects signed")
    CONTRACT_AMOUNT = "contract_amount", _("Contracted amount")
    FUNDS_ARRIVED = "funds_arrived", _("Funds arrived")
    PROJECTS_STARTED = "projects_started", _("Projects started")
    PROJECTS_OPERATING = "projects_operating", _("Projects operating")
    OUTPUT_VEHICLES = "output_vehicles", _("Output value: complete vehicles")
    OUTPUT_PARTS = "output_parts", _("Output value: parts")
    OUTPUT_SERVICES = "output_services", _("Output value: services")


# Metrics measured in yuan (the others count projects).
MONEY_METRICS = {
    Metric.CONTRACT_AMOUNT,
    Metric.FUNDS_ARRIVED,
    Metric.OUTPUT_VEHICLES,
    Metric.OUTPUT_PARTS,
    Metric.OUTPUT_SERVICES,
}
OUTPUT_METRICS = {
    Metric.OUTPUT_VEHICLES: "vehicles",
    Metric.OUTPUT_PARTS: "parts",
    Metric.OUTPUT_SERVICES: "services",
}


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    EVENT = "event", _("Promotion event")
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    OTHER = "other", _("Other")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")

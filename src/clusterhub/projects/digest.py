"""The daily alert digest: one email per official listing the alerts of the projects they own or
are secretary of (no stage change for too long, overdue milestones, open problems past their
date). The same alerts are on their "My alerts" page."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Project
from .services import alerts_for


def base_url() -> str:
    return getattr(settings, "CLUSTERHUB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def digest_messages(*, today: datetime.date | None = None) -> list[EmailMessage]:
    """The digest emails to send today (not sent): one per person with alerts and an address."""
    today = today or timezone.localdate()
    projects = Project.objects.filter(Q(owner__isnull=False) | Q(secretary__isnull=False))
    by_person = defaultdict(list)
    for alert in alerts_for(projects=projects.select_related("owner", "secretary"), today=today):
        project = alert.project
        for person_id in {project.owner_id, project.secretary_id} - {None}:
            by_person[person_id].append(alert)
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.in_bulk(list(by_person))
    messages = []
    for person_id, alerts in sorted(by_person.items()):
        person = people.get(person_id)
        if person is None or not person.is_active or not person.email:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[ClusterHub] %(n)d project alerts on %(date)s") % {
                "n": len(alerts),
                "date": today.isoformat(),
            }
            body = render_to_string(
                "projects/alert_digest.txt",
                {
                    "person": person,
                    "alerts": alerts,
                    "today": today,
                    "base_url": base_url(),
                    "alerts_url": base_url() + reverse("projects:alerts"),
                },
            )
        messages.append(EmailMessage(subject, body, to=[person.email]))
    return messages


def send_alert_digest(*, today: datetime.date | None = None) -> int:
    """Send today's digest (settings.EMAIL_BACKEND; the console in the demo). Returns how many
    emails were sent."""
    messages = digest_messages(today=today)
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0

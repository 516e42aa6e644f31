"""The demo conference loads on a bare region set, publishes a checked schedule, and is idempotent."""

from clusterhub.events.choices import RunStatus
from clusterhub.events.demo import SLUG, load_event_demo
from clusterhub.events.models import Event, Registration


def test_demo_conference_loads_once(jilin):
    summary = load_event_demo(participants=150, time_limit=2)
    event = Event.objects.get(slug=SLUG)
    assert summary["created"] and summary["registrations"] == 150
    assert Registration.objects.filter(event=event, is_synthetic=True).count() == 150
    assert event.sessions.filter(kind="presentation").count() == 6
    run = event.runs.get(status=RunStatus.PUBLISHED)
    assert run.stats["check"] == "ok" and run.meetings_count > 0
    assert summary["requests"] > 150
    assert load_event_demo(participants=150, time_limit=2) == {"event": SLUG, "created": False}

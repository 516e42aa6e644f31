import datetime
import zoneinfo

import pytest

from clusterhub.events import services
from clusterhub.events.choices import EventStatus
from clusterhub.events.models import Event, Interpreter, MeetingSlot, Session, Table

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(hour, minute=0):
    return datetime.datetime(2021, 10, 19, hour, tzinfo=TZ) + datetime.timedelta(minutes=minute)


@pytest.fixture
def event(people, jilin):
    """A small conference organised by the Changchun bureau: 4 slots, 3 tables, 1 interpreter."""
    event = Event.objects.create(
        slug="test-conf",
        name="测试推介会",
        name_en="Test conference",
        starts_on=datetime.date(2021, 10, 19),
        city=jilin["changchun"],
        organiser=people["orgs"]["changchun"],
        status=EventStatus.OPEN,
    )
    Session.objects.create(
        event=event,
        kind="presentation",
        title="四平推介",
        title_en="Siping presents",
        starts_at=at(9),
        ends_at=at(9, 15),
        city=jilin["siping"],
    )
    for i in range(4):
        MeetingSlot.objects.create(
            event=event, starts_at=at(14, 20 * i), ends_at=at(14, 20 * i + 20), label=f"S{i + 1}"
        )
    for i in range(3):
        Table.objects.create(event=event, label=f"T{i + 1}", seats=4)
    Interpreter.objects.create(event=event, name="Anna", languages="zh,de")
    return event


@pytest.fixture
def guests(event):
    def reg(name, org, role, **kw):
        return services.register(event=event, name=name, organisation_name=org, role=role, **kw)

    return {
        "buyer": reg("Buyer", "一汽采购", "buyer", max_meetings=4),
        "s1": reg("Supplier One", "供应商一", "supplier", email="s1@example.test"),
        "s2": reg("Supplier Two", "供应商二", "supplier"),
        "de": reg("Herr Müller", "Müller GmbH", "supplier", languages=["de"]),
        "gov1": reg("官员甲", "四平市商务局", "government", delegation="四平"),
        "gov2": reg("官员乙", "四平市商务局", "government", delegation="四平"),
    }

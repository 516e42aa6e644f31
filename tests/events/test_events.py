"""Registration, matchmaking, scheduling, publishing, late changes, outcomes and signings,
through the services and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusterhub.events import services
from clusterhub.events.choices import MatchStatus, Outcome, RequestStatus, RunStatus
from clusterhub.events.models import Meeting, MeetingRequest, Signing
from clusterhub.projects.choices import OriginKind

from ..factories import EnterpriseFactory


def accepted(a, b, reason="talk"):
    return services.respond(
        request=services.request_meeting(requester=a, recipient=b, reason=reason), accept=True
    )


def test_registration_is_matched_to_the_registry_by_credit_code_then_exact_name(event, jilin):
    by_name = EnterpriseFactory(name="富奥汽车零部件股份有限公司", home_region=jilin["changchun"])
    r = services.register(
        event=event, name="A", organisation_name="富奥汽车零部件股份有限公司", role="supplier"
    )
    assert (r.enterprise, r.match_status) == (by_name, MatchStatus.EXACT_NAME)
    r2 = services.register(event=event, name="B", organisation_name="某某公司", role="supplier")
    assert r2.enterprise is None and r2.match_status == MatchStatus.UNMATCHED


def test_registration_refuses_bad_input_with_reasons(event):
    with pytest.raises(ValidationError) as error:
        services.register(
            event=event,
            name="",
            organisation_name="X",
            role="pilot",
            languages=["fr"],
            max_meetings=-1,
        )
    assert {"name", "role", "languages", "max_meetings"} <= set(error.value.message_dict)


def test_requests_to_oneself_and_duplicates_are_refused(guests):
    with pytest.raises(ValidationError, match="yourself"):
        services.request_meeting(requester=guests["s1"], recipient=guests["s1"])
    services.request_meeting(requester=guests["s1"], recipient=guests["buyer"])
    with pytest.raises(ValidationError, match="already exists"):
        services.request_meeting(requester=guests["buyer"], recipient=guests["s1"])


def test_schedule_publish_agenda_and_late_cancellation(event, guests, people):
    buyer, s1, s2, de = guests["buyer"], guests["s1"], guests["s2"], guests["de"]
    for s in (s1, s2, de):
        accepted(s, buyer)
    accepted(guests["gov1"], s1)
    run = services.run_schedule(event=event, user=people["changchun_officer"], time_limit=2)
    assert run.status == RunStatus.DRAFT and run.stats["check"] == "ok"
    assert run.meetings_count == 4 and run.covered == run.askers
    # The German speaker's meeting has the interpreter.
    de_meeting = Meeting.objects.get(run=run, request__requester=de)
    assert de_meeting.interpreter.name == "Anna"
    services.publish(run=run)
    agenda = services.agenda(s1)
    assert [i.kind for i in agenda].count("meeting") == 2
    # The delegation kept together: gov2 sees gov1's meeting too.
    assert any(i.kind == "meeting" for i in services.agenda(guests["gov2"]))
    # A late cancellation: who is affected, and the reschedule keeps the other meetings.
    lost = services.cancel_registration(registration=s2)
    assert {p.name for p in lost["affected"]} == {"Supplier Two", "Buyer"}
    before = {m.request_id: m.slot_id for m in run.meetings.all()}
    rerun = services.run_schedule(event=event, time_limit=2)
    after = {m.request_id: m.slot_id for m in rerun.meetings.all()}
    assert all(after[r] == before[r] for r in after)  # nothing published moved
    assert rerun.changes["vs_published"]["counts"] == {"removed": 1}
    assert set(rerun.changes["vs_published"]["affected"]) == {s2.pk, buyer.pk}


def test_bad_input_gets_reasons_in_the_run(event, guests):
    lonely = services.register(
        event=event, name="No time", organisation_name="X", role="supplier", available_slots=[]
    )
    accepted(lonely, guests["buyer"])
    for _ in range(5):  # more must-meets than the buyer's four slots
        other = services.register(
            event=event, name=f"M{_}", organisation_name=f"M{_}", role="supplier"
        )
        services.add_must_meet(a=guests["buyer"], b=other)
    run = services.run_schedule(event=event, time_limit=1)
    assert {"no_availability", "must_meet_overload"} <= {i["code"] for i in run.issues}
    assert run.stats["check"] == "ok" and run.meetings_count == 4  # the buyer's four slots
    assert {u["code"] for u in run.unscheduled} >= {"no_common_slot"}
    event.runs.all().delete()
    event.tables.all().delete()
    run = services.run_schedule(event=event, time_limit=1)
    assert "no_tables" in {i["code"] for i in run.issues}
    assert run.meetings_count == 0
    assert len(run.unscheduled) == event.requests.filter(status=RequestStatus.ACCEPTED).count()


def test_project_lead_outcome_creates_a_project_from_the_meeting(event, guests, people, jilin):
    investor = EnterpriseFactory(name="投资方有限公司", home_region=jilin["changchun"])
    guests["s1"].enterprise = investor
    guests["s1"].save()
    accepted(guests["s1"], guests["buyer"])
    run = services.run_schedule(event=event, time_limit=1)
    services.publish(run=run)
    meeting = run.meetings.get()
    services.record_outcome(
        meeting=meeting, outcome=Outcome.PROJECT_LEAD, user=people["changchun_officer"]
    )
    project = meeting.lead_project
    assert project.investor == investor
    assert project.origin_kind == OriginKind.MEETING
    assert (
        f"meeting {meeting.pk}" in project.origin_reference
        and event.slug in project.origin_reference
    )
    # Recording it again does not make a second project.
    services.record_outcome(
        meeting=meeting, outcome=Outcome.PROJECT_LEAD, user=people["changchun_officer"]
    )
    assert type(project).objects.filter(origin_reference=project.origin_reference).count() == 1


def test_signing_totals_by_city_and_segment(event, jilin, people):
    from clusterhub.projects.services import create_project

    officer = people["province_admin"]
    for n, (city, segment, amount) in enumerate(
        [
            ("changchun", "vehicles", "10亿元"),
            ("changchun", "parts", "5亿元"),
            ("siping", "parts", "6亿元"),
        ]
    ):
        project = create_project(
            user=officer,
            name=f"P{n}",
            investor=EnterpriseFactory(),
            origin_kind="event",
            signing_region=jilin[city],
            code=f"T-{n}",
        )
        services.add_signing(
            event=event, project=project, amount=amount, segment=segment, city=jilin[city]
        )
    totals = services.signing_totals(event)
    assert totals.total == Decimal("2100000000")
    assert [(c.code, n, a) for c, n, a in totals.by_city] == [
        ("220100", 2, Decimal("1500000000")),
        ("220300", 1, Decimal("600000000")),
    ]
    assert {v: a for v, _l, _n, a in totals.by_segment} == {
        "parts": Decimal("1100000000"),
        "vehicles": Decimal("1000000000"),
    }
    with pytest.raises(ValidationError):
        services.add_signing(event=event, project=Signing.objects.first().project, amount="1亿元")


def test_public_pages_need_no_login_but_organiser_pages_do(client, event, guests, people):
    assert client.get(reverse("events:public", args=[event.slug])).status_code == 200
    response = client.post(
        reverse("events:register", args=[event.slug]),
        {
            "name": "Walk-in",
            "organisation_name": "某公司",
            "role": "supplier",
            "languages": ["zh"],
            "max_meetings": 3,
            "available_slots": [str(s.pk) for s in event.slots.all()],
        },
    )
    assert response.status_code == 302
    token = response["Location"].split("/p/")[1].strip("/")
    page = client.get(reverse("events:participant", args=[token]))
    assert page.status_code == 200 and b"<svg" in page.content  # the badge's QR code
    assert client.get(reverse("events:detail", args=[event.slug])).status_code == 302  # login
    client.force_login(people["siping_officer"])
    assert client.get(reverse("events:detail", args=[event.slug])).status_code == 404
    client.force_login(people["changchun_officer"])
    for name in ("detail", "registrations", "requests", "schedule", "signings"):
        assert client.get(reverse(f"events:{name}", args=[event.slug])).status_code == 200, name


def test_organiser_runs_reviews_and_publishes_in_the_ui(client, event, guests, people):
    accepted(guests["s1"], guests["buyer"])
    accepted(guests["s2"], guests["buyer"])
    client.force_login(people["changchun_officer"])
    response = client.post(
        reverse("events:schedule", args=[event.slug]), {"time_limit": 1, "keep_published": "on"}
    )
    assert response.status_code == 302
    run = event.runs.get()
    assert run.status == RunStatus.DRAFT  # the task ran inline in tests
    page = client.get(reverse("events:run", args=[event.slug, run.number]))
    assert b"publish-button" in page.content
    client.post(reverse("events:publish", args=[event.slug, run.number]))
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert client.get(reverse("events:plan", args=[event.slug])).status_code == 200
    meeting = run.meetings.first()
    client.post(
        reverse("events:meeting_outcome", args=[event.slug, meeting.pk]),
        {"outcome": "follow_up", "note": "x"},
    )
    meeting.refresh_from_db()
    assert meeting.outcome == "follow_up" and meeting.checked_in_at is not None


def test_participants_see_only_their_own_requests(event, guests, people):
    mine = services.request_meeting(requester=guests["s1"], recipient=guests["buyer"])
    other = services.request_meeting(requester=guests["s2"], recipient=guests["buyer"])
    guests["s1"].user = people["supplier"]
    guests["s1"].save()
    visible = set(MeetingRequest.objects.restrict(people["supplier"], "view"))
    assert mine in visible and other not in visible
    assert {mine, other} <= set(
        MeetingRequest.objects.restrict(people["changchun_officer"], "view")
    )


def test_a_running_schedule_page_polls_until_the_draft_is_ready(client, event, people):
    run = services.start_run(event=event, user=people["changchun_officer"], time_limit=1)
    client.force_login(people["changchun_officer"])
    page = client.get(reverse("events:run", args=[event.slug, run.number]))
    assert b'hx-trigger="every 2s"' in page.content and b"run-running" in page.content
    services.run_schedule(event=event, run=run, time_limit=1)
    page = client.get(reverse("events:run", args=[event.slug, run.number]))
    assert b"hx-trigger" not in page.content and b"publish-button" in page.content


def test_directory_shows_the_oems_open_sourcing_demands(client, event, guests, jilin):
    from clusterhub.matching.models import SourcingDemand

    from ..factories import ChainNodeFactory

    oem = EnterpriseFactory(name="一汽测试", kind="oem", home_region=jilin["changchun"])
    guests["buyer"].enterprise = oem
    guests["buyer"].save()
    SourcingDemand.objects.create(
        buyer=oem,
        chain_node=ChainNodeFactory(),
        title="座椅骨架本地配套",
        status="open",
        visibility="everyone",
    )
    page = client.get(reverse("events:directory", args=[guests["s1"].token]) + "?sourcing=1")
    assert "座椅骨架本地配套".encode() in page.content
    assert page.content.count(b"data-registration=") == 1  # only the buyer with a demand

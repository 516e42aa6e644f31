"""The participant's ICS file parses back (RFC 5545), the PDF renders, the API and the CLI work."""

import json

from django.core.management import call_command
from django.urls import reverse

from clusterhub.events import outputs, services


def published(event, guests, seconds=1):
    for s in ("s1", "s2", "de"):
        services.respond(
            request=services.request_meeting(
                requester=guests[s], recipient=guests["buyer"], reason="Säulen, 座椅; test"
            ),
            accept=True,
        )
    run = services.run_schedule(event=event, time_limit=seconds)
    return services.publish(run=run)


def test_ics_is_rfc5545_and_parses_back(event, guests):
    import icalendar

    published(event, guests)
    text = outputs.ics_for(guests["buyer"])
    raw = text.encode("utf-8")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    events = calendar.walk("VEVENT")
    meetings = [e for e in events if str(e["UID"]).startswith("meeting-")]
    assert len(meetings) == 3 and len({str(e["UID"]) for e in events}) == len(events)
    first = meetings[0]
    assert (
        first["DTSTART"].dt.tzinfo is not None and str(first["DTSTART"].dt.utcoffset()) == "8:00:00"
    )
    assert "DTSTAMP" in first
    assert "Säulen, 座椅; test" in str(first["DESCRIPTION"])  # escaped and unescaped intact


def test_long_lines_fold_without_splitting_characters():
    line = "SUMMARY:" + "长春汽车产业集群姊妹城市推介会" * 6
    folded = outputs.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_pdf_agenda_and_pages_by_token(client, event, guests):
    published(event, guests)
    token = guests["buyer"].token
    pdf = client.get(reverse("events:agenda_pdf", args=[token]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert "供应商一" in text  # CJK font embedded: the Chinese names come out
    agenda = client.get(reverse("events:agenda", args=[token]))
    assert agenda.content.count(b'data-kind="meeting"') == 3
    ics = client.get(reverse("events:agenda_ics", args=[token]))
    assert ics["Content-Type"].startswith("text/calendar")


def test_api_public_registration_requests_and_organiser_run(client, event, guests, people):
    response = client.post(
        f"/api/events/{event.slug}/registrations",
        {"name": "API guest", "organisation_name": "某公司", "role": "supplier"},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    asked = client.post(
        f"/api/events/participants/{token}/requests",
        {"recipient": guests["buyer"].pk, "reason": "parts"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    to_self = client.post(
        f"/api/events/participants/{token}/requests",
        {"recipient": response.json()["id"], "reason": "me"},
        content_type="application/json",
    )
    assert to_self.status_code == 422
    answer = client.post(
        f"/api/events/participants/{guests['buyer'].token}/requests/{asked.json()['id']}/answer",
        {"accept": True},
        content_type="application/json",
    )
    assert answer.json()["status"] == "accepted"
    assert client.get(f"/api/events/{event.slug}/registrations").status_code == 401
    client.force_login(people["siping_officer"])
    assert client.get(f"/api/events/{event.slug}/registrations").status_code == 404
    client.force_login(people["changchun_officer"])
    run = client.post(
        f"/api/events/{event.slug}/runs", {"time_limit": 1}, content_type="application/json"
    )
    assert run.status_code == 201 and run.json()["meetings"] == 1 and run.json()["check"] == "ok"
    published_run = client.post(f"/api/events/{event.slug}/runs/{run.json()['number']}/publish")
    assert published_run.json()["status"] == "published"
    meetings = client.get(f"/api/events/{event.slug}/meetings").json()
    assert len(meetings) == 1
    agenda = client.get(f"/api/events/participants/{token}/agenda").json()
    assert [i["kind"] for i in agenda].count("meeting") == 1


def test_schedule_command_prints_json(event, guests, capsys):
    published(event, guests)
    call_command("schedule", event.slug, "--time-limit", "1", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["meetings"] == 3 and result["check"] == "ok"
    assert result["bound"] >= result["value"]
    assert result["changes"]["vs_published"]["counts"] == {}  # nothing changed, nothing moved


def test_signing_added_over_the_api_and_in_totals(client, event, people, jilin):
    from clusterhub.projects.services import create_project

    from ..factories import EnterpriseFactory

    project = create_project(
        user=people["changchun_officer"],
        name="电驱项目",
        investor=EnterpriseFactory(),
        origin_kind="event",
        signing_region=jilin["changchun"],
        code="SIGN-1",
    )
    client.force_login(people["changchun_officer"])
    created = client.post(
        f"/api/events/{event.slug}/signings",
        {"project": "SIGN-1", "amount": "12亿元", "segment": "parts"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["amount"] == "1200000000.00"
    again = client.post(
        f"/api/events/{event.slug}/signings",
        {"project": project.code, "amount": "1亿元"},
        content_type="application/json",
    )
    assert again.status_code == 422
    totals = client.get(f"/api/events/{event.slug}/signings").json()
    assert totals["count"] == 1 and totals["by_city"][0]["city"] == "220100"
    page = client.get(reverse("events:signings", args=[event.slug]))
    assert b"SIGN-1" in page.content and b"signing-form" in page.content

"""Conferences over the API: events, public registration, participants' requests (by their
personal token), organisers' registrations, requests, schedule runs (run, review, publish),
meetings (check-in, outcome), signings with totals, and a participant's agenda and ICS file.

Organiser endpoints read events through `restrict(user, "change")`: an event you do not organise
is a 404. Participant endpoints take the registration's secret token, as the pages do, so a public
registrant without an account can use them. A ValidationError from a service is a 422.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from clusterhub.core.api_common import READ_ERRORS, WRITE_ERRORS

from . import outputs, services
from .choices import EventStatus
from .messages import issue_text
from .models import Event, Meeting, MeetingRequest, Registration, ScheduleRun

router = Router(tags=["events"])


class EventOut(Schema):
    slug: str
    name: str
    name_en: str
    starts_on: datetime.date
    city: str
    venue: str
    status: str
    is_synthetic: bool


def _event_out(e: Event) -> dict:
    return {
        "slug": e.slug,
        "name": e.name,
        "name_en": e.name_en,
        "starts_on": e.starts_on,
        "city": e.city.code,
        "venue": e.venue,
        "status": e.status,
        "is_synthetic": e.is_synthetic,
    }


class RegistrationIn(Schema):
    name: str
    organisation_name: str
    role: str
    languages: list[str] = ["zh"]
    needs_interpreter: bool = False
    max_meetings: int = 6
    available_slots: list[int] | None = None
    email: str = ""
    phone: str = ""
    title: str = ""
    credit_code: str = ""
    delegation: str = ""
    offers: str = ""
    seeks: str = ""


class RegistrationOut(Schema):
    id: int
    name: str
    organisation_name: str
    role: str
    languages: str
    enterprise: str | None
    match_status: str
    status: str
    checked_in: bool


class RegisteredOut(RegistrationOut):
    token: str


def _registration_out(r: Registration, token: bool = False) -> dict:
    out = {
        "id": r.pk,
        "name": r.name,
        "organisation_name": r.organisation_name,
        "role": r.role,
        "languages": r.languages,
        "enterprise": r.enterprise.public_id if r.enterprise_id else None,
        "match_status": r.match_status,
        "status": r.status,
        "checked_in": r.checked_in_at is not None,
    }
    if token:
        out["token"] = r.token
    return out


class RequestIn(Schema):
    recipient: int
    reason: str = ""


class AnswerIn(Schema):
    accept: bool


class RequestOut(Schema):
    id: int
    requester: int
    recipient: int
    reason: str
    status: str
    priority: int
    chain_gap: Decimal
    must_meet: bool


def _request_out(q: MeetingRequest) -> dict:
    return {
        "id": q.pk,
        "requester": q.requester_id,
        "recipient": q.recipient_id,
        "reason": q.reason,
        "status": q.status,
        "priority": q.priority,
        "chain_gap": q.chain_gap,
        "must_meet": q.must_meet,
    }


class PriorityIn(Schema):
    priority: int | None = None
    chain_gap: Decimal | None = None
    must_meet: bool | None = None


class MustMeetIn(Schema):
    a: int
    b: int
    reason: str = ""


class RunIn(Schema):
    time_limit: float = 10.0
    keep_published: bool = True


class RunOut(Schema):
    number: int
    status: str
    meetings: int
    value: int
    bound: float | None
    gap_to_bound: float | None
    covered: int
    askers: int
    idle_gaps: int
    seconds: float
    check: str | list | None
    issues: list[str]
    unscheduled: list[dict]
    changes: dict


def _run_out(run: ScheduleRun) -> dict:
    return {
        "number": run.number,
        "status": run.status,
        "meetings": run.meetings_count,
        "value": run.value,
        "bound": run.bound,
        "gap_to_bound": run.gap_to_bound,
        "covered": run.covered,
        "askers": run.askers,
        "idle_gaps": run.idle_gaps,
        "seconds": run.seconds,
        "check": run.stats.get("check"),
        "issues": [issue_text(i) for i in run.issues],
        "unscheduled": [
            {"request": u.get("request"), "code": u.get("code"), "reason": issue_text(u)}
            for u in run.unscheduled
        ],
        "changes": run.changes or {},
    }


class MeetingOut(Schema):
    id: int
    request: int
    slot_start: datetime.datetime
    table: str
    interpreter: str | None
    checked_in: bool
    outcome: str
    lead_project: str | None


def _meeting_out(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "request": m.request_id,
        "slot_start": m.slot.starts_at,
        "table": m.table.label,
        "interpreter": m.interpreter.name if m.interpreter_id else None,
        "checked_in": m.checked_in_at is not None,
        "outcome": m.outcome,
        "lead_project": m.lead_project.code if m.lead_project_id else None,
    }


class OutcomeIn(Schema):
    outcome: str
    note: str = ""
    project_name: str = ""


class AgendaItemOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kind: str
    title: str
    where: str
    with_whom: str
    interpreter: str


class SigningOut(Schema):
    order: int
    title: str
    project: str
    city: str
    segment: str
    amount: Decimal


class SigningIn(Schema):
    project: str  # project code
    amount: str  # yuan, or with a unit: "12亿元"
    title: str = ""
    segment: str = ""
    city: str = ""  # region code; default: the project's city


class TotalsOut(Schema):
    count: int
    total: Decimal
    by_city: list[dict]
    by_segment: list[dict]
    signings: list[SigningOut]


def _managed(request, slug: str) -> Event:
    event = Event.objects.restrict(request.auth, "change").filter(slug=slug).first()
    if event is None:
        raise HttpError(404, _("Not found."))
    return event


def _public(slug: str) -> Event:
    event = Event.objects.select_related("city").filter(slug=slug).first()
    if event is None or event.status == EventStatus.DRAFT:
        raise HttpError(404, _("Not found."))
    return event


def _by_token(token: str) -> Registration:
    return get_object_or_404(Registration.objects.select_related("event"), token=token)


# -- events


@router.get("/", response={200: list[EventOut], **READ_ERRORS})
def list_events(request):
    return [
        _event_out(e) for e in Event.objects.restrict(request.auth, "view").select_related("city")
    ]


@router.get("/{slug}", response={200: EventOut, **READ_ERRORS}, auth=None)
def get_event(request, slug: str):
    return _event_out(_public(slug))


@router.post("/{slug}/registrations", response={201: RegisteredOut, **WRITE_ERRORS}, auth=None)
def register(request, slug: str, payload: RegistrationIn):
    """Public registration (no account needed). The answer's token opens the participant's own
    endpoints and pages; keep it secret."""
    event = _public(slug)
    user = request.user if request.user.is_authenticated else None
    registration = services.register(event=event, user=user, **payload.dict())
    return 201, _registration_out(registration, token=True)


# -- participants (by token)


@router.get(
    "/participants/{token}/requests", response={200: list[RequestOut], **READ_ERRORS}, auth=None
)
def my_requests(request, token: str):
    r = _by_token(token)
    return [
        _request_out(q)
        for q in MeetingRequest.objects.filter(event=r.event).filter(
            pk__in=list(r.requests_made.values_list("pk", flat=True))
            + list(r.requests_received.values_list("pk", flat=True))
        )
    ]


@router.post(
    "/participants/{token}/requests", response={201: RequestOut, **WRITE_ERRORS}, auth=None
)
def make_request(request, token: str, payload: RequestIn):
    r = _by_token(token)
    recipient = get_object_or_404(Registration, pk=payload.recipient, event=r.event)
    return 201, _request_out(
        services.request_meeting(requester=r, recipient=recipient, reason=payload.reason)
    )


@router.post(
    "/participants/{token}/requests/{pk}/answer",
    response={200: RequestOut, **WRITE_ERRORS},
    auth=None,
)
def answer_request(request, token: str, pk: int, payload: AnswerIn):
    r = _by_token(token)
    q = get_object_or_404(MeetingRequest, pk=pk, recipient=r)
    return _request_out(services.respond(request=q, accept=payload.accept))


@router.get(
    "/participants/{token}/agenda", response={200: list[AgendaItemOut], **READ_ERRORS}, auth=None
)
def my_agenda(request, token: str):
    return [
        {
            "starts_at": i.starts_at,
            "ends_at": i.ends_at,
            "kind": i.kind,
            "title": i.title,
            "where": i.where,
            "with_whom": i.with_whom,
            "interpreter": i.interpreter,
        }
        for i in services.agenda(_by_token(token))
    ]


@router.get("/participants/{token}/agenda.ics", auth=None, response={200: None, **READ_ERRORS})
def my_ics(request, token: str):
    return HttpResponse(
        outputs.ics_for(_by_token(token)), content_type="text/calendar; charset=utf-8"
    )


# -- organisers


@router.get("/{slug}/registrations", response={200: list[RegistrationOut], **READ_ERRORS})
def registrations(request, slug: str):
    event = _managed(request, slug)
    return [_registration_out(r) for r in event.registrations.select_related("enterprise")]


@router.post("/{slug}/registrations/{pk}/check-in", response={200: RegistrationOut, **WRITE_ERRORS})
def check_in(request, slug: str, pk: int):
    event = _managed(request, slug)
    r = get_object_or_404(Registration, pk=pk, event=event)
    return _registration_out(services.check_in(registration=r))


@router.get("/{slug}/requests", response={200: list[RequestOut], **READ_ERRORS})
def requests(request, slug: str):
    event = _managed(request, slug)
    return [_request_out(q) for q in event.requests.all()]


@router.patch("/{slug}/requests/{pk}", response={200: RequestOut, **WRITE_ERRORS})
def set_priority(request, slug: str, pk: int, payload: PriorityIn):
    event = _managed(request, slug)
    q = get_object_or_404(MeetingRequest, pk=pk, event=event)
    return _request_out(services.set_priority(request=q, **payload.dict()))


@router.post("/{slug}/must-meets", response={201: RequestOut, **WRITE_ERRORS})
def must_meet(request, slug: str, payload: MustMeetIn):
    event = _managed(request, slug)
    a = get_object_or_404(Registration, pk=payload.a, event=event)
    b = get_object_or_404(Registration, pk=payload.b, event=event)
    return 201, _request_out(services.add_must_meet(a=a, b=b, reason=payload.reason))


@router.post("/{slug}/runs", response={201: RunOut, **WRITE_ERRORS})
def run(request, slug: str, payload: RunIn):
    """Run the scheduler now (at most `time_limit` seconds) into a draft."""
    event = _managed(request, slug)
    if not 0 < payload.time_limit <= 600:
        raise HttpError(422, "time_limit is between 0 and 600 seconds.")
    result = services.run_schedule(
        event=event,
        user=request.auth,
        time_limit=payload.time_limit,
        keep_published=payload.keep_published,
    )
    return 201, _run_out(result)


@router.get("/{slug}/runs", response={200: list[RunOut], **READ_ERRORS})
def runs(request, slug: str):
    return [_run_out(r) for r in _managed(request, slug).runs.all()[:20]]


@router.post("/{slug}/runs/{number}/publish", response={200: RunOut, **WRITE_ERRORS})
def publish(request, slug: str, number: int):
    event = _managed(request, slug)
    r = get_object_or_404(ScheduleRun, event=event, number=number)
    return _run_out(services.publish(run=r))


@router.get("/{slug}/meetings", response={200: list[MeetingOut], **READ_ERRORS})
def meetings(request, slug: str):
    event = _managed(request, slug)
    r = services.published_run(event)
    if r is None:
        return []
    return [
        _meeting_out(m)
        for m in r.meetings.select_related("slot", "table", "interpreter", "lead_project")
    ]


@router.post("/{slug}/meetings/{pk}/check-in", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_check_in(request, slug: str, pk: int):
    event = _managed(request, slug)
    m = get_object_or_404(Meeting, pk=pk, run__event=event)
    return _meeting_out(services.check_in_meeting(meeting=m))


@router.post("/{slug}/meetings/{pk}/outcome", response={200: MeetingOut, **WRITE_ERRORS})
def outcome(request, slug: str, pk: int, payload: OutcomeIn):
    event = _managed(request, slug)
    m = get_object_or_404(Meeting, pk=pk, run__event=event)
    return _meeting_out(services.record_outcome(meeting=m, user=request.auth, **payload.dict()))


@router.get("/{slug}/signings", response={200: TotalsOut, **READ_ERRORS})
def signings(request, slug: str):
    event = Event.objects.restrict(request.auth, "view").filter(slug=slug).first()
    if event is None:
        raise HttpError(404, _("Not found."))
    totals = services.signing_totals(event)
    return {
        "count": totals.count,
        "total": totals.total,
        "by_city": [
            {"city": c.code, "name": c.name, "count": n, "amount": str(a)}
            for c, n, a in totals.by_city
        ],
        "by_segment": [
            {"segment": v, "count": n, "amount": str(a)} for v, _l, n, a in totals.by_segment
        ],
        "signings": [
            {
                "order": s.order,
                "title": s.title,
                "project": s.project.code,
                "city": s.city.code,
                "segment": s.segment,
                "amount": s.amount,
            }
            for s in event.signings.select_related("project", "city")
        ],
    }


@router.post("/{slug}/signings", response={201: SigningOut, **WRITE_ERRORS})
def add_signing(request, slug: str, payload: SigningIn):
    """Put a project on the signing list (the organiser; the project must be visible to you)."""
    from clusterhub.geo.models import Region
    from clusterhub.projects.models import Project

    event = _managed(request, slug)
    project = Project.objects.restrict(request.auth, "view").filter(code=payload.project).first()
    if project is None:
        raise HttpError(404, _("Not found."))
    city = Region.objects.filter(code=payload.city).first() if payload.city else None
    s = services.add_signing(
        event=event,
        project=project,
        amount=payload.amount,
        title=payload.title,
        segment=payload.segment,
        city=city,
    )
    return 201, {
        "order": s.order,
        "title": s.title,
        "project": project.code,
        "city": s.city.code,
        "segment": s.segment,
        "amount": s.amount,
    }

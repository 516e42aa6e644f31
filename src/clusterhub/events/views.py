"""Conference pages.

Public (no login): the event page, the registration form, and the participant's own pages opened
by the secret link in their confirmation (badge, requests, participants, agenda, ICS, PDF).
Organisers (the event's organisation, or officers covering the host city): dashboard,
registrations and check-in, requests and priorities, schedule runs (draft, review, publish),
table plan, meeting check-in and outcomes, and the signing list. An event a user may not manage
is a 404 on organiser pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterhub.chain.choices import Segment

from . import outputs, services, tasks
from .choices import (
    EventStatus,
    Outcome,
    ParticipantRole,
    RegistrationStatus,
    RequestStatus,
)
from .forms import (
    MeetingRequestForm,
    MustMeetForm,
    OutcomeForm,
    PriorityForm,
    RegistrationForm,
    RunForm,
)
from .messages import issue_text
from .models import Event, Meeting, MeetingRequest, Registration, ScheduleRun


def _errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _public_event(slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("city", "organiser"), slug=slug)
    if event.status == EventStatus.DRAFT:
        raise Http404
    return event


def _managed_event(request, slug: str) -> Event:
    event = get_object_or_404(Event.objects.restrict(request.user, "change"), slug=slug)
    return event


def _participant(token: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event", "event__city", "enterprise"), token=token
    )


# --------------------------------------------------------------------------------------------
# Public


def event_public(request, slug):
    event = _public_event(slug)
    mine = services.registration_of(request.user, event)
    presentations = event.sessions.filter(kind="presentation").select_related("city")
    return render(
        request,
        "events/event_public.html",
        {
            "event": event,
            "sessions": event.sessions.select_related("city"),
            "presentations": presentations,
            "mine": mine,
            "can_manage": request.user.is_authenticated
            and services.can_manage(request.user, event),
            "registered": event.registrations.filter(status=RegistrationStatus.CONFIRMED).count(),
        },
    )


def register(request, slug):
    event = _public_event(slug)
    slots = services.meeting_slots_for(event)
    form = RegistrationForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.register(
                event=event,
                user=request.user if request.user.is_authenticated else None,
                available_slots=[int(x) for x in data.pop("available_slots")],
                **data,
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(
                request,
                _("You are registered. Keep this page's link: it is your badge and agenda."),
            )
            return HttpResponseRedirect(reverse("events:participant", args=[registration.token]))
    return render(request, "events/register.html", {"event": event, "form": form})


def participant_home(request, token):
    registration = _participant(token)
    event = registration.event
    incoming = registration.requests_received.exclude(
        status=RequestStatus.CANCELLED
    ).select_related("requester")
    outgoing = registration.requests_made.exclude(status=RequestStatus.CANCELLED).select_related(
        "recipient"
    )
    check_in_url = request.build_absolute_uri(reverse("events:checkin", args=[event.slug, token]))
    return render(
        request,
        "events/participant.html",
        {
            "registration": registration,
            "event": event,
            "incoming": incoming,
            "outgoing": outgoing,
            "qr": outputs.qr_svg(check_in_url),
            "published": services.published_run(event) is not None,
        },
    )


@require_POST
def participant_respond(request, token, pk):
    registration = _participant(token)
    meeting_request = get_object_or_404(MeetingRequest, pk=pk, recipient=registration)
    try:
        services.respond(request=meeting_request, accept=request.POST.get("answer") == "accept")
    except ValidationError as error:
        _errors(request, error)
    return HttpResponseRedirect(reverse("events:participant", args=[token]))


def participant_directory(request, token):
    """Browse and filter the other participants; request a meeting with a reason."""
    registration = _participant(token)
    event = registration.event
    people = event.registrations.filter(status=RegistrationStatus.CONFIRMED).exclude(
        pk=registration.pk
    )
    role = request.GET.get("role", "")
    q = (request.GET.get("q") or "").strip()
    language = request.GET.get("language", "")
    if role in ParticipantRole.values:
        people = people.filter(role=role)
    if q:
        people = people.filter(
            Q(name__icontains=q)
            | Q(organisation_name__icontains=q)
            | Q(offers__icontains=q)
            | Q(seeks__icontains=q)
        )
    if language:
        people = people.filter(languages__contains=language)
    asked = set(
        registration.requests_made.exclude(status=RequestStatus.CANCELLED).values_list(
            "recipient_id", flat=True
        )
    )
    asked |= set(
        registration.requests_received.exclude(status=RequestStatus.CANCELLED).values_list(
            "requester_id", flat=True
        )
    )
    if request.method == "POST":
        form = MeetingRequestForm(request.POST)
        if form.is_valid():
            recipient = get_object_or_404(
                Registration, pk=form.cleaned_data["recipient"], event=event
            )
            try:
                services.request_meeting(
                    requester=registration, recipient=recipient, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Request sent to %(name)s.") % {"name": recipient.name})
            except ValidationError as error:
                _errors(request, error)
        else:
            messages.error(request, _("Please give a reason for the meeting."))
        return HttpResponseRedirect(request.get_full_path())
    demands = services.open_demands_by_enterprise(event)
    if request.GET.get("sourcing"):
        people = people.filter(enterprise_id__in=list(demands))
    page = Paginator(people.order_by("organisation_name", "name"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "events/directory.html",
        {
            "demands": demands,
            "registration": registration,
            "event": event,
            "page": page,
            "asked": asked,
            "roles": ParticipantRole.choices,
            "role": role,
            "q": q,
            "language": language,
        },
    )


def participant_agenda(request, token):
    registration = _participant(token)
    return render(
        request,
        "events/agenda.html",
        {
            "registration": registration,
            "event": registration.event,
            "items": services.agenda(registration),
            "published": services.published_run(registration.event) is not None,
        },
    )


def participant_ics(request, token):
    registration = _participant(token)
    response = HttpResponse(
        outputs.ics_for(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}-agenda.ics"'
    return response


def participant_pdf(request, token):
    registration = _participant(token)
    url = request.build_absolute_uri(
        reverse("events:checkin", args=[registration.event.slug, token])
    )
    response = HttpResponse(
        outputs.agenda_pdf(registration, check_in_url=url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{registration.event.slug}-agenda.pdf"'
    return response


# --------------------------------------------------------------------------------------------
# Organisers


@login_required
def event_list(request):
    events = Event.objects.restrict(request.user, "view").select_related("city", "organiser")
    managed = set(Event.objects.restrict(request.user, "change").values_list("pk", flat=True))
    mine = {
        r.event_id: r.token
        for r in Registration.objects.filter(user=request.user, status=RegistrationStatus.CONFIRMED)
    }
    events = events.annotate(
        n_registrations=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        )
    )
    return render(
        request, "events/event_list.html", {"events": events, "managed": managed, "mine": mine}
    )


@login_required
def event_detail(request, slug):
    event = _managed_event(request, slug)
    requests = event.requests.values("status").annotate(n=Count("pk"))
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "registered": event.registrations.filter(status=RegistrationStatus.CONFIRMED).count(),
            "checked_in": event.registrations.exclude(checked_in_at=None).count(),
            "synthetic": event.registrations.filter(is_synthetic=True).count(),
            "request_counts": {row["status"]: row["n"] for row in requests},
            "published": services.published_run(event),
            "draft": services.latest_draft(event),
            "totals": services.signing_totals(event),
            "slots": event.slots.count(),
            "tables": event.tables.count(),
            "run_form": RunForm(),
        },
    )


@login_required
def registrations(request, slug):
    event = _managed_event(request, slug)
    people = event.registrations.select_related("enterprise", "city")
    q = (request.GET.get("q") or "").strip()
    if q:
        people = people.filter(Q(name__icontains=q) | Q(organisation_name__icontains=q))
    if request.GET.get("match") == "unmatched":
        people = people.filter(enterprise=None)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/registrations.html",
        {"event": event, "page": page, "q": q, "must_form": MustMeetForm()},
    )


@login_required
@require_POST
def registration_checkin(request, slug, pk):
    event = _managed_event(request, slug)
    registration = get_object_or_404(Registration, pk=pk, event=event)
    try:
        services.check_in(registration=registration)
        messages.success(request, _("%(name)s checked in.") % {"name": registration.name})
    except ValidationError as error:
        _errors(request, error)
    return HttpResponseRedirect(
        request.POST.get("next") or reverse("events:registrations", args=[slug])
    )


@login_required
@require_POST
def registration_cancel(request, slug, pk):
    event = _managed_event(request, slug)
    registration = get_object_or_404(Registration, pk=pk, event=event)
    lost = services.cancel_registration(registration=registration)
    if lost["meetings"]:
        messages.warning(
            request,
            _(
                "%(name)s cancelled: %(n)s published meetings lost; affected: %(people)s. Run the scheduler again to fill the places."
            )
            % {
                "name": registration.name,
                "n": len(lost["meetings"]),
                "people": ", ".join(p.name for p in lost["affected"] if p.pk != registration.pk),
            },
        )
    else:
        messages.success(request, _("%(name)s cancelled.") % {"name": registration.name})
    return HttpResponseRedirect(reverse("events:registrations", args=[slug]))


@login_required
def checkin(request, slug, token):
    """The page a badge's QR code opens: organisers check the participant in."""
    event = _managed_event(request, slug)
    registration = get_object_or_404(Registration, token=token, event=event)
    if request.method == "POST":
        try:
            services.check_in(registration=registration)
            messages.success(request, _("%(name)s checked in.") % {"name": registration.name})
        except ValidationError as error:
            _errors(request, error)
        return HttpResponseRedirect(request.path)
    return render(request, "events/checkin.html", {"event": event, "registration": registration})


@login_required
def request_list(request, slug):
    event = _managed_event(request, slug)
    items = event.requests.select_related("requester", "recipient")
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        items = items.filter(status=status)
    if request.GET.get("must"):
        items = items.filter(must_meet=True)
    page = Paginator(items.order_by("-must_meet", "-priority", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "events/requests.html",
        {"event": event, "page": page, "status": status, "statuses": RequestStatus.choices},
    )


@login_required
@require_POST
def request_priority(request, slug, pk):
    event = _managed_event(request, slug)
    meeting_request = get_object_or_404(MeetingRequest, pk=pk, event=event)
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            services.set_priority(request=meeting_request, **form.cleaned_data)
            messages.success(request, _("Priority saved."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Priority 1–5, chain-gap value 0–1."))
    return HttpResponseRedirect(request.POST.get("next") or reverse("events:requests", args=[slug]))


@login_required
@require_POST
def must_meet(request, slug):
    event = _managed_event(request, slug)
    form = MustMeetForm(request.POST)
    if form.is_valid():
        a = get_object_or_404(Registration, pk=form.cleaned_data["a"], event=event)
        b = get_object_or_404(Registration, pk=form.cleaned_data["b"], event=event)
        try:
            services.add_must_meet(a=a, b=b, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(a)s must meet %(b)s.") % {"a": a.name, "b": b.name})
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Give the ids of both participants."))
    return HttpResponseRedirect(reverse("events:requests", args=[slug]) + "?must=1")


@login_required
def schedule(request, slug):
    event = _managed_event(request, slug)
    if request.method == "POST":
        form = RunForm(request.POST)
        if form.is_valid():
            run = services.start_run(
                event=event,
                user=request.user,
                time_limit=form.cleaned_data["time_limit"],
                keep_published=form.cleaned_data["keep_published"],
            )
            tasks.schedule_event.enqueue(
                run_id=run.pk,
                time_limit=form.cleaned_data["time_limit"],
                keep_published=form.cleaned_data["keep_published"],
            )
            return HttpResponseRedirect(reverse("events:run", args=[slug, run.number]))
    runs = event.runs.select_related("created_by")[:30]
    return render(
        request, "events/schedule.html", {"event": event, "runs": runs, "form": RunForm()}
    )


@login_required
def run_detail(request, slug, number):
    event = _managed_event(request, slug)
    run = get_object_or_404(ScheduleRun, event=event, number=number)
    changes = run.changes or {}
    names = dict(event.registrations.values_list("pk", "name"))
    requests = {
        q.pk: q
        for q in event.requests.filter(
            pk__in=[u["request"] for u in run.unscheduled if u.get("request")][:200]
        ).select_related("requester", "recipient")
    }
    unscheduled = [
        {"text": issue_text(u), "request": requests.get(u.get("request"))}
        for u in run.unscheduled[:200]
    ]
    return render(
        request,
        "events/run_detail.html",
        {
            "event": event,
            "run": run,
            "issues": [issue_text(i) for i in run.issues],
            "unscheduled": unscheduled,
            "unscheduled_total": len(run.unscheduled),
            "vs_draft": changes.get("vs_draft"),
            "vs_published": changes.get("vs_published"),
            "names": names,
        },
    )


@login_required
@require_POST
def run_publish(request, slug, number):
    event = _managed_event(request, slug)
    run = get_object_or_404(ScheduleRun, event=event, number=number)
    try:
        services.publish(run=run)
        affected = (run.changes.get("vs_published") or {}).get("affected_names") or []
        if affected:
            messages.success(
                request,
                _("Schedule #%(n)s published. %(count)s people have changes in their agenda.")
                % {"n": run.number, "count": len(affected)},
            )
        else:
            messages.success(request, _("Schedule #%(n)s published.") % {"n": run.number})
    except ValidationError as error:
        _errors(request, error)
    return HttpResponseRedirect(reverse("events:run", args=[slug, number]))


@login_required
def plan(request, slug):
    event = _managed_event(request, slug)
    number = request.GET.get("run")
    run = (
        get_object_or_404(ScheduleRun, event=event, number=number)
        if number
        else services.published_run(event) or services.latest_draft(event)
    )
    if run is None:
        messages.info(request, _("No schedule yet: run the scheduler first."))
        return HttpResponseRedirect(reverse("events:schedule", args=[slug]))
    slots, tables, grid = services.table_plan(run)
    used = {t for row in grid.values() for t in row}
    tables = [t for t in tables if t.pk in used] if request.GET.get("all") != "1" else tables
    rows = [(t, [grid.get(s.pk, {}).get(t.pk) for s in slots]) for t in tables]
    return render(
        request, "events/plan.html", {"event": event, "run": run, "slots": slots, "rows": rows}
    )


@login_required
def meetings(request, slug):
    event = _managed_event(request, slug)
    run = services.published_run(event)
    if run is None:
        messages.info(request, _("Publish a schedule first."))
        return HttpResponseRedirect(reverse("events:schedule", args=[slug]))
    items = run.meetings.select_related(
        "slot", "table", "interpreter", "request__requester", "request__recipient", "lead_project"
    )
    slot = request.GET.get("slot")
    if slot:
        items = items.filter(slot_id=slot)
    q = (request.GET.get("q") or "").strip()
    if q:
        items = items.filter(
            Q(request__requester__organisation_name__icontains=q)
            | Q(request__recipient__organisation_name__icontains=q)
            | Q(request__requester__name__icontains=q)
            | Q(request__recipient__name__icontains=q)
        )
    page = Paginator(items, 40).get_page(request.GET.get("page"))
    return render(
        request,
        "events/meetings.html",
        {
            "event": event,
            "run": run,
            "page": page,
            "slots": event.slots.all(),
            "slot": slot,
            "q": q,
            "outcomes": Outcome.choices,
            "counts": {
                row["outcome"]: row["n"]
                for row in run.meetings.values("outcome").annotate(n=Count("pk"))
            },
        },
    )


@login_required
@require_POST
def meeting_checkin(request, slug, pk):
    event = _managed_event(request, slug)
    meeting = get_object_or_404(Meeting, pk=pk, run__event=event)
    try:
        services.check_in_meeting(meeting=meeting)
    except ValidationError as error:
        _errors(request, error)
    return HttpResponseRedirect(request.POST.get("next") or reverse("events:meetings", args=[slug]))


@login_required
@require_POST
def meeting_outcome(request, slug, pk):
    event = _managed_event(request, slug)
    meeting = get_object_or_404(Meeting, pk=pk, run__event=event)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.record_outcome(meeting=meeting, user=request.user, **form.cleaned_data)
            if meeting.lead_project:
                messages.success(
                    request,
                    _("Project lead %(code)s created.") % {"code": meeting.lead_project.code},
                )
            else:
                messages.success(request, _("Outcome saved."))
        except ValidationError as error:
            _errors(request, error)
        except (
            PermissionError
        ) as error:  # pragma: no cover - ProjectPermissionError is a PermissionDenied
            messages.error(request, str(error))
    return HttpResponseRedirect(request.POST.get("next") or reverse("events:meetings", args=[slug]))


@login_required
def signings(request, slug):
    event = get_object_or_404(Event.objects.restrict(request.user, "view"), slug=slug)
    if request.method == "POST":
        from clusterhub.projects.models import Project

        event = _managed_event(request, slug)
        code = (request.POST.get("project") or "").strip()
        project = Project.objects.restrict(request.user, "view").filter(code=code).first()
        if project is None:
            messages.error(request, _("No project with the code %(code)s.") % {"code": code})
        else:
            try:
                services.add_signing(
                    event=event,
                    project=project,
                    amount=request.POST.get("amount"),
                    segment=request.POST.get("segment", ""),
                )
                messages.success(request, _("%(code)s is on the signing list.") % {"code": code})
            except ValidationError as error:
                _errors(request, error)
        return HttpResponseRedirect(reverse("events:signings", args=[slug]))
    items = event.signings.select_related("project", "city", "project__investor")
    totals = services.signing_totals(event)
    return render(
        request,
        "events/signings.html",
        {
            "event": event,
            "items": items,
            "totals": totals,
            "can_manage": services.can_manage(request.user, event),
            "segments": Segment.choices,
            "chart": {
                "cities": [c.display_name for c, _n, _a in totals.by_city],
                "amounts": [float(a) / 1e8 for _c, _n, a in totals.by_city],
            },
        },
    )

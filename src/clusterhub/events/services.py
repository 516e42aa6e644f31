"""Business logic for conferences: registration, matchmaking, scheduling, outcomes, signings.

Views, the API, the `schedule` command and the demo call these functions; they check the rules
and write the change log (ChangeLoggedModel signals; bulk writes through log_bulk_create).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core.changelog import log_bulk_create

from . import scheduler
from .choices import (
    EventStatus,
    MatchStatus,
    Outcome,
    ParticipantRole,
    RegistrationStatus,
    RequestStatus,
    RunStatus,
)
from .models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Registration,
    ScheduleRun,
    Signing,
)
from .scheduler import diff as schedule_diff

LANGUAGE_CODES = {code for code in scheduler.LANGUAGES}


# --------------------------------------------------------------------------------------------
# Who may do what


def can_manage(user, event: Event) -> bool:
    """The organiser's organisation (or an officer whose scope covers the host city)."""
    return Event.objects.restrict(user, "change").filter(pk=event.pk).exists()


def registration_of(user, event: Event) -> Registration | None:
    if not (user and user.is_authenticated):
        return None
    return event.registrations.filter(user=user, status=RegistrationStatus.CONFIRMED).first()


# --------------------------------------------------------------------------------------------
# Registration and the registry


def resolve_organisation(*, name: str, credit_code: str = "", role: str = "", resolve=True):
    """THE hook where a registration's organisation is matched to the enterprise registry.

    Returns (enterprise or None, MatchStatus): the credit code, then an exact registered, short,
    English or alias name, then entity resolution (clusterhub.resolution: other names, English
    and pinyin names, legal suffixes, traditional characters). A match resolution is sure of
    (auto-merge band) links the registration and is committed like any list row: the name
    becomes one of the record's aliases, with its provenance. The middle band and unknown names
    stay unmatched for the organiser to confirm: a public form does not add registry records (a
    registrant may be a university, a bureau or a newspaper). Government and media
    participants are not looked up beyond exact keys, nor is anything with resolve=False (the
    demo's made-up participants). register() and the import of registrations both call only
    this function.
    """
    from clusterhub.enterprises.models import Enterprise, EnterpriseAlias
    from clusterhub.enterprises.services import normalise_query

    code = normalise_query(credit_code).upper()
    if code:
        found = Enterprise.objects.filter(credit_code=code).first()
        if found is not None:
            return found, MatchStatus.CREDIT_CODE
    key = normalise_query(name)
    if not key:
        return None, MatchStatus.UNMATCHED
    for lookup in ("name", "short_name", "name_en__iexact"):
        matches = list(Enterprise.objects.filter(**{lookup: key})[:2])
        if len(matches) == 1:
            return matches[0], MatchStatus.EXACT_NAME
    aliases = list(
        EnterpriseAlias.objects.filter(name=key).values_list("enterprise_id", flat=True)[:2]
    )
    if len(set(aliases)) == 1:
        return Enterprise.objects.get(pk=aliases[0]), MatchStatus.EXACT_NAME
    if not resolve or role in (ParticipantRole.GOVERNMENT, ParticipantRole.MEDIA):
        return None, MatchStatus.UNMATCHED
    from clusterhub.resolution.choices import Decision
    from clusterhub.resolution.services import commit_resolutions, resolve_rows

    row = {"name": key, "credit_code": code}
    source = _("conference registration")
    resolution = resolve_rows(rows=[row], source=source)[0]
    if resolution.decision == Decision.AUTO and resolution.enterprise is not None:
        commit_resolutions(rows=[row], resolutions=[resolution], source=source)
        return resolution.enterprise, MatchStatus.RESOLVED
    return None, MatchStatus.UNMATCHED


def _clean_languages(languages) -> str:
    if isinstance(languages, str):
        languages = [x for x in languages.replace(" ", "").split(",") if x]
    chosen = [x for x in languages if x]
    unknown = [x for x in chosen if x not in LANGUAGE_CODES]
    if unknown or not chosen:
        raise ValidationError(
            {
                "languages": _("Choose at least one of: %(codes)s.")
                % {"codes": ", ".join(scheduler.LANGUAGES)}
            }
        )
    return ",".join(sorted(set(chosen), key=scheduler.LANGUAGES.index))


def register(
    *,
    event: Event,
    name: str,
    organisation_name: str,
    role: str,
    languages=("zh",),
    needs_interpreter: bool = False,
    max_meetings: int = 8,
    available_slots=None,
    email: str = "",
    phone: str = "",
    title: str = "",
    credit_code: str = "",
    delegation: str = "",
    city=None,
    offers: str = "",
    seeks: str = "",
    user=None,
    is_synthetic: bool = False,
    by_organiser: bool = False,
) -> Registration:
    """Register a participant (a public registration needs no account). Refuses with
    ValidationError, writing nothing."""
    errors = {}
    if not by_organiser and event.status != EventStatus.OPEN:
        errors["event"] = _("Registration for this event is not open.")
    if not (name or "").strip():
        errors["name"] = _("Please give your name.")
    if not (organisation_name or "").strip():
        errors["organisation_name"] = _("Please give your organisation.")
    if role not in ParticipantRole.values:
        errors["role"] = _("Choose a role.")
    slot_ids = list(event.slots.values_list("pk", flat=True))
    chosen = slot_ids if available_slots is None else [int(s) for s in available_slots]
    if set(chosen) - set(slot_ids):
        errors["available_slots"] = _("Some of the chosen slots are not this event's.")
    if max_meetings is None or int(max_meetings) < 0:
        errors["max_meetings"] = _("Between 0 and %(n)s meetings.") % {"n": len(slot_ids)}
    else:
        # Wanting more meetings than there are slots means "as many as possible".
        max_meetings = min(int(max_meetings), len(slot_ids))
    try:
        langs = _clean_languages(languages)
    except ValidationError as error:
        errors.update(error.message_dict)
        langs = "zh"
    if (
        email
        and event.registrations.filter(
            email__iexact=email, status=RegistrationStatus.CONFIRMED
        ).exists()
    ):
        errors["email"] = _("This email address is already registered for the event.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():  # an alias resolution adds goes with the registration
        enterprise, match = resolve_organisation(
            name=organisation_name, credit_code=credit_code, role=role, resolve=not is_synthetic
        )
        registration = Registration(
            event=event,
            user=user,
            name=name.strip(),
            title=title,
            email=email,
            phone=phone,
            organisation_name=organisation_name.strip(),
            credit_code=(credit_code or "").strip().upper(),
            enterprise=enterprise,
            match_status=match,
            role=role,
            languages=langs,
            needs_interpreter=needs_interpreter,
            max_meetings=int(max_meetings),
            available_slots=sorted(chosen),
            delegation=(delegation or "").strip(),
            city=city,
            offers=offers,
            seeks=seeks,
            is_synthetic=is_synthetic,
        )
        registration.full_clean(exclude=["token", "enterprise", "user", "city"])
        registration.save()
    return registration


def check_in(*, registration: Registration) -> Registration:
    if not registration.is_active:
        raise ValidationError(_("This registration was cancelled."))
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at", "updated"])
    return registration


def cancel_registration(*, registration: Registration) -> dict:
    """Cancel a participant. After publication, says which published meetings are lost and who
    else is affected (the other side of each); `reschedule` then fills the freed places."""
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated"])
    return _lost_meetings(
        registration.event,
        Q(request__requester=registration) | Q(request__recipient=registration),
    )


def _lost_meetings(event: Event, condition: Q) -> dict:
    run = published_run(event)
    if run is None:
        return {"meetings": [], "affected": []}
    lost = list(
        run.meetings.filter(condition).select_related(
            "request__requester", "request__recipient", "slot"
        )
    )
    people = {m.request.requester for m in lost} | {m.request.recipient for m in lost}
    return {"meetings": lost, "affected": sorted(people, key=lambda r: r.name)}


# --------------------------------------------------------------------------------------------
# Matchmaking


def request_meeting(
    *, requester: Registration, recipient: Registration, reason: str = "", chain_node=None
) -> MeetingRequest:
    if requester.pk == recipient.pk:
        raise ValidationError(_("You cannot request a meeting with yourself."))
    if requester.event_id != recipient.event_id:
        raise ValidationError(_("Both participants must be registered for the same event."))
    if not (requester.is_active and recipient.is_active):
        raise ValidationError(_("One of the participants has cancelled."))
    existing = (
        MeetingRequest.objects.filter(
            Q(requester=requester, recipient=recipient)
            | Q(requester=recipient, recipient=requester)
        )
        .exclude(status__in=[RequestStatus.CANCELLED, RequestStatus.DECLINED])
        .first()
    )
    if existing is not None:
        raise ValidationError(
            _("A request between %(a)s and %(b)s already exists (%(status)s).")
            % {"a": requester.name, "b": recipient.name, "status": existing.get_status_display()}
        )
    return MeetingRequest.objects.create(
        event=requester.event,
        requester=requester,
        recipient=recipient,
        reason=reason,
        chain_node=chain_node,
    )


def respond(*, request: MeetingRequest, accept: bool) -> MeetingRequest:
    if request.status not in (
        RequestStatus.PENDING,
        RequestStatus.DECLINED,
        RequestStatus.ACCEPTED,
    ):
        raise ValidationError(_("This request was cancelled."))
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at", "updated"])
    return request


def cancel_request(*, request: MeetingRequest) -> dict:
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status", "updated"])
    return _lost_meetings(request.event, Q(request=request))


def set_priority(
    *, request: MeetingRequest, priority: int | None = None, chain_gap=None, must_meet=None
) -> MeetingRequest:
    errors = {}
    if priority is not None:
        if not 1 <= int(priority) <= 5:
            errors["priority"] = _("Priority is between 1 and 5.")
        request.priority = int(priority)
    if chain_gap is not None:
        value = Decimal(str(chain_gap))
        if not Decimal(0) <= value <= Decimal(1):
            errors["chain_gap"] = _("The chain-gap value is between 0 and 1.")
        request.chain_gap = value
    if must_meet is not None:
        request.must_meet = bool(must_meet)
    if errors:
        raise ValidationError(errors)
    request.save()
    return request


def add_must_meet(
    *, a: Registration, b: Registration, reason: str = "", priority: int = 3, chain_gap=0
) -> MeetingRequest:
    """The organiser pairs two participants (an OEM buyer with a supplier that fills a chain
    gap): an accepted must-meet request, or an existing request raised to one."""
    if a.pk == b.pk:
        raise ValidationError(_("You cannot request a meeting with yourself."))
    existing = (
        MeetingRequest.objects.filter(Q(requester=a, recipient=b) | Q(requester=b, recipient=a))
        .exclude(status=RequestStatus.CANCELLED)
        .first()
    )
    request = existing or request_meeting(requester=a, recipient=b, reason=reason)
    request.status = RequestStatus.ACCEPTED
    request.responded_at = request.responded_at or timezone.now()
    request.must_meet = True
    request.priority = max(request.priority, priority)
    request.chain_gap = max(request.chain_gap, Decimal(str(chain_gap)))
    request.save()
    return request


# --------------------------------------------------------------------------------------------
# Scheduling


def published_run(event: Event) -> ScheduleRun | None:
    return event.runs.filter(status=RunStatus.PUBLISHED).first()


def latest_draft(event: Event) -> ScheduleRun | None:
    return event.runs.filter(status=RunStatus.DRAFT).first()


def build_instance(event: Event, *, keep_published: bool = True) -> scheduler.Instance:
    slots = list(event.slots.all())
    days = sorted({timezone.localtime(s.starts_at).date() for s in slots})
    slot_ids = frozenset(s.pk for s in slots)
    registrations = list(event.registrations.filter(status=RegistrationStatus.CONFIRMED))
    participants = [
        scheduler.Participant(
            id=r.pk,
            available=frozenset(r.available_slots) & slot_ids if r.available_slots else frozenset(),
            max_meetings=r.max_meetings,
            languages=r.language_set or frozenset({"zh"}),
            group=(f"delegation:{r.delegation}" if r.delegation else None),
            label=f"{r.name} ({r.organisation_name})",
        )
        for r in registrations
    ]
    active = {r.pk for r in registrations}
    requests = [
        scheduler.Request(
            id=q.pk,
            a=q.requester_id,
            b=q.recipient_id,
            priority=q.priority,
            chain_gap=float(q.chain_gap),
            must_meet=q.must_meet,
        )
        for q in event.requests.filter(status=RequestStatus.ACCEPTED)
        if q.requester_id in active and q.recipient_id in active
    ]
    together = frozenset(
        p.group for p in participants if p.group and event.keep_delegations_together
    )
    published = {}
    run = published_run(event) if keep_published else None
    if run is not None:
        for m in run.meetings.all():
            published[m.request_id] = scheduler.Assignment(
                m.request_id, m.slot_id, m.table_id, m.interpreter_id
            )
    return scheduler.Instance(
        slots=[
            scheduler.Slot(
                id=s.pk,
                day=days.index(timezone.localtime(s.starts_at).date()),
                label=s.label or timezone.localtime(s.starts_at).strftime("%H:%M"),
            )
            for s in slots
        ],
        participants=participants,
        requests=requests,
        tables=[scheduler.Table(id=t.pk, seats=t.seats, label=t.label) for t in event.tables.all()],
        interpreters=[
            scheduler.Interpreter(
                id=i.pk,
                languages=i.language_set,
                available=frozenset(i.available_slots) if i.available_slots else None,
                label=i.name,
            )
            for i in event.interpreters.all()
        ],
        together=together,
        published=published,
    )


def _issue_json(issue: scheduler.Issue) -> dict:
    return {
        "code": issue.code,
        "message": issue.message,
        "request": issue.request,
        "participant": issue.participant,
        "params": {k: v for k, v in issue.params.items() if isinstance(v, str | int | float)},
    }


def _changes(event: Event, old: dict, new: dict, names: dict) -> dict:
    changes = schedule_diff.diff(old, new) if old is not None else []
    sides = dict(
        MeetingRequest.objects.filter(event=event).values_list("pk", "requester_id").iterator()
    )
    recipients = dict(
        MeetingRequest.objects.filter(event=event).values_list("pk", "recipient_id").iterator()
    )
    pairs = {rid: (sides.get(rid), recipients.get(rid)) for rid in sides}
    affected = schedule_diff.affected(changes, pairs)
    counts = defaultdict(int)
    for change in changes:
        counts[change.kind] += 1
    return {
        "counts": dict(counts),
        "items": [
            {
                "request": c.request,
                "kind": c.kind,
                "before": c.before.slot if c.before else None,
                "after": c.after.slot if c.after else None,
                "before_table": c.before.table if c.before else None,
                "after_table": c.after.table if c.after else None,
            }
            for c in changes[:500]
        ],
        "affected": sorted(affected, key=lambda pk: names.get(pk, "")),
        "affected_names": [
            names.get(pk, str(pk)) for pk in sorted(affected, key=lambda pk: names.get(pk, ""))
        ][:300],
    }


def _assignments(run: ScheduleRun | None) -> dict | None:
    if run is None:
        return None
    return {
        m.request_id: scheduler.Assignment(m.request_id, m.slot_id, m.table_id, m.interpreter_id)
        for m in run.meetings.all()
    }


def run_schedule(
    *,
    event: Event,
    user=None,
    time_limit: float = 10.0,
    keep_published: bool = True,
    method: str = "full",
    run: ScheduleRun | None = None,
) -> ScheduleRun:
    """Schedule the accepted requests into a new draft run (or fill `run`, made by a task).

    With a published schedule and keep_published, published meetings stay where they are unless
    they can no longer happen there; the draft lists what changed and who is affected, against
    the last draft and against the published schedule."""
    if run is None:
        run = start_run(
            event=event, user=user, time_limit=time_limit, keep_published=keep_published
        )
    instance = build_instance(event, keep_published=keep_published)
    try:
        schedule = scheduler.solve(instance, time_limit=time_limit, method=method)
    except scheduler.SchedulerError as error:
        run.status = RunStatus.FAILED
        run.error = str(error)
        run.save()
        return run
    previous_draft = event.runs.filter(status=RunStatus.DRAFT).exclude(pk=run.pk).first()
    with transaction.atomic():
        meetings = [
            Meeting(
                run=run,
                request_id=a.request,
                slot_id=a.slot,
                table_id=a.table,
                interpreter_id=a.interpreter,
            )
            for a in schedule.assignments.values()
        ]
        Meeting.objects.bulk_create(meetings, batch_size=1000)
        saved = list(run.meetings.all())
        log_bulk_create(saved)
        names = dict(event.registrations.values_list("pk", "name"))
        new = _assignments(run)
        run.changes = {
            "vs_draft": _changes(event, _assignments(previous_draft), new, names)
            if previous_draft
            else None,
            "vs_published": _changes(event, _assignments(published_run(event)), new, names)
            if published_run(event)
            else None,
            "previous_draft": previous_draft.number if previous_draft else None,
        }
        run.status = RunStatus.DRAFT
        run.meetings_count = len(saved)
        run.value = schedule.value
        run.bound = schedule.bound
        run.covered = schedule.covered
        run.askers = schedule.askers
        run.idle_gaps = schedule.gaps
        run.seconds = round(schedule.seconds, 2)
        run.stats = {**schedule.stats, "method": schedule.method, "status": schedule.status}
        run.issues = [_issue_json(i) for i in schedule.issues]
        run.unscheduled = [_issue_json(i) for i in schedule.unscheduled.values()]
        run.save()
        # Older drafts are replaced by this one.
        event.runs.filter(status=RunStatus.DRAFT).exclude(pk=run.pk).update(
            status=RunStatus.SUPERSEDED
        )
    return run


def start_run(*, event: Event, user=None, time_limit: float = 10.0, keep_published=True):
    number = (event.runs.aggregate(n=Max("number"))["n"] or 0) + 1
    return ScheduleRun.objects.create(
        event=event,
        number=number,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        time_limit=time_limit,
        reschedule=keep_published and published_run(event) is not None,
        status=RunStatus.RUNNING,
    )


@transaction.atomic
def publish(*, run: ScheduleRun) -> ScheduleRun:
    """Publish a reviewed draft. Check-ins and outcomes of meetings that stay carry over."""
    if run.status != RunStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    previous = published_run(run.event)
    if previous is not None:
        carried = {
            m.request_id: m
            for m in previous.meetings.exclude(checked_in_at=None, outcome="", lead_project=None)
        }
        for meeting in run.meetings.filter(request_id__in=carried):
            old = carried[meeting.request_id]
            meeting.checked_in_at = old.checked_in_at
            meeting.outcome = old.outcome
            meeting.outcome_note = old.outcome_note
            meeting.lead_project = old.lead_project
            meeting.save()
        previous.status = RunStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated"])
    run.status = RunStatus.PUBLISHED
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_at", "updated"])
    return run


def check_in_meeting(*, meeting: Meeting) -> Meeting:
    if meeting.run.status != RunStatus.PUBLISHED:
        raise ValidationError(_("Only meetings of the published schedule can be checked in."))
    if meeting.checked_in_at is None:
        meeting.checked_in_at = timezone.now()
        meeting.save(update_fields=["checked_in_at", "updated"])
    return meeting


def record_outcome(
    *, meeting: Meeting, outcome: str, note: str = "", user=None, project_name: str = ""
) -> Meeting:
    """The outcome of a held meeting. A project lead creates an investment project whose origin
    is this event and meeting (projects.services.create_project), once."""
    from clusterhub.projects.choices import OriginKind
    from clusterhub.projects.services import ProjectPermissionError, create_project

    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    if meeting.run.status != RunStatus.PUBLISHED:
        raise ValidationError(_("Only meetings of the published schedule have outcomes."))
    with transaction.atomic():
        if outcome == Outcome.PROJECT_LEAD and meeting.lead_project_id is None:
            request = meeting.request
            sides = [request.requester, request.recipient]
            # The investor is the side that would invest: an investor or supplier before a buyer;
            # a government delegation never is.
            rank = {
                ParticipantRole.INVESTOR: 0,
                ParticipantRole.SUPPLIER: 1,
                ParticipantRole.BUYER: 2,
            }
            candidates = sorted(
                (s for s in sides if s.enterprise_id and s.role in rank), key=lambda s: rank[s.role]
            )
            if not candidates:
                raise ValidationError(
                    _(
                        "Neither side is matched to an enterprise of the registry: match the "
                        "organisation first, then record the project lead."
                    )
                )
            investor = candidates[0]
            event = meeting.run.event
            other = sides[1] if investor is sides[0] else sides[0]
            region = (
                other.city
                if other.role == ParticipantRole.GOVERNMENT and other.city
                else event.city
            )
            kwargs = dict(
                name=project_name.strip()
                or _("%(investor)s project from %(event)s")
                % {"investor": investor.organisation_name, "event": event.name},
                investor=investor.enterprise,
                origin_kind=OriginKind.MEETING,
                origin_reference=f"{event.slug} / meeting {meeting.pk} ({request.requester.name} – {request.recipient.name})",
                signing_region=region,
                description=note,
                segment="",
            )
            try:
                project = create_project(user=user, **kwargs)
            except ProjectPermissionError:
                # An organiser who is not a city officer: the lead is created for the host
                # city by the system, and the organiser is named on it so they still see it.
                if user is None or not can_manage(user, event):
                    raise
                project = create_project(user=None, named_people=[user], **kwargs)
            meeting.lead_project = project
        meeting.outcome = outcome
        meeting.outcome_note = note
        if meeting.checked_in_at is None:
            meeting.checked_in_at = timezone.now()
        meeting.save()
    return meeting


# --------------------------------------------------------------------------------------------
# Signings


@dataclass
class SigningTotals:
    count: int
    total: Decimal
    by_city: list[tuple]  # (region, count, amount)
    by_segment: list[tuple]  # (segment value, label, count, amount)


def signing_totals(event: Event) -> SigningTotals:
    from clusterhub.chain.choices import Segment
    from clusterhub.geo.models import Region

    signings = event.signings.all()
    total = signings.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    cities = {r.pk: r for r in Region.objects.filter(pk__in=signings.values("city"))}
    by_city = [
        (cities[row["city"]], row["n"], row["amount"])
        for row in signings.values("city")
        .annotate(n=models_count(), amount=Sum("amount"))
        .order_by("-amount")
    ]
    labels = dict(Segment.choices)
    by_segment = [
        (row["segment"], labels.get(row["segment"], row["segment"]), row["n"], row["amount"])
        for row in signings.values("segment")
        .annotate(n=models_count(), amount=Sum("amount"))
        .order_by("-amount")
    ]
    return SigningTotals(signings.count(), total, by_city, by_segment)


def models_count():
    from django.db.models import Count

    return Count("pk")


def add_signing(
    *,
    event: Event,
    project,
    amount,
    title: str = "",
    segment: str = "",
    city=None,
    parties: str = "",
    order: int | None = None,
    meeting=None,
    is_synthetic=False,
) -> Signing:
    from clusterhub.projects.services import to_yuan

    yuan = to_yuan(amount, field="amount")
    if yuan is None or yuan <= 0:
        raise ValidationError({"amount": _("A signing needs a positive amount.")})
    if Signing.objects.filter(event=event, project=project).exists():
        raise ValidationError(_("This project is already on the signing list."))
    return Signing.objects.create(
        event=event,
        project=project,
        amount=yuan,
        title=title or project.name,
        segment=segment or project.segment or "parts",
        city=city or project.signing_region or event.city,
        parties=parties,
        order=order if order is not None else event.signings.count() + 1,
        meeting=meeting,
        is_synthetic=is_synthetic,
    )


# --------------------------------------------------------------------------------------------
# A participant's agenda


@dataclass
class AgendaItem:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kind: str  # "session" or "meeting"
    title: str
    where: str = ""
    with_whom: str = ""
    reason: str = ""
    interpreter: str = ""
    uid: str = ""
    meeting: Meeting | None = None


def agenda(registration: Registration) -> list[AgendaItem]:
    """The plenary sessions and this participant's meetings of the published schedule (a
    delegation kept together shares its members' meetings)."""
    event = registration.event
    items = [
        AgendaItem(
            s.starts_at,
            s.ends_at,
            "session",
            s.display_title,
            where=event.venue,
            with_whom=s.speaker,
            uid=f"session-{s.pk}@{event.slug}.clusterhub",
        )
        for s in event.sessions.all()
    ]
    run = published_run(event)
    if run is not None and registration.is_active:
        people = [registration.pk]
        if registration.delegation and event.keep_delegations_together:
            people = list(
                event.registrations.filter(
                    delegation=registration.delegation, status=RegistrationStatus.CONFIRMED
                ).values_list("pk", flat=True)
            )
        meetings = run.meetings.filter(
            Q(request__requester_id__in=people) | Q(request__recipient_id__in=people)
        ).select_related("slot", "table", "interpreter", "request__requester", "request__recipient")
        for m in meetings:
            other = m.request.recipient if m.request.requester_id in people else m.request.requester
            items.append(
                AgendaItem(
                    m.slot.starts_at,
                    m.slot.ends_at,
                    "meeting",
                    _("Meeting with %(name)s") % {"name": other.organisation_name},
                    where=_("Table %(table)s") % {"table": m.table.label},
                    with_whom=f"{other.name}, {other.organisation_name}",
                    reason=m.request.reason,
                    interpreter=m.interpreter.name if m.interpreter else "",
                    uid=f"meeting-{m.request_id}@{event.slug}.clusterhub",
                    meeting=m,
                )
            )
    items.sort(key=lambda i: (i.starts_at, i.kind != "session"))
    return items


def open_demands_by_enterprise(event: Event) -> dict[int, list[str]]:
    """The OEMs' open sourcing demands published to everyone, by the participants' enterprises:
    shown in the participant directory so suppliers ask the right buyer."""
    try:
        from clusterhub.matching.choices import DemandStatus, DemandVisibility
        from clusterhub.matching.models import SourcingDemand
    except ImportError:  # pragma: no cover - the matching app is optional here
        return {}
    enterprise_ids = event.registrations.exclude(enterprise=None).values("enterprise_id")
    found: dict[int, list[str]] = defaultdict(list)
    for buyer_id, title in SourcingDemand.objects.filter(
        buyer_id__in=enterprise_ids,
        status=DemandStatus.OPEN,
        visibility=DemandVisibility.EVERYONE,
    ).values_list("buyer_id", "title")[:2000]:
        if len(found[buyer_id]) < 3:
            found[buyer_id].append(title)
    return dict(found)


def table_plan(run: ScheduleRun):
    """(slots, tables, grid[slot_pk][table_pk] -> meeting) for the organisers' plan."""
    event = run.event
    slots = list(event.slots.all())
    tables = list(event.tables.all())
    grid: dict[int, dict[int, Meeting]] = defaultdict(dict)
    for m in run.meetings.select_related("request__requester", "request__recipient", "interpreter"):
        grid[m.slot_id][m.table_id] = m
    return slots, tables, grid


def meeting_slots_for(event: Event) -> list[MeetingSlot]:
    return list(event.slots.all())

"""From an Instance to the solver's view: parties, schedulable requests and what cannot be met.

Every request either becomes a `Req` with the slots where it could happen, or gets an Issue that
says why not (to oneself, unknown participant, duplicate, no common slot, no table large enough,
no interpreter). Nothing is dropped without a reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

from .model import INTERPRETER_SEATS, Instance, Issue


@dataclass
class Party:
    index: int
    members: tuple[Hashable, ...]
    available: frozenset[int]
    max_meetings: int
    languages: frozenset[str]
    label: str = ""

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Req:
    index: int
    id: Hashable
    a: int  # party index
    b: int
    weight: int
    must: bool
    seats: int
    level: int  # index into Prepared.levels: the smallest table size that seats everyone
    needs_interpreter: bool
    slots: tuple[int, ...]  # slot ids where it can happen (both free, a table, an interpreter)
    interpreters: dict[int, tuple[Hashable, ...]] = field(default_factory=dict)  # slot -> ids


@dataclass
class Prepared:
    instance: Instance
    slot_ids: list[int]
    day_of: dict[int, int]
    parties: list[Party]
    party_of: dict[Hashable, int]  # participant id -> party index
    reqs: list[Req]
    req_by_id: dict[Hashable, Req]
    tables: list  # Table records, largest first
    levels: list[int]  # distinct seat counts, ascending
    capacity: list[int]  # capacity[j]: tables with at least levels[j] seats
    interpreter_langs: dict[Hashable, frozenset[str]]
    interpreter_slots: dict[Hashable, frozenset[int]]
    rejected: dict[Hashable, Issue]  # request id -> why it cannot be scheduled at all
    issues: list[Issue]
    # What a first meeting for someone who has none is worth, in request-weight units.
    fairness_weight: int = 0

    def askers(self) -> set[int]:
        parties = set()
        for req in self.reqs:
            parties.add(req.a)
            parties.add(req.b)
        return parties


def _issue(code: str, message: str, **kw) -> Issue:
    params = {k: v for k, v in kw.items() if k not in ("request", "participant")}
    return Issue(
        code=code,
        message=message % params if params else message,
        request=kw.get("request"),
        participant=kw.get("participant"),
        params=params,
    )


def prepare(instance: Instance) -> Prepared:
    issues: list[Issue] = []
    rejected: dict[Hashable, Issue] = {}
    slot_ids = sorted(s.id for s in instance.slots)
    slot_set = set(slot_ids)
    day_of = {s.id: s.day for s in instance.slots}
    if not slot_ids:
        issues.append(_issue("no_slots", "The event has no meeting slots."))

    asked = {r.a for r in instance.requests} | {r.b for r in instance.requests}
    # Parties: a delegation kept together is one party, everyone else is their own.
    participants = {p.id: p for p in instance.participants}
    groups: dict[Hashable, list] = defaultdict(list)
    for p in instance.participants:
        if p.group is not None and p.group in instance.together:
            groups[p.group].append(p)
        else:
            groups[("solo", p.id)].append(p)
    parties: list[Party] = []
    party_of: dict[Hashable, int] = {}
    for key, members in groups.items():
        available = frozenset.intersection(*(frozenset(m.available) for m in members)) & slot_set
        party = Party(
            index=len(parties),
            members=tuple(m.id for m in members),
            available=available,
            max_meetings=min(m.max_meetings for m in members),
            languages=frozenset().union(*(m.languages for m in members)),
            label=(members[0].label or str(members[0].id))
            if isinstance(key, tuple) and key[0] == "solo"
            else str(key),
        )
        parties.append(party)
        for m in members:
            party_of[m.id] = party.index
        if not available:
            if len(members) == 1 and not members[0].available:
                issues.append(
                    _issue(
                        "no_availability",
                        "%(who)s is available in no meeting slot.",
                        participant=members[0].id,
                        who=members[0].label or str(members[0].id),
                    )
                )
            else:
                issues.append(
                    _issue(
                        "no_common_availability",
                        "The members of %(who)s share no meeting slot.",
                        participant=members[0].id,
                        who=party.label,
                    )
                )
        if party.max_meetings <= 0 and any(m.id in asked for m in members):
            issues.append(
                _issue(
                    "wants_none",
                    "%(who)s asked for no meetings (maximum 0).",
                    participant=members[0].id,
                    who=party.label,
                )
            )

    # Tables are interchangeable within their seats: a meeting for n people fits any table with
    # at least n seats. levels[j] is a distinct seat count, capacity[j] the tables with >= levels[j]
    # seats; meetings at level >= j in one slot may not outnumber capacity[j] (Hall's condition for
    # nested choices, so concrete tables can always be handed out afterwards).
    tables = sorted(instance.tables, key=lambda t: (-t.seats, str(t.id)))
    levels = sorted({t.seats for t in tables if t.seats > 0})
    capacity = [sum(1 for t in tables if t.seats >= k) for k in levels]
    if not any(t.seats > 0 for t in tables):
        issues.append(_issue("no_tables", "The venue has no tables: no meeting can be placed."))
    interpreter_langs = {i.id: frozenset(i.languages) for i in instance.interpreters}
    interpreter_slots = {
        i.id: (slot_set if i.available is None else frozenset(i.available) & slot_set)
        for i in instance.interpreters
    }

    reqs = []
    req_by_id = {}
    seen_pairs: dict[tuple[int, int], Req] = {}
    bridges: dict[tuple, list] = {}  # (languages of a, of b) -> interpreters who bridge them
    # Higher value first so that a duplicate keeps the most valuable copy.
    ordered = sorted(instance.requests, key=lambda r: (not r.must_meet, -r.weight, str(r.id)))
    for r in ordered:
        if r.a not in participants or r.b not in participants:
            missing = r.a if r.a not in participants else r.b
            rejected[r.id] = _issue(
                "unknown_participant",
                "Request %(req)s names %(who)s, who is not registered.",
                request=r.id,
                req=str(r.id),
                who=str(missing),
            )
            continue
        if r.a == r.b:
            rejected[r.id] = _issue(
                "self_request",
                "Request %(req)s asks %(who)s to meet themselves.",
                request=r.id,
                participant=r.a,
                req=str(r.id),
                who=participants[r.a].label or str(r.a),
            )
            continue
        pa, pb = party_of[r.a], party_of[r.b]
        if pa == pb:
            rejected[r.id] = _issue(
                "same_delegation",
                "Request %(req)s is between two members of the delegation %(group)s, "
                "who attend every meeting together.",
                request=r.id,
                req=str(r.id),
                group=parties[pa].label,
            )
            continue
        pair = (min(pa, pb), max(pa, pb))
        if pair in seen_pairs:
            kept = seen_pairs[pair]
            rejected[r.id] = _issue(
                "duplicate",
                "Request %(req)s duplicates request %(kept)s for the same meeting; "
                "it is scheduled once, as %(kept)s.",
                request=r.id,
                req=str(r.id),
                kept=str(kept.id),
            )
            continue
        a, b = parties[pa], parties[pb]
        needs_interpreter = not (a.languages & b.languages)
        seats = a.size + b.size + (INTERPRETER_SEATS if needs_interpreter else 0)
        common = sorted(a.available & b.available)
        slots = []
        interpreters: dict[int, tuple] = {}
        reason = None
        if a.max_meetings <= 0 or b.max_meetings <= 0:
            reason = ("wants_none", "One side of request %(req)s asked for no meetings.")
        elif not common:
            reason = (
                "no_common_slot",
                "%(a)s and %(b)s are never available in the same slot.",
            )
        else:
            with_table = common if levels and levels[-1] >= seats else []
            if not levels:
                reason = ("no_tables", "The venue has no tables: no meeting can be placed.")
            elif not with_table:
                reason = (
                    "no_table",
                    "No table seats the %(seats)s people of request %(req)s.",
                )
            elif needs_interpreter:
                key = (a.languages, b.languages)
                if key not in bridges:
                    bridges[key] = [
                        i
                        for i, langs in interpreter_langs.items()
                        if langs & a.languages and langs & b.languages
                    ]
                for s in with_table:
                    ok = tuple(i for i in bridges[key] if s in interpreter_slots[i])
                    if ok:
                        slots.append(s)
                        interpreters[s] = ok
                if not slots:
                    reason = (
                        "no_interpreter",
                        "%(a)s and %(b)s share no language and no interpreter for "
                        "%(la)s and %(lb)s is free when both are.",
                    )
            else:
                slots = with_table
        if reason:
            rejected[r.id] = _issue(
                reason[0],
                reason[1],
                request=r.id,
                req=str(r.id),
                a=a.label,
                b=b.label,
                seats=seats,
                la="/".join(sorted(a.languages)),
                lb="/".join(sorted(b.languages)),
            )
            continue
        level = next(j for j, k in enumerate(levels) if k >= seats)
        req = Req(
            index=len(reqs),
            level=level,
            id=r.id,
            a=pa,
            b=pb,
            weight=r.weight,
            must=r.must_meet,
            seats=seats,
            needs_interpreter=needs_interpreter,
            slots=tuple(slots),
            interpreters=interpreters,
        )
        reqs.append(req)
        req_by_id[r.id] = req
        seen_pairs[pair] = req

    # More must-meets than a party can hold: say so now; the solver keeps the most valuable ones.
    must_count: dict[int, int] = defaultdict(int)
    for req in reqs:
        if req.must:
            must_count[req.a] += 1
            must_count[req.b] += 1
    for p, count in sorted(must_count.items()):
        party = parties[p]
        room = min(len(party.available), party.max_meetings)
        if count > room:
            issues.append(
                _issue(
                    "must_meet_overload",
                    "%(who)s has %(count)s must-meet pairs but room for only %(room)s meetings "
                    "(%(slots)s available slots, at most %(max)s meetings); "
                    "at least %(lost)s of them cannot happen.",
                    participant=party.members[0],
                    who=party.label,
                    count=count,
                    room=room,
                    slots=len(party.available),
                    max=party.max_meetings,
                    lost=count - room,
                )
            )
    # Twice the median request: a first meeting for someone outweighs trading away one or two
    # ordinary meetings of others, but not a string of them (nor a must-meet).
    weights = sorted(r.weight for r in reqs)
    fairness_weight = (
        instance.fairness_weight
        if instance.fairness_weight is not None
        else (2 * weights[len(weights) // 2] if weights else 0)
    )
    return Prepared(
        fairness_weight=fairness_weight,
        instance=instance,
        slot_ids=slot_ids,
        day_of=day_of,
        parties=parties,
        party_of=party_of,
        reqs=reqs,
        req_by_id=req_by_id,
        tables=tables,
        levels=levels,
        capacity=capacity,
        interpreter_langs=interpreter_langs,
        interpreter_slots=interpreter_slots,
        rejected=rejected,
        issues=issues,
    )

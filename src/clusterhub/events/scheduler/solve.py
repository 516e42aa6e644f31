"""The scheduler: from an Instance to a checked Schedule within a time limit.

1. Prepare: parties, where each request could happen, and what can never happen (with reasons).
2. Must-meets and published meetings first: a small CP-SAT model decides the most must-meets that
   can be held together and keeps published meetings where they are, moving one only if it must.
3. Preview: the greedy with repairs (well under a second), a feasible schedule to show at once.
4. The LP relaxation (GLOP): the proven upper bound, and a near-integral solution to round.
5. Large-neighbourhood search with CP-SAT, warm-started (hinted) from the best schedule so far:
   value first, then fairness (people who asked and have none), then idle gaps.
6. Tables and interpreters are handed out per slot, and the independent checker validates the
   result before it is returned.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Hashable

from ortools.sat.python import cp_model

from .board import Board
from .bounds import solve_relaxation
from .checker import check
from .cpsat import interpreter_rows
from .greedy import guided, plain_greedy, smart_greedy
from .lns import Search, compact, idle_gaps, regap, score
from .model import Assignment, Instance, Issue, Schedule
from .prepare import Prepared, prepare


class SchedulerError(RuntimeError):
    """The solver produced a schedule that the checker rejects (a bug, never the user's fault)."""


def solve(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    method: str = "full",
    on_preview: Callable[[Schedule], None] | None = None,
) -> Schedule:
    """method: "full" (the project's scheduler), "preview" (greedy with repairs, < 1 s) or
    "plain" (the baseline greedy). `time_limit` bounds the whole run in seconds."""
    started = time.monotonic()
    # Handing out tables and the independent check come after the deadline: keep room for them.
    deadline = started + max(0.5, time_limit * 0.97 - 0.1)
    prep = prepare(instance)
    stats: dict = {"requests": len(instance.requests), "schedulable": len(prep.reqs)}
    if method == "plain":
        board = plain_greedy(prep)
        return finish(prep, board, method="plain", status="GREEDY", started=started, stats=stats)

    if method == "preview":
        # The preview skips the exact must-meet stage: the greedy places must-meets first anyway.
        pins = {
            prep.req_by_id[rid].index: a.slot
            for rid, a in instance.published.items()
            if rid in prep.req_by_id and a.slot in prep.req_by_id[rid].slots
        }
        required: set[int] = set()
        pin_issues: list[Issue] = []
    else:
        pins, required, pin_issues = settle_musts_and_published(
            prep, time_limit=min(2.0, 0.2 * time_limit), workers=workers
        )
    stats["pinned"] = len(pins)
    board = smart_greedy(
        prep,
        fixed=pins,
        required=required,
        deadline=min(deadline, started + 0.6),
    )
    stats["preview_seconds"] = round(time.monotonic() - started, 3)
    stats["preview_value"] = board.value()
    if method == "preview":
        return finish(
            prep,
            board,
            method="preview",
            status="GREEDY",
            started=started,
            stats=stats,
            extra_issues=pin_issues,
            pins=pins,
        )
    if on_preview is not None:
        on_preview(
            finish(
                prep,
                board,
                method="preview",
                status="GREEDY",
                started=started,
                stats=dict(stats),
                extra_issues=pin_issues,
                pins=pins,
                checked=False,
            )
        )

    bound = None
    # The LP gets most of what is left: its rounding is what brings the schedule to the bound.
    # (Run beside the greedy in a thread, GLOP does release the GIL, but on a loaded machine
    # the two compete and the LP finishes later; measured, so it runs alone.)
    lp_time = max(0.5, (deadline - time.monotonic()) * 0.85)
    # As many must-meets as can be held are held in the LP too (any of them): the bound is then
    # over every schedule that is as good on the first criterion as this one. Published meetings
    # kept in place are fixed, so after a late change the bound is over schedules that keep them.
    held_musts = sum(1 for r in required | set(pins) if prep.reqs[r].must)
    relaxation = solve_relaxation(prep, min_musts=held_musts, pinned=pins, time_limit=lp_time)
    stats["bound_scope"] = (
        "every schedule holding as many must-meets"
        if not pins
        else "schedules that keep the published meetings in place"
    )
    stats["lp_seconds"] = round(relaxation.seconds, 3)
    if relaxation.bound is not None:
        bound = relaxation.bound
        rounded = guided(
            prep,
            relaxation.values,
            fixed=pins,
            required=required,
            deadline=time.monotonic() + 0.15 * max(0.0, deadline - time.monotonic()),
        )
        stats["rounded_value"] = rounded.value()
        if score(rounded, required) > score(board, required) and _keeps(rounded, pins):
            board = rounded
    search = Search(board, seed=seed, frozen=set(pins), required=required, workers=workers)
    # What is left: value and fairness first, then idle gaps (cheap moves, then CP-SAT pieces).
    left = max(0.0, deadline - time.monotonic())
    if bound is None or board.value() < bound - 1e-6 or _uncovered(board):
        search.run(time.monotonic() + 0.45 * left, piece_time=1.0)
    left = max(0.0, deadline - time.monotonic())
    stats["gaps_closed_by_moves"] = compact(
        board, frozen=set(pins), deadline=time.monotonic() + 0.6 * left
    )
    k = 0
    stalled = 0
    while time.monotonic() < deadline - 0.1 and stalled < 25 and idle_gaps(board) > 0:
        closed = regap(search, min(0.5, deadline - time.monotonic()))
        stalled = 0 if closed else stalled + 1
        k += 1
    stats["lns_iterations"] = search.iterations
    stats["lns_improvements"] = search.improvements
    stats["regap_rounds"] = k
    status = "OPTIMAL" if bound is not None and board.value() >= bound - 1e-6 else "FEASIBLE"
    return finish(
        prep,
        board,
        method="full",
        status=status,
        started=started,
        stats=stats,
        extra_issues=pin_issues,
        pins=pins,
        bound=bound,
    )


def _keeps(board: Board, pins: dict[int, int]) -> bool:
    return all(board.slot_of.get(r) == s for r, s in pins.items())


def _uncovered(board: Board) -> bool:
    prep = board.prep
    return any(board.count[p] == 0 for p in prep.askers() if prep.parties[p].max_meetings > 0)


def settle_musts_and_published(
    prep: Prepared, *, time_limit: float, workers: int
) -> tuple[dict[int, int], set[int], list[Issue]]:
    """Decide must-meets and published meetings before anything else.

    Returns (pins: req -> slot kept as published, required: reqs that must be held somewhere,
    issues). Lexicographic: the most must-meets, then the most published meetings held, then the
    most published meetings left where they are.
    """
    issues: list[Issue] = []
    published = prep.instance.published
    musts = [r for r in prep.reqs if r.must]
    pub = {}
    for rid, assignment in published.items():
        req = prep.req_by_id.get(rid)
        if req is None:
            continue  # cancelled or no longer possible: reported as affected by the caller
        pub[req.index] = assignment.slot
    if not musts and not pub:
        return {}, set(), issues
    reqs = {r.index: r for r in musts}
    reqs.update({r: prep.reqs[r] for r in pub})
    model = cp_model.CpModel()
    x = {}
    by_party_slot = defaultdict(list)
    by_party = defaultdict(list)
    by_slot_level = defaultdict(list)
    by_interp = defaultdict(list)
    held = {}
    for req in reqs.values():
        variables = []
        for slot in req.slots:
            v = model.new_bool_var("")
            x[req.index, slot] = v
            variables.append(v)
            by_party_slot[req.a, slot].append(v)
            by_party_slot[req.b, slot].append(v)
            by_party[req.a].append(v)
            by_party[req.b].append(v)
            for j in range(req.level + 1):
                by_slot_level[slot, j].append(v)
            if req.needs_interpreter:
                by_interp[slot, frozenset(req.interpreters[slot])].append(v)
            model.add_hint(v, pub.get(req.index) == slot)
        model.add_at_most_one(variables)
        held[req.index] = sum(variables)
    for variables in by_party_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for p, variables in by_party.items():
        if len(variables) > prep.parties[p].max_meetings:
            model.add(sum(variables) <= prep.parties[p].max_meetings)
    for (_slot, j), variables in by_slot_level.items():
        if len(variables) > prep.capacity[j]:
            model.add(sum(variables) <= prep.capacity[j])
    for limit, variables in interpreter_rows(by_interp):
        model.add(sum(variables) <= limit)
    n_pub = len(pub)
    w_in_place = 1
    w_held = n_pub + 1
    w_must = n_pub * (w_held + 1) + 1
    terms = []
    for req in reqs.values():
        if req.must:
            terms.append(w_must * held[req.index])
        if req.index in pub:
            terms.append(w_held * held[req.index])
            if (req.index, pub[req.index]) in x:
                terms.append(w_in_place * x[req.index, pub[req.index]])
    model.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    pins: dict[int, int] = {}
    required: set[int] = set()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No answer in time: keep published meetings that are still possible where they are.
        for r, slot in pub.items():
            if slot in prep.reqs[r].slots:
                pins[r] = slot
        return pins, required, issues
    for req in reqs.values():
        slot = next((s for s in req.slots if solver.boolean_value(x[req.index, s])), None)
        if slot is None:
            if req.must:
                issues.append(
                    Issue(
                        code="must_meet_unmet",
                        message=f"Must-meet request {req.id} cannot be held together with the "
                        "other must-meets and published meetings.",
                        request=req.id,
                    )
                )
            continue
        if req.index in pub and pub[req.index] == slot:
            pins[req.index] = slot
        else:
            required.add(req.index)
    return pins, required, issues


def place_tables(prep: Prepared, board: Board, previous: dict | None = None) -> dict[int, Hashable]:
    """Concrete tables per slot. Meetings are served largest first, so by the seat-level rows of
    the model a table is always free (see prepare). Published meetings keep their table if they
    can; if keeping them would leave someone without a table, the slot is dealt afresh."""
    previous = previous or {}
    reqs = prep.reqs
    table_of: dict[int, Hashable] = {}
    seats_of = {t.id: t.seats for t in prep.tables}
    for slot in prep.slot_ids:
        meetings = sorted(board.at_slot[slot], key=lambda r: (-reqs[r].seats, r))

        def deal(keep: bool, meetings=meetings) -> dict[int, Hashable] | None:
            free = {t.id for t in prep.tables}
            given: dict[int, Hashable] = {}
            if keep:
                for r in meetings:
                    t = previous.get(r)
                    if t in free and seats_of[t] >= reqs[r].seats:
                        given[r] = t
                        free.discard(t)
            # Smallest table that fits, so the big ones stay for big meetings.
            by_size = sorted(free, key=lambda t: (seats_of[t], str(t)))
            for r in meetings:
                if r in given:
                    continue
                t = next((t for t in by_size if t in free and seats_of[t] >= reqs[r].seats), None)
                if t is None:
                    return None
                given[r] = t
                free.discard(t)
            return given

        given = deal(True) if previous else None
        if given is None:
            given = deal(False)
        if given is None:
            raise SchedulerError(f"no table left in slot {slot}")
        table_of.update(given)
    return table_of


def explain_unscheduled(prep: Prepared, board: Board, req) -> Issue:
    a, b = prep.parties[req.a], prep.parties[req.b]
    if board.count[req.a] >= a.max_meetings or board.count[req.b] >= b.max_meetings:
        full = a if board.count[req.a] >= a.max_meetings else b
        return Issue(
            code="maximum_reached",
            message=f"{full.label} already has the most meetings they asked for "
            f"({full.max_meetings}); other requests were worth more or came first.",
            request=req.id,
            params={"who": full.label, "max": full.max_meetings},
        )
    busy_a = sum(1 for s in req.slots if s in board.busy[req.a])
    busy_b = sum(1 for s in req.slots if s in board.busy[req.b])
    return Issue(
        code="no_free_slot",
        message=f"In the {len(req.slots)} slots where {a.label} and {b.label} could meet, "
        f"{a.label} is busy in {busy_a} and {b.label} in {busy_b}; "
        "the remaining ones have no table or interpreter left.",
        request=req.id,
        params={
            "a": a.label,
            "b": b.label,
            "slots": len(req.slots),
            "busy_a": busy_a,
            "busy_b": busy_b,
        },
    )


def finish(
    prep: Prepared,
    board: Board,
    *,
    method: str,
    status: str,
    started: float,
    stats: dict,
    extra_issues=(),
    pins: dict[int, int] | None = None,
    bound: float | None = None,
    checked: bool = True,
) -> Schedule:
    instance = prep.instance
    previous_tables = {}
    for rid, assignment in instance.published.items():
        req = prep.req_by_id.get(rid)
        if req is not None and assignment.table is not None:
            if board.slot_of.get(req.index) == assignment.slot:
                previous_tables[req.index] = assignment.table
    table_of = place_tables(prep, board, previous_tables)
    assignments = {}
    for r, slot in sorted(board.slot_of.items()):
        req = prep.reqs[r]
        assignments[req.id] = Assignment(
            request=req.id,
            slot=slot,
            table=table_of[r],
            interpreter=board.interp_of.get(r),
        )
    unscheduled = dict(prep.rejected)
    for req in prep.reqs:
        if req.index not in board.slot_of:
            unscheduled[req.id] = explain_unscheduled(prep, board, req)
    askers = [p for p in prep.askers() if prep.parties[p].max_meetings > 0]
    schedule = Schedule(
        assignments=assignments,
        unscheduled=unscheduled,
        issues=list(prep.issues) + list(extra_issues),
        method=method,
        status=status if assignments or prep.reqs else "EMPTY",
        value=board.value(),
        must_met=sum(1 for r in board.slot_of if prep.reqs[r].must),
        bound=bound,
        covered=sum(1 for p in askers if board.count[p] > 0),
        askers=len(askers),
        gaps=idle_gaps(board),
        seconds=time.monotonic() - started,
        stats=stats,
    )
    if checked:
        problems = check(instance, assignments)
        schedule.stats["check"] = "ok" if not problems else problems[:20]
        if problems:
            raise SchedulerError("; ".join(problems[:5]))
    return schedule

"""The scheduler core (no database): feasibility, optimality against proofs, and bad input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterhub.events.scheduler import (
    Assignment,
    Instance,
    Interpreter,
    Participant,
    Request,
    Slot,
    Table,
    check,
    prepare,
    solve,
)
from clusterhub.events.scheduler.diff import MOVED, diff
from clusterhub.events.scheduler.generator import generate

SLOTS = [Slot(id=i, label=f"S{i}") for i in range(4)]
ALL = frozenset(range(4))


def person(pid, available=ALL, max_meetings=4, languages=("zh",), group=None):
    return Participant(
        id=pid,
        available=frozenset(available),
        max_meetings=max_meetings,
        languages=frozenset(languages),
        group=group,
        label=str(pid),
    )


def tables(n, seats=4):
    return [Table(id=f"T{i}", seats=seats) for i in range(n)]


def test_every_request_is_scheduled_or_explained_and_the_checker_agrees():
    instance = generate(participants=60, requests=300, slots=8, tables=20, seed=5)
    schedule = solve(instance, time_limit=3)
    assert check(instance, schedule.assignments) == []
    assert set(schedule.assignments) | set(schedule.unscheduled) == {
        r.id for r in instance.requests
    }
    assert not set(schedule.assignments) & set(schedule.unscheduled)
    for issue in schedule.unscheduled.values():
        assert issue.code and issue.message


def test_full_scheduler_beats_plain_greedy_and_stays_under_the_proven_bound():
    instance = generate(participants=80, requests=500, slots=8, tables=30, seed=2)
    plain = solve(instance, method="plain")
    full = solve(instance, time_limit=4)
    assert full.bound is not None
    assert plain.value <= full.value <= full.bound + 1e-6
    assert full.gap_to_bound < 0.01
    assert full.covered == full.askers  # nobody who asked is left with none


def test_bound_is_a_true_upper_bound_on_a_tiny_instance_solved_exactly():
    from clusterhub.events.scheduler import cpsat

    instance = generate(participants=14, requests=40, slots=4, tables=3, seed=9)
    prep = prepare(instance)
    model = cpsat.build(prep)
    solver = cpsat.solver(20)
    status = solver.solve(model.model)
    assert solver.status_name(status) == "OPTIMAL"
    optimum = solver.objective_value
    schedule = solve(instance, time_limit=2)
    assert schedule.value <= optimum + 1e-6 <= schedule.bound + 1e-6
    assert schedule.value >= 0.97 * optimum


def test_checker_lists_every_broken_rule():
    instance = Instance(
        slots=SLOTS,
        participants=[
            person("a", max_meetings=1),
            person("b", available={0}),
            person("c"),
            person("d", languages=("de",)),
        ],
        requests=[Request("r1", "a", "b"), Request("r2", "a", "c"), Request("r3", "c", "d")],
        tables=tables(1, seats=2),
        interpreters=[Interpreter("I", frozenset({"zh", "de"}), frozenset({3}))],
    )
    bad = [
        Assignment("r1", 1, "T0"),  # b is not available in slot 1
        Assignment("r2", 1, "T0"),  # a twice in slot 1, over a's maximum, table twice
        Assignment("r3", 2, "T0", None),  # no interpreter; table too small for 3
    ]
    problems = " | ".join(check(instance, bad))
    assert "b is not available in slot 1" in problems
    assert "a has 2 meetings in slot 1" in problems
    assert "more than their maximum 1" in problems
    assert "table T0 holds 2 meetings in slot 1" in problems
    assert "share no language and have no interpreter" in problems
    assert "request r3 needs 3" in problems


def test_must_meets_beyond_the_slots_are_reported_and_the_rest_scheduled():
    hub = person("hub", available={0, 1}, max_meetings=4)
    guests = [person(f"g{i}") for i in range(4)]
    instance = Instance(
        slots=SLOTS,
        participants=[hub, *guests],
        requests=[Request(f"m{i}", "hub", f"g{i}", must_meet=True) for i in range(4)]
        + [Request("x", "g0", "g1")],
        tables=tables(5),
    )
    schedule = solve(instance, time_limit=2)
    assert check(instance, schedule.assignments) == []
    codes = {i.code for i in schedule.issues}
    assert "must_meet_overload" in codes
    overload = next(i for i in schedule.issues if i.code == "must_meet_overload")
    assert overload.participant == "hub" and "4 must-meet pairs" in overload.message
    assert schedule.must_met == 2  # the hub has two slots
    assert "x" in schedule.assignments
    unmet = [rid for rid in ("m0", "m1", "m2", "m3") if rid not in schedule.assignments]
    assert len(unmet) == 2 and all(rid in schedule.unscheduled for rid in unmet)


def test_participant_without_availability_gets_a_reason_not_a_crash():
    instance = Instance(
        slots=SLOTS,
        participants=[person("a", available=()), person("b"), person("c")],
        requests=[Request("r1", "a", "b"), Request("r2", "b", "c")],
        tables=tables(2),
    )
    schedule = solve(instance, time_limit=1)
    assert [i.code for i in schedule.issues] == ["no_availability"]
    assert schedule.unscheduled["r1"].code == "no_common_slot"
    assert "r2" in schedule.assignments


def test_zero_tables_schedules_nothing_and_says_why():
    instance = Instance(
        slots=SLOTS,
        participants=[person("a"), person("b")],
        requests=[Request("r1", "a", "b")],
        tables=[],
    )
    for method in ("plain", "preview", "full"):
        schedule = solve(instance, time_limit=1, method=method)
        assert schedule.assignments == {}
        assert "no_tables" in {i.code for i in schedule.issues}
        assert schedule.unscheduled["r1"].code == "no_tables"


def test_request_to_oneself_and_duplicates_are_rejected_with_reasons():
    instance = Instance(
        slots=SLOTS,
        participants=[person("a"), person("b")],
        requests=[
            Request("self", "a", "a"),
            Request("r1", "a", "b"),
            Request("r1-again", "b", "a", priority=2),  # the more valuable copy is kept
            Request("ghost", "a", "zz"),
        ],
        tables=tables(2),
    )
    schedule = solve(instance, time_limit=1)
    assert schedule.unscheduled["self"].code == "self_request"
    assert schedule.unscheduled["r1"].code == "duplicate"
    assert "r1-again" in schedule.unscheduled["r1"].message
    assert schedule.unscheduled["ghost"].code == "unknown_participant"
    assert list(schedule.assignments) == ["r1-again"]


def test_delegation_kept_together_attends_as_one_and_needs_a_big_table():
    members = [person(f"s{i}", group="Siping") for i in range(3)]
    instance = Instance(
        slots=SLOTS[:2],
        participants=[*members, person("x"), person("y"), person("z")],
        requests=[
            Request("r1", "s0", "x"),
            Request("r2", "s1", "y"),
            Request("r3", "s2", "z"),
            Request("r9-dup", "s1", "x"),  # the delegation already meets x
            Request("inside", "s0", "s1"),
        ],
        tables=[Table("big", seats=4), *tables(3, seats=2)],
        together=frozenset({"Siping"}),
    )
    schedule = solve(instance, time_limit=1)
    assert check(instance, schedule.assignments) == []
    assert schedule.unscheduled["inside"].code == "same_delegation"
    assert schedule.unscheduled["r9-dup"].code == "duplicate"
    # Three delegation meetings, two slots, one table seating four: two of them happen.
    held = [rid for rid in ("r1", "r2", "r3") if rid in schedule.assignments]
    assert len(held) == 2
    assert {schedule.assignments[r].table for r in held} == {"big"}


def test_interpreter_is_booked_where_the_sides_share_no_language():
    instance = Instance(
        slots=SLOTS,
        participants=[
            person("de", languages=("de",)),
            person("zh"),
            person("ja", languages=("ja",)),
        ],
        requests=[Request("r1", "de", "zh"), Request("r2", "ja", "zh")],
        tables=tables(2),
        interpreters=[Interpreter("I1", frozenset({"de", "zh"}), frozenset({2}))],
    )
    schedule = solve(instance, time_limit=1)
    assert schedule.assignments["r1"].slot == 2
    assert schedule.assignments["r1"].interpreter == "I1"
    assert schedule.unscheduled["r2"].code == "no_interpreter"


def test_late_changes_keep_published_meetings_in_place():
    instance = generate(participants=40, requests=160, slots=6, tables=12, seed=3)
    first = solve(instance, time_limit=2)
    published = dict(first.assignments)
    cancelled = next(iter(published))
    # A cancellation and a new request after publication.
    a, b = instance.participants[0].id, instance.participants[1].id
    instance.requests = [r for r in instance.requests if r.id != cancelled] + [
        Request("late", a, b, priority=3)
    ]
    instance.published = published
    second = solve(instance, time_limit=2)
    assert check(instance, second.assignments) == []
    changes = diff(published, second.assignments)
    assert all(c.kind != MOVED for c in changes)  # nothing published had to move
    assert cancelled not in second.assignments
    kept = [rid for rid in published if rid != cancelled]
    assert all(second.assignments[rid].slot == published[rid].slot for rid in kept)


def test_new_must_meet_moves_a_published_meeting_only_when_it_must():
    instance = Instance(
        slots=SLOTS[:2],
        participants=[person("a", available={0, 1}), person("b", available={0}), person("c")],
        requests=[Request("ac", "a", "c")],
        tables=tables(2),
    )
    first = solve(instance, time_limit=1)
    instance.published = dict(first.assignments)
    # b can only meet in slot 0; if a-c sits in slot 0, it must move to slot 1.
    instance.requests = [*instance.requests, Request("ab", "a", "b", must_meet=True)]
    instance.published = {"ac": Assignment("ac", 0, first.assignments["ac"].table)}
    second = solve(instance, time_limit=1)
    assert second.assignments["ab"].slot == 0
    assert second.assignments["ac"].slot == 1
    assert [c.kind for c in diff(instance.published, second.assignments)] == ["added", MOVED]


@st.composite
def instances(draw):
    n = draw(st.integers(2, 8))
    slots = draw(st.integers(1, 4))
    people = [
        Participant(
            id=i,
            available=frozenset(draw(st.sets(st.integers(0, slots - 1), max_size=slots))),
            max_meetings=draw(st.integers(0, 3)),
            languages=frozenset(draw(st.sets(st.sampled_from(["zh", "en", "de"]), min_size=1))),
            group=draw(st.sampled_from([None, None, "g"])),
        )
        for i in range(n)
    ]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=14))
    requests = [
        Request(k, a, b, priority=draw(st.integers(1, 3)), must_meet=draw(st.booleans()))
        for k, (a, b) in enumerate(pairs)
    ]
    n_tables = draw(st.integers(0, 3))
    return Instance(
        slots=[Slot(id=i) for i in range(slots)],
        participants=people,
        requests=requests,
        tables=[Table(id=t, seats=draw(st.sampled_from([2, 3, 6]))) for t in range(n_tables)],
        interpreters=[Interpreter("I", frozenset({"zh", "de"}), None)],
        together=frozenset({"g"}) if draw(st.booleans()) else frozenset(),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_any_instance_gives_a_checked_schedule_and_a_reason_for_every_request(instance):
    for method in ("plain", "full"):
        schedule = solve(instance, time_limit=0.5, method=method)
        assert check(instance, schedule.assignments) == []
        accounted = set(schedule.assignments) | set(schedule.unscheduled)
        assert accounted == {r.id for r in instance.requests}


def test_preview_at_benchmark_size_is_valid_fair_and_beats_the_plain_greedy():
    """The benchmark's 400 / 3,000 / 16 / 250 instance. How fast the preview is belongs to the
    benchmark (`./run bench schedule`), not to a unit test on a shared machine."""
    instance = generate(seed=1)
    schedules = {method: solve(instance, method=method) for method in ("plain", "preview")}
    for schedule in schedules.values():
        assert check(instance, schedule.assignments) == []
        accounted = set(schedule.assignments) | set(schedule.unscheduled)
        assert accounted == {r.id for r in instance.requests}
    preview = schedules["preview"]
    assert preview.covered == preview.askers  # nobody who asked is left with none
    assert preview.value >= schedules["plain"].value

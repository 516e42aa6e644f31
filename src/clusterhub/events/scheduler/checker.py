"""An independent feasibility check of a schedule against the raw instance.

Deliberately shares no code with the solver (not `prepare`, not the board): it reads the
Instance as the organiser entered it and the list of assignments, and lists every rule broken.
An empty list means the schedule can be printed and handed out.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import Assignment, Instance


def check(instance: Instance, assignments) -> list[str]:
    """Every violated rule, as English sentences; [] if the schedule is feasible."""
    if isinstance(assignments, dict):
        assignments = list(assignments.values())
    problems: list[str] = []
    people = {p.id: p for p in instance.participants}
    requests = {r.id: r for r in instance.requests}
    slots = {s.id for s in instance.slots}
    tables = {t.id: t for t in instance.tables}
    interpreters = {i.id: i for i in instance.interpreters}
    members: dict = defaultdict(list)
    for p in instance.participants:
        if p.group is not None and p.group in instance.together:
            members[p.group].append(p.id)

    def attendees(pid) -> list:
        person = people[pid]
        if person.group is not None and person.group in instance.together:
            return list(members[person.group])
        return [pid]

    seen_requests = Counter(a.request for a in assignments)
    for rid, n in seen_requests.items():
        if n > 1:
            problems.append(f"request {rid} is scheduled {n} times")
    pairs: Counter = Counter()
    at: dict[tuple, list] = defaultdict(list)  # (person, slot) -> requests
    meetings_of: Counter = Counter()
    table_use: dict[tuple, list] = defaultdict(list)
    interpreter_use: dict[tuple, list] = defaultdict(list)
    for a in assignments:
        assert isinstance(a, Assignment)
        r = requests.get(a.request)
        if r is None:
            problems.append(f"request {a.request} does not exist")
            continue
        if r.a not in people or r.b not in people:
            problems.append(f"request {r.id} names someone who is not registered")
            continue
        if r.a == r.b:
            problems.append(f"request {r.id} is a meeting with oneself")
            continue
        if a.slot not in slots:
            problems.append(f"request {r.id} is in slot {a.slot}, which does not exist")
            continue
        side_a, side_b = attendees(r.a), attendees(r.b)
        if set(side_a) & set(side_b):
            problems.append(f"request {r.id} puts one person on both sides")
        pairs[frozenset((tuple(sorted(map(str, side_a))), tuple(sorted(map(str, side_b)))))] += 1
        everyone = side_a + side_b
        for pid in everyone:
            if a.slot not in people[pid].available:
                problems.append(f"{pid} is not available in slot {a.slot} (request {r.id})")
            at[(pid, a.slot)].append(r.id)
            meetings_of[pid] += 1
        langs_a = set().union(*(people[p].languages for p in side_a))
        langs_b = set().union(*(people[p].languages for p in side_b))
        needs_interpreter = not (langs_a & langs_b)
        seats_needed = len(everyone) + (1 if needs_interpreter else 0)
        if a.table is None:
            problems.append(f"request {r.id} has no table")
        elif a.table not in tables:
            problems.append(f"request {r.id} is at table {a.table}, which does not exist")
        else:
            table_use[(a.table, a.slot)].append(r.id)
            if tables[a.table].seats < seats_needed:
                problems.append(
                    f"table {a.table} seats {tables[a.table].seats}, "
                    f"request {r.id} needs {seats_needed}"
                )
        if needs_interpreter and a.interpreter is None:
            problems.append(f"request {r.id}: the sides share no language and have no interpreter")
        if a.interpreter is not None:
            interpreter = interpreters.get(a.interpreter)
            if interpreter is None:
                problems.append(f"request {r.id}: interpreter {a.interpreter} does not exist")
            else:
                interpreter_use[(a.interpreter, a.slot)].append(r.id)
                if interpreter.available is not None and a.slot not in interpreter.available:
                    problems.append(
                        f"interpreter {a.interpreter} is not available in slot {a.slot}"
                    )
                if needs_interpreter and not (
                    set(interpreter.languages) & langs_a and set(interpreter.languages) & langs_b
                ):
                    problems.append(
                        f"interpreter {a.interpreter} cannot bridge the sides of request {r.id}"
                    )
    for pair, n in pairs.items():
        if n > 1:
            problems.append(f"the same two sides meet {n} times: {sorted(pair)}")
    for (pid, slot), rids in at.items():
        if len(rids) > 1:
            problems.append(
                f"{pid} has {len(rids)} meetings in slot {slot}: {sorted(map(str, rids))}"
            )
    for pid, n in meetings_of.items():
        if n > people[pid].max_meetings:
            problems.append(
                f"{pid} has {n} meetings, more than their maximum {people[pid].max_meetings}"
            )
    for (table, slot), rids in table_use.items():
        if len(rids) > 1:
            problems.append(f"table {table} holds {len(rids)} meetings in slot {slot}")
    for (interpreter, slot), rids in interpreter_use.items():
        if len(rids) > 1:
            problems.append(f"interpreter {interpreter} is in {len(rids)} meetings in slot {slot}")
    return problems

"""The exact model for OR-Tools CP-SAT.

One boolean x[r, s] per request and slot where it could happen. Tables are interchangeable within
their seat count, so they enter as one sum per slot and seat level (never x[r, s, table]); concrete
tables are handed out afterwards. Interpreters are few, so a request that needs one gets z[r, s, i]
for the interpreters who bridge its languages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .prepare import Prepared


@dataclass
class Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    z: dict[tuple[int, int], dict] = field(default_factory=dict)  # (r, s) -> {interpreter: var}
    covered: dict[int, cp_model.IntVar] = field(default_factory=dict)
    by_req: dict[int, list] = field(default_factory=dict)
    blocks: list = field(default_factory=list)


def build(
    prep: Prepared,
    *,
    reqs=None,
    required: set[int] | frozenset = frozenset(),
    pinned: dict[int, int] | None = None,
    objective: str = "value",
    fairness_weight: int = 0,
) -> Model:
    """The model over `reqs` (default: all).

    required: requests that must be scheduled (some slot); pinned: request -> the slot it keeps.
    objective "value": sum of weights (+ fairness_weight per person who gets a meeting);
    "count": number of requests scheduled; "blocks": fewest runs of meetings (idle gaps),
    for a fixed set of meetings (every request in `reqs` is then required).
    """
    pinned = pinned or {}
    reqs = prep.reqs if reqs is None else reqs
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    z: dict[tuple[int, int], dict] = {}
    by_req: dict[int, list] = {}
    by_party_slot: dict[tuple[int, int], list] = defaultdict(list)
    by_party: dict[int, list] = defaultdict(list)
    by_slot_level: dict[tuple[int, int], list] = defaultdict(list)
    by_interp_slot: dict[tuple, list] = defaultdict(list)
    terms = []
    for req in reqs:
        slots = (pinned[req.index],) if req.index in pinned else req.slots
        variables = []
        for slot in slots:
            v = model.new_bool_var(f"x{req.index}_{slot}")
            x[req.index, slot] = v
            variables.append(v)
            by_party_slot[req.a, slot].append(v)
            by_party_slot[req.b, slot].append(v)
            for j in range(req.level + 1):
                by_slot_level[slot, j].append(v)
            if req.needs_interpreter:
                by_interp_slot[slot, frozenset(req.interpreters[slot])].append(v)
        by_req[req.index] = variables
        by_party[req.a].extend(variables)
        by_party[req.b].extend(variables)
        if objective == "blocks" or req.index in required or req.index in pinned:
            model.add_exactly_one(variables)
        else:
            model.add_at_most_one(variables)
        if objective == "value":
            terms.extend((req.weight, v) for v in variables)
        elif objective == "count":
            terms.extend((1, v) for v in variables)

    for variables in by_party_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for p, variables in by_party.items():
        if len(variables) > prep.parties[p].max_meetings:
            model.add(sum(variables) <= prep.parties[p].max_meetings)
    for (_slot, j), variables in by_slot_level.items():
        if len(variables) > prep.capacity[j]:
            model.add(sum(variables) <= prep.capacity[j])
    for limit, variables in interpreter_rows(by_interp_slot):
        model.add(sum(variables) <= limit)

    result = Model(model=model, x=x, z=z, by_req=by_req)
    if objective in ("value", "count"):
        if fairness_weight:
            for p, variables in by_party.items():
                if variables and prep.parties[p].max_meetings > 0:
                    c = model.new_bool_var(f"c{p}")
                    model.add_bool_or(variables).only_enforce_if(c)
                    result.covered[p] = c
                    terms.append((fairness_weight, c))
        model.maximize(sum(w * v for w, v in terms))
    elif objective == "blocks":
        # A block starts in slot s when the person meets in s but not in the slot before (same day).
        order = prep.slot_ids
        for p, variables in by_party.items():
            if len(variables) < 2:
                continue
            busy = {}
            for slot in order:
                vs = by_party_slot.get((p, slot))
                if vs:
                    busy[slot] = vs
            prev_slot = None
            for slot in order:
                if slot not in busy:
                    prev_slot = slot
                    continue
                start = model.new_bool_var(f"b{p}_{slot}")
                here = sum(busy[slot])
                same_day = prev_slot is not None and prep.day_of[prev_slot] == prep.day_of[slot]
                before = sum(busy[prev_slot]) if same_day and prev_slot in busy else 0
                model.add(start >= here - before)
                result.blocks.append(start)
                prev_slot = slot
        model.minimize(sum(result.blocks))
    return result


def interpreter_rows(by_slot_type: dict[tuple, list]):
    """(limit, variables) rows that say interpreters suffice in every slot.

    Meetings that need an interpreter are grouped by the set of interpreters who could serve them.
    By Hall's theorem every meeting gets its own interpreter iff, for every union U of such sets,
    the meetings whose set lies inside U number at most |U|. Few distinct sets exist in practice;
    past 12 in one slot only the single-set rows are kept and the placement step reports a miss.
    """
    slots: dict[int, dict[frozenset, list]] = defaultdict(dict)
    for (slot, kind), variables in by_slot_type.items():
        slots[slot][kind] = variables
    for kinds in slots.values():
        unions = {kind for kind in kinds}
        if len(kinds) <= 12:
            frontier = set(unions)
            while frontier:
                new = set()
                for u in frontier:
                    for kind in kinds:
                        joined = u | kind
                        if joined not in unions:
                            unions.add(joined)
                            new.add(joined)
                frontier = new
        for union in unions:
            variables = [v for kind, vs in kinds.items() if kind <= union for v in vs]
            if len(variables) > len(union):
                yield len(union), variables


def solver(time_limit: float, *, workers: int = 2, seed: int = 0) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, time_limit)
    s.parameters.num_workers = workers
    s.parameters.random_seed = seed
    return s

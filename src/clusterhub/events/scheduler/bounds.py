"""A proven upper bound on the scheduled value: the LP relaxation, solved by OR-Tools' GLOP.

Same constraints as the exact model (each request at most once, one meeting per person per slot,
maxima, tables by seat level, interpreters by Hall's rows), with 0 <= x <= 1 instead of
x in {0, 1}. Any schedule's value is at most the LP optimum, so the gap to it is a guarantee, not
an estimate. On these instances the LP optimum is almost integral (a few dozen fractional
requests out of thousands), so its solution is also the best guide for building a schedule.

The matrix is assembled as numpy arrays and handed to GLOP in one call: building it row by row
through the Python wrapper takes longer than solving it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh
from scipy import sparse

from .cpsat import interpreter_rows
from .prepare import Prepared


@dataclass
class Relaxation:
    bound: float | None  # None when GLOP did not reach optimality in time
    seconds: float
    values: dict[tuple[int, int], float]  # (req index, slot) -> x, only the non-zero ones

    def request_total(self) -> dict[int, float]:
        total: dict[int, float] = defaultdict(float)
        for (r, _s), v in self.values.items():
            total[r] += v
        return total


def solve_relaxation(
    prep: Prepared,
    *,
    weights: dict[int, float] | None = None,
    pinned: dict[int, int] | None = None,
    required: set[int] | frozenset = frozenset(),
    min_musts: int = 0,
    time_limit: float = 60.0,
) -> Relaxation:
    """Maximise sum(weight * x) over the LP relaxation. `weights` overrides request weights;
    `pinned` (req -> slot) fixes published meetings in place; `required` requests are held
    (must-meets that the must-meet stage showed can be held together); `min_musts`: at least
    this many must-meets are held, whichever they are. With `min_musts` equal to the most that
    can be held, the bound covers every schedule that is as good on the first criterion."""
    start = time.monotonic()
    pinned = pinned or {}
    if not prep.reqs:
        return Relaxation(0.0, 0.0, {})
    keys: list[tuple[int, int]] = []
    objective: list[float] = []
    lower: list[float] = []
    rows: list[int] = []
    cols: list[int] = []
    upper_bounds: list[float] = []
    lower_bounds: list[float] = []
    by_party_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_party: dict[int, list[int]] = defaultdict(list)
    by_slot_level: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_interp: dict[tuple, list[int]] = defaultdict(list)

    def add_row(columns: list[int], limit: float, at_least: float = -np.inf) -> None:
        row = len(upper_bounds)
        upper_bounds.append(limit)
        lower_bounds.append(at_least)
        rows.extend([row] * len(columns))
        cols.extend(columns)

    for req in prep.reqs:
        slots = (pinned[req.index],) if req.index in pinned else req.slots
        weight = req.weight if weights is None else weights.get(req.index, req.weight)
        columns = []
        for slot in slots:
            k = len(keys)
            keys.append((req.index, slot))
            objective.append(weight)
            lower.append(1.0 if req.index in pinned else 0.0)
            columns.append(k)
            by_party_slot[req.a, slot].append(k)
            by_party_slot[req.b, slot].append(k)
            for j in range(req.level + 1):
                by_slot_level[slot, j].append(k)
            if req.needs_interpreter:
                by_interp[slot, frozenset(req.interpreters[slot])].append(k)
        by_party[req.a].extend(columns)
        by_party[req.b].extend(columns)
        if req.index in required:
            add_row(columns, 1, 1)
        elif len(columns) > 1:
            add_row(columns, 1)
    if min_musts > 0:
        must_columns = [k for k, (r, _s) in enumerate(keys) if prep.reqs[r].must]
        add_row(must_columns, np.inf, min_musts)
    for columns in by_party_slot.values():
        if len(columns) > 1:
            add_row(columns, 1)
    for p, columns in by_party.items():
        if len(columns) > prep.parties[p].max_meetings:
            add_row(columns, prep.parties[p].max_meetings)
    for (_slot, j), columns in by_slot_level.items():
        if len(columns) > prep.capacity[j]:
            add_row(columns, prep.capacity[j])
    for limit, columns in interpreter_rows(by_interp):
        add_row(columns, limit)

    n, m = len(keys), len(upper_bounds)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (np.asarray(rows), np.asarray(cols))), shape=(m, n)
    )
    helper = mbh.ModelBuilderHelper()
    helper.fill_model_from_sparse_data(
        np.asarray(lower, dtype=np.float64),
        np.ones(n),
        np.asarray(objective, dtype=np.float64),
        np.asarray(lower_bounds, dtype=np.float64),
        np.asarray(upper_bounds, dtype=np.float64),
        matrix,
    )
    helper.set_maximize(True)
    solver = mbh.ModelSolverHelper("glop")
    solver.set_time_limit_in_seconds(time_limit)
    solver.solve(helper)
    seconds = time.monotonic() - start
    if solver.status() != mbh.SolveStatus.OPTIMAL:
        return Relaxation(None, seconds, {})
    x = solver.variable_values()
    values = {keys[k]: float(x[k]) for k in np.flatnonzero(x > 1e-9)}
    return Relaxation(float(solver.objective_value()), seconds, values)


def lp_bound(prep: Prepared, *, time_limit: float = 60.0) -> tuple[float | None, float]:
    """(bound on the sum of weights, seconds)."""
    relaxation = solve_relaxation(prep, time_limit=time_limit)
    return relaxation.bound, relaxation.seconds

"""Large-neighbourhood search: CP-SAT re-solves small pieces of the schedule to optimality.

The full model of a 400-person event has ~27,000 booleans; CP-SAT on two cores spends most of a
10-second budget in presolve and its first LP. A piece (the meetings of a few slots, or of a few
dozen people and their partners) has a few thousand, solves in a fraction of a second, and every
accepted piece is at least as good as before. Pieces alternate between slot windows (which undo
the greedy's blocking: who meets whom when) and groups of people linked by requests (which undo
its choices: who meets whom at all).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .board import Board
from .cpsat import interpreter_rows
from .prepare import Req


def score(board: Board, required: set[int] | frozenset = frozenset()) -> tuple[int, int]:
    """(must-meets held, value + fairness weight x people who got a meeting), lexicographic."""
    reqs = board.prep.reqs
    must = sum(1 for r in board.slot_of if reqs[r].must or r in required)
    covered = sum(1 for c in board.count if c > 0)
    return must, board.value() + board.prep.fairness_weight * covered


class Search:
    def __init__(
        self,
        board: Board,
        *,
        seed: int = 0,
        frozen: set[int] | frozenset = frozenset(),
        required: set[int] | frozenset = frozenset(),
        workers: int = 2,
    ):
        self.board = board
        self.prep = board.prep
        self.rng = random.Random(seed)
        self.frozen = set(frozen)
        self.required = set(required)
        self.workers = workers
        self.by_party: list[list[Req]] = [[] for _ in self.prep.parties]
        for req in self.prep.reqs:
            self.by_party[req.a].append(req)
            self.by_party[req.b].append(req)
        self.asks = [len(rs) for rs in self.by_party]
        self.iterations = 0
        self.improvements = 0
        self.exhausted = False
        self.party_target = 25  # people in a party neighbourhood; adapts to solve times
        self.window = 2

    # -- neighbourhoods
    def _slot_piece(self) -> tuple[list[Req], set[int]]:
        slots = self.prep.slot_ids
        window = set(self.rng.sample(slots, min(self.window, len(slots))))
        board = self.board
        free = []
        for req in self.prep.reqs:
            if req.index in self.frozen:
                continue
            placed = board.slot_of.get(req.index)
            if placed is not None:
                if placed in window:
                    free.append(req)
            elif any(s in window for s in req.slots) and self._could_fit(req, window):
                free.append(req)
        return free, window

    def _could_fit(self, req: Req, window: set[int]) -> bool:
        """Room for one more meeting on both sides, once their meetings in `window` are freed."""
        board = self.board
        for p in (req.a, req.b):
            in_window = sum(1 for s in board.busy[p] if s in window)
            if board.count[p] - in_window >= self.prep.parties[p].max_meetings:
                return False
        return True

    def _party_piece(self) -> tuple[list[Req], None]:
        board = self.board
        prep = self.prep
        # Start from someone who asked and has nothing (fairness), else from someone with an
        # unmet request and room, else anyone who asked.
        uncovered = [
            p
            for p, n in enumerate(self.asks)
            if n and board.count[p] == 0 and prep.parties[p].max_meetings > 0
        ]
        queue: list[int] = []
        if uncovered and self.rng.random() < 0.5:
            start_party = self.rng.choice(uncovered)
            queue = [start_party]
            # Whoever holds the interpreters this person would need joins the piece.
            wanted = {
                i
                for req in self.by_party[start_party]
                for ids in req.interpreters.values()
                for i in ids
            }
            for (i, _slot), r in board.interp_busy.items():
                if i in wanted:
                    queue.extend((prep.reqs[r].a, prep.reqs[r].b))
        else:
            wanting = [
                r
                for r in prep.reqs
                if r.index not in board.slot_of
                and board.count[r.a] < prep.parties[r.a].max_meetings
                and board.count[r.b] < prep.parties[r.b].max_meetings
            ]
            if wanting:
                start = self.rng.choice(wanting)
                queue = [start.a, start.b]
            else:
                queue = [self.rng.choice([p for p, n in enumerate(self.asks) if n] or [0])]
        chosen: set[int] = set()
        while queue and len(chosen) < self.party_target:
            p = queue.pop(0)
            if p in chosen:
                continue
            chosen.add(p)
            neighbours = [r.b if r.a == p else r.a for r in self.by_party[p]]
            self.rng.shuffle(neighbours)
            queue.extend(neighbours[:6])
        free = {}
        for p in chosen:
            for req in self.by_party[p]:
                if req.index not in self.frozen:
                    free[req.index] = req
        return list(free.values()), None

    # -- one step
    def step(self, time_limit: float, kind: str) -> bool:
        free, window = self._slot_piece() if kind == "slots" else self._party_piece()
        if not free:
            return False
        self.iterations += 1
        started = time.monotonic()
        improved, optimal = self._resolve(free, window, time_limit)
        took = time.monotonic() - started
        if optimal and window is None and len(free) + len(self.frozen) >= len(self.prep.reqs):
            self.exhausted = True  # the piece was the whole problem, solved to optimality
        if kind == "party":
            if optimal and took < time_limit * 0.5:
                self.party_target = min(400, int(self.party_target * 1.15) + 1)
            elif not optimal:
                self.party_target = max(10, int(self.party_target * 0.8))
        else:
            slots = len(self.prep.slot_ids)
            if optimal and took < time_limit * 0.5:
                self.window = min(slots, self.window + 1)
            elif not optimal:
                self.window = max(1, self.window - 1)
        if improved:
            self.improvements += 1
        return improved

    def run(self, deadline: float, *, piece_time: float = 1.0) -> None:
        kinds = ("slots", "party")
        k = 0
        while True:
            left = deadline - time.monotonic()
            if left < 0.05 or self.exhausted:
                return
            self.step(min(piece_time, left), kinds[k % 2])
            k += 1

    def _resolve(self, free: list[Req], window, time_limit: float) -> tuple[bool, bool]:
        board = self.board
        prep = self.prep
        before = score(board, self.required)
        old = {}
        for req in free:
            if req.index in board.slot_of:
                old[req.index] = (board.slot_of[req.index], board.interp_of.get(req.index))
                board.remove(req)

        model = cp_model.CpModel()
        x: dict[tuple[int, int], cp_model.IntVar] = {}
        by_party_slot: dict[tuple[int, int], list] = defaultdict(list)
        by_party: dict[int, list] = defaultdict(list)
        by_slot_level: dict[tuple[int, int], list] = defaultdict(list)
        by_interp: dict[tuple, list] = defaultdict(list)
        terms = []
        busy = board.busy
        value_total = sum(r.weight for r in free) + prep.fairness_weight * len(prep.parties) + 1
        for req in free:
            variables = []
            for slot in req.slots:
                if window is not None and slot not in window:
                    continue
                if slot in busy[req.a] or slot in busy[req.b]:
                    continue
                if req.needs_interpreter:
                    idle = frozenset(
                        i for i in req.interpreters[slot] if (i, slot) not in board.interp_busy
                    )
                    if not idle:
                        continue
                v = model.new_bool_var("")
                x[req.index, slot] = v
                variables.append(v)
                by_party_slot[req.a, slot].append(v)
                by_party_slot[req.b, slot].append(v)
                for j in range(req.level + 1):
                    by_slot_level[slot, j].append(v)
                if req.needs_interpreter:
                    by_interp[slot, idle].append(v)
                old_slot = old.get(req.index, (None,))[0]
                model.add_hint(v, old_slot == slot)
            if not variables:
                continue
            by_party[req.a].extend(variables)
            by_party[req.b].extend(variables)
            must = req.must or req.index in self.required
            if must and req.index in old:
                model.add_exactly_one(variables)  # a held must-meet stays held
            else:
                model.add_at_most_one(variables)
            weight = req.weight + (value_total if must else 0)
            terms.extend((weight, v) for v in variables)
        for variables in by_party_slot.values():
            if len(variables) > 1:
                model.add_at_most_one(variables)
        for p, variables in by_party.items():
            room = prep.parties[p].max_meetings - board.count[p]
            if len(variables) > room:
                model.add(sum(variables) <= room)
        for (slot, j), variables in by_slot_level.items():
            room = prep.capacity[j] - board.used[slot][j]
            if len(variables) > room:
                model.add(sum(variables) <= room)
        for limit, variables in interpreter_rows(by_interp):
            model.add(sum(variables) <= limit)
        # Fairness second: a person who has no meeting outside this piece and gets one here.
        covered = []
        for p, variables in by_party.items():
            if board.count[p] == 0:
                c = model.new_bool_var("")
                model.add_bool_or(variables).only_enforce_if(c)
                covered.append(c)
        fairness = prep.fairness_weight
        model.maximize(sum(w * v for w, v in terms) + sum(fairness * c for c in covered))

        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit)
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.rng.randrange(1 << 30)
        status = solver.solve(model)
        optimal = status == cp_model.OPTIMAL
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = [(r, s) for (r, s), v in x.items() if solver.boolean_value(v)]
            for r, s in chosen:
                board.place(prep.reqs[r], s)
            after = score(board, self.required)
            slots = {s for r, s in chosen if prep.reqs[r].needs_interpreter}
            complete = all(board.interpreters_complete(s) for s in slots)
            if complete and after >= before:
                return after > before, optimal
            for r, _ in chosen:
                board.remove(prep.reqs[r])
        for r, (s, interpreter) in old.items():
            board.place(prep.reqs[r], s, interpreter)
        return False, optimal


def idle_gaps(board: Board, parties=None) -> int:
    """Idle gaps: for each person and day, the runs of back-to-back meetings minus one."""
    prep = board.prep
    order = {s: k for k, s in enumerate(prep.slot_ids)}
    total = 0
    for p in range(len(prep.parties)) if parties is None else parties:
        slots = sorted(board.busy[p], key=order.__getitem__)
        runs = 0
        previous = None
        for slot in slots:
            k = order[slot]
            if (
                previous is None
                or order[previous] != k - 1
                or prep.day_of[previous] != prep.day_of[slot]
            ):
                runs += 1
            previous = slot
        days = len({prep.day_of[s] for s in slots})
        total += runs - days
    return total


def regap(search: Search, time_limit: float) -> bool:
    """Re-slot the meetings of a few people (others fixed) to close idle gaps; same meetings."""
    board = search.board
    prep = search.prep
    rng = search.rng
    gappy = [p for p in range(len(prep.parties)) if idle_gaps(board, [p]) > 0]
    if not gappy:
        return False
    chosen = set(rng.sample(gappy, min(len(gappy), 12)))
    free = {
        r: prep.reqs[r] for p in chosen for r in board.busy[p].values() if r not in search.frozen
    }
    if not free:
        return False
    affected = {q for req in free.values() for q in (req.a, req.b)}
    before = idle_gaps(board, affected)
    old = {}
    for req in free.values():
        old[req.index] = (board.slot_of[req.index], board.interp_of.get(req.index))
        board.remove(req)
    model = cp_model.CpModel()
    x = {}
    by_party_slot: dict[tuple[int, int], list] = defaultdict(list)
    by_slot_level: dict[tuple[int, int], list] = defaultdict(list)
    by_interp: dict[tuple, list] = defaultdict(list)
    for req in free.values():
        variables = []
        for slot in req.slots:
            if slot in board.busy[req.a] or slot in board.busy[req.b]:
                continue
            if req.needs_interpreter:
                idle = frozenset(
                    i for i in req.interpreters[slot] if (i, slot) not in board.interp_busy
                )
                if not idle:
                    continue
                by_interp_key = (slot, idle)
            v = model.new_bool_var("")
            model.add_hint(v, old[req.index][0] == slot)
            x[req.index, slot] = v
            variables.append(v)
            by_party_slot[req.a, slot].append(v)
            by_party_slot[req.b, slot].append(v)
            for j in range(req.level + 1):
                by_slot_level[slot, j].append(v)
            if req.needs_interpreter:
                by_interp[by_interp_key].append(v)
        model.add_exactly_one(variables)
    for variables in by_party_slot.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for (slot, j), variables in by_slot_level.items():
        room = prep.capacity[j] - board.used[slot][j]
        if len(variables) > room:
            model.add(sum(variables) <= room)
    for limit, variables in interpreter_rows(by_interp):
        model.add(sum(variables) <= limit)
    starts = []
    order = prep.slot_ids
    for p in affected:
        previous = None
        for slot in order:
            fixed = 1 if slot in board.busy[p] else 0
            here = fixed + sum(by_party_slot.get((p, slot), []))
            same_day = previous is not None and prep.day_of[previous] == prep.day_of[slot]
            if same_day:
                prev_fixed = 1 if previous in board.busy[p] else 0
                before_here = prev_fixed + sum(by_party_slot.get((p, previous), []))
            else:
                before_here = 0
            if fixed or by_party_slot.get((p, slot)):
                start = model.new_bool_var("")
                model.add(start >= here - before_here)
                starts.append(start)
            previous = slot
    model.minimize(sum(starts))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = search.workers
    solver.parameters.random_seed = rng.randrange(1 << 30)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen_slots = [(r, s) for (r, s), v in x.items() if solver.boolean_value(v)]
        for r, s in chosen_slots:
            board.place(prep.reqs[r], s)
        slots = {s for r, s in chosen_slots if prep.reqs[r].needs_interpreter}
        if (
            all(board.interpreters_complete(s) for s in slots)
            and idle_gaps(board, affected) <= before
        ):
            return idle_gaps(board, affected) < before
        for r, _ in chosen_slots:
            board.remove(prep.reqs[r])
    for r, (s, interpreter) in old.items():
        board.place(prep.reqs[r], s, interpreter)
    return False


def compact(board: Board, *, frozen=frozenset(), deadline: float | None = None) -> int:
    """Move single meetings to the free slot that leaves their two sides the fewest idle gaps.
    Cheap and local; CP-SAT pieces (`regap`) then take what is left. Returns gaps closed."""
    prep = board.prep
    closed = 0
    changed = True
    while changed:
        changed = False
        for r in list(board.slot_of):
            if r in frozen:
                continue
            if deadline is not None and time.monotonic() > deadline:
                return closed
            req = prep.reqs[r]
            current = board.slot_of[r]
            interpreter = board.interp_of.get(r)
            before = idle_gaps(board, (req.a, req.b))
            if before == 0:
                continue
            board.remove(req)
            best, best_gaps = current, before
            for slot in req.slots:
                if slot == current or not board.can_place(req, slot):
                    continue
                board.place(req, slot)
                gaps = idle_gaps(board, (req.a, req.b))
                board.remove(req)
                if gaps < best_gaps:
                    best, best_gaps = slot, gaps
            board.place(req, best, interpreter if best == current else None)
            if best != current:
                changed = True
                closed += before - best_gaps
    return closed

"""Fast constructions: the plain greedy (the baseline) and the project's greedy with repairs.

The plain greedy takes requests by value and puts each in the first slot where it fits: what a
spreadsheet and an afternoon produce. The project's greedy orders requests by value, then by how
few alternatives their people have, puts each where it blocks the fewest other requests, and then
repairs: it moves a meeting out of the way to make room for a better one, trades a weaker meeting
for a stronger one, and gives people who have none a meeting where that costs no value.
"""

from __future__ import annotations

import time
from collections import defaultdict

from .board import Board
from .prepare import Prepared, Req


def plain_greedy(prep: Prepared) -> Board:
    board = Board(prep)
    for req in sorted(prep.reqs, key=lambda r: (not r.must, -r.weight, r.index)):
        if not board.has_room(req):
            continue
        for slot in req.slots:
            if board.can_place(req, slot):
                board.place(req, slot)
                break
    return board


def smart_greedy(
    prep: Prepared,
    *,
    fixed: dict[int, int] | None = None,
    required: set[int] | frozenset = frozenset(),
    deadline: float | None = None,
) -> Board:
    """`fixed`: req index -> slot to keep (published meetings); `required`: reqs to place first."""
    board = Board(prep)
    fixed = fixed or {}
    for r, slot in sorted(fixed.items()):
        req = prep.reqs[r]
        if slot in req.slots and board.has_room(req) and board.can_place(req, slot):
            board.place(req, slot)

    asks: list[int] = [0] * len(prep.parties)
    demand: list[dict[int, int]] = [defaultdict(int) for _ in prep.parties]
    for req in prep.reqs:
        asks[req.a] += 1
        asks[req.b] += 1
        if req.index not in board.slot_of:
            for slot in req.slots:
                demand[req.a][slot] += 1
                demand[req.b][slot] += 1

    def order_key(r: Req):
        return (
            not r.must,
            r.index not in required,
            -r.weight,
            min(asks[r.a], asks[r.b]),
            len(r.slots),
            r.index,
        )

    for req in sorted(prep.reqs, key=order_key):
        if req.index in board.slot_of:
            continue
        for slot in req.slots:
            demand[req.a][slot] -= 1
            demand[req.b][slot] -= 1
        if not board.has_room(req):
            continue
        best, best_score = None, None
        busy_a, busy_b = board.busy[req.a], board.busy[req.b]
        for slot in req.slots:
            if not board.can_place(req, slot):
                continue
            score = demand[req.a][slot] + demand[req.b][slot]
            # Next to a meeting the person already has: fewer idle gaps.
            if slot - 1 in busy_a or slot + 1 in busy_a:
                score -= 0.5
            if slot - 1 in busy_b or slot + 1 in busy_b:
                score -= 0.5
            if best_score is None or score < best_score:
                best, best_score = slot, score
        if best is not None:
            board.place(req, best)
    improve(board, deadline=deadline, frozen=set(fixed))
    return board


def _relocate(board: Board, req: Req, avoid: int) -> bool:
    """Move a placed meeting to another slot where it fits; True if it moved."""
    current = board.slot_of[req.index]
    board.remove(req)
    for slot in req.slots:
        if slot != avoid and slot != current and board.can_place(req, slot):
            board.place(req, slot)
            return True
    board.place(req, current)
    return False


def _insert(board: Board, req: Req, frozen: set[int]) -> bool:
    """Place `req`, moving at most one meeting of each side out of the way. True on success."""
    reqs = board.prep.reqs
    if not board.has_room(req):
        return False
    for slot in req.slots:
        if board.can_place(req, slot):
            board.place(req, slot)
            return True
    for slot in req.slots:
        blockers = {board.busy[req.a].get(slot), board.busy[req.b].get(slot)} - {None}
        if not blockers or blockers & frozen:
            continue
        moved: dict[int, int] = {}  # blocker -> the slot it came from
        ok = True
        for b in blockers:
            origin = board.slot_of[b]
            if _relocate(board, reqs[b], avoid=slot):
                moved[b] = origin
            else:
                ok = False
                break
        if ok and board.can_place(req, slot):
            board.place(req, slot)
            return True
        # Undo: the board is as before minus the moved meetings, so they fit back exactly.
        for b in moved:
            board.remove(reqs[b])
        for b, origin in moved.items():
            board.place(reqs[b], origin)
    return False


def improve(board: Board, *, deadline: float | None = None, frozen: set[int] | None = None) -> None:
    """Local repairs until nothing improves or the deadline passes."""
    prep = board.prep
    reqs = prep.reqs
    frozen = frozen or set()
    by_party: list[list[Req]] = [[] for _ in prep.parties]
    for req in reqs:
        by_party[req.a].append(req)
        by_party[req.b].append(req)
    for _ in range(6):
        changed = False
        unplaced = sorted(
            (r for r in reqs if r.index not in board.slot_of), key=lambda r: (-r.weight, r.index)
        )
        for req in unplaced:
            if deadline and time.monotonic() > deadline:
                return
            if req.index in board.slot_of:
                continue
            if board.has_room(req):
                if _insert(board, req, frozen):
                    changed = True
                continue
            # A side is full: trade its weakest meeting for this stronger one.
            victims = []
            for p in (req.a, req.b):
                if board.count[p] >= prep.parties[p].max_meetings:
                    placed = [
                        m
                        for m in (reqs[i] for i in board.busy[p].values())
                        if m.index not in frozen and not m.must and m.weight < req.weight
                    ]
                    if not placed:
                        victims = None
                        break
                    victims.append(min(placed, key=lambda m: (m.weight, m.index)))
            if not victims:
                continue
            old = {v.index: board.slot_of[v.index] for v in victims}
            gain = req.weight - sum(v.weight for v in {v.index: v for v in victims}.values())
            if gain <= 0:
                continue
            for v in {v.index: v for v in victims}.values():
                board.remove(v)
            if _insert(board, req, frozen):
                changed = True
            else:
                for idx, slot in old.items():
                    if board.can_place(reqs[idx], slot):
                        board.place(reqs[idx], slot)
        changed |= _cover_the_uncovered(board, by_party, frozen)
        if not changed:
            return


def _cover_the_uncovered(board: Board, by_party, frozen: set[int]) -> bool:
    """Give a meeting to people who asked and have none, where no value is lost.

    For each such person, try their requests from the most valuable down, in every slot where
    they could meet: free what blocks the slot (the other side's meeting there, one of the other
    side's meetings if they are at their maximum, a meeting holding the last table or the only
    interpreter who fits) as long as the freed meetings are worth no more than the new one and
    everyone in them keeps at least one meeting. Freed meetings are then put back elsewhere if
    they fit.
    """
    prep = board.prep
    changed = False
    for p, party_reqs in enumerate(by_party):
        if not party_reqs or board.count[p] > 0 or prep.parties[p].max_meetings <= 0:
            continue
        for req in sorted(party_reqs, key=lambda r: (-r.weight, r.index)):
            if _insert(board, req, frozen) or _fair_swap(board, req, by_party, frozen):
                changed = True
                break
    return changed


def _fair_swap(board: Board, req: Req, by_party, frozen: set[int]) -> bool:
    prep = board.prep
    reqs = prep.reqs
    parties = prep.parties

    def spare(m: Req, freed: set[int]) -> bool:
        """Freeing m (with `freed`) leaves both its sides with a meeting."""
        if m.index in frozen or m.must:
            return False
        for q in (m.a, m.b):
            lost = sum(1 for f in freed | {m.index} if q in (reqs[f].a, reqs[f].b))
            if board.count[q] - lost < 1:
                return False
        return True

    for slot in req.slots:
        freed: set[int] = set()
        for q in (req.a, req.b):
            m = board.busy[q].get(slot)
            if m is not None:
                freed.add(m)
        for q in (req.a, req.b):
            if (
                board.count[q] - sum(1 for f in freed if q in (reqs[f].a, reqs[f].b))
                >= parties[q].max_meetings
            ):
                options = [m for m in (reqs[i] for i in board.busy[q].values()) if spare(m, freed)]
                if not options:
                    freed = None
                    break
                freed.add(min(options, key=lambda m: (m.weight, m.index)).index)
        if freed is None or any(not spare(reqs[f], freed - {f}) for f in freed):
            continue
        # A first meeting for someone is worth the fairness weight on top of its own value.
        if sum(reqs[f].weight for f in freed) >= req.weight + prep.fairness_weight:
            continue
        old = {f: board.slot_of[f] for f in freed}
        for f in freed:
            board.remove(reqs[f])
        extra = None
        if not board.table_free(req, slot) or (
            req.needs_interpreter and board.free_interpreter(req, slot) is None
        ):
            # One more meeting in this slot holds the table or interpreter this one needs.
            budget = req.weight + prep.fairness_weight - sum(reqs[f].weight for f in freed) - 1
            candidates = []
            for m_index in board.at_slot[slot]:
                m = reqs[m_index]
                if m.weight > budget or not spare(m, set(freed)):
                    continue
                helps = True
                if not board.table_free(req, slot) and m.level < req.level:
                    helps = False
                if req.needs_interpreter and board.free_interpreter(req, slot) is None:
                    if board.interp_of.get(m_index) not in req.interpreters.get(slot, ()):
                        helps = False
                if helps:
                    candidates.append(m)
            if candidates:
                extra = min(candidates, key=lambda m: (m.weight, m.index))
                old[extra.index] = board.slot_of[extra.index]
                board.remove(extra)
        if board.can_place(req, slot) and board.has_room(req):
            board.place(req, slot)
            for f in old:
                _insert(board, reqs[f], frozen)  # put it back elsewhere if it fits
            return True
        for f, s in old.items():
            board.place(reqs[f], s)
    return False


def guided(
    prep: Prepared,
    values: dict[tuple[int, int], float],
    *,
    fixed: dict[int, int] | None = None,
    required: set[int] | frozenset = frozenset(),
    deadline: float | None = None,
) -> Board:
    """Round an LP solution: take its (request, slot) pairs from the most certain down, then
    place what is left the greedy way and repair. `values`: (req, slot) -> x in [0, 1]."""
    board = Board(prep)
    fixed = fixed or {}
    reqs = prep.reqs
    for r, slot in sorted(fixed.items()):
        req = reqs[r]
        if slot in req.slots and board.has_room(req) and board.can_place(req, slot):
            board.place(req, slot)
    total: dict[int, float] = defaultdict(float)
    best_slot: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (r, slot), v in values.items():
        total[r] += v
        best_slot[r].append((v, slot))

    def must(r: int) -> bool:
        return reqs[r].must or r in required

    pairs = sorted(
        values.items(), key=lambda kv: (not must(kv[0][0]), -kv[1], -reqs[kv[0][0]].weight)
    )
    for (r, slot), v in pairs:
        if v < 0.5 and not must(r):
            break
        req = reqs[r]
        if r in board.slot_of or not board.has_room(req):
            continue
        if board.can_place(req, slot):
            board.place(req, slot)
    rest = sorted(
        (req for req in reqs if req.index not in board.slot_of),
        key=lambda q: (not must(q.index), -total.get(q.index, 0.0), -q.weight, len(q.slots)),
    )
    for req in rest:
        if not board.has_room(req):
            continue
        preferred = [s for _, s in sorted(best_slot.get(req.index, ()), reverse=True)]
        for slot in preferred + [s for s in req.slots if s not in preferred]:
            if board.can_place(req, slot):
                board.place(req, slot)
                break
    # Fairness before anything else: the LP does not see who is left with nothing.
    by_party: list[list[Req]] = [[] for _ in prep.parties]
    for req in reqs:
        by_party[req.a].append(req)
        by_party[req.b].append(req)
    _cover_the_uncovered(board, by_party, set(fixed))
    improve(board, deadline=deadline, frozen=set(fixed))
    return board

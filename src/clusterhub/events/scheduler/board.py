"""A partial schedule that knows what is free: the state shared by the greedy and the repairs."""

from __future__ import annotations

from collections.abc import Hashable

from .prepare import Prepared, Req


class Board:
    def __init__(self, prep: Prepared):
        self.prep = prep
        self.busy: list[dict[int, int]] = [{} for _ in prep.parties]  # party -> slot -> req
        self.count = [0] * len(prep.parties)
        levels = len(prep.levels)
        # used[s][j]: meetings in slot s that need a table of level >= j.
        self.used = {s: [0] * levels for s in prep.slot_ids}
        self.interp_busy: dict[tuple[Hashable, int], int] = {}
        self.slot_of: dict[int, int] = {}
        self.interp_of: dict[int, Hashable] = {}
        self.at_slot: dict[int, set[int]] = {s: set() for s in prep.slot_ids}

    # -- questions
    def table_free(self, req: Req, slot: int) -> bool:
        used, capacity = self.used[slot], self.prep.capacity
        return all(used[j] < capacity[j] for j in range(req.level + 1))

    def free_interpreter(self, req: Req, slot: int) -> Hashable | None:
        """A free interpreter who bridges the two sides, the least versatile first."""
        best = None
        for i in req.interpreters.get(slot, ()):
            if (i, slot) in self.interp_busy:
                continue
            if best is None or len(self.prep.interpreter_langs[i]) < len(
                self.prep.interpreter_langs[best]
            ):
                best = i
        return best

    def has_room(self, req: Req) -> bool:
        parties = self.prep.parties
        return (
            self.count[req.a] < parties[req.a].max_meetings
            and self.count[req.b] < parties[req.b].max_meetings
        )

    def can_place(self, req: Req, slot: int) -> bool:
        if slot in self.busy[req.a] or slot in self.busy[req.b]:
            return False
        if not self.table_free(req, slot):
            return False
        return not (req.needs_interpreter and self.free_interpreter(req, slot) is None)

    # -- changes
    def place(self, req: Req, slot: int, interpreter: Hashable | None = None) -> None:
        self.busy[req.a][slot] = req.index
        self.busy[req.b][slot] = req.index
        self.count[req.a] += 1
        self.count[req.b] += 1
        used = self.used[slot]
        for j in range(req.level + 1):
            used[j] += 1
        self.slot_of[req.index] = slot
        self.at_slot[slot].add(req.index)
        if req.needs_interpreter:
            if interpreter is None or (interpreter, slot) in self.interp_busy:
                interpreter = self.free_interpreter(req, slot)
            if interpreter is None:
                self.rematch(slot)  # a free one exists after reshuffling, or the caller undoes
            else:
                self.interp_busy[(interpreter, slot)] = req.index
                self.interp_of[req.index] = interpreter

    def remove(self, req: Req) -> int:
        slot = self.slot_of.pop(req.index)
        self.at_slot[slot].discard(req.index)
        del self.busy[req.a][slot]
        del self.busy[req.b][slot]
        self.count[req.a] -= 1
        self.count[req.b] -= 1
        used = self.used[slot]
        for j in range(req.level + 1):
            used[j] -= 1
        interpreter = self.interp_of.pop(req.index, None)
        if interpreter is not None:
            del self.interp_busy[(interpreter, slot)]
        return slot

    def rematch(self, slot: int) -> bool:
        """Hand out interpreters in `slot` afresh (bipartite matching); False if one goes without."""
        reqs = self.prep.reqs
        needing = sorted(r for r in self.at_slot[slot] if reqs[r].needs_interpreter)
        for r in needing:
            interpreter = self.interp_of.pop(r, None)
            if interpreter is not None:
                self.interp_busy.pop((interpreter, slot), None)
        owner: dict[Hashable, int] = {}

        def augment(r: int, seen: set) -> bool:
            for i in reqs[r].interpreters.get(slot, ()):
                if i in seen or (i, slot) in self.interp_busy:
                    continue
                seen.add(i)
                if i not in owner or augment(owner[i], seen):
                    owner[i] = r
                    return True
            return False

        complete = all(augment(r, set()) for r in needing)
        for i, r in owner.items():
            self.interp_busy[(i, slot)] = r
            self.interp_of[r] = i
        return complete

    def interpreters_complete(self, slot: int) -> bool:
        reqs = self.prep.reqs
        return all(r in self.interp_of for r in self.at_slot[slot] if reqs[r].needs_interpreter)

    def value(self) -> int:
        reqs = self.prep.reqs
        return sum(reqs[r].weight for r in self.slot_of)

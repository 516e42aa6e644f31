"""What changed between two schedules, and who is affected: for review before publishing."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from .model import Assignment

ADDED, REMOVED, MOVED, TABLE = "added", "removed", "moved", "table"


@dataclass(frozen=True)
class Change:
    request: Hashable
    kind: str  # added / removed / moved (another slot) / table (same slot, another table)
    before: Assignment | None
    after: Assignment | None


def diff(old: dict[Hashable, Assignment], new: dict[Hashable, Assignment]) -> list[Change]:
    changes = []
    for rid in sorted(set(old) | set(new), key=str):
        a, b = old.get(rid), new.get(rid)
        if a is None:
            changes.append(Change(rid, ADDED, None, b))
        elif b is None:
            changes.append(Change(rid, REMOVED, a, None))
        elif a.slot != b.slot:
            changes.append(Change(rid, MOVED, a, b))
        elif a.table != b.table:
            changes.append(Change(rid, TABLE, a, b))
    return changes


def affected(changes: Iterable[Change], sides: dict[Hashable, tuple]) -> set:
    """Participants whose agenda changes; `sides`: request id -> (participant a, participant b)."""
    people = set()
    for change in changes:
        people.update(sides.get(change.request, ()))
    return people

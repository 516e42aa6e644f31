"""The scheduling problem and its answer as plain data: no Django, no solver.

A participant is available in some slots, speaks some languages, wants at most so many meetings
and may belong to a delegation. A delegation that is kept together acts as one party: its members
go to every meeting together, so it needs a slot where all of them are free and a table with seats
for all of them. A request is an accepted meeting between two participants with a priority and a
chain-gap value; a must-meet request is one the organiser insists on.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

LANGUAGES = ("zh", "en", "de", "ja")
# Seats a meeting needs besides the parties: one chair for an interpreter.
INTERPRETER_SEATS = 1


@dataclass(frozen=True)
class Slot:
    id: int  # slots are ordered by id; consecutive ids on the same day are back to back
    day: int = 0
    label: str = ""


@dataclass(frozen=True)
class Participant:
    id: Hashable
    available: frozenset[int]
    max_meetings: int = 1_000
    languages: frozenset[str] = frozenset({"zh"})
    group: Hashable | None = None
    label: str = ""


@dataclass(frozen=True)
class Request:
    id: Hashable
    a: Hashable
    b: Hashable
    priority: int = 1  # 1 (normal) .. 5 (organiser's top priority)
    chain_gap: float = 0.0  # 0 .. 1: how much this meeting would fill a weak link of the chain
    must_meet: bool = False

    @property
    def weight(self) -> int:
        """Integer value of holding the meeting: 10 x priority x (1 + chain-gap value)."""
        return weight_of(self.priority, self.chain_gap)


def weight_of(priority: int, chain_gap: float) -> int:
    gap = min(max(float(chain_gap), 0.0), 1.0)
    return round(10 * max(int(priority), 1) * (1 + gap))


@dataclass(frozen=True)
class Table:
    id: Hashable
    seats: int = 4  # tables stand in every slot; a meeting needs seats for everyone at it
    label: str = ""


@dataclass(frozen=True)
class Interpreter:
    id: Hashable
    languages: frozenset[str]
    available: frozenset[int] | None = None  # None: every slot
    label: str = ""


@dataclass(frozen=True)
class Assignment:
    request: Hashable
    slot: int
    table: Hashable | None = None
    interpreter: Hashable | None = None


@dataclass
class Instance:
    slots: list[Slot]
    participants: list[Participant]
    requests: list[Request]
    tables: list[Table]
    interpreters: list[Interpreter] = field(default_factory=list)
    # Delegations (participant.group values) whose members attend every meeting together.
    together: frozenset = frozenset()
    # Meetings already published: kept where they are unless they can no longer happen there.
    published: dict[Hashable, Assignment] = field(default_factory=dict)
    # Value of a first meeting for someone who asked and has none; None: twice the median request.
    fairness_weight: int | None = None


@dataclass(frozen=True)
class Issue:
    """Something that could not be met, and why. `code` is stable; `message` is English."""

    code: str
    message: str
    request: Hashable | None = None
    participant: Hashable | None = None
    params: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Schedule:
    assignments: dict[Hashable, Assignment]
    # Requests not scheduled, with the reason (an Issue) for each.
    unscheduled: dict[Hashable, Issue] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)  # instance-level problems
    method: str = ""
    status: str = ""  # OPTIMAL / FEASIBLE / GREEDY / EMPTY
    value: int = 0  # sum of weights of scheduled requests (the primary objective)
    must_met: int = 0
    bound: float | None = None  # proven upper bound on `value`, when one was computed
    covered: int = 0  # parties who asked and got at least one meeting
    askers: int = 0  # parties with at least one schedulable request
    gaps: int = 0  # idle gaps inside people's days
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)

    @property
    def gap_to_bound(self) -> float | None:
        """How far below the proven bound, as a fraction (0.01 = 1%)."""
        if self.bound is None or self.bound <= 0:
            return None
        return max(0.0, (self.bound - self.value) / self.bound)

    def summary(self) -> dict:
        return {
            "method": self.method,
            "status": self.status,
            "meetings": len(self.assignments),
            "value": self.value,
            "bound": self.bound,
            "gap_to_bound": self.gap_to_bound,
            "must_met": self.must_met,
            "covered": self.covered,
            "askers": self.askers,
            "gaps": self.gaps,
            "seconds": round(self.seconds, 3),
            "unscheduled": len(self.unscheduled),
            "issues": len(self.issues),
        }

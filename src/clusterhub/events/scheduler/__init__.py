"""Meeting scheduling for B2B matchmaking: a pure-Python core, independent of Django.

from clusterhub.events.scheduler import Instance, solve, check
schedule = solve(instance, time_limit=10)
assert check(instance, schedule.assignments) == []
"""

from .bounds import lp_bound, solve_relaxation
from .checker import check
from .model import (
    LANGUAGES,
    Assignment,
    Instance,
    Interpreter,
    Issue,
    Participant,
    Request,
    Schedule,
    Slot,
    Table,
    weight_of,
)
from .prepare import prepare
from .solve import SchedulerError, solve

__all__ = [
    "LANGUAGES",
    "Assignment",
    "Instance",
    "Interpreter",
    "Issue",
    "Participant",
    "Request",
    "Schedule",
    "SchedulerError",
    "Slot",
    "Table",
    "check",
    "lp_bound",
    "prepare",
    "solve",
    "solve_relaxation",
    "weight_of",
]

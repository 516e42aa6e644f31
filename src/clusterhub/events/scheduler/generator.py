"""Random but realistic matchmaking instances for the benchmark and the tests (deterministic by seed).

Roles follow a promotion conference: OEM and tier-1 buyers, suppliers, investors, government
delegations. Requests go mostly from suppliers to buyers, and a few buyers are far more popular
than the rest (everyone wants to meet FAW purchasing). Each participant is available in a fixed
share of the slots, wants between a few and most of the slots' worth of meetings, and speaks
Chinese, English or both; a few speak only German or Japanese and need an interpreter.
"""

from __future__ import annotations

import random

from .model import Instance, Interpreter, Participant, Request, Slot, Table


def generate(
    *,
    participants: int = 400,
    requests: int = 3_000,
    slots: int = 16,
    tables: int = 250,
    availability: float = 0.75,
    seed: int = 1,
    delegations: bool = True,
    must_meets: int | None = None,
    interpreters: int | None = None,
) -> Instance:
    rng = random.Random(seed)
    slot_list = [
        Slot(id=i, day=0, label=f"S{i + 1:02d}") for i in range(slots)
    ]  # one day; the gap count treats them as back to back
    n_avail = max(1, round(availability * slots))

    people: list[Participant] = []
    roles: list[str] = []
    popularity: list[float] = []
    n_groups = max(1, participants // 60) if delegations else 0
    group_available: dict[str, frozenset[int]] = {}
    for i in range(participants):
        u = rng.random()
        if u < 0.25:
            role = "buyer"
        elif u < 0.85:
            role = "supplier"
        elif u < 0.93:
            role = "investor"
        else:
            role = "government"
        v = rng.random()
        if v < 0.55:
            languages = frozenset({"zh"})
        elif v < 0.88:
            languages = frozenset({"zh", "en"})
        elif v < 0.95:
            languages = frozenset({"en"})
        elif v < 0.98:
            languages = frozenset({"de", "en"}) if rng.random() < 0.5 else frozenset({"de"})
        else:
            languages = frozenset({"ja"})
        group = None
        if role == "government" and n_groups and rng.random() < 0.6:
            group = f"delegation-{rng.randrange(n_groups) + 1}"
        # A delegation travels together: its members share one availability.
        if group is not None and group in group_available:
            available = group_available[group]
        else:
            available = frozenset(rng.sample(range(slots), n_avail))
            if group is not None:
                group_available[group] = available
        low = max(2, slots // 4)
        high = max(low, round(slots * 0.75))
        people.append(
            Participant(
                id=i,
                available=available,
                max_meetings=rng.randint(low, high),
                languages=languages,
                group=group,
                label=f"{role}-{i}",
            )
        )
        roles.append(role)
        # Pareto-like popularity: a few buyers are wanted by many.
        popularity.append(rng.paretovariate(1.3) * (3.0 if role == "buyer" else 1.0))

    buyers = [i for i, r in enumerate(roles) if r in ("buyer", "investor")] or list(
        range(participants)
    )
    others = [i for i, r in enumerate(roles) if r not in ("buyer", "investor")] or list(
        range(participants)
    )
    buyer_weights = [popularity[i] for i in buyers]
    seen: set[tuple[int, int]] = set()
    reqs: list[Request] = []
    attempts = 0
    while len(reqs) < requests and attempts < requests * 50:
        attempts += 1
        if rng.random() < 0.85:
            a = rng.choice(others)
            b = rng.choices(buyers, weights=buyer_weights)[0]
        else:
            a, b = rng.sample(range(participants), 2)
        if a == b:
            continue
        pa, pb = people[a], people[b]
        if pa.group is not None and pa.group == pb.group:
            continue
        key = (min(a, b), max(a, b))
        if key in seen:
            continue
        seen.add(key)
        # Most requests are ordinary; the organiser raises a few and some fill a chain gap.
        u = rng.random()
        priority = 1 if u < 0.8 else (2 if u < 0.95 else 3)
        chain_gap = rng.choice((0.5, 1.0)) if rng.random() < 0.1 else 0.0
        reqs.append(Request(id=len(reqs), a=a, b=b, priority=priority, chain_gap=chain_gap))
    n_must = len(reqs) // 100 if must_meets is None else must_meets
    for idx in rng.sample(range(len(reqs)), min(n_must, len(reqs))):
        r = reqs[idx]
        reqs[idx] = Request(
            id=r.id, a=r.a, b=r.b, priority=r.priority, chain_gap=r.chain_gap, must_meet=True
        )

    table_list = [
        Table(id=t, seats=8 if t % 10 == 0 else 4, label=f"T{t + 1:03d}") for t in range(tables)
    ]
    n_interp = max(2, participants // 60) if interpreters is None else interpreters
    interp_list = []
    for k in range(n_interp):
        foreign = ("en", "de", "ja")[k % 3]
        interp_list.append(
            Interpreter(
                id=f"I{k + 1}",
                languages=frozenset({"zh", foreign}) | ({"en"} if foreign != "en" else set()),
                available=frozenset(rng.sample(range(slots), max(1, round(0.9 * slots)))),
                label=f"Interpreter {k + 1}",
            )
        )
    together = frozenset(p.group for p in people if p.group is not None)
    return Instance(
        slots=slot_list,
        participants=people,
        requests=reqs,
        tables=table_list,
        interpreters=interp_list,
        together=together,
    )

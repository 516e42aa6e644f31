"""Which supply links a user's chain analytics are computed over (their "audience").

Supply links are confidential commercial data: who buys what from whom, for how much. Most are
internal (the default), some confidential, a few public. An aggregate over a handful of links
reveals them (a node with one supplier shows that supplier's sales), so aggregates follow a rule
of their own, in the spirit of core.access:

all:    superusers and government staff (members of a provincial department, city bureau or park
        committee, whatever their role) see aggregates over every link: public, internal and
        confidential. Steering the cluster is their job and the confidential records are theirs.
public: everyone else who is logged in (enterprise users, event organisers) sees aggregates
        computed over public links only, as if the other links did not exist: every rate, gap,
        city role and dependency walk. Their own internal links are not counted either, so an
        aggregate never mixes what they may see with what they may not.
None:   anonymous users see nothing (pages redirect to sign-in, the API answers 401).

Lists that name single links, suppliers or values (a node's suppliers, the OEMs buying it, the
sites on the map) are not aggregates: they read through `Model.objects.restrict(user, "view")`
like every other list, so a record the user may not view is never named.
"""

from __future__ import annotations

from clusterhub.core.access import get_access

ALL = "all"
PUBLIC = "public"


def audience_for(user) -> str | None:
    access = get_access(user)
    if not access.is_authenticated:
        return None
    if access.is_superuser or access.is_government:
        return ALL
    return PUBLIC

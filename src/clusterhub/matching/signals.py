"""Keep the search index in step: every change to a record that feeds a search document queues
that document (in the change's own transaction), and one task per transaction applies the queue
after the commit. Bulk writes send no signals: their loaders rebuild the index
(`clusterhub search_index --rebuild`).
"""

from __future__ import annotations

import contextvars

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import index as ix

_scheduled: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "clusterhub_search_scheduled", default=False
)


def queue(kind: str, *object_ids) -> None:
    from .models import SearchIndexQueue

    rows = [SearchIndexQueue(kind=kind, object_id=i) for i in {i for i in object_ids if i}]
    if not rows:
        return
    SearchIndexQueue.objects.bulk_create(rows)
    ix.mark_dirty()
    if not _scheduled.get():
        _scheduled.set(True)
        transaction.on_commit(_after_commit)


def _after_commit() -> None:
    _scheduled.set(False)
    ix.schedule_apply()


def _enterprise_changed(instance) -> None:
    from clusterhub.projects.models import Project

    queue(ix.ENTERPRISE, instance.pk)
    # Project documents carry their investor's names.
    queue(
        ix.PROJECT,
        *Project._base_manager.filter(investor_id=instance.pk).values_list("pk", flat=True),
    )


def _on_save_or_delete(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    from clusterhub.accounts.models import Organisation
    from clusterhub.chain.models import SupplyLink
    from clusterhub.enterprises.models import (
        Capability,
        Certification,
        Enterprise,
        EnterpriseAlias,
        Site,
    )
    from clusterhub.projects.models import Project

    from .models import DemandCandidate, SourcingDemand

    if sender is Enterprise:
        _enterprise_changed(instance)
    elif sender in (EnterpriseAlias, Site, Certification):
        queue(ix.ENTERPRISE, instance.enterprise_id)
    elif sender is Capability:
        queue(
            ix.ENTERPRISE,
            Site._base_manager.filter(pk=instance.site_id)
            .values_list("enterprise_id", flat=True)
            .first(),
        )
    elif sender is SupplyLink:
        queue(ix.ENTERPRISE, instance.supplier_id)
    elif sender is Organisation:
        queue(ix.ENTERPRISE, instance.enterprise_id)
        # Demands name their buyers' and invited suppliers' organisations.
        if instance.enterprise_id:
            queue(
                ix.DEMAND,
                *SourcingDemand._base_manager.filter(buyer_id=instance.enterprise_id).values_list(
                    "pk", flat=True
                ),
            )
    elif sender is Project:
        queue(ix.PROJECT, instance.pk)
    elif sender is SourcingDemand:
        queue(ix.DEMAND, instance.pk)
    elif sender is DemandCandidate:
        queue(ix.DEMAND, instance.demand_id)
    elif sender._meta.label == "events.Event":
        queue(ix.EVENT, instance.pk)


def _taxonomy_or_links_changed(sender, **kwargs):
    from .ranking import forget_cached

    forget_cached()


def _on_m2m(sender, instance, action, **kwargs):
    from clusterhub.projects.models import Project

    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Project):
        queue(ix.PROJECT, instance.pk)


def connect() -> None:
    from clusterhub.accounts.models import Organisation
    from clusterhub.chain.models import SupplyLink
    from clusterhub.enterprises.models import (
        Capability,
        Certification,
        Enterprise,
        EnterpriseAlias,
        Site,
    )
    from clusterhub.events.models import Event
    from clusterhub.projects.models import Project

    from .models import DemandCandidate, SourcingDemand

    senders = (
        Event,
        Enterprise,
        EnterpriseAlias,
        Site,
        Certification,
        Capability,
        SupplyLink,
        Organisation,
        Project,
        SourcingDemand,
        DemandCandidate,
    )
    for sender in senders:
        uid = f"matching-search-{sender._meta.label_lower}"
        post_save.connect(_on_save_or_delete, sender=sender, dispatch_uid=uid + "-save")
        post_delete.connect(_on_save_or_delete, sender=sender, dispatch_uid=uid + "-delete")
    from clusterhub.chain.models import ChainNode

    for sender in (ChainNode, SupplyLink):
        uid = f"matching-ranking-cache-{sender._meta.label_lower}"
        post_save.connect(_taxonomy_or_links_changed, sender=sender, dispatch_uid=uid + "-save")
        post_delete.connect(_taxonomy_or_links_changed, sender=sender, dispatch_uid=uid + "-del")
    for through in (Project.chain_nodes.through, Project.named_people.through):
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"matching-search-{through}")

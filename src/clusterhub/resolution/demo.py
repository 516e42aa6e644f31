"""The resolution demo (`clusterhub load_demo`): the city bureau's list and the OEM's supplier list
of resolution/demo_lists.py imported one after the other through resolution, as any list is.
Every real company meets its registry record under whatever name the list gives it (the names
become aliases, with their provenance); the two companies the registry did not know are created
once each, and the pairs resolution is unsure about wait in the review queue (/resolution/).

Idempotent: once the city list's provenance is there, nothing is done again.
"""

from django.db import transaction

from clusterhub.core.changelog import change_context
from clusterhub.core.choices import ChangeSource

CITY_SOURCE = "长春市投资促进局 重点企业名单（演示）"  # data, as a list would name itself
OEM_SOURCE = "一汽采购 供应商名单（演示）"
SOURCES = (CITY_SOURCE, OEM_SOURCE)


def load_resolution_demo() -> dict:
    from clusterhub.demo.real import real_entries
    from clusterhub.enterprises.models import Enterprise

    from .demo_lists import city_list, oem_list
    from .models import FieldProvenance, ReviewItem
    from .services import commit_resolutions, resolve_rows

    if FieldProvenance.objects.filter(source=CITY_SOURCE).exists():
        return {"created": False}
    entries = real_entries()
    result = {"created": True}
    with change_context(source=ChangeSource.IMPORT), transaction.atomic():
        for label, rows, source in (
            ("city list", city_list(entries), CITY_SOURCE),
            ("OEM list", oem_list(entries), OEM_SOURCE),
        ):
            resolutions = resolve_rows(rows=rows, source=source)
            committed = commit_resolutions(rows=rows, resolutions=resolutions, source=source)
            decisions = [r.decision for r in resolutions]
            result[label] = {
                "rows": len(rows),
                "auto": decisions.count("auto"),
                "review": decisions.count("review"),
                "new": decisions.count("new"),
                "created": len(committed.created),
                "queued": len(committed.queued),
            }
    result["pending reviews"] = ReviewItem.objects.filter(source__in=SOURCES).count()
    result["enterprises from the lists"] = Enterprise.objects.filter(source__in=SOURCES).count()
    return result


def reset_resolution_demo() -> None:
    """Remove what the demo lists added: their new companies, review items and provenance."""
    from clusterhub.enterprises.models import Enterprise

    from .models import FieldProvenance, PairDecision, ReviewItem

    with transaction.atomic():
        items = ReviewItem.objects.filter(source__in=SOURCES)
        PairDecision.objects.filter(review_item__in=items).delete()
        items.delete()
        Enterprise.objects.filter(source__in=SOURCES).delete()
        FieldProvenance.objects.filter(source__in=SOURCES).delete()

"""Business logic for the enterprise registry: names, search, and changes with their checks."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.db import transaction
from django.db.models import Q, QuerySet

from .models import Enterprise, EnterpriseAlias


@lru_cache(maxsize=65536)
def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin without tones or spaces, and the initials: 富奥 -> ("fuao", "fa")."""
    from pypinyin import Style, lazy_pinyin

    syllables = [s for s in lazy_pinyin(name or "", errors="ignore") if s.isalnum()]
    initials = [s[0] for s in lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore")]
    return "".join(syllables).lower()[:400], "".join(c for c in initials if c.isalnum())[
        :100
    ].lower()


def normalise_query(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def search_enterprises(queryset: QuerySet, query: str) -> QuerySet:
    """Filter by any name, alias, pinyin, pinyin initials, credit code, stock code or public id."""
    query = normalise_query(query)[:100]
    if not query:
        return queryset
    compact = re.sub(r"\s+", "", query).lower()
    alias_ids = EnterpriseAlias.objects.filter(name__icontains=query).values("enterprise_id")
    condition = (
        Q(name__icontains=query)
        | Q(short_name__icontains=query)
        | Q(name_en__icontains=query)
        | Q(pk__in=alias_ids)
        | Q(credit_code__iexact=query)
        | Q(stock_code=query)
        | Q(public_id__iexact=query)
    )
    if compact.isascii() and compact.isalnum():
        condition |= Q(pinyin__startswith=compact) | Q(pinyin_initials__startswith=compact)
        if len(compact) >= 3:
            condition |= Q(pinyin__contains=compact)
    return queryset.filter(condition)


@transaction.atomic
def save_enterprise(*, enterprise: Enterprise, aliases: list[tuple[str, str]] | None = None):
    """Validate and save an enterprise (and replace its aliases if given), all or nothing."""
    enterprise.full_clean()
    enterprise.save()
    if aliases is not None:
        wanted = {(name.strip(), kind) for name, kind in aliases if name.strip()}
        existing = {(a.name, a.kind): a for a in enterprise.aliases.all()}
        for key, alias in existing.items():
            if key not in wanted:
                alias.delete()
        for name, kind in wanted - existing.keys():
            EnterpriseAlias.objects.create(enterprise=enterprise, name=name, kind=kind)
    return enterprise


# Sites and deletions (written for the API; pages and imports may call them too).


def _site_problems(site) -> dict[str, str]:
    from django.utils.translation import gettext as _

    problems = {}
    if (site.longitude is None) != (site.latitude is None):
        field = "latitude" if site.latitude is None else "longitude"
        problems[field] = _("give both longitude and latitude, or neither")
    if site.longitude is not None and not site.datum:
        problems["datum"] = _("say which datum the coordinates use (GCJ-02 or WGS-84)")
    if site.park_id is not None and site.region_id is not None:
        park, path = site.park, site.region.path
        # Either contains the other: a site in a district of the park's city, or a site filed
        # under the city of a district-level park; a cross-area zone counts each area it spans.
        areas = [park.region.path, *park.spans.values_list("path", flat=True)]
        if not any(path.startswith(a) or a.startswith(path) for a in areas):
            problems["park"] = _("%(park)s is not in %(region)s") % {
                "park": park.name,
                "region": site.region.name,
            }
    return problems


@transaction.atomic
def save_site(*, site):
    """Validate and save a site: coordinates come with their datum, the park lies in its region."""
    from django.core.exceptions import ValidationError

    problems = _site_problems(site)
    if problems:
        raise ValidationError(problems)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def delete_site(*, site) -> None:
    site.delete()


@transaction.atomic
def delete_enterprise(*, enterprise: Enterprise) -> None:
    """Delete an enterprise with its sites, aliases and certifications; one still named in supply
    links raises ProtectedError (delete or move the links first)."""
    enterprise.delete()


# Bulk creation for the import engine (clusterhub.tabular, enterprises/importers.py).


@transaction.atomic
def create_enterprises_in_bulk(*, enterprises, aliases=(), sites=()) -> None:
    """Create already-validated enterprises with their aliases and sites in a few queries.

    `aliases`: (enterprise, name, kind) tuples; `sites`: Site instances whose `enterprise` is one
    of `enterprises`. Every record is logged as created. The caller has validated the records (the
    importer does, row by row); a clash such as a credit code registered meanwhile raises
    IntegrityError, which the caller's savepoint undoes.
    """
    from clusterhub.core.changelog import log_bulk_create

    from .models import Site

    for enterprise in enterprises:
        enterprise.pinyin, enterprise.pinyin_initials = pinyin_of(enterprise.name)
        if enterprise.credit_code == "":
            enterprise.credit_code = None
    Enterprise.objects.bulk_create(enterprises, batch_size=500)
    log_bulk_create(enterprises)
    alias_objects = [
        EnterpriseAlias(enterprise=enterprise, name=name, kind=kind)
        for enterprise, name, kind in aliases
    ]
    EnterpriseAlias.objects.bulk_create(alias_objects, batch_size=1000)
    log_bulk_create(alias_objects)
    sites = list(sites)
    for site in sites:
        site.enterprise = site.enterprise  # the enterprise has its primary key now
    Site.objects.bulk_create(sites, batch_size=500)
    log_bulk_create(sites)

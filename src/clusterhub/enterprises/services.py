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

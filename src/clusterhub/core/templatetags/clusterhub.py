"""Template helpers shared by every page: query strings, sortable headers, badges, amounts."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext

from clusterhub.core.units import (
    format_money,
    format_percent,
    format_quantity,
    format_yuan,
    join_names,
    unit_label,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" drops them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str) -> str:
    """A column header that sorts by `field`, toggling the direction; keeps the filters."""
    request = context["request"]
    current = context.get("current_sort") or request.GET.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == field:
        params["sort"] = f"-{field}"
        icon = "bi-sort-up"
        state = "ascending"
    elif current == f"-{field}":
        params["sort"] = field
        icon = "bi-sort-down"
        state = "descending"
    else:
        params["sort"] = field
        icon = ""
        state = ""
    icon_html = format_html(' <i class="bi {}"></i>', icon) if icon else ""
    return format_html(
        '<a href="?{}" data-sort="{}"{}>{}{}</a>',
        params.urlencode(),
        field,
        format_html(' aria-sort="{}"', state) if state else "",
        label,
        icon_html,
    )


@register.filter
def confidentiality_badge(value) -> str:
    from clusterhub.core.choices import Confidentiality

    if not value:
        return ""
    label = Confidentiality(value).label if value in Confidentiality.values else value
    icons = {"public": "globe2", "internal": "building-lock", "confidential": "lock-fill"}
    return format_html(
        '<span class="badge ch-badge-{}"><i class="bi bi-{}"></i> {}</span>',
        value,
        icons.get(value, "dot"),
        label,
    )


@register.filter
def money(value, unit: str = "万元") -> str:
    """Decimal yuan as the reader expects it: 万元/亿元 in Chinese, millions or billions of yuan
    in English."""
    return format_money(value, unit)


@register.filter
def yuan(value) -> str:
    """An amount in 亿元 or 万元 by its size (millions or billions of yuan in English)."""
    return format_yuan(value)


@register.filter
def quantity(value, unit: str = "") -> str:
    """A count with its unit in the page's language: 80,000 sets / 80,000 套."""
    return format_quantity(value, unit)


@register.filter
def quantity_unit(unit) -> str:
    """A quantity unit in the page's language."""
    return unit_label(unit)


@register.filter
def percent(share) -> str:
    """A share (0.91) as a percent with one decimal (91.0%)."""
    return format_percent(None if share is None or share == "" else float(share))


@register.filter
def names(items) -> str:
    """A list joined with the language's separator (、 in Chinese), — when empty."""
    return join_names(items) or "—"


@register.filter
def display(obj) -> str:
    """The display name of a bilingual record (English on English pages when there is one)."""
    if obj is None:
        return ""
    return getattr(obj, "display_name", None) or str(obj)


@register.filter
def short_label(obj) -> str:
    """A compact name for table cells: the short name in Chinese, the English name in English."""
    if obj is None:
        return ""
    short = getattr(obj, "short_name", "") or obj.name
    if (get_language() or "").startswith("en"):
        return getattr(obj, "name_en", "") or short
    return short


@register.filter
def other_name(obj) -> str:
    """The name in the other language, shown as a subtitle."""
    if obj is None:
        return ""
    name, name_en = getattr(obj, "name", ""), getattr(obj, "name_en", "")
    if (get_language() or "").startswith("en"):
        return name if name_en and name != name_en else ""
    return name_en


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def coordinate(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.6f}"


@register.simple_tag
def elided_pages(page_obj):
    """Page numbers around the current one, with ellipses: 1 2 … 8 9 10 … 41 42."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.simple_tag
def colon() -> str:
    """The separator after a label: ": " in English, the full-width "：" in Chinese."""
    return pgettext("label separator", ": ")

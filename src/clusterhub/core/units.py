"""Money, dates and units as Chinese officers write them, parsed into Decimal yuan and dates.

Amounts: "3000万元", "2.1亿", "21 亿元", "1,234.5", "￥500万"; a number without its own unit
takes the column's unit. Dates: "2021年10月19日", "2021.10.19", "2021/10/19", "2021-10-19", "20211019".
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

UNIT_FACTORS = {
    "元": Decimal(1),
    "千元": Decimal(1_000),
    "万元": Decimal(10_000),
    "百万元": Decimal(1_000_000),
    "亿元": Decimal(100_000_000),
}
UNIT_ALIASES = {
    "": None,
    "元": "元",
    "yuan": "元",
    "rmb": "元",
    "cny": "元",
    "千": "千元",
    "千元": "千元",
    "万": "万元",
    "万元": "万元",
    "10kyuan": "万元",
    "百万": "百万元",
    "百万元": "百万元",
    "million": "百万元",
    "millionyuan": "百万元",
    "亿": "亿元",
    "亿元": "亿元",
    "100millionyuan": "亿元",
}
_AMOUNT = re.compile(r"^(?P<sign>[-+]?)(?P<number>\d+(?:\.\d+)?)(?P<unit>[^\d]*)$")


class UnitError(ValueError):
    """A value that cannot be read; the message says why, in the user's language."""


@dataclass(frozen=True)
class ParsedAmount:
    yuan: Decimal
    unit: str  # the unit the value was read in
    converted: bool  # True when the cell carried its own unit, different from the column's


def normalise_text(value: str) -> str:
    """Full-width to half-width, trimmed: "３０００万元" -> "3000万元"."""
    return unicodedata.normalize("NFKC", value).strip()


def parse_amount(value, column_unit: str = "元") -> ParsedAmount | None:
    """Read an amount into Decimal yuan. Empty -> None. Raises UnitError with a reason."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise UnitError(_("not an amount"))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        return ParsedAmount(number * UNIT_FACTORS[column_unit], column_unit, False)
    text = normalise_text(str(value)).replace(",", "").replace("，", "").replace(" ", "")
    text = text.lstrip("¥￥").replace("人民币", "")
    if not text:
        return None
    match = _AMOUNT.match(text)
    if not match:
        raise UnitError(_("“%(value)s” is not an amount") % {"value": value})
    unit_text = match["unit"].lower()
    if unit_text == "billion" or unit_text == "billionyuan":
        factor, unit = Decimal(1_000_000_000), "十亿元"
    else:
        if unit_text not in UNIT_ALIASES:
            raise UnitError(_("unknown unit “%(unit)s”") % {"unit": match["unit"]})
        unit = UNIT_ALIASES[unit_text] or column_unit
        factor = UNIT_FACTORS[unit]
    try:
        number = Decimal(match["number"])
    except InvalidOperation:
        raise UnitError(_("“%(value)s” is not an amount") % {"value": value})
    if match["sign"] == "-":
        number = -number
    return ParsedAmount(number * factor, unit, unit != column_unit)


def format_amount(yuan: Decimal | None, unit: str = "亿元", places: int = 2) -> str:
    """Decimal yuan shown in the unit the reader expects: format_amount(2.1e10) -> "210.00亿元"."""
    if yuan is None:
        return "—"
    value = Decimal(yuan) / UNIT_FACTORS[unit]
    return f"{value:,.{places}f}{unit}"


def format_money(yuan: Decimal | None, unit: str = "亿元", places: int | None = None) -> str:
    """Decimal yuan in the page's language: in the given Chinese unit on Chinese pages (two
    decimals for 亿元, one for smaller units, unless `places` says); billions or millions of yuan
    on English ones, where 亿 means nothing to the reader."""
    if yuan is None or yuan == "":
        return "—"
    value = Decimal(yuan)
    if (get_language() or "").startswith("zh"):
        if places is None:
            places = 2 if unit == "亿元" else 1
        return format_amount(value, unit=unit, places=places)
    if abs(value) >= 1_000_000_000:
        return _("CNY %(amount)s bn") % {"amount": f"{value / Decimal(1_000_000_000):,.2f}"}
    return _("CNY %(amount)s m") % {"amount": f"{value / Decimal(1_000_000):,.2f}"}


def format_yuan(yuan) -> str:
    """An amount of any size as officers read it: 亿元 from 100 million up, else 万元, two
    decimals ("1.50亿元", "3,000.00万元"); millions or billions of yuan on English pages."""
    if yuan is None or yuan == "":
        return "—"
    unit = "亿元" if abs(Decimal(yuan)) >= 100_000_000 else "万元"
    return format_money(yuan, unit, places=2)


def join_names(names) -> str:
    """Names listed the way the page's language lists them: 长春、吉林 / Changchun, Jilin."""
    return pgettext("list separator", ", ").join(str(name) for name in names)


# Quantity units typed in either language, by the one word both mean; shown in the page's language.
QUANTITY_UNITS = {
    "sets": pgettext_lazy("quantity unit", "sets"),
    "pieces": pgettext_lazy("quantity unit", "pieces"),
    "vehicles": pgettext_lazy("quantity unit", "vehicles"),
    "tonnes": pgettext_lazy("quantity unit", "tonnes"),
}
UNIT_SYNONYMS = {
    "set": "sets",
    "套": "sets",
    "piece": "pieces",
    "pcs": "pieces",
    "pc": "pieces",
    "件": "pieces",
    "个": "pieces",
    "只": "pieces",
    "vehicle": "vehicles",
    "辆": "vehicles",
    "台": "vehicles",
    "t": "tonnes",
    "tonne": "tonnes",
    "tons": "tonnes",
    "吨": "tonnes",
}


def canonical_unit(unit: str | None) -> str:
    """One spelling per unit, so 套 and "Sets" compare equal; unknown units as typed, lowercased."""
    key = normalise_text(unit or "").strip().lower()
    return UNIT_SYNONYMS.get(key, key)


def unit_label(unit: str | None) -> str:
    """A quantity unit in the page's language (sets / 套); units nobody translated as typed."""
    return str(QUANTITY_UNITS.get(canonical_unit(unit), unit or ""))


def format_quantity(value, unit: str | None = "") -> str:
    """A count with thousands separators and its unit in the page's language: "80,000 sets" /
    "80,000 套"; units nobody translated are shown as typed."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    return f"{text} {unit_label(unit)}".strip()


def format_percent(share: float | None) -> str:
    """A share as officers read it, one decimal: 0.2534 -> "25.3%"."""
    return "—" if share is None else f"{share * 100:.1f}%"


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [re.compile(r"^(\d{4})年(\d{1,2})月$"), re.compile(r"^(\d{4})[./\-](\d{1,2})$")]


def parse_date(value) -> datetime.date | None:
    """Read a date as bureaus write it. Empty -> None. Raises UnitError with a reason."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalise_text(str(value)).replace(" ", "")
    if not text:
        return None
    text = re.sub(r"T?\d{1,2}:\d{2}(:\d{2})?$", "", text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            break
    else:
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                match = (match[0], match[1], match[2], "1")
                break
        else:
            raise UnitError(_("“%(value)s” is not a date") % {"value": value})
    year, month, day = (int(match[i]) for i in (1, 2, 3))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise UnitError(_("“%(value)s” is not a real date") % {"value": value})

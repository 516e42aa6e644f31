"""Column types an importer declares: how a header is recognised and how a cell is read.

A column has a key (the importer's name for it), a Chinese and an English header and any number of
aliases. A header in the file matches a column when, normalised (full-width to half-width, case,
spaces and punctuation dropped), it equals one of these, with or without a parenthesised unit:
"计划投资（亿元）" matches the alias "计划投资" and gives the column the unit 亿元. Bilingual headers
written on two lines ("企业名称\\nRegistered name", as in the downloadable templates) match too.

`Column.parse(value, cell)` turns one non-empty cell into a Python value or raises CellError with a
reason; warnings (kept-as-text formulas) and conversions (a cell carrying its own unit) are noted on
`cell`. Blank cells never reach `parse`: the engine treats them as "not given".
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.units import UNIT_ALIASES, UNIT_FACTORS, UnitError, parse_amount, parse_date


class CellError(ValueError):
    """A cell that cannot be used; the message is the reason shown to the user."""


# ---------------------------------------------------------------------------------------------
# Headers


_PAREN = re.compile(r"[（(\[【]([^）)\]】]*)[）)\]】]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_EXTRA_UNITS = {
    "10000yuan": "万元",
    "rmb10k": "万元",
    "10krmb": "万元",
    "rmb10000": "万元",
    "100myuan": "亿元",
    "rmb100million": "亿元",
    "rmb": "元",
}


def normalise_header(text: str) -> str:
    """Full-width to half-width, lower case, without spaces or punctuation: "企业 名称*" -> "企业名称"."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", str(text or "")).lower())


def unit_of(text: str) -> str | None:
    """The money unit a header or a bracketed note names ("计划投资（亿元）" -> "亿元"), if any."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    candidates = [m.group(1) for m in _PAREN.finditer(text)]
    candidates += [part.split(":", 1)[1] for part in re.split(r"[,;\s]", text) if "单位:" in part]
    for candidate in candidates:
        key = re.sub(r"[\s,，]", "", candidate).lower()
        key = key.removeprefix("单位:").removeprefix("人民币").removesuffix("人民币")
        unit = UNIT_ALIASES.get(key) or _EXTRA_UNITS.get(key)
        if unit:
            return unit
    # No brackets: a header that ends with its unit, "投资额万元".
    bare = re.sub(r"\s", "", text)
    for unit in sorted(UNIT_FACTORS, key=len, reverse=True):
        if bare.endswith(unit) and len(bare) > len(unit):
            return unit
    return None


def header_variants(text: str) -> list[str]:
    """The normalised forms under which a header cell may match a known header."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    parts = [text, *re.split(r"[\n/|]", text)]
    variants: list[str] = []
    for part in parts:
        for candidate in (part, _PAREN.sub("", part)):
            norm = normalise_header(candidate)
            if norm and norm not in variants:
                variants.append(norm)
        # "年营业收入万元" without brackets: also try it without the trailing unit.
        bare = normalise_header(_PAREN.sub("", part))
        for unit in UNIT_FACTORS:
            if bare.endswith(unit) and len(bare) > len(unit):
                stripped = bare[: -len(unit)]
                if stripped not in variants:
                    variants.append(stripped)
    return variants


# ---------------------------------------------------------------------------------------------
# Cells


@dataclass
class Cell:
    """What the engine knows about the cell being parsed; parse() adds notes to it."""

    header: str  # as written in the file
    unit: str | None = None  # the column's money unit (amount columns)
    warnings: list[str] = field(default_factory=list)
    conversion: dict | None = None


BLANK_MARKERS = {"-", "--", "—", "——", "/", "无", "n/a", "na", "none", "null", "#n/a"}


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(" \t\r\n\u3000\xa0")
    return False


def cell_text(value: Any) -> str:
    """A cell as the text a user would read: 600742.0 -> "600742", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip(" \t\r\n\u3000\xa0")


FORMULA_PREFIXES = ("=", "+", "-", "@")
_NUMBER_LIKE = re.compile(r"^[+-][\d\s().,%-]*$")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run as a formula: "=HYPERLINK(...)", "@SUM(...)", "-1+cmd|..."."""
    if not text or text[0] not in FORMULA_PREFIXES:
        return False
    return not (text[0] in "+-" and _NUMBER_LIKE.match(text))


class Column:
    """A column of an import file. Subclasses implement parse()."""

    type_name = "text"
    type_label = gettext_lazy("text")
    # Placeholders such as "-" or "无" mean "empty" for typed columns, but are text in text columns.
    blank_markers: frozenset[str] = frozenset(BLANK_MARKERS)

    def __init__(
        self,
        key: str,
        zh: str,
        en: str,
        *,
        aliases: tuple[str, ...] | list[str] = (),
        required: bool = False,
        help_text: str = "",
        example: str = "",
    ):
        self.key = key
        self.zh = zh
        self.en = en
        self.aliases = tuple(aliases)
        self.required = required
        self.help_text = help_text
        self.example = example

    def __repr__(self):
        return f"<{type(self).__name__} {self.key}>"

    def headers(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key, *self.aliases)

    def header_for(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "zh-hans"
        return self.en if language.startswith("en") else self.zh

    def default_unit(self) -> str | None:
        return None

    def is_blank(self, value: Any) -> bool:
        if is_blank(value):
            return True
        return isinstance(value, str) and value.strip().lower() in self.blank_markers

    def accepted(self) -> str:
        """What the column accepts, for the template's notes sheet."""
        return str(self.type_label)

    def parse(self, value: Any, cell: Cell) -> Any:
        raise NotImplementedError


class TextColumn(Column):
    """Free text, stored verbatim. A leading = + - @ is kept as text, with a warning.

    normalise: applied before checking (e.g. upper-casing a credit code).
    check: returns a reason the text is unacceptable, or None.
    zfill: numbers from a spreadsheet are padded to this width (stock code 30 -> "000030").
    """

    blank_markers = frozenset()

    def __init__(self, *args, max_length=None, normalise=None, check=None, zfill=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.normalise = normalise
        self.check = check
        self.zfill = zfill

    def parse(self, value, cell):
        if isinstance(value, float) and abs(value) >= 1e15:
            raise CellError(
                _(
                    "the spreadsheet stored this as a number and may have dropped digits: "
                    "format the column as text and type it again"
                )
            )
        text = cell_text(value)
        if self.zfill and isinstance(value, int | float) and not isinstance(value, bool):
            text = text.zfill(self.zfill)
        # An apostrophe our own export put in front of a formula-like text: take it off again.
        if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
            text = text[1:]
        if self.normalise:
            text = self.normalise(text)
        if looks_like_formula(text):
            cell.warnings.append(
                _("starts with “%(char)s”: kept as text, never run as a formula")
                % {"char": text[0]}
            )
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("too long: %(n)d characters, at most %(max)d")
                % {"n": len(text), "max": self.max_length}
            )
        if self.check:
            problem = self.check(text)
            if problem:
                raise CellError(problem)
        return text


class ListColumn(TextColumn):
    """Several texts in one cell, separated by ；, ;, 、 or a line break."""

    type_label = gettext_lazy("list separated by ；or 、")
    SEPARATORS = re.compile(r"[；;、\n]")

    def parse(self, value, cell):
        items = []
        for part in self.SEPARATORS.split(cell_text(value)):
            part = part.strip(" \t\r\u3000\xa0")
            if part:
                text = super().parse(part, cell)
                if text not in items:
                    items.append(text)
        return items


def _decimal(value, cell_value) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number") % {"value": cell_value})
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number") % {"value": cell_value})
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number") % {"value": cell_value})
    return number


class IntegerColumn(Column):
    type_name = "integer"
    type_label = gettext_lazy("whole number")

    def __init__(self, *args, min_value=None, max_value=None, suffixes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.min_value = min_value
        self.max_value = max_value
        self.suffixes = tuple(suffixes)  # "2021年", "1200人"

    def parse(self, value, cell):
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip()
            for suffix in self.suffixes:
                text = text.removesuffix(suffix)
            value = text
        number = _decimal(value, value)
        if number != number.to_integral_value():
            raise CellError(_("“%(value)s” is not a whole number") % {"value": cell_text(value)})
        number = int(number)
        if self.min_value is not None and number < self.min_value:
            raise CellError(
                _("%(value)s is below the smallest allowed value %(min)s")
                % {"value": number, "min": self.min_value}
            )
        if self.max_value is not None and number > self.max_value:
            raise CellError(
                _("%(value)s is above the largest allowed value %(max)s")
                % {"value": number, "max": self.max_value}
            )
        return number


class DecimalColumn(Column):
    type_name = "decimal"
    type_label = gettext_lazy("number")

    def __init__(self, *args, min_value=None, max_value=None, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_value = None if min_value is None else Decimal(str(min_value))
        self.max_value = None if max_value is None else Decimal(str(max_value))
        self.places = places

    def parse(self, value, cell):
        number = _decimal(value, value)
        if self.places is not None:
            number = number.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)
        if self.min_value is not None and number < self.min_value:
            raise CellError(
                _("%(value)s is below the smallest allowed value %(min)s")
                % {"value": number, "min": self.min_value}
            )
        if self.max_value is not None and number > self.max_value:
            raise CellError(
                _("%(value)s is above the largest allowed value %(max)s")
                % {"value": number, "max": self.max_value}
            )
        return number


MAX_YUAN = Decimal("1e13")  # stored with 18 digits; no single figure of a cluster is this large


class AmountColumn(Column):
    """Money, read into Decimal yuan. The unit comes from the header ("（亿元）") or the default.

    A cell that carries its own unit ("3000万元" in a 亿元 column) is read by its own unit and the
    conversion is noted, so the preview can show it.
    """

    type_name = "amount"
    type_label = gettext_lazy("amount (yuan, 万元 or 亿元)")

    def __init__(self, *args, unit: str = "元", allow_negative: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.allow_negative = allow_negative

    def default_unit(self):
        return self.unit

    def accepted(self):
        return _("amount in %(unit)s unless the header or the cell names another unit") % {
            "unit": self.unit
        }

    def parse(self, value, cell):
        unit = cell.unit or self.unit
        try:
            parsed = parse_amount(value, unit)
        except UnitError as error:
            raise CellError(str(error))
        if parsed is None:
            return None
        yuan = parsed.yuan.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if yuan < 0 and not self.allow_negative:
            raise CellError(_("a negative amount is not allowed"))
        if abs(yuan) >= MAX_YUAN:
            raise CellError(
                _("%(value)s is not a plausible amount (10 trillion yuan or more): check the unit")
                % {"value": cell_text(value)}
            )
        if parsed.converted:
            shown = (yuan / UNIT_FACTORS[unit]).normalize() if unit in UNIT_FACTORS else yuan
            cell.conversion = {
                "value": cell_text(value),
                "cell_unit": parsed.unit,
                "column_unit": unit,
                "result": f"{shown:f}{unit}",
                "yuan": str(yuan),
            }
        return yuan


class DateColumn(Column):
    type_name = "date"
    type_label = gettext_lazy("date (2021年10月19日, 2021.10.19, 2021-10-19)")

    def parse(self, value, cell):
        if isinstance(value, int | float) and not isinstance(value, bool):
            # A date the spreadsheet keeps as its serial number (cell formatted as "General").
            if 10_000 <= value <= 80_000:
                from openpyxl.utils.datetime import from_excel

                return from_excel(value).date()
        try:
            return parse_date(value)
        except UnitError as error:
            raise CellError(str(error))


class BooleanColumn(Column):
    type_name = "boolean"
    type_label = gettext_lazy("yes or no (是/否)")
    TRUE = {"1", "true", "yes", "y", "是", "有", "√", "✓", "对"}
    FALSE = {"0", "false", "no", "n", "否", "没有", "×", "✗", "不"}
    blank_markers = frozenset(BLANK_MARKERS - {"无"})

    def parse(self, value, cell):
        if isinstance(value, bool):
            return value
        text = normalise_header(cell_text(value)) or cell_text(value)
        if text in self.TRUE:
            return True
        if text in self.FALSE or text == "无":
            return False
        raise CellError(_("“%(value)s” is not yes or no (是/否)") % {"value": cell_text(value)})


class ChoiceColumn(Column):
    """One of a TextChoices' values, by its code, its English or Chinese label or a synonym.

    labels_zh: {value: ["整车企业", "整车", ...]}: the first is the Chinese label shown in
    templates and error messages; the rest are accepted synonyms.
    """

    type_name = "choice"
    type_label = gettext_lazy("one of the listed values")

    def __init__(self, *args, choices, labels_zh=None, synonyms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.labels_zh = labels_zh or {}
        self.synonyms = synonyms or {}
        self._map: dict[str, str] | None = None

    def options(self) -> list[tuple[str, str, str]]:
        """(value, Chinese label, English label) for every choice."""
        result = []
        for value, label in self.choices.choices:
            with translation.override("en"):
                english = str(label)
            zh = (self.labels_zh.get(value) or [None])[0]
            if zh is None:
                with translation.override("zh-hans"):
                    zh = str(label)
            result.append((value, zh, english))
        return result

    def lookup_map(self) -> dict[str, str]:
        if self._map is None:
            mapping: dict[str, str] = {}
            for value, zh, english in self.options():
                for text in (value, zh, english, *self.labels_zh.get(value, ())):
                    mapping.setdefault(normalise_header(text), value)
            for text, value in self.synonyms.items():
                mapping.setdefault(normalise_header(text), value)
            self._map = mapping
        return self._map

    def accepted(self):
        return "; ".join(f"{zh} / {en}" for _v, zh, en in self.options())

    def parse(self, value, cell):
        key = normalise_header(cell_text(value))
        found = self.lookup_map().get(key)
        if found is None:
            english = (translation.get_language() or "").startswith("en")
            listed = (", " if english else "、").join(
                en if english else zh for _v, zh, en in self.options()
            )
            raise CellError(
                _("“%(value)s” is not one of: %(options)s")
                % {"value": cell_text(value), "options": listed}
            )
        return found


class ReferenceColumn(TextColumn):
    """Another record named by its natural key (a code, an id, a name).

    `lookup` names a Lookup class; the engine creates one per import and resolves the keys of a
    whole batch of rows at once, so a 50,000-row file does not make 50,000 queries.
    """

    type_name = "reference"

    def __init__(self, *args, lookup, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = lookup

    def accepted(self):
        return str(getattr(self.lookup, "accepted", "") or _("the code or exact name of a record"))


class Lookup:
    """Resolves the keys of a ReferenceColumn. Subclasses fill `prefetch` and `resolve`."""

    accepted = ""

    def __init__(self, ctx):
        self.ctx = ctx

    def prefetch(self, keys: set[str]) -> None:
        """Load the records for these keys in as few queries as possible."""

    def resolve(self, key: str, row) -> tuple[Any, str]:
        """The record for `key` and a warning ("" if none); raise CellError if there is none."""
        raise NotImplementedError

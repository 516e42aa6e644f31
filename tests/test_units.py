"""Amounts and dates as bureaus write them."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterhub.core.units import UnitError, format_amount, parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "column_unit", "yuan", "unit", "converted"),
    [
        ("3000万元", "亿元", Decimal("30000000"), "万元", True),
        ("2.1亿", "万元", Decimal("210000000"), "亿元", True),
        ("21 亿元", "亿元", Decimal("2100000000"), "亿元", False),
        ("1,234.5", "万元", Decimal("12345000"), "万元", False),
        ("￥500万", "元", Decimal("5000000"), "万元", True),
        ("３０００万元", "亿元", Decimal("30000000"), "万元", True),  # full-width digits
        ("-5", "元", Decimal("-5"), "元", False),
        ("21 billion", "元", Decimal("21000000000"), "十亿元", True),
    ],
)
def test_parse_amount(text, column_unit, yuan, unit, converted):
    parsed = parse_amount(text, column_unit)
    assert parsed.yuan == yuan
    assert parsed.unit == unit
    assert parsed.converted is converted


def test_numbers_from_spreadsheets_take_the_column_unit():
    assert parse_amount(3.5, "亿元").yuan == Decimal("350000000.0")
    assert parse_amount(None, "亿元") is None
    assert parse_amount("  ", "亿元") is None


@pytest.mark.parametrize("text", ["abc", "12公斤", "1.2.3万", "万元"])
def test_parse_amount_rejects_with_reason(text):
    with pytest.raises(UnitError) as error:
        parse_amount(text, "元")
    assert str(error.value)


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_amount_round_trip_in_wan(value):
    assert parse_amount(f"{value}万元", "元").yuan == value * 10_000


def test_format_amount():
    assert format_amount(Decimal("21000000000"), "亿元") == "210.00亿元"
    assert format_amount(Decimal("30000000"), "万元", 0) == "3,000万元"
    assert format_amount(None) == "—"


@pytest.mark.parametrize(
    "text",
    ["2021年10月19日", "2021.10.19", "2021/10/19", "2021-10-19", "20211019", "2021-10-19 09:30"],
)
def test_parse_date_forms(text):
    assert parse_date(text) == datetime.date(2021, 10, 19)


def test_parse_date_month_only_and_objects():
    assert parse_date("2021年10月") == datetime.date(2021, 10, 1)
    assert parse_date(datetime.datetime(2021, 10, 19, 8, 0)) == datetime.date(2021, 10, 19)
    assert parse_date("") is None


@pytest.mark.parametrize("text", ["2021年13月1日", "2021-02-30", "next week"])
def test_parse_date_rejects(text):
    with pytest.raises(UnitError):
        parse_date(text)


def test_money_reads_in_the_page_language():
    from django.utils import translation

    from clusterhub.core.units import format_money, format_percent

    with translation.override("zh-hans"):
        assert format_money(Decimal("21000000000")) == "210.00亿元"
        assert format_money(Decimal("30000000"), "万元") == "3,000.0万元"
    with translation.override("en"):
        assert format_money(Decimal("21000000000")) == "CNY 21.00 bn"
        assert format_money(Decimal("30000000")) == "CNY 30.00 m"
        assert format_money(None) == "—"
    assert format_percent(0.91) == "91.0%" and format_percent(None) == "—"
    from clusterhub.core.units import join_names

    with translation.override("zh-hans"):
        assert join_names(["长春市", "吉林市"]) == "长春市、吉林市"
    with translation.override("en"):
        assert join_names(["Changchun", "Jilin"]) == "Changchun, Jilin"


def test_quantities_read_in_the_page_language_and_units_compare_across_languages():
    from django.utils import translation

    from clusterhub.core.units import canonical_unit, format_quantity

    with translation.override("zh-hans"):
        assert format_quantity(80000, "sets") == "80,000 套"
        assert format_quantity(Decimal("150000.00"), "vehicles") == "150,000 辆"
        assert format_quantity(Decimal("45"), "GWh (planned)") == "45 GWh (planned)"
    with translation.override("en"):
        assert format_quantity(80000, "套") == "80,000 sets"
        assert format_quantity(Decimal("2.5"), "") == "2.50"
        assert format_quantity(None, "sets") == "—"
    assert canonical_unit("套") == canonical_unit(" Sets ") == canonical_unit("ｓｅｔ") == "sets"
    assert canonical_unit("GWh") == "gwh"

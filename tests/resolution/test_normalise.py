"""Normalisation: every variant of a company yields keys that meet."""

import pytest

from clusterhub.resolution.normalise import (
    canonical_row,
    normalise_address,
    normalise_credit_code,
    normalise_name,
    normalise_phone,
    normalise_record,
    normalise_stock_code,
    normalise_website,
)

from .conftest import FAWER_CODE


@pytest.mark.parametrize(
    "raw, norm, core",
    [
        ("富奥汽车零部件股份有限公司", "富奥汽车零部件", "富奥"),
        ("富奥股份", "富奥", "富奥"),
        ("長春富奧汽車零部件股份有限公司", "富奥汽车零部件", "富奥"),
        ("吉林省长春市富奥汽车零部件有限公司", "富奥汽车零部件", "富奥"),
        ("富奥汽车零部件（长春）有限责任公司", "富奥汽车零部件", "富奥"),
        ("富奥汽车零部件(长春)有限公司", "富奥汽车零部件", "富奥"),
        ("一汽解放汽车有限公司长春分公司", "一汽解放汽车", "一汽解放"),
        ("长春富维集团汽车零部件股份有限公司", "富维集团汽车零部件", "富维"),
    ],
)
def test_chinese_names(raw, norm, core):
    result = normalise_name(raw)
    assert (result["name_norm"], result["name_core"]) == (norm, core)


def test_place_in_name_gives_city():
    assert normalise_name("长春华翔汽车塑料有限公司")["city"] == "长春"
    assert normalise_name("富奥汽车零部件（长春）有限公司")["city"] == "长春"
    assert normalise_name("公主岭市天海电子有限公司")["city"] == "长春"


@pytest.mark.parametrize(
    "raw, core",
    [
        ("FAWER", "fawer"),
        ("Fawer Automotive Parts Co., Ltd.", "fawer"),
        ("ＦＡＷＥＲ", "fawer"),  # full-width
        ("Continental Automotive Changchun", "continental"),
        ("Fuao Qiche Lingbujian Gufen Youxian Gongsi", "fuao"),  # a name in pinyin
    ],
)
def test_latin_names(raw, core):
    assert normalise_name(raw)["name_core"] == core


def test_transliterated_english_meets_chinese():
    english = normalise_name("Changchun Huaxiang Automotive Plastic Co., Ltd.")
    chinese = normalise_name("长春华翔汽车塑料有限公司")
    assert english["name_py"] == chinese["name_py"] == "huaxiang"
    assert english["trade"] == chinese["trade"] == "塑料"
    assert english["city"] == chinese["city"] == "长春"


def test_the_five_variants_of_fawer_share_keys_with_the_registry_record():
    registry = normalise_record(
        {
            "name": "富奥汽车零部件股份有限公司",
            "name_en": "Fawer Automotive Parts Co., Ltd.",
            "short_name": "富奥股份",
            "aliases": ["FAWER"],
            "stock_code": "000030",
        }
    )
    for name in [
        "富奥汽车零部件股份有限公司",
        "富奥股份",
        "FAWER",
        "Fawer Automotive Parts Co., Ltd.",
    ]:
        keys = set(normalise_record({"name": name})["name_keys"])
        assert keys & set(registry["name_keys"]), name
    stock_only = normalise_record({"name": "000030"})
    assert stock_only["stock_code"] == registry["stock_code"] == "000030"
    assert stock_only["name_keys"] is None


def test_codes_phones_websites_addresses():
    assert normalise_stock_code("000030.SZ") == normalise_stock_code("SZ000030") == "000030"
    assert normalise_stock_code("富奥") == ""
    assert normalise_credit_code(FAWER_CODE.lower()) == (FAWER_CODE, "")
    broken = FAWER_CODE[:17] + ("0" if FAWER_CODE[17] != "0" else "1")
    assert normalise_credit_code(broken) == ("", broken)  # kept, unverified, never a key
    assert normalise_phone("+86 431-8123 4567") == normalise_phone("0431-81234567") == "81234567"
    assert normalise_website("https://www.fawer.com.cn/about") == "fawer.com.cn"
    assert normalise_address("吉林省长春市绿园区西新工业园 88号") == (
        "绿园区西新工业园88号",
        "长春",
    )


def test_header_synonyms():
    row = canonical_row({"企业名称": "富奥股份", "统一社会信用代码": FAWER_CODE, "联系电话": "1"})
    assert row == {"name": "富奥股份", "credit_code": FAWER_CODE, "phone": "1"}


def test_invalid_code_is_never_a_key():
    broken = FAWER_CODE[:17] + ("0" if FAWER_CODE[17] != "0" else "1")
    record = normalise_record({"name": "富奥股份", "credit_code": broken})
    assert record["credit_code"] is None
    assert record["credit_code_unverified"] == broken

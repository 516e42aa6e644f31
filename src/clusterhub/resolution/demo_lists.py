"""Two overlapping lists of the demo's real companies, as a city bureau and the OEM would send
them: the city's list has registered Chinese names (some in traditional characters or with the
province in front), the OEM's supplier list has English names, short names and stock codes. Both
name the same companies as the registry (fixtures/demo/real_enterprises.toml) and each other, plus
two companies the registry does not know yet, and (city list) two neighbours a person must tell
apart. Used by the tests and `clusterhub resolve`:

    clusterhub resolve demo-city.csv --json
"""

from __future__ import annotations

import csv
import io

from .normalise import to_simplified

# Companies the registry does not have: each appears once per list, under different names.
NEW_COMPANIES = [
    {
        "city": ("长春旭阳汽车座椅有限公司", "长春", "吉林省长春市绿园区西新工业园18号"),
        "oem": ("Changchun Xuyang Automotive Seating Co., Ltd.", ""),
    },
    {
        "city": ("吉林省通化金辰铸造有限公司", "通化", "吉林省通化市东昌区创业大街9号"),
        "oem": ("Tonghua Jinchen Casting", ""),
    },
]
# Two different companies in one building, with one switchboard: the city list has both. Their
# names differ by one character (not one sound: 泽 ze, 洋 yang), so resolution cannot tell and asks
# a person (the review queue). Names no demo company has.
NEIGHBOURS = [
    ("长春鑫泽机械有限公司", "长春", "长春市绿园区西新工业园18号", "0431-85551234"),
    ("长春鑫洋机械有限公司", "长春", "长春市绿园区西新工业园18号", "0431-85551234"),
]
# The real companies the city list names in traditional characters, or with the province first.
TRADITIONAL = {"huaxiang", "linquan"}
WITH_PROVINCE = {"fawer", "tianhai"}
# How the OEM's list names its suppliers: English name, short name or stock code.
OEM_NAMING = {
    "fawer": "stock",
    "faway": "english",
    "qiming": "stock",
    "hella_faway": "english",
    "faway_adient": "english",
    "continental": "english",
    "huaxiang": "short",
    "findreams": "short",
    "linglong": "english",
    "fuyao": "english",
    "tianhai": "short",
    "shibao": "short",
    "linquan": "english",
    "kaida": "short",
}


def _traditional(text: str) -> str:
    # The few characters these names need; simplified again by normalisation.
    table = str.maketrans("长华汽车零部件林泉", "長華汽車零部件林泉")
    converted = text.translate(table)
    assert to_simplified(converted) == text
    return converted


def city_list(entries: list[dict]) -> list[dict]:
    """长春市/吉林省 bureau list: registered names, city, no codes."""
    rows = []
    for entry in entries:
        if entry.get("region", "").startswith("2201") is False and entry["key"] != "shibao":
            continue
        if entry["kind"] in ("oem", "group"):
            continue
        name = entry["name"]
        if entry["key"] in TRADITIONAL:
            name = _traditional(name)
        if entry["key"] in WITH_PROVINCE and not name.startswith("吉林"):
            name = "吉林省" + name
        city = "四平" if entry["key"] == "shibao" else "长春"
        rows.append({"企业名称": name, "城市": city, "地址": "", "联系电话": ""})
    for company in NEW_COMPANIES:
        name, city, address = company["city"]
        rows.append({"企业名称": name, "城市": city, "地址": address, "联系电话": ""})
    for name, city, address, phone in NEIGHBOURS:
        rows.append({"企业名称": name, "城市": city, "地址": address, "联系电话": phone})
    return rows


def oem_list(entries: list[dict]) -> list[dict]:
    """The OEM's supplier list: English names, short names, stock codes."""
    rows = []
    for entry in entries:
        naming = OEM_NAMING.get(entry["key"])
        if naming is None:
            continue
        if naming == "stock":
            rows.append({"供应商名称": entry["stock_code"], "股票代码": entry["stock_code"]})
        elif naming == "english":
            rows.append({"供应商名称": entry["name_en"], "股票代码": entry.get("stock_code", "")})
        else:
            rows.append({"供应商名称": entry["short_name"], "股票代码": ""})
    for company in NEW_COMPANIES:
        name, stock = company["oem"]
        rows.append({"供应商名称": name, "股票代码": stock})
    return rows


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()

import pytest

from clusterhub.demo.real import real_entries
from clusterhub.enterprises.models import Enterprise, EnterpriseAlias
from clusterhub.enterprises.validators import uscc_check_character
from tests.factories import EnterpriseFactory, SiteFactory


def valid_code(body17: str) -> str:
    return body17 + uscc_check_character(body17)


FAWER_CODE = valid_code("91220101123456789")
OTHER_CODE = valid_code("91220101987654321")


@pytest.fixture
def fawer(jilin):
    """The registry's FAWER: full name, English name, short name, stock code, an alias."""
    enterprise = EnterpriseFactory(
        name="富奥汽车零部件股份有限公司",
        name_en="Fawer Automotive Parts Co., Ltd.",
        short_name="富奥股份",
        stock_code="000030",
        credit_code=None,
        home_region=jilin["changchun"],
    )
    EnterpriseAlias.objects.create(enterprise=enterprise, name="FAWER", kind="english")
    SiteFactory(enterprise=enterprise, address="吉林省长春市汽车产业开发区东风大街777号")
    return enterprise


@pytest.fixture
def faway(jilin):
    return EnterpriseFactory(
        name="长春富维集团汽车零部件股份有限公司",
        name_en="Changchun FAWAY Automobile Components Co., Ltd.",
        short_name="富维股份",
        stock_code="600742",
        credit_code=None,
        home_region=jilin["changchun"],
    )


@pytest.fixture
def registry(jilin):
    """The demo's real companies, as load_demo writes them (names, aliases, stock codes)."""
    regions = {"220100": jilin["changchun"], "220184": jilin["changchun"]}
    regions["220300"] = jilin["siping"]
    made = {}
    for entry in real_entries():
        enterprise = Enterprise.objects.create(
            name=entry["name"],
            name_en=entry.get("name_en", ""),
            short_name=entry.get("short_name", ""),
            stock_code=entry.get("stock_code", ""),
            kind=entry["kind"],
            home_region=regions.get(entry.get("region", "")),
        )
        for name, kind in entry.get("aliases", []):
            EnterpriseAlias.objects.create(enterprise=enterprise, name=name, kind=kind)
        made[entry["key"]] = enterprise
    return made

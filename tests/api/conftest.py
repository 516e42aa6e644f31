import pytest
from django.test import Client

from clusterhub.accounts.models import ApiToken
from clusterhub.core.choices import Confidentiality
from clusterhub.geo.models import RetiredRegionCode

from ..factories import (
    ChainNodeFactory,
    EnterpriseFactory,
    RegionFactory,
    SiteFactory,
    SupplyLinkFactory,
)

CITIES = ("changchun", "siping")


def token_client(user, **token_kwargs) -> Client:
    """A test client that calls the API with a fresh token of `user` (and no session)."""
    _token, raw = ApiToken.issue(user=user, name="tests", **token_kwargs)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def as_user(people):
    """as_user("siping_officer") -> a token client for that person of the `people` fixture."""
    return lambda who: token_client(people[who])


@pytest.fixture
def gongzhuling(jilin):
    """公主岭: today 220184 under Changchun; its old code 220381 (under Siping) is retired."""
    region = RegionFactory(
        code="220184",
        name="公主岭市",
        name_en="Gongzhuling",
        level="county",
        parent=jilin["changchun"],
    )
    RetiredRegionCode.objects.create(code="220381", name="公主岭市", region=region)
    return region


@pytest.fixture
def records(jilin):
    """One enterprise per confidentiality level in Changchun and Siping, each with a plant, and a
    supply link of the same level from it to a public OEM."""
    node = ChainNodeFactory(code="P-BODY", name="车身", name_en="Body")
    oem = EnterpriseFactory(name="整车厂", kind="oem", home_region=jilin["changchun"])
    result = {}
    for level in Confidentiality.values:
        for city in CITIES:
            enterprise = EnterpriseFactory(
                name=f"{city}-{level}", home_region=jilin[city], confidentiality=level
            )
            site = SiteFactory(enterprise=enterprise, name=f"{city}-{level}-plant")
            link = SupplyLinkFactory(
                supplier=enterprise, customer=oem, chain_node=node, confidentiality=level
            )
            result[(level, city)] = {"enterprise": enterprise, "site": site, "link": link}
    result["oem"] = oem
    result["node"] = node
    return result

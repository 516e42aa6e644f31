"""Conference registrations go through entity resolution (issue 7): a company registered under
another name is linked to its registry record, and that name is remembered as an alias."""

import pytest

from clusterhub.enterprises.models import Enterprise, EnterpriseAlias
from clusterhub.events import services
from clusterhub.events.choices import MatchStatus
from clusterhub.resolution.models import FieldProvenance, ReviewItem

from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fawer(jilin):
    return EnterpriseFactory(
        name="富奥汽车零部件股份有限公司",
        name_en="Fawer Automotive Parts Co., Ltd.",
        short_name="富奥股份",
        credit_code=None,
        home_region=jilin["changchun"],
    )


def test_another_name_of_a_registry_company_is_resolved_and_remembered(event, fawer):
    before = Enterprise.objects.count()
    r = services.register(
        event=event, name="A", organisation_name="吉林省富奥汽车零部件有限公司", role="supplier"
    )
    assert (r.enterprise, r.match_status) == (fawer, MatchStatus.RESOLVED)
    assert EnterpriseAlias.objects.filter(
        enterprise=fawer, name="吉林省富奥汽车零部件有限公司"
    ).exists()
    assert FieldProvenance.objects.filter(
        enterprise=fawer, value="吉林省富奥汽车零部件有限公司"
    ).exists()
    # The next registration under that name is an exact match.
    again = services.register(
        event=event, name="B", organisation_name="吉林省富奥汽车零部件有限公司", role="buyer"
    )
    assert (again.enterprise, again.match_status) == (fawer, MatchStatus.EXACT_NAME)
    assert Enterprise.objects.count() == before


def test_unknown_organisations_and_officials_add_nothing_to_the_registry(event, fawer):
    before = Enterprise.objects.count()
    r = services.register(
        event=event, name="C", organisation_name="长春旭阳汽车座椅有限公司", role="supplier"
    )
    assert r.enterprise is None and r.match_status == MatchStatus.UNMATCHED
    # Government and media are not looked up beyond exact keys.
    r = services.register(
        event=event, name="D", organisation_name="吉林省富奥汽车零部件有限公司", role="media"
    )
    assert r.enterprise is None and r.match_status == MatchStatus.UNMATCHED
    assert Enterprise.objects.count() == before
    assert not ReviewItem.objects.exists()
    assert not EnterpriseAlias.objects.filter(enterprise=fawer).exists()


def test_synthetic_registrations_are_not_resolved(event, fawer):
    r = services.register(
        event=event,
        name="E",
        organisation_name="吉林省富奥汽车零部件有限公司",
        role="supplier",
        is_synthetic=True,
    )
    assert r.enterprise is None and r.match_status == MatchStatus.UNMATCHED

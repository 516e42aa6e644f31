import datetime
from decimal import Decimal

import pytest

from clusterhub.core.choices import Confidentiality
from clusterhub.projects.choices import OriginKind, Stage
from clusterhub.projects.services import create_project, move_project_stage

from ..factories import ChainNodeFactory, EnterpriseFactory


@pytest.fixture
def investor(jilin):
    return EnterpriseFactory(
        name="富奥汽车零部件股份有限公司", short_name="富奥股份", home_region=jilin["changchun"]
    )


@pytest.fixture
def make_project(people, jilin, investor):
    """A project of a city (Changchun by default), created by the system and moved to `stage`."""

    def make(
        *,
        city="changchun",
        stage=Stage.LEAD,
        confidentiality=Confidentiality.INTERNAL,
        name="测试项目",
        amount=Decimal("100000000"),
        on=datetime.date(2024, 3, 1),
        **kwargs,
    ):
        project = create_project(
            user=None,
            name=name,
            investor=kwargs.pop("investor", investor),
            origin_kind=kwargs.pop("origin_kind", OriginKind.VISIT),
            signing_region=jilin[city],
            confidentiality=confidentiality,
            lead_on=kwargs.pop("lead_on", datetime.date(2024, 1, 10)),
            **kwargs,
        )
        if stage in (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.OPERATING):
            project = move_project_stage(
                user=None,
                project=project,
                stage=stage,
                on=on,
                contract_amount=amount,
                landing_region=jilin[city],
                site_address="测试路1号",
            )
        elif stage in (Stage.STALLED, Stage.DROPPED):
            project = move_project_stage(user=None, project=project, stage=stage, reason="测试")
        return project

    return make


@pytest.fixture
def node():
    return ChainNodeFactory(code="P-BAT", name="动力电池", name_en="Traction battery")

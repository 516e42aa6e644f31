"""The stage rules and the checks of the project services: each refusal writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clusterhub.core.changelog import history_for
from clusterhub.core.choices import Confidentiality
from clusterhub.projects.choices import OriginKind, Stage
from clusterhub.projects.models import FundsArrival, Project, StageEvent
from clusterhub.projects.services import (
    ProjectPermissionError,
    alerts_for_owner,
    create_project,
    find_investor,
    legal_moves,
    move_project_stage,
    record_funds,
    update_project,
)

pytestmark = pytest.mark.django_db


def test_officer_runs_a_project_from_lead_to_operating(people, jilin, investor):
    officer = people["changchun_officer"]
    project = create_project(
        user=officer,
        name="一汽配套电池项目",
        investor=investor,
        origin_kind=OriginKind.VISIT,
        lead_on=datetime.date(2024, 1, 5),
    )
    # With no area given, an officer's project belongs to the officer's city, confidential.
    assert project.city == jilin["changchun"]
    assert project.confidentiality == Confidentiality.CONFIDENTIAL
    assert project.owner == officer
    assert officer in project.named_people.all()
    move_project_stage(user=officer, project=project, stage=Stage.NEGOTIATING)
    move_project_stage(
        user=officer,
        project=project,
        stage=Stage.SIGNED,
        contract_amount="3000万元",
        on=datetime.date(2024, 5, 1),
    )
    move_project_stage(
        user=officer,
        project=project,
        stage=Stage.STARTED,
        landing_region=jilin["chaoyang"],
        site_address="长春市朝阳区某路",
        on=datetime.date(2024, 6, 1),
    )
    project = move_project_stage(
        user=officer, project=project, stage=Stage.OPERATING, on=datetime.date(2024, 12, 1)
    )
    assert project.stage == Stage.OPERATING
    assert project.contract_amount == Decimal("30000000.00")
    assert project.signed_on == datetime.date(2024, 5, 1)
    events = list(project.stage_events.values_list("from_stage", "to_stage", "user_name"))
    assert events == [
        ("", "lead", "changchun_officer"),
        ("lead", "negotiating", "changchun_officer"),
        ("negotiating", "signed", "changchun_officer"),
        ("signed", "started", "changchun_officer"),
        ("started", "operating", "changchun_officer"),
    ]
    assert history_for(project).count() >= 5


def test_operating_cannot_go_back_to_lead(make_project):
    project = make_project(stage=Stage.OPERATING)
    assert legal_moves(project) == []
    with pytest.raises(ValidationError) as error:
        move_project_stage(user=None, project=project, stage=Stage.LEAD)
    assert "cannot move from" in str(error.value)
    assert Project.objects.get(pk=project.pk).stage == Stage.OPERATING


def test_signing_needs_an_amount_and_writes_nothing(make_project):
    project = make_project(stage=Stage.NEGOTIATING, amount=None)
    before = StageEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        move_project_stage(user=None, project=project, stage=Stage.SIGNED)
    assert "contract amount" in str(error.value.message_dict["contract_amount"])
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING and project.signed_on is None
    assert StageEvent.objects.count() == before


def test_negative_amount_is_refused(make_project):
    project = make_project(stage=Stage.NEGOTIATING)
    with pytest.raises(ValidationError) as error:
        move_project_stage(user=None, project=project, stage=Stage.SIGNED, contract_amount="-5亿元")
    assert "negative" in str(error.value)
    with pytest.raises(ValidationError):
        update_project(user=None, project=project, planned_investment=Decimal("-1"))
    project.refresh_from_db()
    assert project.planned_investment is None and project.stage == Stage.NEGOTIATING


def test_future_signing_date_is_refused(make_project):
    project = make_project(stage=Stage.NEGOTIATING, amount=None)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        move_project_stage(
            user=None, project=project, stage=Stage.SIGNED, contract_amount="1亿", on=tomorrow
        )
    assert "future" in str(error.value)
    project.refresh_from_db()
    assert project.contract_amount is None


def test_started_needs_a_site(make_project, jilin):
    project = make_project(stage=Stage.NEGOTIATING)
    project.site_address = ""
    project.save()
    with pytest.raises(ValidationError) as error:
        move_project_stage(user=None, project=project, stage=Stage.STARTED, contract_amount="2亿元")
    assert "site" in str(error.value)
    # Jumping stages checks each stage passed; with a site it goes through and logs each step.
    move_project_stage(
        user=None,
        project=project,
        stage=Stage.STARTED,
        contract_amount="2亿元",
        landing_region=jilin["changchun"],
        site_address="长春汽开区",
        on=datetime.date(2024, 4, 1),
    )
    assert list(project.stage_events.values_list("to_stage", flat=True))[-2:] == [
        "signed",
        "started",
    ]


def test_city_officer_cannot_move_another_citys_project(make_project, people):
    project = make_project(city="siping", stage=Stage.NEGOTIATING)
    with pytest.raises(ProjectPermissionError) as error:
        move_project_stage(
            user=people["changchun_officer"],
            project=project,
            stage=Stage.SIGNED,
            contract_amount="1亿元",
        )
    assert "四平" in str(error.value) or "Siping" in str(error.value)
    project.refresh_from_db()
    assert project.stage == Stage.NEGOTIATING
    # A viewer of the right city may not change it either.
    cc = make_project(city="changchun", stage=Stage.LEAD)
    with pytest.raises(ProjectPermissionError):
        move_project_stage(user=people["changchun_viewer"], project=cc, stage=Stage.NEGOTIATING)


def test_stall_needs_a_reason_and_resumes_where_it_stalled(make_project):
    project = make_project(stage=Stage.SIGNED)
    with pytest.raises(ValidationError):
        move_project_stage(user=None, project=project, stage=Stage.STALLED)
    move_project_stage(user=None, project=project, stage=Stage.STALLED, reason="土地指标未落实")
    project.refresh_from_db()
    assert project.stalled_from == Stage.SIGNED
    assert Stage.NEGOTIATING not in legal_moves(project)
    assert Stage.SIGNED in legal_moves(project)
    move_project_stage(user=None, project=project, stage=Stage.SIGNED)
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED and project.stalled_from == ""


def test_unknown_investor_is_refused_with_candidates(jilin, investor):
    with pytest.raises(ValidationError) as error:
        create_project(user=None, name="x", investor=None, origin_kind=OriginKind.OTHER)
    assert "registry" in str(error.value)
    match = find_investor(name="富奥股份")
    assert match.enterprise == investor
    fuzzy = find_investor(name="富奥")
    assert fuzzy.enterprise is None and investor in fuzzy.candidates


def test_funds_arrivals_add_up(make_project):
    project = make_project(stage=Stage.SIGNED)
    record_funds(user=None, project=project, amount="2000万元", on=datetime.date(2024, 4, 1))
    record_funds(user=None, project=project, amount="1000万元", on=datetime.date(2024, 5, 1))
    project.refresh_from_db()
    assert project.funds_arrived == Decimal("30000000.00")
    update_project(
        user=None, project=project, funds_arrived="0.5亿元", funds_on=datetime.date(2024, 6, 1)
    )
    assert FundsArrival.objects.filter(project=project).order_by("on").last().amount == Decimal(
        "20000000.00"
    )


def test_owner_sees_alerts_for_stale_projects(make_project, people):
    officer = people["changchun_officer"]
    project = make_project(stage=Stage.NEGOTIATING, owner=officer)
    Project.objects.filter(pk=project.pk).update(
        stage_changed_at=timezone.now() - datetime.timedelta(days=200)
    )
    alerts = alerts_for_owner(user=officer)
    assert [a.kind for a in alerts] == ["stale"]
    assert "200" in alerts[0].message
    assert alerts_for_owner(user=people["siping_officer"]) == []

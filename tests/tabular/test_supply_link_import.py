"""Importing supply links: enterprises by code, id, name or alias; rights follow the supplier."""

from decimal import Decimal

import pytest

from clusterhub.chain.models import SupplyLink
from clusterhub.enterprises.models import EnterpriseAlias
from clusterhub.tabular.models import ImportStatus
from clusterhub.tabular.services import ImportRefused, commit_import, preview_import

from ..factories import EnterpriseFactory, SiteFactory
from .conftest import csv_bytes, upload, uscc

HEADER = ["供应商", "供应商厂区", "客户", "产业链环节", "年份", "年供货额（万元）", "数据来源"]


@pytest.fixture
def companies(registry):
    fawer = EnterpriseFactory(
        name="富奥汽车零部件股份有限公司",
        credit_code=uscc("91220000123450001"),
        home_region=registry["changchun"],
    )
    EnterpriseAlias.objects.create(enterprise=fawer, name="富奥股份", kind="short")
    SiteFactory(enterprise=fawer, name="富奥长春工厂", region=registry["changchun"])
    faw_vw = EnterpriseFactory(
        name="一汽-大众汽车有限公司", kind="oem", home_region=registry["changchun"]
    )
    siping_co = EnterpriseFactory(name="四平专用车有限公司", home_region=registry["siping"])
    return {"fawer": fawer, "faw_vw": faw_vw, "siping": siping_co}


def preview(user, rows):
    return preview_import(user=user, kind="supply-links", file=upload("links.csv", csv_bytes(rows)))


def test_links_by_code_alias_public_id_and_node_name(registry, companies, admin_user):
    fawer, faw_vw = companies["fawer"], companies["faw_vw"]
    rows = [
        HEADER,
        [fawer.credit_code, "富奥长春工厂", faw_vw.name, "座椅", "2023年", "3000", "年报"],
        ["富奥股份", "", faw_vw.public_id, "P-NEV-BAT", "2024", "1.2亿元", ""],
    ]
    job = preview(admin_user, rows)
    assert job.result["counts"]["create"] == 2, job.result["errors"]
    assert job.result["conversions"][0]["result"] == "12000万元"
    job = commit_import(user=admin_user, job=job)
    assert job.created_count == 2
    seat = SupplyLink.objects.get(year=2023)
    assert (seat.supplier, seat.customer, seat.chain_node.code) == (fawer, faw_vw, "P-INT-SEAT")
    assert seat.supplier_site.name == "富奥长春工厂"
    assert seat.annual_value == Decimal("30000000.00")
    assert SupplyLink.objects.get(year=2024).annual_value == Decimal("120000000.00")


def test_reimport_updates_the_same_link(registry, companies, admin_user):
    fawer, faw_vw = companies["fawer"], companies["faw_vw"]
    rows = [HEADER, [fawer.name, "", faw_vw.name, "座椅", "2023", "3000", ""]]
    commit_import(user=admin_user, job=preview(admin_user, rows))
    rows[1][5] = "3500"
    job = commit_import(user=admin_user, job=preview(admin_user, rows))
    assert (job.created_count, job.updated_count) == (0, 1)
    assert SupplyLink.objects.get().annual_value == Decimal("35000000.00")


def test_bad_links_are_rejected_with_reasons(registry, companies, admin_user):
    fawer, faw_vw = companies["fawer"], companies["faw_vw"]
    rows = [
        HEADER,
        [fawer.name, "", fawer.name, "座椅", "2023", "10", ""],
        [fawer.name, "", faw_vw.name, "座椅", "2023", "-10", ""],
        [fawer.name, "", faw_vw.name, "飞行器", "2023", "10", ""],
        [fawer.name, "不存在的厂", faw_vw.name, "座椅", "2024", "10", ""],
        ["查无此公司", "", faw_vw.name, "座椅", "2023", "10", ""],
        [fawer.name, "", faw_vw.name, "座椅", "1800", "10", ""],
    ]
    job = preview(admin_user, rows)
    reasons = {(e["row"], e["column"]): e["reason"] for e in job.result["errors"]}
    assert reasons == {
        (2, "客户"): "a supplier cannot be its own customer",
        (3, "年供货额（万元）"): "a negative amount is not allowed",
        (4, "产业链环节"): "unknown chain node “飞行器”",
        (5, "供应商厂区"): f"“不存在的厂” is not a site of {fawer.name}",
        (
            6,
            "供应商",
        ): "unknown enterprise “查无此公司”: give its credit code, public id or exact registered name",
        (7, "年份"): "1800 is below the smallest allowed value 1990",
    }
    with pytest.raises(ImportRefused):
        commit_import(user=admin_user, job=job)
    assert not SupplyLink.objects.exists()


def test_duplicate_link_in_the_file_even_under_another_name(registry, companies, admin_user):
    fawer, faw_vw = companies["fawer"], companies["faw_vw"]
    rows = [
        HEADER,
        [fawer.name, "", faw_vw.name, "座椅", "2023", "10", ""],
        ["富奥股份", "", faw_vw.name, "P-INT-SEAT", "2023", "20", ""],
    ]
    job = preview(admin_user, rows)
    (error,) = job.result["errors"]
    assert error["row"] == 3
    assert error["reason"].startswith("duplicate of row 2")


def test_officer_adds_links_only_for_suppliers_in_their_region(registry, companies, people):
    fawer, faw_vw, siping_co = companies["fawer"], companies["faw_vw"], companies["siping"]
    rows = [
        HEADER,
        [fawer.name, "", faw_vw.name, "座椅", "2023", "10", ""],  # Changchun supplier
        [siping_co.name, "", faw_vw.name, "座椅", "2023", "10", ""],  # Siping supplier
    ]
    job = preview(people["siping_officer"], rows)
    (error,) = job.result["errors"]
    assert (error["row"], error["column"]) == (2, "供应商")
    assert error["reason"].startswith("outside your region")
    job = commit_import(user=people["siping_officer"], job=job, good_rows_only=True)
    assert job.status == ImportStatus.DONE
    assert list(SupplyLink.objects.values_list("supplier__name", flat=True)) == [siping_co.name]


def test_confidential_enterprise_of_another_region_is_unknown_not_revealed(
    registry, companies, people
):
    hidden = EnterpriseFactory(
        name="长春保密公司", confidentiality="confidential", home_region=registry["changchun"]
    )
    rows = [HEADER, [companies["siping"].name, "", hidden.name, "座椅", "2023", "10", ""]]
    job = preview(people["siping_officer"], rows)
    (error,) = job.result["errors"]
    assert error["reason"].startswith("unknown enterprise “长春保密公司”")

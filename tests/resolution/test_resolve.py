"""resolve_rows and commit_resolutions: exact keys, scores, bad input, remembered decisions."""

import pytest

from clusterhub.enterprises.models import Enterprise
from clusterhub.resolution.choices import ReviewStatus
from clusterhub.resolution.models import FieldProvenance, PairDecision, ReviewItem
from clusterhub.resolution.services import (
    commit_resolutions,
    reject_review,
    resolve_rows,
)

from .conftest import FAWER_CODE, OTHER_CODE

pytestmark = pytest.mark.django_db


def test_five_variants_resolve_to_the_registry_record(fawer, faway):
    rows = [
        {"name": "富奥汽车零部件股份有限公司", "city": "长春"},
        {"name": "富奥股份", "phone": "0431-85000000"},
        {"name": "FAWER"},
        {"name": "Fawer Automotive Parts Co., Ltd."},
        {"name": "000030"},
    ]
    resolutions = resolve_rows(rows=rows, source="test")
    assert [r.row for r in resolutions] == [1, 2, 3, 4, 5]
    assert {r.cluster for r in resolutions} == {fawer.public_id}
    assert {r.decision for r in resolutions} == {"auto"}
    assert all(r.enterprise == fawer for r in resolutions)


def test_variants_of_a_new_company_form_one_new_cluster(fawer):
    rows = [
        {"name": "长春华翔汽车塑料有限公司", "phone": "0431-81234567"},
        {"name": "Changchun Huaxiang Automotive Plastic Co., Ltd.", "phone": "0431-81234567"},
        {"name": "長春華翔汽車塑料有限公司"},
        {"name": "吉林世宝机械制造有限公司", "city": "四平"},
    ]
    resolutions = resolve_rows(rows=rows, source="test")
    assert [r.cluster for r in resolutions] == ["new-1", "new-1", "new-1", "new-4"]
    assert [r.decision for r in resolutions] == ["new", "auto", "auto", "new"]


def test_same_valid_credit_code_is_an_exact_key(jilin):
    rows = [
        {"name": "长春甲乙汽车电子有限公司", "credit_code": FAWER_CODE},
        {"name": "完全不同的名字", "credit_code": FAWER_CODE},
    ]
    resolutions = resolve_rows(rows=rows, source="test")
    assert resolutions[0].cluster == resolutions[1].cluster
    assert resolutions[1].decision == "auto"
    assert resolutions[1].score == 1.0


def test_two_valid_different_codes_are_never_merged_automatically(fawer):
    fawer.credit_code = FAWER_CODE
    fawer.save()
    rows = [{"name": "富奥汽车零部件股份有限公司", "city": "长春", "credit_code": OTHER_CODE}]
    [resolution] = resolve_rows(rows=rows, source="test")
    assert resolution.decision != "auto"
    assert resolution.cluster != fawer.public_id


def test_invalid_code_is_not_a_key(jilin):
    broken = FAWER_CODE[:17] + ("0" if FAWER_CODE[17] != "0" else "1")
    rows = [
        {"name": "长春甲乙汽车电子有限公司", "credit_code": broken},
        {"name": "四平丙丁铸造有限公司", "credit_code": broken},
    ]
    resolutions = resolve_rows(rows=rows, source="test")
    assert resolutions[0].cluster != resolutions[1].cluster
    assert "unverified" in resolutions[0].notes[0]


def test_a_list_where_every_credit_code_is_the_same(jilin):
    rows = [
        {"name": name, "credit_code": FAWER_CODE}
        for name in [
            "长春甲乙汽车电子有限公司",
            "四平丙丁铸造有限公司",
            "吉林戊己模具有限公司",
            "通化庚辛轴承有限公司",
        ]
    ]
    resolutions = resolve_rows(rows=rows, source="test")
    assert len({r.cluster for r in resolutions}) == 4
    assert all(r.notes for r in resolutions)


def test_two_companies_sharing_address_and_phone_are_not_merged(jilin):
    building = {"address": "吉林省长春市绿园区西新工业园88号", "phone": "0431-81234567"}
    rows = [
        {"name": "长春甲乙汽车电子有限公司", **building},
        {"name": "长春丙丁橡胶制品有限公司", **building},
    ]
    resolutions = resolve_rows(rows=rows, source="test")
    assert resolutions[0].cluster != resolutions[1].cluster
    assert {r.decision for r in resolutions} <= {"new", "review"}


def test_a_list_with_no_names(jilin):
    rows = [{"address": "吉林省长春市绿园区西新工业园88号"}, {"phone": "0431-81234567"}, {}]
    resolutions = resolve_rows(rows=rows, source="test")
    assert [r.decision for r in resolutions] == ["new", "new", "new"]
    assert len({r.cluster for r in resolutions}) == 3
    assert all("no name" in r.notes for r in resolutions)


def test_commit_creates_fills_and_records_provenance(fawer):
    rows = [
        {"name": "富奥股份", "credit_code": FAWER_CODE, "website": "www.fawer.com.cn"},
        {"name": "长春华翔汽车塑料有限公司", "city": "长春"},
        {"name": "Changchun Huaxiang Automotive Plastic Co., Ltd.", "city": "长春"},
    ]
    resolutions = resolve_rows(rows=rows, source="OEM list")
    result = commit_resolutions(rows=rows, resolutions=resolutions, source="OEM list")
    fawer.refresh_from_db()
    assert fawer.credit_code == FAWER_CODE
    assert fawer.website == "https://fawer.com.cn"
    [huaxiang] = result.created
    assert huaxiang.name == "长春华翔汽车塑料有限公司"
    assert huaxiang.home_region.name == "长春市"
    assert "Changchun Huaxiang Automotive Plastic Co., Ltd." in huaxiang.aliases.values_list(
        "name", flat=True
    )
    said = FieldProvenance.objects.get(enterprise=fawer, field="credit_code")
    assert (said.value, said.source) == (FAWER_CODE, "OEM list")


def test_decisions_stick_across_reimports(fawer, monkeypatch):
    # Make the pair fall in the review band whatever the model says.
    monkeypatch.setattr("clusterhub.resolution.services.thresholds", lambda: (1.01, 1e-9))
    rows = [{"name": "富奥汽车电子有限公司", "city": "长春"}]
    first = resolve_rows(rows=rows, source="city list")
    assert first[0].decision == "review"
    assert first[0].candidate == fawer
    commit_resolutions(rows=rows, resolutions=first, source="city list")
    item = ReviewItem.objects.get()
    assert item.candidate == fawer and item.status == ReviewStatus.PENDING
    reject_review(item=item, user=None)
    assert PairDecision.objects.filter(decision="reject").count() == 2

    # Re-import: the row now meets the record it created, and is not asked about FAWER again,
    # even with a review band that takes every candidate.
    monkeypatch.setattr("clusterhub.resolution.services.thresholds", lambda: (0.9, 0.001))
    again = resolve_rows(rows=rows, source="city list")
    assert again[0].decision == "auto"
    assert again[0].cluster == item.enterprise.public_id
    commit_resolutions(rows=rows, resolutions=again, source="city list")
    assert ReviewItem.objects.count() == 1
    assert Enterprise.objects.count() == 2

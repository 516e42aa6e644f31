"""Resolution scores a list against the registry records that share a blocking value with it, not
against the whole registry (the cost of an import no longer grows with the registry): the
decisions are exactly those of scoring the whole registry, and an import decides the same with
batches of 2 rows as with batches of 1000."""

import pytest

from clusterhub.demo.real import real_entries
from clusterhub.enterprises.importers import EnterpriseImporter
from clusterhub.resolution import engine
from clusterhub.resolution.demo_lists import city_list, oem_list
from clusterhub.resolution.services import (
    RegistryRecords,
    commit_resolutions,
    registry_records,
    resolve_rows,
)
from clusterhub.tabular.services import preview_import
from tests.resolution.conftest import FAWER_CODE, OTHER_CODE
from tests.resolution.test_import import list_rows
from tests.tabular.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db


def outcome(resolutions):
    return [
        (
            r.row,
            r.cluster,
            r.decision,
            r.score,
            r.enterprise.public_id if r.enterprise else None,
            r.candidate_cluster,
            [str(n) for n in r.notes],
        )
        for r in resolutions
    ]


def tricky_rows():
    """Variants, English names, a shared address and phone, a code shared by different
    companies, a code failing its check character, two valid different codes."""
    return [
        {"name": "吉林省富奥汽车零部件股份有限公司"},
        {"name": "FAWER", "city": "长春"},
        {"name": "富奥股份", "credit_code": FAWER_CODE},
        {"name": "富奥汽车零部件有限公司", "credit_code": OTHER_CODE},
        {"name": "长春富维汽车零件公司"},
        {
            "name": "长春宏达机械有限公司",
            "address": "长春市绿园区西新工业园18号",
            "phone": "0431-8765432",
        },
        {
            "name": "长春宏远机械有限公司",
            "address": "长春市绿园区西新工业园18号",
            "phone": "0431-8765432",
        },
        {"name": "甲公司", "credit_code": "91220101MA0000000X"},
        {"name": "乙机械厂", "credit_code": "91220101MA0000000X"},
        {"name": "丙塑料制品有限公司", "credit_code": "91220101MA0000000X"},
        {"name": "长春旭阳汽车座椅有限公司", "website": "www.xuyang.com"},
        {"name": "Changchun Xuyang Automotive Seating Co., Ltd.", "website": "xuyang.com"},
        {"name": "000030"},
    ]


@pytest.mark.parametrize("max_frequency", [engine.BLOCK_KEY_MAX_FREQUENCY, 1, 3])
def test_restricted_scoring_decides_as_the_whole_registry(
    registry, fawer, faway, monkeypatch, max_frequency
):
    # A low cut makes the frequent-key rule bite: counted over the whole registry either way.
    monkeypatch.setattr(engine, "BLOCK_KEY_MAX_FREQUENCY", max_frequency)
    # A wide review band, so every scored pair counts.
    monkeypatch.setattr("clusterhub.resolution.services.thresholds", lambda: (0.9, 0.01))
    entries = real_entries()
    rows = tricky_rows() + city_list(entries) + oem_list(entries)
    full = resolve_rows(rows=rows, source="test", restrict=False)
    restricted = resolve_rows(rows=rows, source="test")
    assert outcome(restricted) == outcome(full)
    assert {r.decision for r in full} == {"auto", "review", "new"}


def test_restricted_scoring_keeps_remembered_decisions_and_later_records(fawer, monkeypatch):
    monkeypatch.setattr("clusterhub.resolution.services.thresholds", lambda: (1.01, 1e-9))
    rows = [{"name": "富奥汽车电子有限公司", "city": "长春"}]
    first = resolve_rows(rows=rows, source="city list")
    commit_resolutions(rows=rows, resolutions=first, source="city list")
    from clusterhub.resolution.models import ReviewItem
    from clusterhub.resolution.services import reject_review

    reject_review(item=ReviewItem.objects.get(), user=None)
    monkeypatch.setattr("clusterhub.resolution.services.thresholds", lambda: (0.9, 0.001))
    # One registry object for several calls, with a record appended in between (as an import
    # does): the index catches up with it.
    loaded = registry_records()
    assert isinstance(loaded, RegistryRecords)
    again = resolve_rows(rows=rows, source="city list", registry=loaded)
    assert outcome(again) == outcome(resolve_rows(rows=rows, restrict=False))
    assert again[0].decision == "auto"
    later = [{"name": "长春旭阳汽车座椅有限公司", "city": "长春"}]
    [new] = resolve_rows(rows=later, registry=loaded)
    assert new.decision == "new"
    loaded.append((fawer.__class__(name="长春旭阳汽车座椅有限公司"), new.normalised))
    [met] = resolve_rows(rows=[{"name": "旭阳汽车座椅", "city": "长春"}], registry=loaded)
    assert met.decision in {"auto", "review"}
    assert met.score > 0


def _decisions(user, rows):
    job = preview_import(user=user, kind="enterprises", file=upload("list.csv", csv_bytes(rows)))
    assert job.status == "validated", job.error
    # The score a "new" row shows is that of the best pair it has met so far (a later duplicate
    # in the same batch, or none yet): information, not a decision.
    return [
        (
            r["row"],
            r["decision"],
            r["score"] if r["decision"] != "new" else None,
            r["into"],
            r["candidate"],
            r["note"],
        )
        for r in job.result["resolution"]["rows"]
    ]


def test_an_import_decides_the_same_with_batches_of_2_and_of_1000(
    people, fawer, faway, monkeypatch
):
    officer = people["changchun_officer"]
    rows = [
        *list_rows(),
        ["长春旭阳汽车座椅股份有限公司", "一级", "220100", "", ""],  # = row 3, another batch
        ["富奥股份", "", "", "", ""],  # FAWER by key (short name)
        ["长春宏达机械有限公司", "二级", "220100", "总部", "长春市绿园区西新工业园18号"],
    ]
    monkeypatch.setattr(EnterpriseImporter, "batch_size", 1000)
    whole = _decisions(officer, rows)
    monkeypatch.setattr(EnterpriseImporter, "batch_size", 2)
    assert _decisions(officer, rows) == whole
    assert {d[1] for d in whole} >= {"auto", "new"}

"""Every enterprise list import goes through resolution: the preview says, per row, whether it is
merged into a registry record, queued for review or created; the commit does it inside the
import's all-or-nothing transaction; decisions stick across re-imports."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from clusterhub.enterprises.models import Enterprise, EnterpriseAlias
from clusterhub.resolution.choices import ReviewStatus
from clusterhub.resolution.models import FieldProvenance, ReviewItem
from clusterhub.resolution.services import accept_review
from clusterhub.tabular.services import ImportRefused, commit_import, preview_import
from tests.tabular.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db

HEADER = ["企业名称", "企业类型", "注册地", "厂区名称", "地址"]
SHARED_ADDRESS = "长春市绿园区西新工业园18号"


def list_rows():
    return [
        HEADER,
        ["吉林省富奥汽车零部件股份有限公司", "一级", "220100", "", ""],  # 2: FAWER, another name
        ["长春旭阳汽车座椅有限公司", "一级", "220100", "", ""],  # 3: new
        ["Changchun Xuyang Automotive Seating Co., Ltd.", "一级", "220100", "", ""],  # 4: = row 3
        ["长春宏达机械有限公司", "二级", "220100", "总部", SHARED_ADDRESS],  # 5: \ one address,
        ["长春宏远机械有限公司", "二级", "220100", "总部", SHARED_ADDRESS],  # 6: / two companies?
        ["长春富维汽车零件公司", "一级", "220100", "", ""],  # 7: FAWAY
    ]


def run_import(user, rows, name="长春市投资促进局名单.csv"):
    job = preview_import(user=user, kind="enterprises", file=upload(name, csv_bytes(rows)))
    preview = job.result
    job = commit_import(user=user, job=job)
    return preview, job


def decisions(result):
    return {r["row"]: r for r in result["resolution"]["rows"]}


def test_preview_shows_each_rows_decision_and_commit_applies_it(client, people, fawer, faway):
    officer = people["changchun_officer"]
    before = Enterprise.objects.count()
    job = preview_import(
        user=officer, kind="enterprises", file=upload("list.csv", csv_bytes(list_rows()))
    )
    # The preview writes nothing, and says what will happen to each row.
    assert Enterprise.objects.count() == before and not ReviewItem.objects.exists()
    rows = decisions(job.result)
    assert rows[2]["decision"] == "auto" and rows[2]["into"]["id"] == fawer.public_id
    assert rows[3]["decision"] == "new"
    assert rows[4]["decision"] == "auto" and rows[4]["into"]["row"] == 3
    assert {rows[5]["decision"], rows[6]["decision"]} == {"new", "review"} or (
        rows[5]["decision"] == rows[6]["decision"] == "review"
    )
    assert rows[7]["decision"] == "auto" and rows[7]["into"]["id"] == faway.public_id
    counts = job.result["resolution"]["counts"]
    assert counts["auto"] == 3 and counts["new"] + counts["review"] == 3
    client.force_login(officer)
    page = client.get(reverse("tabular:job", args=[job.pk])).content.decode()
    assert 'id="resolution-rows"' in page
    assert 'data-row="2" data-decision="auto"' in page
    assert f'href="/enterprises/{fawer.public_id}/"' in page

    job = commit_import(user=officer, job=job)
    assert job.status == "done", job.error
    # FAWER and FAWAY are not duplicated: their other names became aliases.
    assert Enterprise.objects.count() == before + 3
    assert EnterpriseAlias.objects.filter(
        enterprise=fawer, name="吉林省富奥汽车零部件股份有限公司"
    ).exists()
    fawer.refresh_from_db()
    assert fawer.name == "富奥汽车零部件股份有限公司"  # a merge never renames the record
    xuyang = Enterprise.objects.get(name="长春旭阳汽车座椅有限公司")
    assert xuyang.aliases.filter(name="Changchun Xuyang Automotive Seating Co., Ltd.").exists()
    # The two companies at one address: both kept, a person is asked.
    item = ReviewItem.objects.get()
    assert {item.enterprise.name, item.candidate.name} == {
        "长春宏达机械有限公司",
        "长春宏远机械有限公司",
    }
    assert item.status == ReviewStatus.PENDING and item.kind == "import"
    assert job.commit_result["resolution"]["queued"] == 1
    # Provenance: which list said what.
    said = FieldProvenance.objects.filter(enterprise=fawer, field="name")
    assert said.filter(value="吉林省富奥汽车零部件股份有限公司", source="list.csv").exists()


def test_reimport_asks_nothing_again_and_creates_no_duplicates(people, fawer, faway):
    officer = people["changchun_officer"]
    run_import(officer, list_rows())
    count, items = Enterprise.objects.count(), ReviewItem.objects.count()
    preview, job = run_import(officer, list_rows())
    assert job.status == "done", job.error
    assert (Enterprise.objects.count(), ReviewItem.objects.count()) == (count, items)
    assert all(r["decision"] in ("key", "auto") for r in preview["resolution"]["rows"])

    # The reviewer says the two are one company: merged; the next import of the list keeps
    # them as one (the absorbed name is an alias now) and does not ask again.
    accept_review(item=ReviewItem.objects.get(), user=officer)
    assert Enterprise.objects.count() == count - 1
    preview, job = run_import(officer, list_rows())
    assert job.status == "done", job.error
    assert Enterprise.objects.count() == count - 1
    assert ReviewItem.objects.count() == items
    assert not ReviewItem.objects.filter(status=ReviewStatus.PENDING).exists()


@pytest.mark.parametrize("confidential", [False, True])
def test_a_record_the_user_may_not_change_is_asked_about_not_merged(people, fawer, confidential):
    """A Siping officer's list names FAWER (Changchun): created in Siping and queued for an
    officer covering both, never merged into a record outside their scope; a record they may
    not see is not named to them."""
    if confidential:
        Enterprise.objects.filter(pk=fawer.pk).update(confidentiality="confidential")
    officer = people["siping_officer"]
    rows = [HEADER, ["富奥汽车零部件股份有限公司四平分公司", "一级", "220300", "", ""]]
    preview, job = run_import(officer, rows)
    assert job.status == "done", job.error
    row = decisions(preview)[2]
    assert row["decision"] == "review"
    if confidential:
        assert row["candidate"]["id"] == "" and "富奥" not in row["candidate"]["name"]
    else:
        assert row["candidate"]["id"] == fawer.public_id
    assert ReviewItem.objects.filter(candidate=fawer).count() == 1
    fawer.refresh_from_db()
    assert not fawer.aliases.filter(name__contains="四平").exists()
    assert Enterprise.objects.filter(name="富奥汽车零部件股份有限公司四平分公司").exists()


def test_rejected_rows_stop_everything_or_only_themselves(people, fawer):
    officer = people["changchun_officer"]
    rows = [*list_rows(), ["长春某某公司", "", "220100", "", ""]]  # no kind: rejected
    before = (Enterprise.objects.count(), EnterpriseAlias.objects.count())
    job = preview_import(user=officer, kind="enterprises", file=upload("l.csv", csv_bytes(rows)))
    assert job.result["counts"]["rejected"] == 1
    with pytest.raises(ImportRefused):
        commit_import(user=officer, job=job)
    assert (Enterprise.objects.count(), EnterpriseAlias.objects.count()) == before
    assert not ReviewItem.objects.exists() and not FieldProvenance.objects.exists()
    # The good rows only: resolved and written as without the bad row.
    job = commit_import(user=officer, job=job, good_rows_only=True)
    assert job.status == "done", job.error
    assert Enterprise.objects.count() == before[0] + 4  # rows 3, 5, 6, 7 (no FAWAY here)
    assert fawer.aliases.filter(name="吉林省富奥汽车零部件股份有限公司").exists()
    assert ReviewItem.objects.count() == 1


def test_cli_import_goes_through_resolution(tmp_path, capsys, fawer):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(list_rows()))
    before = Enterprise.objects.count()
    call_command("import", "enterprises", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["committed"] is True
    assert decisions(out)[2]["decision"] == "auto"
    assert Enterprise.objects.count() == before + 4  # rows 3, 5, 6, 7 (no FAWAY here)
    assert ReviewItem.objects.count() == 1


def test_across_batches_the_file_is_one_list(people, fawer, monkeypatch):
    """Rows of one company in different batches meet (in the preview too), and a record updated
    by an earlier batch is not written back stale by a later one."""
    from clusterhub.enterprises.importers import EnterpriseImporter

    monkeypatch.setattr(EnterpriseImporter, "batch_size", 2)
    officer = people["changchun_officer"]
    rows = [
        ["企业名称", "企业类型", "注册地", "员工人数"],
        ["富奥汽车零部件股份有限公司", "", "", "4000"],  # 2: FAWER by name (batch 1)
        ["长春旭阳汽车座椅有限公司", "一级", "220100", ""],  # 3: new (batch 1)
        ["吉林省富奥汽车零部件股份有限公司", "", "", ""],  # 4: FAWER by resolution (batch 2)
        ["Changchun Xuyang Automotive Seating Co., Ltd.", "一级", "220100", ""],  # 5: = row 3
    ]
    before = Enterprise.objects.count()
    preview, job = run_import(officer, rows)
    assert job.status == "done", job.error
    found = decisions(preview)
    assert found[4]["decision"] == "auto" and found[4]["into"]["id"] == fawer.public_id
    assert found[5]["decision"] == "auto" and found[5]["into"]["row"] == 3
    assert decisions(job.commit_result)[5]["into"]["name"] == "长春旭阳汽车座椅有限公司"
    assert Enterprise.objects.count() == before + 1
    fawer.refresh_from_db()
    assert fawer.employees == 4000
    assert fawer.aliases.filter(name="吉林省富奥汽车零部件股份有限公司").exists()

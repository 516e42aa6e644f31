"""The import pages (upload, preview, commit, progress bar, template) and the import API."""

import io
import json

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from clusterhub.accounts.models import ApiToken
from clusterhub.enterprises.models import Enterprise
from clusterhub.tabular.models import ImportJob, ImportStatus
from clusterhub.tabular.services import write_progress

from .conftest import csv_bytes, uscc

CODE_A = uscc("91220101MA0000001")
CODE_B = uscc("91220101MA0000002")
HEADER = ["统一社会信用代码", "企业名称", "企业类型", "注册地", "年营业收入（亿元）"]
GOOD = [HEADER, [CODE_A, "长春甲公司", "一级供应商", "220100", "3000万元"]]
MIXED = [*GOOD, [CODE_B, "外省乙公司", "tier1", "999999", ""]]


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def upload(client, rows, kind="enterprises", name="list.csv", encoding="gbk"):
    content = io.BytesIO(csv_bytes(rows, encoding))
    content.name = name
    return client.post(reverse("tabular:index"), {"kind": kind, "file": content, "encoding": ""})


def test_upload_preview_commit_result(registry, people):
    client = browser(people["changchun_officer"])
    assert client.get(reverse("tabular:index")).status_code == 200
    response = upload(client, GOOD)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="commit-form"' in page
    assert "0.3亿元" in page  # the conversion is shown
    assert "长春甲公司" in page  # the row to create
    assert not Enterprise.objects.exists()
    response = client.post(reverse("tabular:commit", args=[job.pk]))
    assert response.status_code == 302
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-done"' in page
    assert Enterprise.objects.get().credit_code == CODE_A


def test_preview_lists_rejected_rows_and_commit_needs_the_good_rows_choice(registry, people):
    client = browser(people["changchun_officer"])
    upload(client, MIXED)
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="rejected-rows"' in page
    assert "unknown region code “999999”" in page
    assert 'name="good_rows_only"' in page
    # Without the checkbox: refused, nothing written.
    response = client.post(reverse("tabular:commit", args=[job.pk]), follow=True)
    assert "rows are rejected" in response.content.decode()
    assert not Enterprise.objects.exists()
    client.post(reverse("tabular:commit", args=[job.pk]), {"good_rows_only": "on"})
    assert list(Enterprise.objects.values_list("credit_code", flat=True)) == [CODE_A]
    csv_text = client.get(reverse("tabular:problems", args=[job.pk])).content.decode("utf-8-sig")
    assert "999999" in csv_text and "unknown region code" in csv_text


def test_progress_bar_renders_and_polls_while_running(registry, people, settings):
    user = people["changchun_officer"]
    job = ImportJob.objects.create(
        user=user,
        kind="enterprises",
        file_name="big.xlsx",
        stored_name="x.xlsx",
        size=10,
        sha256="0" * 64,
        status=ImportStatus.COMMITTING,
    )
    write_progress(job.pk, 2500, 10000, "committing")
    client = browser(user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-progress"' in page
    assert f'hx-get="{reverse("tabular:progress", args=[job.pk])}"' in page
    assert 'aria-valuenow="25"' in page
    assert "2500 of 10000 rows" in page
    partial = client.get(reverse("tabular:progress", args=[job.pk]))
    assert "HX-Refresh" not in partial
    job.status = ImportStatus.DONE
    job.save()
    partial = client.get(reverse("tabular:progress", args=[job.pk]))
    assert partial["HX-Refresh"] == "true"


def test_jobs_are_private_to_their_uploader(registry, people):
    upload(browser(people["changchun_officer"]), GOOD)
    job = ImportJob.objects.get()
    other = browser(people["siping_officer"])
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.post(reverse("tabular:commit", args=[job.pk])).status_code == 404
    assert other.get(reverse("tabular:problems", args=[job.pk])).status_code == 404


def test_oversized_upload_page_states_the_limit(registry, people, settings):
    settings.CLUSTERHUB_MAX_UPLOAD_BYTES = 1024 * 1024
    client = browser(people["changchun_officer"])
    response = upload(client, [*GOOD, *[["x" * 1000] * 5] * 300])
    assert response.status_code == 413
    assert "limited to 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_template_download(registry, people):
    client = browser(people["changchun_officer"])
    response = client.get(reverse("tabular:template", args=["supply-links"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "*供应商\nSupplier"
    assert client.get("/imports/templates/nothing.xlsx").status_code == 404


def test_pages_need_login(registry, settings):
    settings.LOGIN_URL = "/accounts/login/"
    response = Client().get(reverse("tabular:index"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# API -------------------------------------------------------------------------------------


@pytest.fixture
def api_client(people):
    _token, raw = ApiToken.issue(user=people["changchun_officer"], name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def api_upload(client, rows, **data):
    content = io.BytesIO(csv_bytes(rows, "gbk"))
    content.name = "list.csv"
    return client.post("/api/imports/enterprises", {"file": content, **data})


def test_api_dry_run_then_commit(registry, api_client):
    response = api_upload(api_client, MIXED)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "validated"
    assert body["result"]["counts"]["rejected"] == 1
    error = body["result"]["errors"][0]
    assert (error["row"], error["column"], error["field"]) == (3, "注册地", "home_region")
    assert not Enterprise.objects.exists()
    job_id = body["id"]
    response = api_client.post(
        f"/api/imports/jobs/{job_id}/commit", json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 409
    assert "rows are rejected" in response.json()["detail"]
    response = api_client.post(
        f"/api/imports/jobs/{job_id}/commit",
        json.dumps({"good_rows_only": True}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["created_count"] == 1
    assert api_client.get(f"/api/imports/jobs/{job_id}").json()["percent"] == 100
    assert api_client.get("/api/imports/jobs").json()["count"] == 1


def test_api_upload_and_import_in_one_call(registry, api_client):
    response = api_upload(api_client, GOOD, dry_run="false")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert Enterprise.objects.get().credit_code == CODE_A


def test_api_refusals(registry, api_client, people, settings):
    assert api_upload(Client(), GOOD).status_code == 401
    content = io.BytesIO(b"x")
    content.name = "a.csv"
    assert api_client.post("/api/imports/nothing", {"file": content}).status_code == 404
    settings.CLUSTERHUB_MAX_UPLOAD_BYTES = 10
    response = api_upload(api_client, GOOD)
    assert response.status_code == 413
    assert "limited to" in response.json()["detail"]
    settings.CLUSTERHUB_MAX_UPLOAD_BYTES = 1024 * 1024
    job_id = api_upload(api_client, GOOD).json()["id"]
    _token, raw = ApiToken.issue(user=people["siping_officer"], name="tests")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert other.get(f"/api/imports/jobs/{job_id}").status_code == 404


def test_background_import_through_the_task(registry, admin_user, settings):
    """Files over the inline size run as a task (immediately in tests) and end done."""
    from clusterhub.tabular.services import commit_import, preview_import

    from .conftest import upload as uploaded

    settings.CLUSTERHUB_IMPORT_BACKGROUND_BYTES = 10
    job = preview_import(
        user=admin_user, kind="enterprises", file=uploaded("a.csv", csv_bytes(GOOD))
    )
    assert job.task_id
    assert job.status == ImportStatus.VALIDATED
    job = commit_import(user=admin_user, job=job)
    assert job.status == ImportStatus.DONE
    assert Enterprise.objects.count() == 1

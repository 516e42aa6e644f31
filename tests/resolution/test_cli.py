"""`clusterhub resolve FILE --json`: one entry per input row, in order, nothing written."""

import json

import pytest
from django.core.management import call_command

from clusterhub.enterprises.models import Enterprise
from clusterhub.resolution.models import ReviewItem

pytestmark = pytest.mark.django_db


def test_resolve_json_shape(fawer, tmp_path, capsys):
    path = tmp_path / "list.csv"
    # GBK, as Chinese Excel writes it, with a title row above the header.
    path.write_bytes(
        (
            "长春市供应商名单\n"
            "企业名称,统一社会信用代码,城市,联系电话\n"
            "富奥汽车零部件股份有限公司,,长春,\n"
            "FAWER,,,\n"
            "长春华翔汽车塑料有限公司,,长春,0431-81234567\n"
            "Changchun Huaxiang Automotive Plastic Co. Ltd.,,长春,0431-81234567\n"
            ",,,\n"
        ).encode("gbk")
    )
    before = Enterprise.objects.count()
    call_command("resolve", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    rows = report["rows"]
    assert [r["row"] for r in rows] == [3, 4, 5, 6, 7]
    assert set(rows[0]) >= {"row", "cluster", "decision", "score"}
    assert rows[0]["cluster"] == rows[1]["cluster"] == fawer.public_id
    assert rows[0]["decision"] == "auto"
    assert rows[2]["cluster"] == rows[3]["cluster"] == "new-5"
    assert [rows[2]["decision"], rows[3]["decision"]] == ["new", "auto"]
    assert rows[4]["decision"] == "new" and "no name" in rows[4]["notes"]
    assert all(0.0 <= r["score"] <= 1.0 for r in rows)
    assert report["summary"]["rows"] == 5
    assert Enterprise.objects.count() == before
    assert not ReviewItem.objects.exists()

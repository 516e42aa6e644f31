"""The public id of a record merged into another keeps answering: the page and the API redirect
to the kept record (for those who may see it); after an undo it is the record's own again."""

import pytest

from clusterhub.resolution.services import merge_enterprises, undo_merge
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(fawer, jilin):
    duplicate = EnterpriseFactory(
        name="富奥汽车零部件有限公司", credit_code=None, home_region=jilin["changchun"]
    )
    old_id = duplicate.public_id
    merge = merge_enterprises(survivor=fawer, absorbed=duplicate)
    return old_id, merge


def test_page_of_an_old_id_redirects_to_the_kept_record(client, people, fawer, merged):
    old_id, merge = merged
    client.force_login(people["changchun_viewer"])
    answer = client.get(f"/enterprises/{old_id}/")
    assert answer.status_code in (301, 302)
    assert answer["Location"] == f"/enterprises/{fawer.public_id}/"
    assert client.get("/enterprises/E000000000/").status_code == 404
    undo_merge(merge=merge)
    assert client.get(f"/enterprises/{old_id}/").status_code == 200


def test_api_detail_of_an_old_id_redirects(client, people, fawer, merged):
    old_id, _merge = merged
    client.force_login(people["changchun_viewer"])
    answer = client.get(f"/api/enterprises/{old_id}")
    assert answer.status_code in (301, 302)
    assert answer["Location"] == f"/api/enterprises/{fawer.public_id}"
    assert client.get(answer["Location"]).json()["public_id"] == fawer.public_id
    assert client.get("/api/enterprises/E000000000").status_code == 404


def test_no_redirect_to_a_record_the_user_may_not_see(client, people, fawer, merged):
    old_id, _merge = merged
    type(fawer).objects.filter(pk=fawer.pk).update(confidentiality="confidential")
    client.force_login(people["siping_officer"])
    assert client.get(f"/enterprises/{old_id}/").status_code == 404
    assert client.get(f"/api/enterprises/{old_id}").status_code == 404

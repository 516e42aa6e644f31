"""Review pages: officers in scope only (404 otherwise), side by side, accept, bulk, undo, flag."""

import pytest
from django.urls import reverse

from clusterhub.enterprises.models import Enterprise
from clusterhub.resolution.choices import ReviewKind
from clusterhub.resolution.models import Merge, ReviewItem
from clusterhub.resolution.services import merge_enterprises, queue_review
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(fawer, jilin):
    duplicate = EnterpriseFactory(
        name="富奥汽车零部件有限公司", name_en="", short_name="", home_region=jilin["changchun"]
    )
    return queue_review(
        enterprise=duplicate, candidate=fawer, score=0.8, kind=ReviewKind.IMPORT, source="城市名单"
    )


def test_queue_is_for_officers_in_scope(client, people, item):
    url = reverse("resolution:index")
    client.force_login(people["changchun_officer"])
    page = client.get(url)
    assert page.status_code == 200
    assert "富奥汽车零部件有限公司" in page.content.decode()
    assert client.get(reverse("resolution:review", args=[item.pk])).status_code == 200
    # Another city's officer: the item does not exist for them.
    client.force_login(people["siping_officer"])
    assert "富奥汽车零部件有限公司" not in client.get(url).content.decode()
    assert client.get(reverse("resolution:review", args=[item.pk])).status_code == 404
    # Viewers and companies: no review pages at all.
    for who in ("changchun_viewer", "supplier"):
        client.force_login(people[who])
        assert client.get(url).status_code == 404


def test_side_by_side_highlights_agreement(client, people, item):
    client.force_login(people["changchun_officer"])
    html = client.get(reverse("resolution:review", args=[item.pk])).content.decode()
    assert 'data-field="name" data-agree="yes"' in html
    assert 'data-field="city" data-agree="yes"' in html
    assert 'data-field="stock_code" data-agree="unknown"' in html


def test_accept_merges_and_undo_restores(client, people, item, fawer):
    client.force_login(people["changchun_officer"])
    absorbed_id = item.enterprise.public_id
    response = client.post(reverse("resolution:review", args=[item.pk]), {"action": "accept"})
    assert response.status_code == 302
    assert not Enterprise.objects.filter(public_id=absorbed_id).exists()
    # The old id still answers, and leads to the kept record.
    old = client.get(reverse("resolution:public_id", args=[absorbed_id]))
    assert old.status_code == 302 and old["Location"].endswith(f"/{fawer.public_id}/")
    merge = Merge.objects.get()
    assert "富奥" in client.get(reverse("resolution:merges")).content.decode()
    client.post(reverse("resolution:undo", args=[merge.pk]))
    assert Enterprise.objects.filter(public_id=absorbed_id).exists()
    # Another city's officer cannot undo it.
    client.force_login(people["siping_officer"])
    assert client.post(reverse("resolution:undo", args=[merge.pk])).status_code == 404


def test_bulk_reject(client, people, item):
    client.force_login(people["changchun_officer"])
    client.post(reverse("resolution:index"), {"action": "reject", "items": [item.pk]})
    item.refresh_from_db()
    assert item.status == "rejected"


def test_any_user_may_flag_visible_records(client, people, fawer, faway):
    client.force_login(people["supplier"])
    response = client.post(
        reverse("resolution:flag"), {"first": faway.public_id, "second": fawer.public_id}
    )
    assert response.status_code == 302
    assert ReviewItem.objects.get().kind == "flag"
    assert (
        client.post(reverse("resolution:flag"), {"first": "E000", "second": "E111"}).status_code
        == 400
    )


def test_merged_id_of_a_record_you_cannot_see_is_404(client, people, fawer, jilin):
    hidden = EnterpriseFactory(home_region=jilin["siping"], confidentiality="confidential")
    other = EnterpriseFactory(home_region=jilin["siping"], confidentiality="confidential")
    gone = other.public_id
    merge_enterprises(survivor=hidden, absorbed=other)
    client.force_login(people["changchun_officer"])
    assert client.get(reverse("resolution:public_id", args=[gone])).status_code == 404


def test_the_compare_page_says_why_a_pair_waits_for_a_person(client, people, item):
    client.force_login(people["changchun_officer"])
    url = reverse("resolution:review", args=[item.pk])
    html = client.get(url).content.decode()
    assert "between the review threshold and the automatic merge threshold" in html
    # Above the automatic threshold with agreeing names: two registry records are never joined
    # automatically.
    ReviewItem.objects.filter(pk=item.pk).update(score=0.999)
    html = client.get(url).content.decode()
    assert "both records are already in the registry" in html
    # Names that differ held it back; the page names the other fields that agree.
    near_names = [
        {
            "field": "name",
            "left": "长春鑫泽机械有限公司",
            "right": "长春鑫洋机械有限公司",
            "agree": False,
        },
        {"field": "city", "left": "长春", "right": "长春", "agree": True},
        {"field": "phone", "left": "0431-85551234", "right": "", "agree": None},
    ]
    ReviewItem.objects.filter(pk=item.pk).update(comparison=near_names)
    html = client.get(url).content.decode()
    assert "the names differ (marked below) and the fields that agree (City)" in html
    # The one character that differs is marked on each side, the rest is not.
    assert '长春鑫<mark class="ch-differs">泽</mark>机械有限公司' in html
    assert '长春鑫<mark class="ch-differs">洋</mark>机械有限公司' in html
    assert '<mark class="ch-differs">长春</mark>' not in html
    # Two different credit codes: never automatic, whatever the score.
    codes = {"left": "91220101MA0000001X", "right": "91220101MA0000002Y", "agree": False}
    comparison = [{"field": "credit_code", **codes}]
    ReviewItem.objects.filter(pk=item.pk).update(comparison=comparison)
    html = client.get(url).content.decode()
    assert "the codes differ" in html


def test_marked_differences_cut_both_values_where_they_differ():
    from clusterhub.resolution.explain import marked_differences

    left, right = marked_differences("富奥汽车零部件股份有限公司", "富奥汽车零部件有限公司")
    assert left == [("富奥汽车零部件", False), ("股份", True), ("有限公司", False)]
    assert right == [("富奥汽车零部件", False), ("有限公司", False)]
    assert "".join(text for text, _differs in left) == "富奥汽车零部件股份有限公司"
    assert marked_differences("长春", "长春") == ([("长春", False)], [("长春", False)])
    assert marked_differences("", "0431-85551234") == ([], [("0431-85551234", False)])

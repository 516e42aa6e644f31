"""Search finds any enterprise by any of its names, follows the database, and never shows what a
user may not see."""

import pytest
from django.core.management import call_command

from clusterhub.core.choices import Confidentiality
from clusterhub.enterprises.models import Enterprise
from clusterhub.matching import index
from clusterhub.matching.models import SearchIndexQueue
from clusterhub.matching.searching import search

from ..factories import EnterpriseFactory


def titles(user, query, **options):
    return [hit.obj.name for hit in search(user=user, query=query, **options).hits]


@pytest.mark.parametrize(
    "query",
    [
        "长春卡钳制造有限公司",  # full registered name
        "长春卡钳",  # short name
        "Changchun Caliper Manufacturing",  # English name
        "CC Caliper",  # alias
        "changchunkaqian",  # pinyin
        "cckq",  # pinyin initials
        "91220101MA0000001G",  # credit code
        "91220101ma0000001g",  # credit code in lower case
        "600999",  # stock code
        "長春卡鉗",  # traditional characters
        "ＣＨＡＮＧＣＨＵＮ ＣＡＬＩＰＥＲ",  # full-width Latin
        "Changchun Calliper Manufacturing",  # a typo
        "Changchun Calip",  # a prefix of the last word
        "卡钳制造",  # part of the name
    ],
)
def test_finds_an_enterprise_by_any_of_its_names(world, people, query):
    assert titles(people["changchun_viewer"], query)[:1] == ["长春卡钳制造有限公司"]


def test_a_typo_in_a_chinese_name_still_finds_it(world, people):
    # One bigram of three may be wrong: 长春卡钳制造 with 钳 mistyped as 箝.
    assert "长春卡钳制造有限公司" in titles(people["changchun_viewer"], "长春卡箝制造")


def test_new_renamed_and_deleted_enterprises_follow_the_database(world, people):
    user = people["province_admin"]
    assert titles(user, "白山新材料") == []
    company = EnterpriseFactory(name="白山新材料有限公司", home_region=world["hongqi"].home_region)
    assert SearchIndexQueue.objects.filter(kind="enterprise", object_id=company.pk).exists()
    assert titles(user, "白山新材料") == ["白山新材料有限公司"]

    company.name = "通化碳纤维有限公司"
    company.save()
    assert titles(user, "通化碳纤维") == ["通化碳纤维有限公司"]
    assert titles(user, "白山新材料") == []

    company.delete()
    assert titles(user, "通化碳纤维") == []
    assert not SearchIndexQueue.objects.exists()  # the inline update drained the queue


def test_a_new_alias_is_found(world, people):
    from clusterhub.enterprises.models import EnterpriseAlias

    EnterpriseAlias.objects.create(enterprise=world["discs"], name="吉盘", kind="short")
    assert titles(people["changchun_viewer"], "吉盘") == ["吉林制动盘有限公司"]


def test_rebuild_command_builds_a_fresh_index(world, people, capsys):
    call_command("search_index", "--rebuild")
    first = index.current_dir()
    call_command("search_index", "--rebuild")
    assert index.current_dir() != first and not first.exists()
    out = capsys.readouterr().out
    assert "enterprise" in out and "documents" in out
    assert titles(people["changchun_viewer"], "长春卡钳")[:1] == ["长春卡钳制造有限公司"]


def test_confidential_enterprises_are_found_only_by_those_who_may_see_them(world, people, jilin):
    secret = EnterpriseFactory(
        name="四平秘密卡钳有限公司",
        home_region=jilin["siping"],
        confidentiality=Confidentiality.CONFIDENTIAL,
    )
    assert titles(people["siping_officer"], "秘密卡钳") == [secret.name]
    assert titles(people["province_viewer"], "秘密卡钳") == [secret.name]
    for who in ("changchun_officer", "supplier"):
        answer = search(user=people[who], query="秘密卡钳")
        assert answer.hits == [] and answer.count == 0
    # Nor does it show in the counts and facets of a broader query.
    broad = search(user=people["changchun_officer"], query="卡钳")
    assert secret not in [h.obj for h in broad.hits]
    siping_facet = [f for f in broad.facets["city"] if f["value"] == "220300"]
    visible_in_siping = Enterprise.objects.restrict(people["changchun_officer"], "view").filter(
        name__contains="卡钳", home_region__path__startswith=jilin["siping"].path
    )
    assert sum(f["count"] for f in siping_facet) == visible_in_siping.count()


def test_without_facets_the_page_and_count_keep_to_what_the_user_may_see(world, people, jilin):
    secret = EnterpriseFactory(
        name="四平暗处卡钳有限公司",
        home_region=jilin["siping"],
        confidentiality=Confidentiality.CONFIDENTIAL,
    )
    answer = search(user=people["changchun_officer"], query="暗处卡钳", facets=False)
    assert answer.hits == [] and answer.count == 0 and answer.facets == {}
    answer = search(user=people["siping_officer"], query="暗处卡钳", facets=False)
    assert [h.obj for h in answer.hits] == [secret] and answer.count == 1
    assert answer.hits[0].subtitle.split(" · ")[1] == jilin["siping"].display_name


def test_the_page_is_checked_in_the_database_when_the_index_lags(world, people, jilin):
    """The index may be a moment behind the database: the page's database check (one SQL per
    access, compiled once) still drops a record that became confidential, for this user only."""
    record = EnterpriseFactory(name="四平转密卡钳有限公司", home_region=jilin["siping"])
    assert titles(people["changchun_officer"], "转密卡钳") == [record.name]
    # A write that sends no signal: the index still has the record as public.
    Enterprise.objects.filter(pk=record.pk).update(confidentiality=Confidentiality.CONFIDENTIAL)
    assert titles(people["changchun_officer"], "转密卡钳") == []
    assert titles(people["changchun_officer"], "转密卡钳", facets=False) == []
    assert titles(people["siping_officer"], "转密卡钳") == [record.name]


def test_internal_records_are_for_government_staff(world, people):
    EnterpriseFactory(name="内部卡钳有限公司", confidentiality=Confidentiality.INTERNAL)
    assert titles(people["siping_officer"], "内部卡钳") == ["内部卡钳有限公司"]
    assert titles(people["supplier"], "内部卡钳") == []


def test_facets_count_and_filter(world, people, jilin):
    user = people["province_admin"]
    answer = search(user=user, query="卡钳")
    cities = {f["value"]: f["count"] for f in answer.facets["city"]}
    assert cities["220100"] >= 2 and cities["310000"] == 1
    assert {f["value"] for f in answer.facets["cert"]} == {"IATF 16949"}
    assert any(f["value"] == "PRT.CHS.BRK.CAL" for f in answer.facets["node"])
    only_shanghai = search(user=user, query="卡钳", city="310000")
    assert [h.obj.name for h in only_shanghai.hits] == ["上海卡钳有限公司"]
    brakes = titles(user, "有限公司", node="PRT.CHS.BRK", types=["enterprise"])
    assert "吉林制动盘有限公司" in brakes and "一汽红旗" not in brakes
    assert titles(user, "有限公司", kind="group") == ["中国第一汽车集团有限公司"]


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("", "Type a name"),
        ("   ", "Type a name"),
        ("a", "at least two"),
        ("!!!…——？", "no letters"),
    ],
)
def test_queries_with_nothing_to_search_get_an_honest_empty_answer(world, people, query, note):
    answer = search(user=people["changchun_viewer"], query=query)
    assert answer.state == "empty" and answer.hits == [] and answer.count == 0
    assert any(note in n for n in answer.notes)


def test_one_chinese_character_is_a_word(world, people):
    assert "一汽红旗" in titles(people["changchun_viewer"], "红")


def test_a_ten_thousand_character_query_is_cut_and_answered(world, people):
    answer = search(user=people["changchun_viewer"], query="长春卡钳" * 2500)
    assert answer.state == "ok"
    assert any("first 200 characters" in n for n in answer.notes)
    assert answer.hits[0].obj.name == "长春卡钳制造有限公司"


def siping_project(world, jilin, **fields):
    """A project signed in Siping by the world's best caliper maker."""
    from clusterhub.projects.choices import OriginKind
    from clusterhub.projects.services import create_project

    return create_project(
        user=None,
        investor=world["best"],
        origin_kind=OriginKind.VISIT,
        signing_region=jilin["siping"],
        **fields,
    )


def test_projects_are_searched_with_their_own_access(world, people, jilin):
    project = siping_project(
        world, jilin, name="四平卡钳扩能项目", confidentiality=Confidentiality.CONFIDENTIAL
    )
    found = search(user=people["siping_officer"], query="扩能项目", types=["project"])
    assert [h.obj for h in found.hits] == [project]
    assert found.hits[0].url == project.get_absolute_url()
    assert search(user=people["changchun_officer"], query="扩能项目").count == 0
    assert search(user=people["siping_officer"], query=project.code).hits[0].obj == project


def test_descriptions_are_searched_for_the_types_that_have_them(world, people, jilin):
    project = siping_project(
        world,
        jilin,
        name="四平扩产项目",
        description="新建电子驻车制动生产线 electronic parking brake line",
    )
    for query in ("电子驻车", "parking brakes"):
        found = search(user=people["siping_officer"], query=query)
        assert [h.obj for h in found.hits] == [project] and found.count == 1


def test_events_are_searched(world, people, jilin):
    import datetime

    from clusterhub.events.models import Event

    event = Event.objects.create(
        slug="cc-2021-1019",
        name="长春汽车产业集群姊妹城市推介会",
        name_en="Changchun auto cluster promotion conference",
        starts_on=datetime.date(2021, 10, 19),
        city=jilin["changchun"],
        organiser=people["orgs"]["changchun"],
    )
    found = search(user=people["supplier"], query="推介会", types=["event"])
    assert [h.obj for h in found.hits] == [event]
    assert search(user=people["supplier"], query="promotion conference").hits[0].obj == event
    assert search(user=people["supplier"], query="cc-2021-1019").hits[0].obj == event


def test_without_facets_typos_are_still_found(world, people):
    user = people["changchun_viewer"]
    assert "长春卡钳制造有限公司" in titles(user, "长春卡箝制造", facets=False)
    assert titles(user, "Changchun Calliper Manufacturing", facets=False)[:1] == [
        "长春卡钳制造有限公司"
    ]
    assert titles(user, "cckq", facets=False)[:1] == ["长春卡钳制造有限公司"]


def test_without_facets_a_strict_step_that_fills_the_page_counts_at_least(world, people):
    """Strictly first: when every bigram finds a page, the search stops there and says that its
    count is a lower bound; when it must go on to the tolerant step, the count is complete."""
    user = people["province_admin"]
    for brand in ("甲", "乙", "丙"):
        EnterpriseFactory(name=f"松原{brand}液压悬架有限公司")
    EnterpriseFactory(name="松原丁液压悬挂有限公司")  # 悬挂: one bigram of 液压悬架 missing
    cut = search(user=user, query="液压悬架", facets=False, page_size=2)
    assert len(cut.hits) == 2 and cut.count == 3 and not cut.count_complete
    whole = search(user=user, query="液压悬架", facets=False, page_size=20)
    assert whole.count_complete and whole.count == 4
    assert [h.obj.name for h in whole.hits][-1] == "松原丁液压悬挂有限公司"
    # The same answer as with the facets (the fully tolerant query), page and count.
    faceted = search(user=user, query="液压悬架", page_size=20)
    assert [h.obj for h in faceted.hits] == [h.obj for h in whole.hits]
    assert faceted.count == whole.count

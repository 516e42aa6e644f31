"""load_demo: FAW and the real suppliers, the seeded synthetic population, the users.

The demo is loaded once for this module, inside a transaction rolled back at the end; each test
runs in a savepoint inside it (the `db` fixture), so tests may change data freely.
"""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q, Sum
from django.test import override_settings

from clusterhub.accounts.models import Membership
from clusterhub.chain.models import ChainNode, SupplyLink
from clusterhub.core.access import get_access
from clusterhub.core.changelog import change_context
from clusterhub.core.choices import Datum
from clusterhub.core.models import ObjectChange
from clusterhub.demo.loader import load_demo, reset_demo
from clusterhub.demo.people import DEMO_PASSWORD
from clusterhub.demo.real import real_entries, real_public_ids
from clusterhub.demo.synthetic import (
    CERTIFICATES_AS_OF,
    DEFAULT_SEED,
    LOCAL_SOURCING_TARGET,
    database_digest,
    generate_population,
)
from clusterhub.enterprises.models import (
    Capability,
    Certification,
    Enterprise,
    EnterpriseAlias,
    Site,
)
from clusterhub.enterprises.validators import uscc_problem
from clusterhub.geo.models import Park, Region


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        with transaction.atomic():
            with change_context(source="command"):
                summary = load_demo()
            yield summary
            transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def enterprise(key: str) -> Enterprise:
    return Enterprise.objects.get(public_id=real_public_ids()[key])


def test_sizes(loaded):
    assert Region.objects.filter(path__startswith="220000/").count() == 79
    synthetic = Enterprise.objects.filter(is_synthetic=True)
    assert 1400 <= synthetic.count() <= 1600
    assert 7500 <= SupplyLink.objects.count() <= 9000
    assert Enterprise.objects.filter(is_synthetic=False).count() == len(real_entries())
    # Spread over the nine prefectures, plus suppliers outside the province.
    prefectures = {
        path.split("/")[1] for path in synthetic.values_list("home_region__path", flat=True)
    }
    assert {"220100", "220200", "220300", "220400", "220500", "220600", "220700"} <= prefectures
    assert {"220800", "222400"} <= prefectures
    outside = synthetic.exclude(home_region__path__startswith="220000/")
    assert 200 <= outside.count() <= 400
    assert set(outside.values_list("home_region__code", flat=True)) == {
        "310000", "320500", "330200", "440300", "120000", "210100", "420100",
    }  # fmt: skip
    shanghai = Region.objects.get(code="310000")
    assert "approximate" in shanghai.coordinate_source and shanghai.datum == Datum.GCJ02


def test_every_synthetic_record_is_marked(loaded):
    real_ids = set(real_public_ids().values())
    assert not Enterprise.objects.filter(is_synthetic=False).exclude(public_id__in=real_ids)
    assert not Enterprise.objects.filter(is_synthetic=True, public_id__in=real_ids).exists()
    assert not Site.objects.filter(enterprise__is_synthetic=True, is_synthetic=False).exists()
    assert not Site.objects.filter(enterprise__is_synthetic=False, is_synthetic=True).exists()
    assert not SupplyLink.objects.filter(is_synthetic=False).exists()
    assert set(SupplyLink.objects.values_list("source", flat=True)) == {"synthetic demo"}
    assert all(
        source.startswith("synthetic demo")
        for source in Enterprise.objects.filter(is_synthetic=True).values_list("source", flat=True)
    )


def test_credit_codes(loaded):
    codes = list(
        Enterprise.objects.exclude(credit_code=None).values_list("credit_code", "home_region__code")
    )
    assert len(codes) == Enterprise.objects.filter(is_synthetic=True).count()
    for code, region in codes:
        assert uscc_problem(code) is None, code
        assert code[2:8] == region  # registration area from the region code
    # Real companies' codes are not in the sources: none is invented.
    assert not Enterprise.objects.filter(is_synthetic=False).exclude(credit_code=None).exists()


def test_synthetic_names_do_not_collide_with_real_ones(loaded):
    real = Enterprise.objects.filter(is_synthetic=False)
    real_names = set(real.values_list("name", flat=True)) | set(
        real.values_list("short_name", flat=True)
    )
    real_names |= set(
        EnterpriseAlias.objects.filter(enterprise__in=real).values_list("name", flat=True)
    )
    synthetic = Enterprise.objects.filter(is_synthetic=True)
    names = list(synthetic.values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert not set(names) & real_names
    assert not synthetic.filter(
        Q(name__contains="富奥") | Q(name__contains="天海") | Q(name__contains="一汽")
    ).exists()
    assert all(n.endswith("公司") for n in names)
    assert all(e.endswith("Co., Ltd.") for e in synthetic.values_list("name_en", flat=True))
    sample = synthetic.order_by("pk").first()
    assert sample.pinyin and sample.pinyin_initials


def test_same_seed_same_population(loaded):
    ids = real_public_ids()
    first = generate_population(seed=DEFAULT_SEED)
    again = generate_population(seed=DEFAULT_SEED)
    assert first.digest(ids) == again.digest(ids)
    assert database_digest() == first.digest(ids)
    other = generate_population(seed=DEFAULT_SEED + 1)
    assert other.digest(ids) != first.digest(ids)


def test_faw_group(loaded):
    faw = enterprise("faw")
    assert faw.name == "中国第一汽车集团有限公司"
    assert faw.ownership == "state" and faw.founded.isoformat() == "1953-07-15"
    assert faw.home_region.code == "220100"
    subsidiaries = {e.short_name for e in faw.subsidiaries.all()}
    assert {
        "红旗",
        "一汽解放",
        "奔腾",
        "一汽-大众",
        "一汽丰田",
        "奥迪一汽",
        "富维股份",
        "启明信息",
    } <= (subsidiaries)
    assert enterprise("jiefang").stock_code == "000800"
    assert enterprise("faway").stock_code == "600742"
    assert enterprise("qiming").stock_code == "002232"
    assert enterprise("fawvw").ownership == enterprise("toyota").ownership == "joint_venture"
    plants = Site.objects.filter(enterprise__group=faw, enterprise__kind="oem", kind="plant")
    assert plants.count() == 6  # the five Changchun vehicle plants and Audi FAW NEV
    for plant in plants:
        assert plant.region.path.startswith("220000/220100/")
        assert plant.datum == Datum.GCJ02 and plant.longitude is not None
        assert "approximate" in plant.enterprise.source
    audi = Site.objects.get(enterprise=enterprise("audinev"))
    assert audi.capacity == 150000 and audi.park.code == "220174"
    assert "2024-12-17" in enterprise("audinev").description


def test_real_suppliers_are_placed_where_the_sources_say(loaded):
    tianhai = enterprise("tianhai")
    assert tianhai.home_region.code == "220184"
    assert set(tianhai.sites.values_list("region__code", flat=True)) == {"220184"}
    assert Capability.objects.filter(site__enterprise=tianhai, chain_node__code="PRT.EE.WH")
    shibao = enterprise("shibao")
    assert shibao.home_region.path.startswith("220000/220300/")
    assert all(s.region.path.startswith("220000/220300/") for s in shibao.sites.all())
    for key in ("findreams", "linglong", "fawer", "faway_adient", "continental", "huaxiang"):
        assert enterprise(key).home_region.code == "220100", key
    fawer = enterprise("fawer")
    assert fawer.stock_code == "000030" and fawer.name_en == "FAWER Automotive Parts Co., Ltd."
    assert {"富奥股份", "富奥", "FAWER", "Fawer Automotive Parts Co., Ltd."} <= {
        fawer.short_name,
        *fawer.aliases.values_list("name", flat=True),
    }
    findreams = enterprise("findreams")
    assert findreams.ownership == "joint_venture" and "BYD 51%" in findreams.description
    adient = Capability.objects.filter(site__enterprise=enterprise("faway_adient"))
    assert set(adient.values_list("chain_node__code", flat=True)) == {
        "PRT.INT.SEAT", "PRT.INT.DOOR", "PRT.INT.IP",
    }  # fmt: skip
    valeo = enterprise("valeo")
    assert valeo.sites.get().region.code == "220174" and valeo.sites.get().longitude is None
    # Every real company cites its source and has a capability on a chain node.
    for e in Enterprise.objects.filter(is_synthetic=False).exclude(kind="group"):
        assert "FACTS.md" in e.source or "Xinhua" in e.source, e.name
        assert Capability.objects.filter(site__enterprise=e).exists(), e.name


@pytest.mark.parametrize(
    "names",
    [("Bosch", "博世"), ("Benteler", "本特勒"), ("Yanfeng", "延锋"), ("CATL", "宁德时代")],
)
def test_unconfirmed_suppliers_are_not_in_changchun(loaded, names):
    english, chinese = names
    match = (
        Q(name__icontains=english)
        | Q(name_en__icontains=english)
        | Q(name__contains=chinese)
        | Q(aliases__name__icontains=english)
    )
    companies = Enterprise.objects.filter(match)
    assert not companies.filter(home_region__path__startswith="220000/220100/").exists()
    assert not Site.objects.filter(
        enterprise__in=companies, region__path__startswith="220000/220100/"
    ).exists()


def local_sourcing_rate(year: int) -> float:
    """Share of the value FAW's Changchun plants buy from suppliers producing in Jilin."""
    plants = Site.objects.filter(
        enterprise__group__name="中国第一汽车集团有限公司",
        enterprise__kind="oem",
        kind="plant",
        region__path__startswith="220000/220100/",
    )
    bought = SupplyLink.objects.filter(customer_site__in=plants, year=year)
    total = bought.aggregate(v=Sum("annual_value"))["v"]
    local = bought.filter(supplier_site__region__path__startswith="220000/").aggregate(
        v=Sum("annual_value")
    )["v"]
    return float(local / total)


def test_local_sourcing_rate_follows_the_real_figures(loaded):
    # About 38% around 2010 (Xinhua 2011-01-07), taken as the 2020 start; target 50%.
    rate_2020, rate_2025 = local_sourcing_rate(2020), local_sourcing_rate(2025)
    assert LOCAL_SOURCING_TARGET[2020] == 0.38 and LOCAL_SOURCING_TARGET[2025] == 0.50
    assert 0.375 <= rate_2020 <= 0.385
    assert 0.495 <= rate_2025 <= 0.505
    rates = [local_sourcing_rate(year) for year in range(2020, 2026)]
    assert rates == sorted(rates)
    assert loaded.local_sourcing[2020] == pytest.approx(rate_2020)


def node_local_share(node: str, year: int) -> float:
    bought = SupplyLink.objects.filter(
        customer__group__name="中国第一汽车集团有限公司", chain_node__code=node, year=year
    )
    total = bought.aggregate(v=Sum("annual_value"))["v"] or Decimal(0)
    local = bought.filter(supplier_site__region__path__startswith="220000/").aggregate(
        v=Sum("annual_value")
    )["v"] or Decimal(0)
    return float(local / total) if total else 0.0


def test_strong_and_missing_links_of_the_local_chain(loaded):
    for node in ("PRT.INT.SEAT.ASM", "PRT.EE.WH", "PRT.BDY.STP"):
        assert node_local_share(node, 2025) > 0.65, node  # the whole basket: 50%
    for node in ("PRT.ICV.CHP.SOC", "PRT.ICV.CHP.MCU", "PRT.ICV.SNS.LID", "PRT.ICV.SNS.RAD"):
        assert node_local_share(node, 2025) == 0.0, node
    # No local battery cells before FinDreams-era 2024; software mostly from outside.
    assert node_local_share("PRT.NEV.BAT.CEL", 2023) == 0.0
    assert node_local_share("PRT.ICV.SW.ADS", 2020) == 0.0


def test_single_sources_and_multiple_tiers(loaded):
    per_buyer_node = defaultdict(set)
    for supplier, customer, node in SupplyLink.objects.filter(
        customer__group__name="中国第一汽车集团有限公司", year=2025
    ).values_list("supplier", "customer", "chain_node"):
        per_buyer_node[(customer, node)].add(supplier)
    assert any(len(s) == 1 for s in per_buyer_node.values())
    assert any(len(s) >= 3 for s in per_buyer_node.values())
    # In May 2022 the five plants had 502 tier-one suppliers (en.changchun.gov.cn 2022-05-11).
    direct = SupplyLink.objects.filter(customer__group__name="中国第一汽车集团有限公司", year=2022)
    assert 350 <= direct.values("supplier").distinct().count() <= 550
    # Tier-2: suppliers of FAW's suppliers; tier-3: their suppliers in turn.
    tier1 = SupplyLink.objects.filter(customer__group__name="中国第一汽车集团有限公司").values(
        "supplier"
    )
    tier2 = SupplyLink.objects.filter(customer__in=tier1)
    assert tier2.count() > 2000
    assert SupplyLink.objects.filter(customer__in=tier2.values("supplier")).exists()
    # Special-purpose vehicle makers in Siping buy parts too.
    assert SupplyLink.objects.filter(
        customer__kind="oem", customer__home_region__path__startswith="220000/220300/"
    ).exists()
    years = set(SupplyLink.objects.values_list("year", flat=True))
    assert years == set(range(2020, 2026))
    assert SupplyLink.objects.filter(annual_value__lte=0).count() == 0


def test_roles_follow_the_real_division_of_labour(loaded):
    def share(prefecture: str, prefix: str) -> float:
        caps = Capability.objects.filter(
            site__enterprise__is_synthetic=True,
            site__region__path__startswith=f"220000/{prefecture}/",
        )
        return caps.filter(chain_node__code__startswith=prefix).count() / caps.count()

    assert share("220200", "MAT.CHM") > 0.3  # Jilin City: chemicals and carbon fibre
    assert share("220300", "VEH.SPV") > 0.2  # Siping: special-purpose vehicles
    assert share("220400", "MAT.") > 0.6  # Liaoyuan: materials
    assert share("220100", "PRT.") > 0.6  # Changchun: parts
    assert (
        Capability.objects.filter(
            chain_node__code="MAT.CHM.CFB", site__region__path__startswith="220000/220200/"
        ).count()
        > 10
    )


def test_sites_capabilities_certifications(loaded):
    sites = Site.objects.filter(is_synthetic=True)
    assert not sites.filter(longitude=None).exists()
    assert set(sites.values_list("datum", flat=True)) == {Datum.GCJ02}
    for site in sites.select_related("region")[:200]:
        anchor = site.region if site.region.longitude is not None else None
        if anchor is not None:
            assert abs(site.longitude - anchor.longitude) < Decimal("0.05")
            assert abs(site.latitude - anchor.latitude) < Decimal("0.05")
    leaves = ChainNode.objects.filter(children=None)
    synthetic_caps = Capability.objects.filter(site__is_synthetic=True)
    assert not synthetic_caps.exclude(chain_node__in=leaves).exists()
    tier1 = Certification.objects.filter(enterprise__kind="tier1", enterprise__is_synthetic=True)
    tier1_companies = Enterprise.objects.filter(kind="tier1", is_synthetic=True).count()
    assert tier1.filter(standard="IATF 16949").values("enterprise").distinct().count() > (
        0.8 * tier1_companies
    )
    assert {"ISO 9001", "ISO 14001", "ISO 45001", "VDA 6.3"} <= set(
        Certification.objects.values_list("standard", flat=True)
    )
    expired = Certification.objects.filter(valid_until__lt=CERTIFICATES_AS_OF).count()
    assert 0.05 < expired / Certification.objects.count() < 0.2
    # Parks get no coordinates: none of the sources gives them.
    assert not Park.objects.exclude(longitude=None).exists()


DEMO_USERS = {
    # username: (organisation kind, role, region code of the scope or None)
    "province": ("provincial_department", "admin", "220000"),
    "province_viewer": ("provincial_department", "viewer", "220000"),
    "changchun": ("city_bureau", "officer", "220100"),
    "jilin": ("city_bureau", "officer", "220200"),
    "siping": ("city_bureau", "officer", "220300"),
    "liaoyuan": ("city_bureau", "officer", "220400"),
    "tonghua": ("city_bureau", "officer", "220500"),
    "baishan": ("city_bureau", "officer", "220600"),
    "songyuan": ("city_bureau", "officer", "220700"),
    "baicheng": ("city_bureau", "officer", "220800"),
    "yanbian": ("city_bureau", "officer", "222400"),
    "etdz": ("park_committee", "officer", "220174"),
    "faw": ("enterprise", "manager", None),
    "supplier": ("enterprise", "manager", None),
    "organiser": ("event_organiser", "officer", None),
}


def test_demo_users_and_their_scope(loaded):
    User = get_user_model()
    for username, (kind, role, region) in DEMO_USERS.items():
        membership = Membership.objects.select_related("organisation__region").get(
            user__username=username
        )
        assert membership.organisation.kind == kind, username
        assert membership.role == role, username
        if region:
            assert membership.organisation.region.code == region, username
        paths = get_access(membership.user).region_paths()
        assert paths == ([Region.objects.get(code=region).path] if region else []), username
    assert Membership.objects.get(user__username="faw").organisation.enterprise == enterprise("faw")
    assert Membership.objects.get(user__username="supplier").organisation.enterprise == (
        enterprise("fawer")
    )
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="province").check_password(DEMO_PASSWORD)
    assert get_access(User.objects.get(username="province")).is_data_steward()


def test_scope_decides_what_each_city_sees(loaded):
    User = get_user_model()
    secret = Enterprise.objects.filter(is_synthetic=True, confidentiality="confidential")
    in_changchun = secret.filter(home_region__path__startswith="220000/220100/").first()
    in_siping = secret.filter(home_region__path__startswith="220000/220300/").first()
    changchun, siping = User.objects.get(username="changchun"), User.objects.get(username="siping")
    visible = Enterprise.objects.restrict(changchun, "view")
    assert visible.filter(pk=in_changchun.pk).exists()
    assert not visible.filter(pk=in_siping.pk).exists()
    assert Enterprise.objects.restrict(siping, "view").filter(pk=in_siping.pk).exists()
    supplier = User.objects.get(username="supplier")
    assert list(Enterprise.objects.restrict(supplier, "change")) == [enterprise("fawer")]
    etdz = User.objects.get(username="etdz")
    in_zone = Enterprise.objects.restrict(etdz, "change")
    assert in_zone.exists()
    assert set(in_zone.values_list("home_region__code", flat=True)) == {"220174"}


def test_second_run_changes_nothing(loaded):
    counts = (Enterprise.objects.count(), SupplyLink.objects.count(), Site.objects.count())
    changes = ObjectChange.objects.count()
    out = io.StringIO()
    call_command("load_demo", "--base-only", stdout=out)
    assert "unchanged" in out.getvalue()
    assert (Enterprise.objects.count(), SupplyLink.objects.count(), Site.objects.count()) == counts
    assert ObjectChange.objects.count() == changes


def test_bulk_writes_are_logged(loaded):
    link = SupplyLink.objects.order_by("pk").first()
    entry = ObjectChange.objects.get(object_id=str(link.pk), content_type__model="supplylink")
    assert entry.action == "create" and entry.source == "command"
    assert entry.after["annual_value"] == str(link.annual_value)


def test_reset_removes_the_demo_records(loaded):
    reset_demo()
    assert not Enterprise.objects.exists()
    assert not SupplyLink.objects.exists()
    assert not get_user_model().objects.filter(username__in=DEMO_USERS).exists()
    assert Region.objects.filter(path__startswith="220000/").count() == 79  # reference stays
    assert ObjectChange.objects.filter(action="delete", content_type__model="supplylink").exists()


def test_demo_logins_prints_both_languages(loaded):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for username in [*DEMO_USERS, "admin"]:
        assert f"\n{username} " in text
    assert DEMO_PASSWORD in text
    assert "吉林省商务厅" in text and "Department of Commerce of Jilin Province" in text
    assert "可见范围" in text and "sees" in text


def test_demo_logins_heading_is_bilingual_whatever_the_active_language(loaded):
    from django.utils import translation

    for language in ("en", "zh-hans"):
        out = io.StringIO()
        with translation.override(language):
            call_command("demo_logins", stdout=out)
        heading = out.getvalue().splitlines()[:2]
        assert heading[0].startswith("Demo logins (password for every user")
        assert heading[1].startswith("演示账户")

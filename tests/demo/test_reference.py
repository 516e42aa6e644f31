"""load_reference: the Jilin region tree, the retired code, parks, industry codes and the taxonomy."""

import csv

import pytest
from django.core.management import call_command

from clusterhub.chain.choices import CodeSystem, Segment
from clusterhub.chain.models import ChainNode, IndustryCode
from clusterhub.core.choices import Datum
from clusterhub.core.models import ObjectChange
from clusterhub.demo.reference import (
    REFERENCE_DIR,
    TAXONOMY_CODE_COLUMNS,
    load_reference,
    split_codes,
    taxonomy_rows,
)
from clusterhub.geo.models import Park, Region, RetiredRegionCode
from clusterhub.geo.services import find_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db):
    return load_reference()


def jilin():
    return Region.objects.filter(path__startswith="220000/")


def test_jilin_has_79_units_in_a_tree(reference):
    assert jilin().count() == 79
    assert jilin().filter(level="prefecture").count() == 9
    assert jilin().filter(level="county").count() == 60
    zones = jilin().filter(level="dev_zone")
    assert zones.count() == 9
    # Development zones hang under their prefecture and have no invented coordinates.
    assert all(z.parent.level == "prefecture" for z in zones)
    assert not zones.exclude(longitude=None).exists()
    changchun = Region.objects.get(code="220100")
    assert changchun.name_en == "Changchun"
    assert Region.objects.get(code="220174").path == "220000/220100/220174/"
    assert Region.objects.get(code="222400").name_en.startswith("Yanbian")


def test_coordinates_carry_their_datum_and_source(reference):
    placed = jilin().exclude(longitude=None)
    assert placed.count() == 70
    assert set(placed.values_list("datum", flat=True)) == {Datum.GCJ02}
    assert all("cpca" in source for source in placed.values_list("coordinate_source", flat=True))
    nanguan = Region.objects.get(code="220102")
    assert (float(nanguan.longitude), float(nanguan.latitude)) == (125.350173, 43.863989)


def test_pinyin_readings_are_corrected(reference):
    # The source's pinyin reads 长白 and 长岭 as Zhang-; they are Chang-.
    assert Region.objects.get(code="220623").pinyin == "changbaichaoxianzuzizhixian"
    assert Region.objects.get(code="220722").name_en == "Changling County"
    assert Region.objects.get(code="222404").name_en == "Hunchun City"


def test_retired_gongzhuling_code_maps_to_changchun(reference):
    retired = RetiredRegionCode.objects.get(code="220381")
    assert retired.region.code == "220184"
    assert retired.region.parent.code == "220100"
    assert retired.retired_on.year == 2020
    assert "220381" in retired.note
    lookup = find_region(code_or_name="220381")
    assert lookup.region.code == "220184" and lookup.warning


def test_parks(reference):
    etdz = Park.objects.get(code="220174")
    assert etdz.kind == "etdz"
    assert etdz.region.code == "220100"
    assert etdz.statistical_region.code == "220174"
    assert etdz.statistical_region.level == "dev_zone"
    city = Park.objects.get(kind="automobile_city")
    assert city.name_en == "Changchun International Automobile City"
    assert city.area_km2 == 471
    assert sorted(city.spans.values_list("code", flat=True)) == sorted(
        ["220174", "220106", "220104", "220173", "220184"]
    )
    assert etdz.parent == city
    assert "complete vehicles" in city.leading_industries and "english.jl.gov.cn" in city.source
    # Every statistical development zone is a park; none has coordinates (no source gives them).
    zone_codes = set(jilin().filter(level="dev_zone").values_list("code", flat=True))
    assert zone_codes <= set(Park.objects.values_list("code", flat=True))
    assert Park.objects.get(code="220173").kind == "high_tech"
    assert not Park.objects.exclude(longitude=None).exists()


def test_every_industry_code_row_is_loaded(reference):
    with (REFERENCE_DIR / "auto_industry_codes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 301
    systems = {
        "GB/T4754-2017": CodeSystem.GBT4754,
        "HS2022": CodeSystem.HS2022,
        "HS2017->HS2022": CodeSystem.HS2017,
        "NAICS2022": CodeSystem.NAICS2022,
        "ISIC4": CodeSystem.ISIC4,
    }
    for row in rows:
        code = IndustryCode.objects.get(system=systems[row["system"]], code=row["code"])
        if row["system"] == "HS2017->HS2022":
            # Each crosswalk row survives as a target in its HS 2017 code's title.
            assert row["title"].split()[2] in code.title
    assert IndustryCode.objects.count() == 191
    assert IndustryCode.objects.get(system=CodeSystem.GBT4754, code="C3670").title == (
        "汽车零部件及配件制造"
    )


NAMED_NODES = {
    # The taxonomy, one level at a time, and the part families buyers think in.
    "vehicles": ["VEH.PCI", "VEH.PCN", "VEH.CV", "VEH.SPV"],
    "parts": [
        "PRT.PWT", "PRT.CHS", "PRT.BDY", "PRT.INT", "PRT.EE", "PRT.NEV", "PRT.ICV",
        "PRT.NEV.BAT", "PRT.NEV.MOT", "PRT.NEV.ECT",
        "PRT.ICV.SNS", "PRT.ICV.CHP", "PRT.ICV.SW",
        "PRT.CHS.BRK", "PRT.CHS.BRK.CAL", "PRT.CHS.STR", "PRT.CHS.SUS", "PRT.CHS.AXL",
        "PRT.EE.WH", "PRT.EE.LGT", "PRT.INT.SEAT", "PRT.INT.SEAT.FRM", "PRT.INT.IP",
        "PRT.INT.DOOR", "PRT.NEV.BAT.CEL", "PRT.NEV.BAT.PCK", "PRT.NEV.BAT.TMS",
        "PRT.BDY.STP", "PRT.BDY.BMP", "PRT.PWT.ENG", "PRT.PWT.TRN",
    ],
    "materials": ["MAT.STL", "MAT.ALU", "MAT.CHM", "MAT.CHM.CFB", "MAT.TYR", "MAT.GLS"],
    "services": ["SVC.LOG", "SVC.FIN", "SVC.RND", "SVC.AFM"],
}  # fmt: skip


def test_taxonomy_covers_the_named_segments(reference):
    assert 60 <= ChainNode.objects.count() <= 90
    roots = ChainNode.objects.filter(parent=None)
    assert sorted(roots.values_list("segment", flat=True)) == sorted(Segment.values)
    for segment, codes in NAMED_NODES.items():
        for code in codes:
            node = ChainNode.objects.get(code=code)
            assert node.segment == segment, code
            assert node.name and node.name_en and node.keywords, code
    assert ChainNode.objects.get(code="PRT.CHS.BRK.CAL").parent.code == "PRT.CHS.BRK"
    assert ChainNode.objects.get(code="PRT.NEV.BAT.CEL").is_nev
    assert not ChainNode.objects.get(code="PRT.INT.SEAT").is_nev
    # Keywords in both languages, for search.
    seats = ChainNode.objects.get(code="PRT.INT.SEAT").keywords
    assert "座椅" in seats and "seat" in seats


def effective_codes(node: ChainNode, system: str) -> set[str]:
    """A node's codes of one system: its own, else its nearest ancestor's."""
    while node is not None:
        own = set(node.codes.filter(system=system).values_list("code", flat=True))
        if own:
            return own
        node = node.parent
    return set()


def test_taxonomy_codes_exist_and_are_inherited(reference):
    known = set(IndustryCode.objects.values_list("system", "code"))
    for row in taxonomy_rows():
        node = ChainNode.objects.get(code=row["code"])
        expected = {
            (system, code)
            for column, system in TAXONOMY_CODE_COLUMNS.items()
            for code in split_codes(row[column])
        }
        assert expected <= known, row["code"]
        assert set(node.codes.values_list("system", "code")) == expected, row["code"]
    # Vehicles and parts all map to GB/T 4754 and NAICS, explicitly or through their parent.
    for node in ChainNode.objects.filter(segment__in=["vehicles", "parts"]):
        assert effective_codes(node, CodeSystem.GBT4754), node.code
        assert effective_codes(node, CodeSystem.NAICS2022), node.code
    calipers = ChainNode.objects.get(code="PRT.CHS.BRK.CAL")
    assert not calipers.codes.exists()
    assert effective_codes(calipers, CodeSystem.HS2022) == {"870830"}
    assert effective_codes(calipers, CodeSystem.GBT4754) == {"C3670"}
    cells = ChainNode.objects.get(code="PRT.NEV.BAT.CEL")
    assert effective_codes(cells, CodeSystem.GBT4754) == {"C3841"}


def test_load_reference_twice_changes_nothing(reference):
    counts = (Region.objects.count(), Park.objects.count(), ChainNode.objects.count())
    changes = ObjectChange.objects.count()
    tally = load_reference()
    assert tally.total("created") == tally.total("updated") == 0
    assert (Region.objects.count(), Park.objects.count(), ChainNode.objects.count()) == counts
    assert ObjectChange.objects.count() == changes


def test_load_reference_updates_in_place(reference):
    region = Region.objects.get(code="220102")
    region.name_en = "Wrong"
    region.save()
    node = ChainNode.objects.get(code="PRT.INT.SEAT")
    node.name_en = "Wrong"
    node.save()
    tally = load_reference()
    assert tally.total("updated") == 2 and tally.total("created") == 0
    assert Region.objects.get(code="220102").name_en == "Nanguan District"
    assert ChainNode.objects.get(code="PRT.INT.SEAT").name_en == "Seats"
    assert ObjectChange.objects.filter(object_id=str(region.pk), action="update").count() == 2


def test_command_logs_its_changes(db, capsys):
    call_command("load_reference")
    assert "created" in capsys.readouterr().out
    assert set(ObjectChange.objects.values_list("source", flat=True)) == {"command"}
    assert jilin().count() == 79

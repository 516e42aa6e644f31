"""Credit codes, datums, region codes and the change log."""

import pytest
from django.core.exceptions import ValidationError

from clusterhub.core.changelog import change_context, history_for
from clusterhub.core.choices import ChangeAction, ChangeSource, Datum
from clusterhub.enterprises.validators import uscc_check_character, uscc_problem, validate_uscc
from clusterhub.geo.models import RetiredRegionCode
from clusterhub.geo.services import convert_coordinates, distance_km, find_region

from .factories import EnterpriseFactory


def test_uscc_standard_example_is_valid():
    # The worked example of GB 32100-2015.
    assert uscc_problem("91350100M000100Y43") is None


def test_uscc_wrong_check_character_names_the_expected_one():
    assert "expected 3" in uscc_problem("91350100M000100Y4X")


@pytest.mark.parametrize(
    ("code", "reason"),
    [("9135010", "18 characters"), ("91350100M000100YI3", "cannot contain I")],
)
def test_uscc_shape_errors(code, reason):
    assert reason in uscc_problem(code)


def test_uscc_check_character_is_computed_for_generated_codes():
    body = "91220101MA0000001"
    validate_uscc(body + uscc_check_character(body))
    with pytest.raises(ValidationError):
        validate_uscc(body + ("0" if uscc_check_character(body) != "0" else "1"))


def test_gcj02_round_trip_within_a_centimetre():
    lon, lat = 125.323513, 43.817251  # Changchun, GCJ-02
    wlon, wlat = convert_coordinates(lon, lat, source=Datum.GCJ02, target=Datum.WGS84)
    # The GCJ-02 offset in Changchun is several hundred metres.
    assert 0.2 < distance_km(lon, lat, wlon, wlat) < 1.0
    back = convert_coordinates(wlon, wlat, source=Datum.WGS84, target=Datum.GCJ02)
    assert distance_km(lon, lat, *back) < 0.00001


def test_retired_code_maps_with_warning(jilin):
    from .factories import RegionFactory

    gongzhuling = RegionFactory(code="220184", name="公主岭市", parent=jilin["changchun"])
    RetiredRegionCode.objects.create(code="220381", name="公主岭市", region=gongzhuling)
    found = find_region(code_or_name="220381")
    assert found.region == gongzhuling
    assert "220381" in found.warning and "220184" in found.warning
    assert find_region(code_or_name="999999").error
    assert find_region(code_or_name="长春市").region == jilin["changchun"]


def test_change_log_records_who_what_before_and_after(people, jilin):
    officer = people["changchun_officer"]
    with change_context(user=officer, source=ChangeSource.IMPORT):
        company = EnterpriseFactory(name="长春测试", home_region=jilin["changchun"])
        company.short_name = "长测"
        company.save()
        company.save()  # nothing changed: no entry
    entries = list(history_for(company))
    assert [e.action for e in entries] == [ChangeAction.UPDATE, ChangeAction.CREATE]
    update = entries[0]
    assert update.user == officer and update.source == ChangeSource.IMPORT
    assert update.changed_fields == [("short_name", "", "长测")]
    pk = company.pk
    company.delete()
    deletion = history_for(type(company)(pk=pk)).first()
    assert deletion.action == ChangeAction.DELETE and deletion.before["name"] == "长春测试"

"""Region lookup (with retired codes) and explicit datum conversion between GCJ-02 and WGS-84."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from clusterhub.core.choices import Datum

from .models import Region, RetiredRegionCode


@dataclass(frozen=True)
class RegionLookup:
    region: Region | None
    warning: str = ""
    error: str = ""


def find_region(*, code_or_name: str, regions_by_key: dict | None = None) -> RegionLookup:
    """Find a region by code or name; a retired code maps to its successor with a warning."""
    key = (code_or_name or "").strip()
    if not key:
        return RegionLookup(None, error=_("no region given"))
    if regions_by_key is not None and key in regions_by_key:
        return regions_by_key[key]
    region = Region.objects.filter(code=key).first()
    if region is None:
        retired = RetiredRegionCode.objects.select_related("region").filter(code=key).first()
        if retired is not None:
            return RegionLookup(
                retired.region,
                warning=_("retired code %(old)s (%(name)s) mapped to %(new)s %(new_name)s")
                % {
                    "old": retired.code,
                    "name": retired.name,
                    "new": retired.region.code,
                    "new_name": retired.region.name,
                },
            )
        matches = list(Region.objects.filter(name=key)[:2]) or list(
            Region.objects.filter(name_en__iexact=key)[:2]
        )
        if len(matches) == 1:
            region = matches[0]
        elif len(matches) > 1:
            return RegionLookup(
                None, error=_("“%(key)s” names more than one region") % {"key": key}
            )
    if region is None:
        return RegionLookup(None, error=_("unknown region code “%(key)s”") % {"key": key})
    return RegionLookup(region)


# GCJ-02 is WGS-84 with a published, deterministic offset inside China. The inverse has no closed
# form; a few fixed-point iterations bring it under a centimetre.
_A = 6378245.0
_EE = 0.00669342162296594323


def _outside_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if _outside_china(lon, lat):
        return lon, lat
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    wlon, wlat = lon, lat
    for _step in range(6):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        wlon, wlat = wlon - (glon - lon), wlat - (glat - lat)
    return wlon, wlat


def convert_coordinates(lon: float, lat: float, *, source: str, target: str) -> tuple[float, float]:
    """Convert between datums explicitly; the caller always names both."""
    if source == target:
        return lon, lat
    if source == Datum.WGS84 and target == Datum.GCJ02:
        return wgs84_to_gcj02(lon, lat)
    if source == Datum.GCJ02 and target == Datum.WGS84:
        return gcj02_to_wgs84(lon, lat)
    raise ValueError(f"no conversion from {source} to {target}")


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance; both points must be on the same datum."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))

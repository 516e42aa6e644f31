"""The synthetic demo population: about 1,500 suppliers and 8,000 supply links, from a fixed seed.

Everything here is generated and every record is marked `is_synthetic`; names are checked not to
collide with the real companies of the demo. The population follows the real division of roles
in Jilin (China News Service 2021-10-19, see reference/FACTS.md): Changchun makes vehicles and
parts; Jilin City chemicals, carbon fibre, electronics and batteries; Siping special-purpose
vehicles and their parts; Liaoyuan, Songyuan and Baicheng materials; Tonghua, Baishan and Yanbian
little. Chips, sensors, software and (until 2024) battery cells come from outside the province.

Local sourcing rate (本地配套率) of FAW's Changchun plants: the share of the value they buy from
suppliers whose producing site is in Jilin. The generator calibrates it, year by year, to
LOCAL_SOURCING_TARGET: 38% in 2020 (the figure of about 2010, Xinhua 2011-01-07, which the
demo takes as its starting point) rising to 50% in 2025 (the policy target). The demo's figures
are within ±0.5 percentage points of these targets.

`generate_population(seed=...)` is pure Python (no database): the same seed gives the same
population on every machine. `sync_population()` writes it, or leaves the database alone when it
already holds exactly that population.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import random
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from clusterhub.chain.models import ChainNode, SupplyLink
from clusterhub.core.choices import Confidentiality, Datum
from clusterhub.enterprises.models import (
    PUBLIC_ID_ALPHABET,
    Capability,
    Certification,
    Enterprise,
    EnterpriseAlias,
    Site,
)
from clusterhub.enterprises.services import pinyin_of
from clusterhub.enterprises.validators import uscc_check_character
from clusterhub.geo.models import Park, Region

from .records import bulk_delete, bulk_insert
from .reference import PACKAGE_DIR, jilin_rows, read_csv, taxonomy_rows

DEFAULT_SEED = 20211019
YEARS = tuple(range(2020, 2026))
LINK_SOURCE = "synthetic demo"
FIXTURES_DIR = PACKAGE_DIR / "fixtures" / "demo"
# Certificates are dated relative to this day, so the population does not depend on the clock.
CERTIFICATES_AS_OF = datetime.date(2026, 7, 1)

LOCAL_SOURCING_TARGET = {2020: 0.38, 2021: 0.40, 2022: 0.42, 2023: 0.45, 2024: 0.48, 2025: 0.50}

# ---------------------------------------------------------------------------------------------
# Where the suppliers are and what they make
# ---------------------------------------------------------------------------------------------

# Suppliers per home region (county, district or development zone; outside Jilin: the city).
REGION_COUNTS = {
    # Changchun: 700
    "220174": 140, "220106": 80, "220104": 50, "220173": 60, "220171": 60, "220172": 20,
    "220103": 30, "220105": 25, "220102": 15, "220112": 20, "220113": 30, "220122": 20,
    "220182": 10, "220183": 30, "220184": 110,
    # Jilin City: 170
    "220202": 25, "220203": 30, "220204": 15, "220211": 10, "220221": 10, "220271": 30,
    "220272": 35, "220281": 5, "220282": 3, "220283": 3, "220284": 4,
    # Siping: 120
    "220302": 35, "220303": 45, "220322": 15, "220323": 15, "220382": 10,
    # Liaoyuan: 55
    "220402": 20, "220403": 15, "220421": 10, "220422": 10,
    # Tonghua: 20, Baishan: 12
    "220502": 8, "220503": 4, "220581": 8, "220602": 8, "220605": 4,
    # Songyuan: 45, Baicheng: 35
    "220702": 15, "220721": 15, "220771": 10, "220781": 5,
    "220802": 12, "220871": 10, "220881": 5, "220882": 8,
    # Yanbian: 22
    "222401": 10, "222404": 5, "222403": 4, "222402": 3,
    # Outside the province: 320
    "310000": 70, "320500": 60, "330200": 55, "440300": 50, "120000": 30, "210100": 25,
    "420100": 30,
}  # fmt: skip

_CHANGCHUN = {
    "PRT.PWT.ENG": 3, "PRT.PWT.TRN": 2, "PRT.PWT.EXH": 3, "PRT.PWT.COOL": 3,
    "PRT.CHS.BRK.CAL": 2, "PRT.CHS.BRK.DSC": 3, "PRT.CHS.BRK.ESC": 1, "PRT.CHS.STR": 2,
    "PRT.CHS.SUS": 4, "PRT.CHS.AXL": 3, "PRT.CHS.WHL": 3, "PRT.CHS.PIP": 4,
    "PRT.BDY.BIW": 4, "PRT.BDY.STP": 12, "PRT.BDY.BMP": 4, "PRT.BDY.CAB": 2,
    "PRT.INT.SEAT.ASM": 5, "PRT.INT.SEAT.FRM": 6, "PRT.INT.IP": 4, "PRT.INT.DOOR": 4,
    "PRT.INT.SAF": 2, "PRT.INT.EXT": 5,
    "PRT.EE.WH": 8, "PRT.EE.LGT": 3, "PRT.EE.STG": 2, "PRT.EE.ECU": 3, "PRT.EE.HVAC": 3,
    "PRT.NEV.BAT.PCK": 2, "PRT.NEV.BAT.TMS": 2, "PRT.NEV.MOT": 2, "PRT.NEV.ECT": 1,
    "PRT.ICV.TBX": 2, "PRT.ICV.DCU": 1,
    "MAT.STL.SHT": 3, "MAT.STL.CST": 2, "MAT.ALU": 2, "MAT.CHM.PLS": 3, "MAT.CHM.RUB": 3,
    "MAT.CHM.PNT": 1, "MAT.GLS": 1,
    "SVC.LOG.INB": 6, "SVC.LOG.VEH": 3, "SVC.FIN": 2, "SVC.RND": 4, "SVC.AFM": 5,
}  # fmt: skip
_CHANGCHUN_TECH = {
    "PRT.EE.ECU": 3, "PRT.ICV.SW.ADS": 2, "PRT.ICV.SW.CKP": 3, "PRT.ICV.TBX": 3,
    "PRT.ICV.DCU": 2, "PRT.ICV.SNS.CAM": 2, "PRT.ICV.SNS.RAD": 1, "PRT.NEV.ECT": 2,
    "PRT.NEV.MOT": 1, "PRT.EE.WH": 1, "PRT.INT.EXT": 1, "SVC.RND": 4, "SVC.FIN": 2,
}  # fmt: skip
_JILIN_CITY = {
    "MAT.CHM.CFB": 6, "MAT.CHM.PLS": 5, "MAT.CHM.RUB": 3, "MAT.CHM.PNT": 3, "MAT.CHM.BAT": 4,
    "PRT.NEV.BAT.CEL": 2, "PRT.NEV.BAT.PCK": 3, "PRT.NEV.BAT.TMS": 2, "PRT.EE.ECU": 3,
    "PRT.EE.WH": 2, "PRT.EE.LGT": 1, "PRT.ICV.SNS.CAM": 1, "PRT.BDY.STP": 2,
    "PRT.INT.SEAT.FRM": 1, "PRT.INT.EXT": 1, "SVC.LOG.INB": 1,
}  # fmt: skip
_SIPING = {
    "VEH.SPV.TRK": 6, "VEH.SPV.TRL": 4, "VEH.SPV.UPF": 5, "PRT.CHS.AXL": 3, "PRT.CHS.SUS": 3,
    "PRT.CHS.BRK.DSC": 2, "PRT.PWT.COOL": 4, "PRT.BDY.CAB": 2, "PRT.BDY.STP": 2,
    "PRT.CHS.STR": 1, "MAT.STL.CST": 2, "PRT.CHS.WHL": 1, "SVC.LOG.INB": 1,
}  # fmt: skip
_LIAOYUAN = {
    "MAT.ALU": 6,
    "MAT.STL.CST": 4,
    "PRT.CHS.WHL": 2,
    "PRT.PWT.ENG": 1,
    "PRT.EE.WH": 1,
    "MAT.CHM.RUB": 1,
}
_SONGYUAN = {
    "MAT.CHM.PLS": 5,
    "MAT.CHM.RUB": 3,
    "MAT.CHM.PNT": 2,
    "MAT.CHM.BAT": 1,
    "SVC.LOG.INB": 1,
}
_BAICHENG = {
    "PRT.NEV.FCS": 3,
    "MAT.CHM.BAT": 2,
    "MAT.STL.CST": 2,
    "MAT.ALU": 1,
    "SVC.LOG.INB": 1,
}
_TONGHUA = {"MAT.STL.SHT": 3, "MAT.STL.CST": 2, "MAT.CHM.RUB": 1}
_BAISHAN = {"MAT.CHM.PLS": 1, "MAT.STL.CST": 1, "MAT.CHM.RUB": 1}
_YANBIAN = {
    "PRT.EE.WH": 2,
    "MAT.CHM.RUB": 1,
    "SVC.LOG.INB": 2,
    "PRT.INT.EXT": 1,
    "MAT.STL.CST": 1,
}
_OUTSIDE = {
    "310000": {
        "PRT.ICV.CHP.MCU": 3, "PRT.ICV.CHP.SOC": 3, "PRT.ICV.SW.ADS": 3, "PRT.ICV.SW.CKP": 3,
        "PRT.ICV.SNS.LID": 2, "PRT.ICV.SNS.CAM": 2, "PRT.ICV.SNS.RAD": 2, "PRT.CHS.BRK.ESC": 3,
        "PRT.INT.SAF": 3, "PRT.EE.HVAC": 3, "PRT.PWT.TRN": 3, "PRT.ICV.DCU": 2, "PRT.EE.ECU": 2,
        "PRT.NEV.ECT": 2, "PRT.INT.SEAT.ASM": 1, "PRT.INT.IP": 1, "PRT.EE.LGT": 2,
        "MAT.CHM.PNT": 1, "SVC.RND": 2,
    },
    "320500": {
        "PRT.EE.ECU": 3, "PRT.ICV.CHP.PWR": 3, "PRT.ICV.SNS.RAD": 3, "PRT.ICV.SNS.CAM": 3,
        "PRT.ICV.DCU": 2, "PRT.EE.WH": 2, "PRT.NEV.MOT": 2, "PRT.NEV.ECT": 2,
        "PRT.NEV.BAT.TMS": 1, "PRT.EE.STG": 2, "MAT.CHM.PLS": 2, "PRT.CHS.BRK.CAL": 1,
    },
    "330200": {
        "PRT.BDY.BMP": 3, "PRT.INT.EXT": 3, "PRT.CHS.SUS": 3, "PRT.EE.LGT": 3, "PRT.INT.SAF": 2,
        "PRT.INT.DOOR": 2, "PRT.INT.IP": 2, "PRT.INT.SEAT.FRM": 2, "PRT.PWT.COOL": 2,
        "PRT.CHS.BRK.DSC": 2, "MAT.CHM.RUB": 2, "MAT.ALU": 2, "PRT.BDY.STP": 1,
    },
    "440300": {
        "PRT.ICV.CHP.SOC": 3, "PRT.ICV.CHP.PWR": 2, "PRT.NEV.BAT.CEL": 4, "PRT.NEV.BAT.PCK": 3,
        "PRT.ICV.SW.CKP": 3, "PRT.ICV.TBX": 3, "PRT.ICV.DCU": 3, "PRT.ICV.SNS.LID": 2,
        "PRT.ICV.SNS.CAM": 2, "PRT.NEV.ECT": 2, "MAT.CHM.BAT": 2,
    },
    "120000": {
        "PRT.PWT.TRN": 3, "PRT.PWT.ENG": 2, "PRT.EE.STG": 2, "MAT.STL.SHT": 3, "PRT.CHS.STR": 2,
        "PRT.PWT.EXH": 2, "PRT.INT.SEAT.ASM": 1, "MAT.GLS": 1, "SVC.LOG.VEH": 1,
        "MAT.TYR.PCR": 1,
    },
    "210100": {
        "PRT.PWT.ENG": 3, "PRT.PWT.TRN": 2, "MAT.STL.SHT": 3, "MAT.STL.CST": 2, "PRT.CHS.AXL": 2,
        "PRT.BDY.CAB": 1, "PRT.PWT.EXH": 1, "MAT.TYR.TBR": 1, "SVC.LOG.INB": 1,
    },
    "420100": {
        "MAT.STL.SHT": 3, "PRT.EE.LGT": 2, "PRT.CHS.SUS": 2, "PRT.NEV.BAT.CEL": 2,
        "PRT.ICV.SNS.LID": 1, "PRT.CHS.BRK.CAL": 2, "PRT.CHS.STR": 2, "PRT.INT.SEAT.ASM": 2,
        "MAT.TYR.PCR": 1, "MAT.TYR.TBR": 1, "MAT.GLS": 2, "PRT.NEV.BAT.PCK": 1,
        "PRT.EE.HVAC": 2, "PRT.PWT.EXH": 1, "PRT.PWT.COOL": 1,
    },
}  # fmt: skip
_PREFECTURE_PROFILE = {
    "220100": _CHANGCHUN, "220200": _JILIN_CITY, "220300": _SIPING, "220400": _LIAOYUAN,
    "220500": _TONGHUA, "220600": _BAISHAN, "220700": _SONGYUAN, "220800": _BAICHENG,
    "222400": _YANBIAN,
}  # fmt: skip
_TECH_ZONES = {"220172", "220173"}

# Development zones have no centroid in the source: synthetic sites there are placed around the
# district next to them.
DEV_ZONE_ANCHOR = {
    "220171": "220105", "220172": "220102", "220173": "220104", "220174": "220106",
    "220271": "220202", "220272": "220211", "220273": "220204", "220771": "220702",
    "220871": "220802",
}  # fmt: skip
AUTOMOBILE_CITY_AREAS = {"220106", "220104", "220184"}  # spanned by park CIAC, besides the zones
# Where outside suppliers put a Changchun plant when they localise.
LOCALISATION_REGIONS = ("220174", "220184", "220106", "220171")

COMPONENT_NODES = {  # bought by tier-1s rather than by the OEM: their makers are tier-2
    "PRT.INT.SEAT.FRM", "PRT.ICV.CHP.MCU", "PRT.ICV.CHP.PWR", "PRT.CHS.BRK.CAL",
}  # fmt: skip
NOT_LOCALISED = {  # outside makers of these do not open a Changchun plant in the demo
    "PRT.ICV.CHP.MCU", "PRT.ICV.CHP.SOC", "PRT.ICV.CHP.PWR", "PRT.ICV.SW.ADS",
    "PRT.ICV.SW.CKP", "PRT.ICV.SNS.LID", "PRT.ICV.SNS.RAD", "PRT.ICV.SNS.CAM",
    "PRT.NEV.BAT.CEL", "MAT.TYR.PCR", "MAT.TYR.TBR",
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# What FAW's Changchun plants buy
# ---------------------------------------------------------------------------------------------

# Annual purchases per plant, in billion yuan (synthetic, sized to FAW's output).
PLANT_SPEND = {
    "fawvw": (85, 82, 85, 88, 84, 80),
    "hongqi": (12, 18, 22, 26, 30, 33),
    "jiefang": (45, 42, 25, 28, 30, 32),
    "bestune": (10, 9, 8, 8, 7, 7),
    "toyota": (18, 17, 16, 16, 15, 15),
    "audinev": (0, 0, 0, 0, 0, 9),  # mass production from 2024-12-17
}
PLANT_NEV_SHARE = {
    "fawvw": (0.03, 0.06, 0.10, 0.13, 0.15, 0.18),
    "hongqi": (0.05, 0.10, 0.15, 0.25, 0.35, 0.45),
    "jiefang": (0.01, 0.01, 0.02, 0.03, 0.05, 0.08),
    "bestune": (0.02, 0.05, 0.08, 0.12, 0.18, 0.22),
    "toyota": (0.0, 0.01, 0.02, 0.03, 0.05, 0.08),
    "audinev": (1.0,) * 6,
}
COMMERCIAL_PLANTS = {"jiefang"}

ICE_ONLY = {"PRT.PWT.ENG", "PRT.PWT.TRN", "PRT.PWT.EXH", "PRT.EE.STG"}
NEV_ONLY = {
    "PRT.NEV.BAT.PCK", "PRT.NEV.BAT.CEL", "PRT.NEV.BAT.TMS", "PRT.NEV.MOT", "PRT.NEV.ECT",
    "PRT.NEV.FCS",
}  # fmt: skip
ICV = {
    "PRT.ICV.SNS.CAM", "PRT.ICV.SNS.RAD", "PRT.ICV.SNS.LID", "PRT.ICV.CHP.SOC",
    "PRT.ICV.CHP.MCU", "PRT.ICV.SW.ADS", "PRT.ICV.SW.CKP", "PRT.ICV.DCU", "PRT.ICV.TBX",
}  # fmt: skip

PASSENGER_BASKET = {
    "PRT.PWT.ENG": 10, "PRT.PWT.TRN": 6, "PRT.PWT.EXH": 2, "PRT.PWT.COOL": 2, "PRT.EE.STG": 1,
    "PRT.CHS.BRK.CAL": 1.5, "PRT.CHS.BRK.DSC": 1, "PRT.CHS.BRK.ESC": 1.5, "PRT.CHS.STR": 2.5,
    "PRT.CHS.SUS": 3, "PRT.CHS.AXL": 2, "PRT.CHS.WHL": 2, "PRT.CHS.PIP": 1,
    "PRT.BDY.BIW": 4, "PRT.BDY.STP": 7, "PRT.BDY.BMP": 2,
    "PRT.INT.SEAT.ASM": 5, "PRT.INT.IP": 2.5, "PRT.INT.DOOR": 2, "PRT.INT.SAF": 2,
    "PRT.INT.EXT": 2,
    "PRT.EE.WH": 4, "PRT.EE.LGT": 2.5, "PRT.EE.ECU": 3, "PRT.EE.HVAC": 2.5,
    "MAT.TYR.PCR": 2, "MAT.GLS": 1.5, "SVC.LOG.INB": 2, "SVC.LOG.VEH": 1, "SVC.RND": 1,
    "PRT.NEV.BAT.PCK": 14, "PRT.NEV.BAT.CEL": 8, "PRT.NEV.BAT.TMS": 1.5, "PRT.NEV.MOT": 4,
    "PRT.NEV.ECT": 3,
    "PRT.ICV.SNS.CAM": 0.6, "PRT.ICV.SNS.RAD": 0.6, "PRT.ICV.SNS.LID": 0.4,
    "PRT.ICV.CHP.SOC": 0.8, "PRT.ICV.CHP.MCU": 0.5, "PRT.ICV.SW.ADS": 0.8,
    "PRT.ICV.SW.CKP": 0.8, "PRT.ICV.DCU": 1.2, "PRT.ICV.TBX": 0.6,
}  # fmt: skip
COMMERCIAL_BASKET = {
    "PRT.PWT.ENG": 16, "PRT.PWT.TRN": 8, "PRT.PWT.EXH": 5, "PRT.PWT.COOL": 3, "PRT.EE.STG": 1.5,
    "PRT.CHS.BRK.DSC": 3, "PRT.CHS.BRK.ESC": 2, "PRT.CHS.STR": 3, "PRT.CHS.SUS": 4,
    "PRT.CHS.AXL": 8, "PRT.CHS.WHL": 3, "PRT.CHS.PIP": 2,
    "PRT.BDY.CAB": 7, "PRT.BDY.STP": 3,
    "PRT.INT.SEAT.ASM": 1.5, "PRT.INT.IP": 1, "PRT.INT.SAF": 0.5, "PRT.INT.EXT": 1,
    "PRT.EE.WH": 3, "PRT.EE.LGT": 1.5, "PRT.EE.ECU": 2, "PRT.EE.HVAC": 1.5,
    "MAT.TYR.TBR": 5, "MAT.GLS": 1, "SVC.LOG.INB": 2, "SVC.LOG.VEH": 1.5, "SVC.RND": 1,
    "PRT.NEV.BAT.PCK": 14, "PRT.NEV.MOT": 4, "PRT.NEV.ECT": 3, "PRT.NEV.FCS": 6,
    "PRT.ICV.TBX": 1, "PRT.ICV.DCU": 0.8, "PRT.ICV.SNS.CAM": 0.4, "PRT.ICV.SNS.RAD": 0.4,
    "PRT.ICV.SW.ADS": 0.5,
}  # fmt: skip

# node: (chance a supplier slot is local in 2020, in 2025, fewest and most suppliers per plant).
# A slot between the two chances switches from an outside to a local supplier in some year.
SOURCING = {
    "PRT.INT.SEAT.ASM": (0.85, 0.95, 2, 3), "PRT.EE.WH": (0.8, 0.95, 2, 4),
    "PRT.BDY.STP": (0.85, 0.95, 3, 5), "PRT.BDY.BIW": (0.7, 0.85, 1, 2),
    "PRT.BDY.BMP": (0.6, 0.85, 1, 3), "PRT.INT.IP": (0.6, 0.85, 1, 2),
    "PRT.INT.DOOR": (0.7, 0.9, 1, 3), "PRT.INT.EXT": (0.4, 0.6, 2, 3),
    "PRT.BDY.CAB": (0.8, 0.9, 1, 2), "SVC.LOG.INB": (0.9, 0.95, 2, 3),
    "SVC.LOG.VEH": (0.6, 0.7, 1, 2), "SVC.RND": (0.5, 0.6, 1, 3),
    "PRT.PWT.ENG": (0.45, 0.5, 1, 2), "PRT.PWT.TRN": (0.15, 0.3, 1, 3),
    "PRT.PWT.EXH": (0.4, 0.55, 1, 2), "PRT.PWT.COOL": (0.3, 0.5, 1, 3),
    "PRT.CHS.BRK.CAL": (0.3, 0.5, 1, 2), "PRT.CHS.BRK.DSC": (0.5, 0.6, 1, 3),
    "PRT.CHS.BRK.ESC": (0.0, 0.1, 1, 2), "PRT.CHS.STR": (0.3, 0.45, 1, 2),
    "PRT.CHS.SUS": (0.4, 0.55, 2, 3), "PRT.CHS.AXL": (0.5, 0.65, 1, 3),
    "PRT.CHS.WHL": (0.5, 0.6, 1, 3), "PRT.CHS.PIP": (0.6, 0.75, 1, 3),
    "PRT.INT.SAF": (0.1, 0.25, 1, 2), "PRT.EE.LGT": (0.3, 0.45, 1, 3),
    "PRT.EE.STG": (0.2, 0.3, 1, 2), "PRT.EE.ECU": (0.1, 0.25, 2, 3),
    "PRT.EE.HVAC": (0.15, 0.3, 1, 2), "MAT.GLS": (0.3, 0.4, 1, 2),
    "MAT.TYR.PCR": (0.0, 0.0, 1, 3), "MAT.TYR.TBR": (0.0, 0.0, 1, 2),
    "PRT.NEV.BAT.PCK": (0.0, 0.5, 1, 2), "PRT.NEV.BAT.CEL": (0.0, 0.3, 1, 2),
    "PRT.NEV.BAT.TMS": (0.2, 0.5, 1, 2), "PRT.NEV.MOT": (0.1, 0.35, 1, 2),
    "PRT.NEV.ECT": (0.0, 0.2, 1, 2), "PRT.NEV.FCS": (0.0, 0.5, 1, 1),
    "PRT.ICV.SNS.CAM": (0.0, 0.1, 1, 2), "PRT.ICV.SNS.RAD": (0.0, 0.0, 1, 2),
    "PRT.ICV.SNS.LID": (0.0, 0.0, 1, 1), "PRT.ICV.CHP.SOC": (0.0, 0.0, 1, 1),
    "PRT.ICV.CHP.MCU": (0.0, 0.0, 1, 2), "PRT.ICV.SW.ADS": (0.0, 0.1, 1, 1),
    "PRT.ICV.SW.CKP": (0.0, 0.15, 1, 2), "PRT.ICV.DCU": (0.0, 0.1, 1, 2),
    "PRT.ICV.TBX": (0.2, 0.4, 1, 2),
}  # fmt: skip
# The earliest year a slot may turn local (no local cell maker supplies FAW before 2024).
EARLIEST_LOCAL = {"PRT.NEV.BAT.CEL": 2024, "PRT.NEV.BAT.PCK": 2022}

# What a maker of a node buys, and the share of its sales that each input is worth.
UPSTREAM = {
    "PRT.PWT.ENG": ["MAT.STL.CST", "MAT.ALU", "PRT.ICV.CHP.MCU"],
    "PRT.PWT.TRN": ["MAT.STL.CST", "PRT.ICV.CHP.MCU"],
    "PRT.PWT.EXH": ["MAT.STL.SHT"],
    "PRT.PWT.COOL": ["MAT.ALU", "MAT.CHM.RUB"],
    "PRT.CHS.BRK.CAL": ["MAT.STL.CST", "MAT.CHM.RUB"],
    "PRT.CHS.BRK.DSC": ["MAT.STL.CST"],
    "PRT.CHS.BRK.ESC": ["PRT.ICV.CHP.MCU", "PRT.CHS.BRK.CAL"],
    "PRT.CHS.STR": ["MAT.STL.CST", "PRT.ICV.CHP.MCU"],
    "PRT.CHS.SUS": ["MAT.STL.SHT", "MAT.STL.CST", "MAT.CHM.RUB"],
    "PRT.CHS.AXL": ["MAT.STL.CST"],
    "PRT.CHS.WHL": ["MAT.ALU", "MAT.STL.SHT"],
    "PRT.CHS.PIP": ["MAT.CHM.RUB", "MAT.STL.SHT"],
    "PRT.BDY.BIW": ["PRT.BDY.STP", "MAT.STL.SHT"],
    "PRT.BDY.STP": ["MAT.STL.SHT"],
    "PRT.BDY.BMP": ["MAT.CHM.PLS", "MAT.CHM.PNT"],
    "PRT.BDY.CAB": ["PRT.BDY.STP", "MAT.STL.SHT", "MAT.CHM.PNT"],
    "PRT.INT.SEAT.ASM": ["PRT.INT.SEAT.FRM", "MAT.CHM.PLS"],
    "PRT.INT.SEAT.FRM": ["MAT.STL.SHT"],
    "PRT.INT.IP": ["MAT.CHM.PLS"],
    "PRT.INT.DOOR": ["MAT.CHM.PLS"],
    "PRT.INT.SAF": ["MAT.CHM.PLS", "PRT.ICV.CHP.MCU"],
    "PRT.INT.EXT": ["MAT.ALU", "MAT.CHM.PLS", "MAT.CHM.CFB"],
    "PRT.EE.WH": ["MAT.CHM.PLS"],
    "PRT.EE.LGT": ["MAT.CHM.PLS", "PRT.ICV.CHP.MCU"],
    "PRT.EE.STG": ["MAT.STL.CST"],
    "PRT.EE.ECU": ["PRT.ICV.CHP.MCU"],
    "PRT.EE.HVAC": ["MAT.ALU", "PRT.ICV.CHP.MCU"],
    "PRT.NEV.BAT.PCK": ["PRT.NEV.BAT.CEL", "PRT.NEV.BAT.TMS", "PRT.ICV.CHP.MCU"],
    "PRT.NEV.BAT.CEL": ["MAT.CHM.BAT"],
    "PRT.NEV.BAT.TMS": ["MAT.ALU"],
    "PRT.NEV.MOT": ["MAT.STL.SHT", "MAT.ALU"],
    "PRT.NEV.ECT": ["PRT.ICV.CHP.PWR", "PRT.ICV.CHP.MCU"],
    "PRT.NEV.FCS": ["MAT.CHM.CFB"],
    "PRT.ICV.DCU": ["PRT.ICV.CHP.SOC", "PRT.ICV.SW.ADS"],
    "PRT.ICV.SNS.CAM": ["PRT.ICV.CHP.SOC"],
    "PRT.ICV.SNS.RAD": ["PRT.ICV.CHP.MCU"],
    "PRT.ICV.TBX": ["PRT.ICV.CHP.MCU"],
}
UPSTREAM_SHARE = {
    "PRT.NEV.BAT.CEL": 0.55, "MAT.CHM.BAT": 0.5, "PRT.INT.SEAT.FRM": 0.25,
    "PRT.BDY.STP": 0.4, "MAT.STL.SHT": 0.3, "PRT.ICV.CHP.SOC": 0.3, "PRT.ICV.CHP.PWR": 0.25,
    "PRT.ICV.CHP.MCU": 0.06, "MAT.CHM.CFB": 0.3, "PRT.CHS.BRK.CAL": 0.2,
    "PRT.NEV.BAT.TMS": 0.05, "PRT.ICV.SW.ADS": 0.2,
}  # fmt: skip
DEFAULT_UPSTREAM_SHARE = 0.12
# Services that FAW's direct suppliers buy, with their share of the supplier's sales.
SUPPLIER_SERVICES = {"SVC.LOG.INB": 0.03, "SVC.RND": 0.015}

# What special-purpose vehicle makers buy.
SPECIAL_VEHICLE_INPUTS = {
    "VEH.SPV.TRK": ["VEH.SPV.UPF", "PRT.CHS.AXL", "PRT.CHS.SUS", "PRT.EE.WH", "PRT.EE.LGT",
                    "MAT.STL.SHT", "PRT.PWT.COOL"],
    "VEH.SPV.TRL": ["PRT.CHS.AXL", "PRT.CHS.SUS", "PRT.CHS.BRK.DSC", "MAT.STL.SHT",
                    "PRT.CHS.WHL", "MAT.TYR.TBR"],
    "VEH.SPV.UPF": ["MAT.STL.SHT", "MAT.ALU", "MAT.CHM.PNT", "PRT.EE.WH"],
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

TRADE_CHARACTERS = "恒瑞华宏鑫达通泰昌盛嘉信诚德博远丰福安祥兴力新亚东北金宇航科锐凯正元中永润捷越卓明晟翔腾辰禾拓联创智"
# Trade names of the real demo companies and well-known groups: never generated.
RESERVED_TRADE_NAMES = {
    "富奥", "富维", "海拉", "安道", "道拓", "大陆", "华翔", "弗迪", "玲珑", "福耀", "天海",
    "世宝", "林泉", "凯达", "红旗", "解放", "奔腾", "丰越", "丰田", "大众", "奥迪", "启明",
    "一汽", "中国", "华域", "博世", "延锋", "本特", "宁德", "均胜", "潍柴", "北汽", "德昌",
    "通信", "中信", "华信", "东风", "长安",
}  # fmt: skip
MECHANICAL = ("PRT.PWT.", "PRT.CHS.", "PRT.BDY.", "PRT.INT.")  # may carry a generic name
GENERIC_INDUSTRY = [("汽车零部件", "Auto Parts", "汽配"), ("机械", "Machinery", "机械")]
INDUSTRY = {
    "VEH.SPV.TRK": [("专用汽车", "Special Vehicle", "专用车"),
                    ("专用车制造", "Special Vehicle Manufacturing", "专用车")],
    "VEH.SPV.TRL": [("挂车制造", "Trailer Manufacturing", "挂车"), ("半挂车", "Semi-trailer", "挂车")],
    "VEH.SPV.UPF": [("专用车装备", "Special Vehicle Equipment", "装备"),
                    ("汽车改装", "Vehicle Conversion", "改装")],
    "PRT.PWT.ENG": [("发动机部件", "Engine Components", "动力"), ("动力机械", "Power Machinery", "动力")],
    "PRT.PWT.TRN": [("传动系统", "Transmission Systems", "传动"), ("变速器", "Transmission", "传动")],
    "PRT.PWT.EXH": [("排气系统", "Exhaust Systems", "排气"), ("环保科技", "Emission Technology", "环保")],
    "PRT.PWT.COOL": [("热交换器", "Heat Exchanger", "换热"), ("热系统", "Thermal Systems", "热系统")],
    "PRT.CHS.BRK.CAL": [("制动器", "Brake", "制动")],
    "PRT.CHS.BRK.DSC": [("制动部件", "Brake Components", "制动")],
    "PRT.CHS.BRK.ESC": [("制动系统", "Braking Systems", "制动"),
                        ("汽车电子", "Automotive Electronics", "电子")],
    "PRT.CHS.STR": [("转向系统", "Steering Systems", "转向"), ("转向器", "Steering Gear", "转向")],
    "PRT.CHS.SUS": [("减振器", "Shock Absorber", "减振"), ("悬架系统", "Suspension Systems", "悬架")],
    "PRT.CHS.AXL": [("车桥", "Axle", "车桥")],
    "PRT.CHS.WHL": [("车轮", "Wheel", "车轮")],
    "PRT.CHS.PIP": [("汽车管路", "Automotive Tubing", "管路"), ("流体系统", "Fluid Systems", "流体")],
    "PRT.BDY.BIW": [("车身系统", "Body Systems", "车身")],
    "PRT.BDY.STP": [("汽车冲压件", "Auto Stamping", "冲压"), ("精密冲压", "Precision Stamping", "冲压"),
                    ("模具冲压", "Die and Stamping", "冲压")],
    "PRT.BDY.BMP": [("汽车塑料制品", "Automotive Plastic Products", "塑料")],
    "PRT.BDY.CAB": [("驾驶室", "Cab", "驾驶室")],
    "PRT.INT.SEAT.ASM": [("汽车座椅", "Automotive Seating", "座椅")],
    "PRT.INT.SEAT.FRM": [("座椅部件", "Seat Components", "座椅")],
    "PRT.INT.IP": [("汽车内饰", "Automotive Interior", "内饰")],
    "PRT.INT.DOOR": [("汽车饰件", "Automotive Trim", "饰件")],
    "PRT.INT.SAF": [("汽车安全系统", "Automotive Safety Systems", "安全")],
    "PRT.INT.EXT": [("汽车外饰", "Automotive Exterior Trim", "外饰"), ("装饰件", "Trim Parts", "饰件")],
    "PRT.EE.WH": [("汽车线束", "Wiring Harness", "线束"), ("电子线束", "Electronic Harness", "线束")],
    "PRT.EE.LGT": [("车灯", "Automotive Lighting", "车灯")],
    "PRT.EE.STG": [("汽车电机", "Automotive Electric Machines", "电机")],
    "PRT.EE.ECU": [("汽车电子", "Automotive Electronics", "电子"),
                   ("电子科技", "Electronic Technology", "电子")],
    "PRT.EE.HVAC": [("汽车空调", "Automotive Air Conditioning", "空调")],
    "PRT.NEV.BAT.CEL": [("动力电池", "Power Battery", "电池"),
                        ("新能源科技", "New Energy Technology", "新能源")],
    "PRT.NEV.BAT.PCK": [("电池系统", "Battery Systems", "电池"),
                        ("新能源科技", "New Energy Technology", "新能源")],
    "PRT.NEV.BAT.TMS": [("热管理技术", "Thermal Management Technology", "热管理")],
    "PRT.NEV.MOT": [("电驱动", "Electric Drive", "电驱"), ("电机", "Electric Motor", "电机")],
    "PRT.NEV.ECT": [("电控技术", "Electric Control Technology", "电控")],
    "PRT.NEV.FCS": [("氢能科技", "Hydrogen Technology", "氢能"), ("燃料电池", "Fuel Cell", "氢能")],
    "PRT.ICV.SNS.CAM": [("智能感知", "Intelligent Sensing", "感知"), ("光电科技", "Optoelectronics", "光电")],
    "PRT.ICV.SNS.RAD": [("雷达科技", "Radar Technology", "雷达"), ("传感技术", "Sensing Technology", "传感")],
    "PRT.ICV.SNS.LID": [("激光雷达", "Lidar", "激光")],
    "PRT.ICV.CHP.MCU": [("微电子", "Microelectronics", "微电子")],
    "PRT.ICV.CHP.SOC": [("芯片科技", "Chip Technology", "芯片"), ("集成电路", "Integrated Circuit", "芯片")],
    "PRT.ICV.CHP.PWR": [("半导体", "Semiconductor", "半导体")],
    "PRT.ICV.SW.ADS": [("智能驾驶科技", "Intelligent Driving Technology", "智驾")],
    "PRT.ICV.SW.CKP": [("软件", "Software", "软件"), ("信息技术", "Information Technology", "信息")],
    "PRT.ICV.DCU": [("智能科技", "Intelligent Technology", "智能")],
    "PRT.ICV.TBX": [("车联网科技", "Connected Vehicle Technology", "车联网"),
                    ("通信技术", "Communication Technology", "通信")],
    "MAT.STL.SHT": [("钢材加工", "Steel Processing", "钢材"), ("钢板加工配送", "Steel Service Centre", "钢材")],
    "MAT.STL.CST": [("铸造", "Foundry", "铸造"), ("锻造", "Forging", "锻造"),
                    ("机械铸锻", "Casting and Forging", "铸锻")],
    "MAT.ALU": [("铝业", "Aluminium", "铝业"), ("铝合金", "Aluminium Alloy", "铝业")],
    "MAT.CHM.CFB": [("碳纤维", "Carbon Fibre", "碳纤维"), ("复合材料", "Composite Materials", "复材")],
    "MAT.CHM.PLS": [("新材料", "New Materials", "材料"), ("化工", "Chemical", "化工"),
                    ("塑胶", "Plastics", "塑胶")],
    "MAT.CHM.RUB": [("橡塑制品", "Rubber and Plastic Products", "橡塑"), ("密封件", "Sealing", "密封")],
    "MAT.CHM.PNT": [("涂料", "Coatings", "涂料"), ("化学", "Chemistry", "化学")],
    "MAT.CHM.BAT": [("电池材料", "Battery Materials", "材料"),
                    ("锂电材料", "Lithium Battery Materials", "锂电")],
    "MAT.GLS": [("汽车玻璃", "Automotive Glass", "玻璃")],
    "MAT.TYR.PCR": [("轮胎", "Tyre", "轮胎")],
    "MAT.TYR.TBR": [("轮胎", "Tyre", "轮胎")],
    "SVC.LOG.INB": [("物流", "Logistics", "物流"), ("供应链管理", "Supply Chain Management", "供应链")],
    "SVC.LOG.VEH": [("汽车物流", "Automotive Logistics", "物流"), ("运输", "Transport", "运输")],
    "SVC.FIN": [("融资租赁", "Financial Leasing", "租赁"),
                ("供应链金融服务", "Supply Chain Finance Services", "金融")],
    "SVC.RND": [("检测技术", "Testing Technology", "检测"),
                ("汽车技术研究", "Automotive Technology Research", "研究"),
                ("工程技术", "Engineering Technology", "工程")],
    "SVC.AFM": [("汽车服务", "Automotive Services", "服务"), ("汽车配件销售", "Auto Parts Trading", "配件")],
}  # fmt: skip
# Name prefixes (Chinese, English) by prefecture or outside city.
PLACE_PREFIX = {
    "220100": ("长春", "Changchun"), "220200": ("吉林", "Jilin"), "220300": ("四平", "Siping"),
    "220400": ("辽源", "Liaoyuan"), "220500": ("通化", "Tonghua"), "220600": ("白山", "Baishan"),
    "220700": ("松原", "Songyuan"), "220800": ("白城", "Baicheng"), "222400": ("延边", "Yanbian"),
    "310000": ("上海", "Shanghai"), "120000": ("天津", "Tianjin"), "320500": ("苏州", "Suzhou"),
    "330200": ("宁波", "Ningbo"), "440300": ("深圳", "Shenzhen"), "210100": ("沈阳", "Shenyang"),
    "420100": ("武汉", "Wuhan"),
}  # fmt: skip
SUFFIXES = (("有限公司", 0.8), ("股份有限公司", 0.15), ("有限责任公司", 0.05))

# ---------------------------------------------------------------------------------------------
# The population
# ---------------------------------------------------------------------------------------------


@dataclass
class SynSite:
    name: str
    name_en: str
    kind: str
    region: str
    park: str | None
    lon: Decimal | None
    lat: Decimal | None
    nodes: list[str]
    local: bool  # in Jilin


@dataclass
class SynCertificate:
    standard: str
    number: str
    valid_from: datetime.date
    valid_until: datetime.date


@dataclass
class SynEnterprise:
    public_id: str
    credit_code: str
    name: str
    name_en: str
    short_name: str
    kind: str
    ownership: str
    size: str
    home_region: str
    founded: datetime.date
    employees: int
    annual_revenue: Decimal
    confidentiality: str
    nodes: list[str]
    trade_en: str = ""
    sites: list[SynSite] = field(default_factory=list)
    certificates: list[SynCertificate] = field(default_factory=list)
    former_name: str = ""


@dataclass(frozen=True)
class Party:
    """A side of a supply link: a synthetic enterprise (by index) or a real one (by key)."""

    synthetic: int | None = None
    real: str | None = None
    site: int = 0  # index into the enterprise's sites


@dataclass
class SynLink:
    supplier: Party
    customer: Party
    node: str
    year: int
    value: float


@dataclass
class Population:
    seed: int
    enterprises: list[SynEnterprise]
    links: list[SynLink]

    def digest(self, real_public_ids: dict[str, str]) -> str:
        return population_digest(
            enterprise_rows(self), link_rows(self, real_public_ids=real_public_ids)
        )


def enterprise_rows(population: Population) -> list[tuple]:
    return [
        (e.public_id, e.credit_code, e.name, e.home_region, e.kind) for e in population.enterprises
    ]


def link_rows(population: Population, *, real_public_ids: dict[str, str]) -> list[tuple]:
    def public_id(party: Party) -> str:
        if party.real is not None:
            return real_public_ids[party.real]
        return population.enterprises[party.synthetic].public_id

    return [
        (public_id(k.supplier), public_id(k.customer), k.node, k.year, _money(k.value))
        for k in population.links
    ]


def population_digest(enterprises: list[tuple], links: list[tuple]) -> str:
    text = repr((sorted(enterprises), sorted(links)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _money(value: float) -> str:
    return f"{round(value)}.00"


# ---------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def organisation_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its check character."""
    if rng.random() < 0.6:  # codes issued since 2015 start with MA
        letters = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "MA" + "".join(rng.choice(letters) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    remainder = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def credit_code(rng: random.Random, region_code: str) -> str:
    """A valid unified social credit code: 9 (market regulator), 1 (enterprise), area, org code."""
    first17 = "91" + region_code + organisation_code(rng)
    return first17 + uscc_check_character(first17)


def new_public_id(rng: random.Random) -> str:
    return "E" + "".join(rng.choice(PUBLIC_ID_ALPHABET) for _ in range(9))


def real_public_id(key: str) -> str:
    """The stable public id of a real demo company, derived from its key."""
    digest = hashlib.sha256(f"clusterhub-demo:{key}".encode()).digest()
    return "E" + "".join(PUBLIC_ID_ALPHABET[b % 32] for b in digest[:9])


def load_real_names() -> set[str]:
    """Every name and alias of the real demo companies (synthetic names must avoid them)."""
    data = tomllib.loads((FIXTURES_DIR / "real_enterprises.toml").read_text("utf-8"))
    names = set()
    for entry in data["enterprise"]:
        names.update({entry["name"], entry.get("name_en", ""), entry.get("short_name", "")})
        names.update(alias for alias, _kind in entry.get("aliases", []))
    return {n for n in names if n}


@dataclass
class _Geography:
    prefecture: dict[str, str]  # home region code -> prefecture (or outside city) code
    centroid: dict[str, tuple[float, float]]
    name: dict[str, str]
    name_en: dict[str, str]
    level: dict[str, str]
    counties: dict[str, list[str]]  # prefecture -> its counties with centroids


def _geography() -> _Geography:
    rows = jilin_rows() + read_csv(FIXTURES_DIR / "outside_regions.csv")
    geo = _Geography({}, {}, {}, {}, {}, defaultdict(list))
    for row in rows:
        code = row["code"]
        geo.name[code] = row["name"]
        geo.name_en[code] = row["name_en"]
        geo.level[code] = row["level"]
        if row["lon"]:
            geo.centroid[code] = (float(row["lon"]), float(row["lat"]))
        if row["level"] in ("county", "dev_zone"):
            geo.prefecture[code] = row["parent"]
            if row["level"] == "county":
                geo.counties[row["parent"]].append(code)
        else:
            geo.prefecture[code] = code
    return geo


ZONE_SHORT_NAMES = {
    "220171": ("长春经开区", "Changchun ETDZ"), "220172": ("净月高新区", "Jingyue Hi-tech Zone"),
    "220173": ("长春高新区", "Changchun Hi-tech Zone"), "220174": ("汽开区", "Auto ETDZ"),
    "220271": ("吉林经开区", "Jilin ETDZ"), "220272": ("吉林高新区", "Jilin Hi-tech Zone"),
    "220273": ("中新食品区", "China-Singapore Food Zone"), "220771": ("松原经开区", "Songyuan ETDZ"),
    "220871": ("白城经开区", "Baicheng ETDZ"),
}  # fmt: skip


def _short_place(geo: _Geography, code: str) -> tuple[str, str]:
    """A short place name for site names: 公主岭, 绿园, 汽开区 ..."""
    if code in ZONE_SHORT_NAMES:
        return ZONE_SHORT_NAMES[code]
    name = geo.name[code]
    for suffix in ("朝鲜族自治县", "满族自治县", "蒙古族自治县", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    english = geo.name_en[code]
    for suffix in (" Autonomous County", " Autonomous Prefecture", " District", " County", " City"):
        english = english.removesuffix(suffix)
    for people in (" Manchu", " Korean", " Mongol"):
        english = english.removesuffix(people)
    return name, english


@functools.cache
def _character_pinyin() -> dict[str, str]:
    from pypinyin import lazy_pinyin

    readings = {c: lazy_pinyin(c)[0] for c in TRADE_CHARACTERS}
    return readings | {"晟": "sheng"}  # the usual reading in company names


def _trade_name_en(trade: str) -> str:
    pinyin = _character_pinyin()
    return "".join(pinyin[c] for c in trade).capitalize()


class _Generator:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.geo = _geography()
        self.reserved_names = load_real_names()
        self.taxonomy = {row["code"]: row for row in taxonomy_rows()}
        parents = {row["parent"] for row in self.taxonomy.values()}
        leaves = [code for code in self.taxonomy if code not in parents]
        # Second lines of the same family (stampings and body-in-white; cells and packs), below
        # the segment level (an aluminium maker does not also make glass).
        self.siblings = {
            leaf: [
                other
                for other in leaves
                if other != leaf
                and self.taxonomy[other]["parent"] == self.taxonomy[leaf]["parent"]
                and self.taxonomy[self.taxonomy[leaf]["parent"]]["parent"]
            ]
            for leaf in leaves
        }
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.public_ids: set[str] = set()
        self.enterprises: list[SynEnterprise] = []
        self.links: dict[tuple, SynLink] = {}

    # --- enterprises ------------------------------------------------------------------------

    def profile(self, region: str) -> dict[str, float]:
        if region in _OUTSIDE:
            return _OUTSIDE[region]
        if region in _TECH_ZONES:
            return _CHANGCHUN_TECH
        return _PREFECTURE_PROFILE[self.geo.prefecture[region]]

    def kind_of(self, node: str, outside: bool) -> str:
        if node == "VEH.SPV.UPF":
            return "tier1"  # body builders supply the special-vehicle makers
        if node.startswith("VEH."):
            return "oem"
        if node.startswith("MAT."):
            return "raw_material"
        if node.startswith("SVC."):
            return {"SVC.LOG": "logistics", "SVC.FIN": "finance", "SVC.RND": "research"}.get(
                node[:7], "service"
            )
        if node in COMPONENT_NODES:
            return "tier2"
        return "tier1" if self.rng.random() < (0.6 if outside else 0.55) else "tier2"

    def name_for(self, region: str, node: str) -> tuple[str, str, str, str]:
        rng = self.rng
        prefecture = self.geo.prefecture[region]
        place, place_en = PLACE_PREFIX[prefecture]
        if region in self.geo.counties.get(prefecture, []) and self.geo.name[region].endswith("市"):
            if rng.random() < 0.6:  # county-level cities name their companies after themselves
                place, place_en = self.geo.name[region], _short_place(self.geo, region)[1]
        elif prefecture.startswith("22") and rng.random() < 0.08:
            place, place_en = "吉林省", "Jilin"
        elif not place.endswith("市") and prefecture != "222400" and rng.random() < 0.3:
            place = place + "市"
        options = INDUSTRY.get(node, GENERIC_INDUSTRY)
        if node.startswith(MECHANICAL) and rng.random() < 0.2:
            options = GENERIC_INDUSTRY
        industry, industry_en, industry_short = rng.choice(options)
        suffix = rng.choices([s for s, _ in SUFFIXES], weights=[w for _, w in SUFFIXES])[0]
        for _attempt in range(200):
            trade = rng.choice(TRADE_CHARACTERS) + rng.choice(TRADE_CHARACTERS)
            if trade[0] == trade[1] or trade in RESERVED_TRADE_NAMES:
                continue
            name = f"{place}{trade}{industry}{suffix}"
            if name in self.names or name in self.reserved_names:
                continue
            self.names.add(name)
            trade_en = _trade_name_en(trade)
            name_en = f"{place_en} {trade_en} {industry_en} Co., Ltd."
            return name, name_en, f"{trade}{industry_short}", trade_en
        raise RuntimeError("could not find a free synthetic company name")

    def unique_credit_code(self, region: str) -> str:
        while True:
            code = credit_code(self.rng, region)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def unique_public_id(self) -> str:
        while True:
            public_id = new_public_id(self.rng)
            if public_id not in self.public_ids:
                self.public_ids.add(public_id)
                return public_id

    def place_site(self, region: str) -> tuple[Decimal, Decimal]:
        anchor = DEV_ZONE_ANCHOR.get(region, region)
        lon, lat = self.geo.centroid[anchor]
        lon += self.rng.uniform(-0.04, 0.04)
        lat += self.rng.uniform(-0.03, 0.03)
        return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")

    def park_for(self, region: str) -> str | None:
        if region in DEV_ZONE_ANCHOR:
            return region
        if region in AUTOMOBILE_CITY_AREAS and self.rng.random() < 0.4:
            return "CIAC"
        return None

    def site(self, e: SynEnterprise, region: str, kind: str, nodes: list[str]) -> SynSite:
        place, place_en = _short_place(self.geo, region)
        label = {"plant": ("工厂", "plant"), "warehouse": ("仓库", "warehouse")}.get(
            kind, ("办公室", "office") if kind == "office" else ("研发中心", "R&D centre")
        )
        trade_en = e.trade_en
        lon, lat = self.place_site(region)
        return SynSite(
            name=f"{e.short_name}{place}{label[0]}",
            name_en=f"{trade_en} {place_en} {label[1]}",
            kind=kind,
            region=region,
            park=self.park_for(region),
            lon=lon,
            lat=lat,
            nodes=nodes,
            local=region.startswith("22"),
        )

    def enterprise(self, region: str, node: str) -> SynEnterprise:
        rng = self.rng
        outside = not region.startswith("22")
        kind = self.kind_of(node, outside)
        name, name_en, short_name, trade_en = self.name_for(region, node)
        size_weights = {
            "oem": (0.2, 0.5, 0.3, 0.0),
            "tier1": (0.25, 0.5, 0.25, 0.0),
            "tier2": (0.0, 0.3, 0.55, 0.15),
            "raw_material": (0.2, 0.4, 0.4, 0.0),
        }.get(kind, (0.05, 0.25, 0.5, 0.2))
        size = rng.choices(("large", "medium", "small", "micro"), weights=size_weights)[0]
        employees = {
            "large": (1000, 8000),
            "medium": (300, 999),
            "small": (20, 299),
            "micro": (5, 19),
        }[size]
        revenue = {"large": (1e9, 2e10), "medium": (1e8, 1e9), "small": (5e6, 1e8)}.get(
            size, (5e5, 5e6)
        )
        ownership = rng.choices(
            ("private", "state", "foreign", "joint_venture"),
            weights=(0.62, 0.1, 0.1, 0.18) if kind == "tier1" else (0.75, 0.12, 0.05, 0.08),
        )[0]
        founded = datetime.date(1985, 1, 1) + datetime.timedelta(
            days=int(rng.triangular(0, 13870, 10000))
        )
        nodes = [node]
        siblings = self.siblings[node]
        if siblings and rng.random() < 0.3:
            nodes.append(rng.choice(siblings))
        e = SynEnterprise(
            public_id=self.unique_public_id(),
            credit_code=self.unique_credit_code(region),
            name=name,
            name_en=name_en,
            short_name=short_name,
            kind=kind,
            ownership=ownership,
            size=size,
            home_region=region,
            founded=founded,
            employees=rng.randint(*employees),
            annual_revenue=Decimal(round(rng.uniform(*revenue), -4)),
            confidentiality=rng.choices(
                ("public", "internal", "confidential"), weights=(0.85, 0.12, 0.03)
            )[0],
            nodes=nodes,
            trade_en=trade_en,
        )
        first_kind = {"logistics": "warehouse", "finance": "office", "research": "research"}.get(
            kind, "office" if kind == "service" else "plant"
        )
        e.sites.append(self.site(e, region, first_kind, nodes))
        if outside:
            if kind in ("tier1", "tier2") and node not in NOT_LOCALISED and rng.random() < 0.22:
                e.sites.append(self.site(e, rng.choice(LOCALISATION_REGIONS), "plant", nodes))
        elif rng.random() < 0.15:
            others = [c for c in self.geo.counties[self.geo.prefecture[region]] if c != region]
            if first_kind == "plant" and others and rng.random() < 0.6:
                e.sites.append(self.site(e, rng.choice(others), "plant", nodes))
            else:
                e.sites.append(self.site(e, "220174", "warehouse", []))
        e.certificates = self.certificates(e)
        if rng.random() < 0.05:
            e.former_name = e.name.replace(
                PLACE_PREFIX[self.geo.prefecture[region]][0], "", 1
            ).replace("有限公司", "厂", 1)
        self.enterprises.append(e)
        return e

    def certificates(self, e: SynEnterprise) -> list[SynCertificate]:
        rng = self.rng
        chances = {
            "tier1": {"IATF 16949": 0.9, "ISO 14001": 0.7, "ISO 45001": 0.5, "VDA 6.3": 0.25},
            "tier2": {"IATF 16949": 0.6, "ISO 14001": 0.4, "ISO 45001": 0.2},
            "oem": {"ISO 9001": 0.9, "ISO 14001": 0.7, "ISO 45001": 0.4},
            "raw_material": {"IATF 16949": 0.3, "ISO 14001": 0.6, "ISO 45001": 0.3},
        }.get(e.kind, {"ISO 9001": 0.6})
        standards = [s for s, chance in chances.items() if rng.random() < chance]
        if "IATF 16949" not in standards and "ISO 9001" not in standards:
            if rng.random() < 0.8:
                standards.insert(0, "ISO 9001")
        result = []
        for standard in standards:
            if rng.random() < 0.12:  # expired
                offset = rng.randint(-500, -150)
            else:
                offset = rng.randint(200, 1050)
            valid_until = CERTIFICATES_AS_OF + datetime.timedelta(days=offset)
            valid_from = valid_until - datetime.timedelta(days=3 * 365 - 1)  # three years
            number = f"{standard.split()[0][:4]}-{rng.randint(100000, 999999)}"
            result.append(SynCertificate(standard, number, valid_from, valid_until))
        return result

    def suppliers(self) -> None:
        for region, count in REGION_COUNTS.items():
            profile = self.profile(region)
            for _ in range(count):
                self.enterprise(region, _weighted(self.rng, profile))

    # --- supply links -----------------------------------------------------------------------

    def makers(self, node: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(local, outside) makers of a node as (enterprise index, producing site index)."""
        local, outside = [], []
        for i, e in enumerate(self.enterprises):
            if e.kind == "oem" or node not in e.nodes:
                continue
            home = 0 if node in e.sites[0].nodes else None
            if home is None:
                continue
            (local if e.sites[0].local else outside).append((i, home))
        return local, outside

    def localised(self, index: int) -> int | None:
        """The Changchun plant of an outside supplier, if it has one."""
        for site_index, site in enumerate(self.enterprises[index].sites[1:], start=1):
            if site.local and site.kind == "plant":
                return site_index
        return None

    def add_link(self, supplier: Party, customer: Party, node: str, year: int, value: float):
        key = (supplier.synthetic, supplier.real, customer.synthetic, customer.real, node, year)
        if key in self.links:
            self.links[key].value += value
        else:
            self.links[key] = SynLink(supplier, customer, node, year, value)

    def pick(self, pool: list, used: set, tier1_first: bool = True):
        free = [m for m in pool if m[0] not in used]
        if not free:
            return None
        weights = [
            3 if tier1_first and self.enterprises[i].kind == "tier1" else 1 for i, _site in free
        ]
        return self.rng.choices(free, weights=weights)[0]

    def oem_purchases(self) -> None:
        rng = self.rng
        makers = {node: self.makers(node) for node in SOURCING}
        for plant, spend in PLANT_SPEND.items():
            basket = COMMERCIAL_BASKET if plant in COMMERCIAL_PLANTS else PASSENGER_BASKET
            weights_by_year = {}
            for y, year in enumerate(YEARS):
                if not spend[y]:
                    continue
                nev = PLANT_NEV_SHARE[plant][y]
                weights = {}
                for node, weight in basket.items():
                    if node in ICE_ONLY:
                        weight *= 1 - nev
                    elif node in NEV_ONLY:
                        weight *= nev
                    elif node in ICV:
                        weight *= 0.4 + 0.15 * (year - 2020)
                    if weight > 0:
                        weights[node] = weight
                total = sum(weights.values())
                weights_by_year[year] = {n: spend[y] * 1e9 * w / total for n, w in weights.items()}
            customer = Party(real=plant)
            for node in basket:
                years = [y for y in YEARS if node in weights_by_year.get(y, {})]
                if not years:
                    continue
                p0, p1, fewest, most = SOURCING[node]
                local_pool, outside_pool = makers[node]
                used: set[int] = set()
                slots = []  # (share, {year: Party})
                for slot in range(rng.randint(fewest, most)):
                    u = rng.random()
                    plan: dict[int, Party] = {}
                    if u < p0:
                        chosen = self.pick(local_pool, used) or self.pick(outside_pool, used)
                        if chosen:
                            used.add(chosen[0])
                            plan = {y: Party(synthetic=chosen[0], site=chosen[1]) for y in years}
                    elif u < p1:
                        earliest = max(EARLIEST_LOCAL.get(node, 2021), years[0] + 1)
                        switch = rng.randint(min(earliest, 2025), 2025)
                        before = self.pick(outside_pool, used)
                        if before:
                            used.add(before[0])
                        local_site = self.localised(before[0]) if before else None
                        if before and local_site is not None and rng.random() < 0.5:
                            after = (before[0], local_site)  # the outside supplier localises
                        else:
                            after = self.pick(local_pool, used)
                            if after:
                                used.add(after[0])
                        for y in years:
                            side = before if y < switch else after
                            if side:
                                plan[y] = Party(synthetic=side[0], site=side[1])
                    else:
                        chosen = self.pick(outside_pool, used) or self.pick(local_pool, used)
                        if chosen:
                            used.add(chosen[0])
                            plan = {y: Party(synthetic=chosen[0], site=chosen[1]) for y in years}
                    if plan:
                        slots.append(((2.0 if slot == 0 else 1.0) * rng.uniform(0.5, 1.5), plan))
                for year in years:
                    active = [(share, plan[year]) for share, plan in slots if year in plan]
                    total = sum(share for share, _ in active)
                    for share, supplier in active:
                        value = weights_by_year[year][node] * share / total
                        self.add_link(supplier, customer, node, year, value)
        self.calibrate()

    def is_local(self, party: Party) -> bool:
        return self.enterprises[party.synthetic].sites[party.site].local

    def calibrate(self) -> None:
        """Scale local purchases so the local sourcing rate meets LOCAL_SOURCING_TARGET."""
        for year, target in LOCAL_SOURCING_TARGET.items():
            links = [k for k in self.links.values() if k.customer.real and k.year == year]
            local = sum(k.value for k in links if self.is_local(k.supplier))
            outside = sum(k.value for k in links if not self.is_local(k.supplier))
            factor = target / (1 - target) * outside / local
            for link in links:
                if self.is_local(link.supplier):
                    link.value *= factor

    def upstream_purchases(self) -> None:
        """Tier-2 (and tier-3) links: what the makers of each node buy to make it."""
        rng = self.rng
        wanted = sorted({n for v in UPSTREAM.values() for n in v} | set(SUPPLIER_SERVICES))
        makers = {node: self.makers(node) for node in wanted}
        # (buyer enterprise, buyer site, node) -> {year: value sold}
        sales: dict[tuple[int, int, str], dict[int, float]] = defaultdict(dict)
        for link in self.links.values():
            if link.supplier.synthetic is not None:
                key = (link.supplier.synthetic, link.supplier.site, link.node)
                sales[key][link.year] = sales[key].get(link.year, 0) + link.value
        queue = [(key, years, 1) for key, years in sales.items()]
        while queue:
            (buyer, buyer_site, node), years, depth = queue.pop(0)
            inputs = UPSTREAM.get(node, [])
            if not inputs or depth > 2:
                continue
            buyer_local = self.enterprises[buyer].sites[buyer_site].local
            chosen_inputs = rng.sample(inputs, min(len(inputs), rng.choice((1, 2))))
            if depth == 1 and rng.random() < 0.5:
                chosen_inputs.append(rng.choice(sorted(SUPPLIER_SERVICES)))
            for upstream in chosen_inputs:
                local_pool, outside_pool = makers[upstream]
                local_pool = [m for m in local_pool if m[0] != buyer]
                outside_pool = [m for m in outside_pool if m[0] != buyer]
                share = SUPPLIER_SERVICES.get(upstream) or UPSTREAM_SHARE.get(
                    upstream, DEFAULT_UPSTREAM_SHARE
                )
                count = 1 if rng.random() < 0.5 else 2
                used: set[int] = set()
                for n in range(count):
                    prefer_local = rng.random() < (0.65 if buyer_local else 0.3)
                    pools = (
                        (local_pool, outside_pool) if prefer_local else (outside_pool, local_pool)
                    )
                    chosen = self.pick(pools[0], used, False) or self.pick(pools[1], used, False)
                    if chosen is None:
                        continue
                    used.add(chosen[0])
                    split = (0.7 if n == 0 else 0.3) if count == 2 else 1.0
                    bought = {y: v * share * split for y, v in years.items()}
                    for year, value in bought.items():
                        self.add_link(
                            Party(synthetic=chosen[0], site=chosen[1]),
                            Party(synthetic=buyer, site=buyer_site),
                            upstream,
                            year,
                            value,
                        )
                    queue.append(((chosen[0], chosen[1], upstream), bought, depth + 1))

    def special_vehicle_purchases(self) -> None:
        rng = self.rng
        for index, e in enumerate(self.enterprises):
            if e.kind != "oem":
                continue
            spend = {"large": 8e8, "medium": 2e8, "small": 5e7}.get(e.size, 2e7)
            inputs = SPECIAL_VEHICLE_INPUTS[e.nodes[0]]
            start = rng.choice((2020, 2020, 2021, 2022))
            for node in rng.sample(inputs, min(len(inputs), rng.randint(3, 4))):
                local_pool, outside_pool = self.makers(node)
                local_pool = [m for m in local_pool if m[0] != index]
                outside_pool = [m for m in outside_pool if m[0] != index]
                chosen = self.pick(local_pool if rng.random() < 0.8 else outside_pool, set())
                chosen = chosen or self.pick(local_pool + outside_pool, set())
                if chosen is None:
                    continue
                share = rng.uniform(0.05, 0.2)
                for year in YEARS[YEARS.index(start) :]:
                    growth = 1 + 0.05 * (year - 2020)
                    self.add_link(
                        Party(synthetic=chosen[0], site=chosen[1]),
                        Party(synthetic=index, site=0),
                        node,
                        year,
                        spend * share * growth,
                    )

    def run(self) -> Population:
        self.suppliers()
        self.oem_purchases()
        self.special_vehicle_purchases()
        self.upstream_purchases()
        links = [k for k in self.links.values() if round(k.value) > 0]
        return Population(self.seed, self.enterprises, links)


def generate_population(*, seed: int = DEFAULT_SEED) -> Population:
    """The synthetic population for `seed`, built in memory (no database access)."""
    return _Generator(seed).run()


# ---------------------------------------------------------------------------------------------
# Writing it
# ---------------------------------------------------------------------------------------------


def database_digest() -> str:
    """The digest of the synthetic population now in the database (see Population.digest)."""
    enterprises = list(
        Enterprise.objects.filter(is_synthetic=True).values_list(
            "public_id", "credit_code", "name", "home_region__code", "kind"
        )
    )
    links = [
        (supplier, customer, node, year, f"{value:.2f}")
        for supplier, customer, node, year, value in SupplyLink.objects.filter(
            is_synthetic=True
        ).values_list(
            "supplier__public_id", "customer__public_id", "chain_node__code", "year", "annual_value"
        )
    ]
    return population_digest(enterprises, links)


def delete_synthetic() -> None:
    """Remove every synthetic record; every delete is logged, like any other."""
    synthetic = Enterprise.objects.filter(is_synthetic=True)
    bulk_delete(
        SupplyLink.objects.filter(
            Q(is_synthetic=True) | Q(supplier__is_synthetic=True) | Q(customer__is_synthetic=True)
        ),
        related=("supplier", "customer", "chain_node"),
    )
    bulk_delete(
        Capability.objects.filter(site__enterprise__in=synthetic), related=("site", "chain_node")
    )
    bulk_delete(Certification.objects.filter(enterprise__in=synthetic))
    bulk_delete(EnterpriseAlias.objects.filter(enterprise__in=synthetic))
    # Sites and companies may be pointed at from other apps: Django's delete follows those rules.
    Site.objects.filter(enterprise__in=synthetic).delete()
    synthetic.delete()


@transaction.atomic
def sync_population(
    population: Population, *, real: dict[str, Enterprise], real_sites: dict[str, Site]
) -> str:
    """Write the population, unless the database holds exactly it already.

    Returns "unchanged", "created" or "replaced".
    """
    real_ids = {key: e.public_id for key, e in real.items()}
    if database_digest() == population.digest(real_ids):
        return "unchanged"
    had_any = Enterprise.objects.filter(is_synthetic=True).exists()
    delete_synthetic()
    _insert(population, real=real, real_sites=real_sites)
    return "replaced" if had_any else "created"


def _insert(population: Population, *, real: dict, real_sites: dict) -> None:
    regions = {r.code: r for r in Region.objects.all()}
    parks = {p.code: p for p in Park.objects.all()}
    nodes = {n.code: n for n in ChainNode.objects.all()}
    source = f"synthetic demo (seed {population.seed})"

    enterprises = []
    for e in population.enterprises:
        pinyin, initials = pinyin_of(e.name)
        enterprises.append(
            Enterprise(
                public_id=e.public_id,
                credit_code=e.credit_code,
                name=e.name,
                name_en=e.name_en,
                short_name=e.short_name,
                pinyin=pinyin,
                pinyin_initials=initials,
                kind=e.kind,
                ownership=e.ownership,
                size=e.size,
                home_region=regions[e.home_region],
                founded=e.founded,
                employees=e.employees,
                annual_revenue=e.annual_revenue,
                confidentiality=e.confidentiality,
                source=source,
                is_synthetic=True,
            )
        )
    enterprises = bulk_insert(Enterprise, enterprises)

    aliases = [
        EnterpriseAlias(enterprise=row, name=e.former_name, kind="former")
        for e, row in zip(population.enterprises, enterprises, strict=True)
        if e.former_name
    ]
    bulk_insert(EnterpriseAlias, aliases)

    sites, site_index = [], {}
    for i, (e, row) in enumerate(zip(population.enterprises, enterprises, strict=True)):
        for j, s in enumerate(e.sites):
            site_index[(i, j)] = len(sites)
            sites.append(
                Site(
                    enterprise=row,
                    name=s.name,
                    name_en=s.name_en,
                    kind=s.kind,
                    region=regions[s.region],
                    park=parks.get(s.park) if s.park else None,
                    longitude=s.lon,
                    latitude=s.lat,
                    datum=Datum.GCJ02,
                    is_synthetic=True,
                )
            )
    sites = bulk_insert(Site, sites)

    capabilities, certificates = [], []
    for i, (e, row) in enumerate(zip(population.enterprises, enterprises, strict=True)):
        for j, s in enumerate(e.sites):
            for node in s.nodes:
                capabilities.append(
                    Capability(
                        site=sites[site_index[(i, j)]],
                        chain_node=nodes[node],
                        products=nodes[node].name,
                    )
                )
        for c in e.certificates:
            certificates.append(
                Certification(
                    enterprise=row,
                    site=sites[site_index[(i, 0)]],
                    standard=c.standard,
                    certificate_number=c.number,
                    valid_from=c.valid_from,
                    valid_until=c.valid_until,
                )
            )
    bulk_insert(Capability, capabilities)
    bulk_insert(Certification, certificates)

    def resolve(party: Party) -> tuple[Enterprise, Site | None]:
        if party.real is not None:
            return real[party.real], real_sites.get(party.real)
        return enterprises[party.synthetic], sites[site_index[(party.synthetic, party.site)]]

    links = []
    for link in population.links:
        supplier, supplier_site = resolve(link.supplier)
        customer, customer_site = resolve(link.customer)
        links.append(
            SupplyLink(
                supplier=supplier,
                supplier_site=supplier_site,
                customer=customer,
                customer_site=customer_site,
                chain_node=nodes[link.node],
                year=link.year,
                annual_value=Decimal(_money(link.value)),
                source=LINK_SOURCE,
                confidentiality=Confidentiality.INTERNAL,
                is_synthetic=True,
            )
        )
    bulk_insert(SupplyLink, links, batch_size=2000)


# Used by tests and the loader's summary: the figure the generator is calibrated to.
def local_sourcing_rates() -> dict[int, float]:
    """Local share of the value FAW's Changchun plants buy, per year, as stored."""
    from django.db.models import Sum

    plants = Site.objects.filter(
        enterprise__group__public_id=real_public_id("faw"),
        enterprise__kind="oem",
        kind="plant",
        region__path__startswith="220000/220100/",
    )
    rates = {}
    for year in YEARS:
        links = SupplyLink.objects.filter(customer_site__in=plants, year=year)
        total = links.aggregate(v=Sum("annual_value"))["v"] or 0
        local = (
            links.filter(supplier_site__region__path__startswith="220000/").aggregate(
                v=Sum("annual_value")
            )["v"]
            or 0
        )
        rates[year] = float(local / total) if total else 0.0
    return rates

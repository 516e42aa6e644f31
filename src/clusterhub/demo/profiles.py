"""The assumptions behind the synthetic population, as data: where suppliers are and what they
make, what FAW's Changchun plants buy and how locally, what each maker buys in turn, and how
company names look. The generator in synthetic.py only follows these tables.

The division of roles follows China News Service 2021-10-19 (see reference/FACTS.md): Changchun
vehicles and parts; Jilin City chemicals, carbon fibre, electronics and batteries; Siping
special-purpose vehicles; Liaoyuan, Songyuan and Baicheng raw materials. Amounts are synthetic.
"""

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


def supplier_profile(region: str, prefecture: str) -> dict[str, float]:
    """What the suppliers registered in `region` make, with weights."""
    if region in _OUTSIDE:
        return _OUTSIDE[region]
    if region in _TECH_ZONES:
        return _CHANGCHUN_TECH
    return _PREFECTURE_PROFILE[prefecture]


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
    "PRT.BDY.STP": (0.85, 0.95, 3, 5), "PRT.BDY.BIW": (0.6, 0.8, 1, 2),
    "PRT.BDY.BMP": (0.5, 0.75, 1, 3), "PRT.INT.IP": (0.5, 0.8, 1, 2),
    "PRT.INT.DOOR": (0.6, 0.85, 1, 3), "PRT.INT.EXT": (0.3, 0.5, 2, 3),
    "PRT.BDY.CAB": (0.8, 0.9, 1, 2), "SVC.LOG.INB": (0.9, 0.95, 2, 3),
    "SVC.LOG.VEH": (0.5, 0.6, 1, 2), "SVC.RND": (0.4, 0.5, 1, 3),
    "PRT.PWT.ENG": (0.3, 0.4, 1, 2), "PRT.PWT.TRN": (0.15, 0.3, 1, 3),
    "PRT.PWT.EXH": (0.3, 0.45, 1, 2), "PRT.PWT.COOL": (0.2, 0.4, 1, 3),
    "PRT.CHS.BRK.CAL": (0.2, 0.4, 1, 2), "PRT.CHS.BRK.DSC": (0.35, 0.5, 1, 3),
    "PRT.CHS.BRK.ESC": (0.0, 0.1, 1, 2), "PRT.CHS.STR": (0.2, 0.35, 1, 2),
    "PRT.CHS.SUS": (0.3, 0.45, 2, 3), "PRT.CHS.AXL": (0.4, 0.55, 1, 3),
    "PRT.CHS.WHL": (0.35, 0.5, 1, 3), "PRT.CHS.PIP": (0.5, 0.65, 1, 3),
    "PRT.INT.SAF": (0.1, 0.25, 1, 2), "PRT.EE.LGT": (0.2, 0.35, 1, 3),
    "PRT.EE.STG": (0.2, 0.3, 1, 2), "PRT.EE.ECU": (0.1, 0.25, 2, 3),
    "PRT.EE.HVAC": (0.15, 0.3, 1, 2), "MAT.GLS": (0.2, 0.3, 1, 2),
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

"""Normalisation of company records for entity resolution.

A company appears as 富奥汽车零部件股份有限公司, 富奥股份, FAWER, "Fawer Automotive Parts Co., Ltd."
and 000030. Each raw record becomes a set of comparable keys:

name_norm   the name without legal suffix and leading place (富奥汽车零部件 / fawer automotive parts)
name_core   name_norm without trailing industry words (富奥 / fawer); the brand
name_py     the core in Latin letters: pinyin of a Chinese core, the compacted English core; so a
            transliterated English name (Changchun Huaxiang Automotive) meets its Chinese (华翔)
initials    pinyin initials of the Chinese core
name_keys   every core and Latin key of every name the record carries (name, short, English, aliases)
city        prefecture (长春) from the city column, a place in the name, or the address
credit_code only a code that passes its check character; a failing one stays in credit_code_raw
stock_code  six digits (000030), from a stock-code column or a name that is only a stock code

Every function here is pure and cached where it pays: the benchmark normalises a million rows.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from clusterhub.enterprises.validators import USCC_ALPHABET, USCC_WEIGHTS, normalise_uscc

# Legal forms, longest first so 股份有限公司 goes before 有限公司. Stripped from the end, repeatedly.
ZH_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "总公司",
    "分公司",
    "公司",
    "集团",
    "股份",
    "总厂",
    "工厂",
    "厂",
)
# Words that describe the trade, not the brand: stripped from the end of the name for the core.
ZH_INDUSTRY = (
    "汽车零部件",
    "汽车部件",
    "汽车配件",
    "汽车零件",
    "汽车电子",
    "汽车饰件",
    "汽车内饰",
    "汽车系统",
    "汽车照明",
    "汽车塑料",
    "汽车座椅",
    "汽车技术",
    "汽车工业",
    "零部件",
    "汽车",
    "科技",
    "技术",
    "电子",
    "电器",
    "机械",
    "实业",
    "工业",
    "制造",
    "模具",
    "塑料",
    "塑胶",
    "橡胶",
    "轮胎",
    "物流",
    "贸易",
    "发展",
    "投资",
    "控股",
    "精密",
    "新能源",
    "材料",
    "动力",
    "系统",
    "照明",
    "车灯",
    "玻璃",
    "铸造",
    "锻造",
    "装备",
    "设备",
    "信息",
    "软件",
    "智能",
    "座椅",
    "内饰",
    "线束",
    "电池",
    "部件",
    "配件",
    "零件",
    "制品",
    "集团",
    "工程",
    "服务",
    "研究院",
    "紧固件",
    "底盘",
    "车身",
    "冲压",
    "涂装",
    "轴承",
    "齿轮",
    "弹簧",
    "传动",
    "制动",
    "转向",
    "空调",
    "仪表",
    "工贸",
    "商贸",
)
# Chinese provinces and large cities (names stripped when they lead a company name), then Jilin's
# prefectures and counties, which also give the record its city.
ZH_PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "台湾",
    "中国",
)
ZH_OTHER_CITIES = (
    "沈阳",
    "大连",
    "哈尔滨",
    "大庆",
    "青岛",
    "济南",
    "南京",
    "苏州",
    "无锡",
    "杭州",
    "宁波",
    "武汉",
    "十堰",
    "广州",
    "深圳",
    "佛山",
    "成都",
    "西安",
    "郑州",
    "合肥",
    "芜湖",
    "厦门",
    "福州",
    "长沙",
    "柳州",
)
# Jilin's prefecture-level units: the value of `city` (and the English spelling used in names).
JILIN_PREFECTURES = {
    "长春": "changchun",
    "吉林": "jilin",
    "四平": "siping",
    "辽源": "liaoyuan",
    "通化": "tonghua",
    "白山": "baishan",
    "松原": "songyuan",
    "白城": "baicheng",
    "延边": "yanbian",
}
# County-level units of Jilin (prefecture they belong to), for addresses and names that name them.
JILIN_COUNTIES = {
    "公主岭": "长春",
    "榆树": "长春",
    "德惠": "长春",
    "农安": "长春",
    "九台": "长春",
    "双阳": "长春",
    "南关": "长春",
    "宽城": "长春",
    "朝阳": "长春",
    "二道": "长春",
    "绿园": "长春",
    "净月": "长春",
    "蛟河": "吉林",
    "桦甸": "吉林",
    "舒兰": "吉林",
    "磐石": "吉林",
    "永吉": "吉林",
    "昌邑": "吉林",
    "船营": "吉林",
    "丰满": "吉林",
    "龙潭": "吉林",
    "双辽": "四平",
    "梨树": "四平",
    "伊通": "四平",
    "铁西": "四平",
    "铁东": "四平",
    "东丰": "辽源",
    "东辽": "辽源",
    "梅河口": "通化",
    "集安": "通化",
    "辉南": "通化",
    "柳河": "通化",
    "临江": "白山",
    "抚松": "白山",
    "靖宇": "白山",
    "扶余": "松原",
    "前郭": "松原",
    "长岭": "松原",
    "乾安": "松原",
    "洮南": "白城",
    "大安": "白城",
    "镇赉": "白城",
    "通榆": "白城",
    "延吉": "延边",
    "珲春": "延边",
    "敦化": "延边",
    "图们": "延边",
    "龙井": "延边",
    "和龙": "延边",
    "汪清": "延边",
    "安图": "延边",
}
# The trade in canonical atoms, whichever script the name uses: 汽车零部件 = Automotive Parts =
# Qiche Lingbujian -> 零部件. Generic words (汽车, 集团, 工业) say nothing and are left out.
TRADE_ATOMS = (
    "零部件", "部件", "配件", "零件", "电子", "饰件", "内饰", "座椅", "照明", "车灯", "塑料",
    "塑胶", "橡胶", "制品", "铸造", "锻造", "线束", "新能源", "底盘", "物流", "轴承", "紧固件",
    "空调", "冲压", "智能", "装备", "设备", "模具", "精密", "机械", "电器", "电池", "玻璃",
    "轮胎", "车身", "涂装", "齿轮", "弹簧", "传动", "制动", "转向", "仪表", "软件", "信息",
    "材料", "动力", "贸易", "工贸", "商贸", "投资", "科技", "技术", "系统",
)  # fmt: skip
TRADE_SYNONYMS = {"部件": "零部件", "配件": "零部件", "零件": "零部件", "车灯": "照明",
                  "塑胶": "塑料", "设备": "装备", "技术": "科技", "工贸": "贸易", "商贸": "贸易"}  # fmt: skip
EN_TRADE = {
    "parts": "零部件", "part": "零部件", "components": "零部件", "component": "零部件",
    "autoparts": "零部件", "electronics": "电子", "electronic": "电子", "trim": "饰件",
    "interior": "内饰", "interiors": "内饰", "seating": "座椅", "seats": "座椅",
    "lighting": "照明", "plastic": "塑料", "plastics": "塑料", "rubber": "橡胶",
    "products": "制品", "casting": "铸造", "forging": "锻造", "harness": "线束",
    "energy": "新能源", "chassis": "底盘", "logistics": "物流", "bearing": "轴承",
    "bearings": "轴承", "fasteners": "紧固件", "conditioning": "空调", "stamping": "冲压",
    "intelligent": "智能", "equipment": "装备", "mould": "模具", "mold": "模具",
    "precision": "精密", "machinery": "机械", "electric": "电器", "electrical": "电器",
    "battery": "电池", "batteries": "电池", "glass": "玻璃", "tire": "轮胎", "tyre": "轮胎",
    "tires": "轮胎", "tyres": "轮胎", "steering": "转向", "trading": "贸易",
    "investment": "投资", "technology": "科技", "technologies": "科技", "tech": "科技",
    "systems": "系统", "system": "系统", "materials": "材料", "material": "材料",
}  # fmt: skip


def _trade_atoms(trade: str) -> set[str]:
    return {TRADE_SYNONYMS.get(atom, atom) for atom in _TRADE_ATOMS_RE.findall(trade)}


_TRADE_ATOMS_RE = re.compile(
    "|".join(re.escape(a) for a in sorted(TRADE_ATOMS, key=len, reverse=True))
)


def trade_key(atoms) -> str:
    return "|".join(sorted(atoms))


_PLACE_SUFFIXES = ("省", "市", "自治州", "朝鲜族自治州", "地区", "县", "区", "")
_ZH_PLACES = tuple(
    sorted(
        {*ZH_PROVINCES, *ZH_OTHER_CITIES, *JILIN_PREFECTURES, *JILIN_COUNTIES},
        key=len,
        reverse=True,
    )
)
_ZH_PLACE_RE = re.compile(
    "^(?:"
    + "|".join(re.escape(p) for p in _ZH_PLACES)
    + ")(?:朝鲜族自治州|自治州|省|市|县|区|地区)?"
)
_ZH_BRACKETED_PLACE_RE = re.compile(
    r"[(\[](" + "|".join(re.escape(p) for p in _ZH_PLACES) + r")(?:省|市|县|区)?[)\]]"
)

EN_LEGAL = {
    "co",
    "company",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "gmbh",
    "ag",
    "kg",
    "se",
    "sa",
    "nv",
    "bv",
    "spa",
    "llc",
    "plc",
    "kk",
    "group",
    "holding",
    "holdings",
    "branch",
    "jsc",
    "stock",
    "joint",
}
EN_INDUSTRY = {
    "automotive",
    "automobile",
    "auto",
    "autoparts",
    "parts",
    "part",
    "components",
    "component",
    "systems",
    "system",
    "technology",
    "technologies",
    "tech",
    "electronics",
    "electronic",
    "electric",
    "electrical",
    "lighting",
    "plastic",
    "plastics",
    "interior",
    "interiors",
    "seating",
    "seats",
    "manufacturing",
    "industrial",
    "industries",
    "industry",
    "engineering",
    "materials",
    "material",
    "machinery",
    "precision",
    "trading",
    "logistics",
    "tire",
    "tyre",
    "tires",
    "tyres",
    "glass",
    "battery",
    "batteries",
    "new",
    "energy",
    "equipment",
    "investment",
    "development",
    "international",
    "and",
    "of",
    "the",
    "motor",
    "motors",
    "vehicle",
    "vehicles",
    "steering",
    "harness",
    "wire",
    "mould",
    "mold",
    "rubber",
    "products",
    "casting",
    "forging",
    "chassis",
    "bearing",
    "bearings",
    "fasteners",
    "air",
    "conditioning",
    "stamping",
    "intelligent",
    "trim",
}
EN_PLACES = {
    "china",
    "chinese",
    "jilin",
    "changchun",
    "beijing",
    "shanghai",
    "tianjin",
    "chongqing",
    "shenyang",
    "dalian",
    "harbin",
    *JILIN_PREFECTURES.values(),
    "gongzhuling",
}
_PUNCT_RE = re.compile(r"[\s\-_.,;:'\"/\\|()\[\]{}<>·•&+*#@!?，。、；：（）【】《》“”‘’]+")
_STOCK_RE = re.compile(r"^(?:(?:SZ|SH|BJ|SS)[.:]?)?(\d{6})(?:[.:](?:SZ|SH|BJ|SS))?$")
_HK_STOCK_RE = re.compile(r"^(?:HK[.:]?)?(\d{4,5})[.:]HK$|^HK[.:]?(\d{4,5})$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_STOCK_FIRST = frozenset("0123456789SsHhBbｓｈｂ０１２３４５６７８９ＳＨＢ ")


_ZH_NAME_PUNCT_RE = re.compile(r"[\s\-_.·•()\[\]\"'“”]+")


def nfkc(text) -> str:
    """Full-width to half-width, compatibility forms folded, whitespace collapsed."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        key = line.split("\t", 1)[0]
        if len(key) == 1:
            chars.add(key)
    return frozenset(chars)


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese; the converter runs only when a traditional character
    is present (it is pure Python and a million simplified names should not pay for it)."""
    if _traditional_chars().isdisjoint(text):
        return text
    return _t2s().convert(text)


def has_chinese(text: str) -> bool:
    return bool(_CJK_RE.search(text or ""))


@lru_cache(maxsize=262144)
def pinyin_key(text: str) -> tuple[str, str]:
    """Pinyin without tones or spaces, and its initials (富奥 -> fuao, fa)."""
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s.isalnum()]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()


_ZH_SUFFIX_RE = re.compile("(?:" + "|".join(map(re.escape, ZH_SUFFIXES)) + ")$")
_ZH_INDUSTRY_RE = re.compile(
    "(?:" + "|".join(map(re.escape, sorted(ZH_INDUSTRY, key=len, reverse=True))) + ")$"
)


def _strip_zh_suffixes(name: str) -> tuple[str, bool]:
    branch = False
    while True:
        match = _ZH_SUFFIX_RE.search(name)
        if not match or match.start() == 0:
            return name, branch
        name = name[: match.start()]
        if match.group(0) == "分公司":
            # A branch is named after its parent plus a place: XX有限公司长春分公司.
            branch = True
            name = _strip_trailing_place(name)


def _strip_trailing_place(name: str) -> str:
    for place in _ZH_PLACES:
        for ending in _PLACE_SUFFIXES:
            token = place + ending
            if name.endswith(token) and len(name) > len(token):
                return name[: -len(token)]
    return name


def _strip_leading_places(name: str) -> tuple[str, list[str]]:
    places = []
    while True:
        match = _ZH_PLACE_RE.match(name)
        if not match or len(name) - match.end() < 2:
            break
        places.append(match.group(0))
        name = name[match.end() :]
    return name, places


def _strip_zh_industry(name: str) -> str:
    while True:
        match = _ZH_INDUSTRY_RE.search(name)
        if not match:
            return name
        if match.start() < 2:
            # The longest trade word would leave less than two characters: try a shorter one.
            for word in ZH_INDUSTRY:
                if name.endswith(word) and len(name) - len(word) >= 2:
                    name = name[: -len(word)]
                    break
            else:
                return name
            continue
        name = name[: match.start()]


# In a company name, 吉林 / Jilin alone is the province (吉林玲珑轮胎 is in Changchun); only
# 吉林市 names the city.
_PROVINCE_ONLY = frozenset({"吉林", "吉林省", "jilin"})


def _city_of_name_places(places: list[str]) -> str:
    for place in places:
        if place.lower() in _PROVINCE_ONLY:
            continue
        city = city_of_place(place)
        if city:
            return city
    return ""


@lru_cache(maxsize=4096)
def city_of_place(place: str) -> str:
    """长春市 / 长春 / 公主岭市 / Changchun -> 长春 (a Jilin prefecture), else ''."""
    place = nfkc(place)
    if not place:
        return ""
    lowered = place.lower().replace(" ", "")
    for zh, en in JILIN_PREFECTURES.items():
        if lowered.startswith(en) and zh != "吉林":
            return zh
    if lowered == "jilin" or lowered.startswith("jilincity"):
        return "吉林"
    place = to_simplified(place)
    if place.startswith("吉林省"):
        # 吉林省长春市: the province is not the city.
        place = place[3:]
    for county, prefecture in JILIN_COUNTIES.items():
        if place.startswith(county):
            return prefecture
    for zh in JILIN_PREFECTURES:
        if place.startswith(zh):
            return zh
    return ""


@lru_cache(maxsize=1 << 19)
def normalise_zh_name(raw: str) -> dict:
    """Normalise a Chinese company name. Returns name_norm, name_core, name_py, initials, city."""
    name = to_simplified(nfkc(raw))
    cities = []
    for match in _ZH_BRACKETED_PLACE_RE.finditer(name):
        cities.append(match.group(1))
    name = _ZH_BRACKETED_PLACE_RE.sub("", name)
    name = _ZH_NAME_PUNCT_RE.sub("", name)
    name, branch = _strip_zh_suffixes(name)
    name, places = _strip_leading_places(name)
    cities = places + cities
    name, more_branch = _strip_zh_suffixes(name)
    core = _strip_zh_industry(name)
    trade = trade_key(_trade_atoms(name[len(core) :]))
    py, initials = pinyin_key(core)
    city = _city_of_name_places(cities)
    return {
        "name_norm": name,
        "name_core": core,
        "name_py": py,
        "initials": initials,
        "trade": trade,
        "city": city,
        "branch": branch or more_branch,
    }


@lru_cache(maxsize=1)
def _pinyin_tails() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Legal forms and trade words in pinyin: a name written in pinyin loses them too."""
    legal = sorted({pinyin_key(s)[0] for s in ZH_SUFFIXES if len(s) > 1}, key=len, reverse=True)
    trade = sorted({pinyin_key(s)[0] for s in ZH_INDUSTRY}, key=len, reverse=True)
    return tuple(legal), tuple(trade)


_PINYIN_TRADE = {}
for _word in ZH_INDUSTRY:
    _PINYIN_TRADE.setdefault(pinyin_key(_word)[0], set()).update(_trade_atoms(_word))


@lru_cache(maxsize=1 << 17)
def normalise_en_name(raw: str) -> dict:
    """Normalise a Latin-script name: an English legal name, a brand, or a name in pinyin."""
    text = nfkc(raw).lower().replace("&", " and ")
    cities = [c for c in re.findall(r"\(([^)]*)\)", text)]
    tokens = [t for t in _PUNCT_RE.split(text) if t]
    # Trailing legal forms and places (Continental Automotive Changchun), then leading places.
    while tokens and (tokens[-1] in EN_LEGAL or tokens[-1] in EN_PLACES) and len(tokens) > 1:
        if tokens[-1] in EN_PLACES:
            cities.append(tokens[-1])
        tokens.pop()
    while tokens and tokens[0] in EN_PLACES and len(tokens) > 1:
        cities.append(tokens.pop(0))
    norm = " ".join(tokens)
    core_tokens = list(tokens)
    while len(core_tokens) > 1 and (core_tokens[-1] in EN_INDUSTRY or core_tokens[-1] in EN_LEGAL):
        core_tokens.pop()
    compact = "".join(core_tokens)
    atoms = {EN_TRADE[t] for t in tokens[len(core_tokens) :] if t in EN_TRADE}
    # A name written in pinyin (Fuao Qiche Lingbujian Youxian Gongsi) sheds the same words.
    legal, trade = _pinyin_tails()
    for tails in (legal, trade):
        changed = True
        while changed:
            changed = False
            for tail in tails:
                if compact.endswith(tail) and len(compact) - len(tail) >= 3:
                    compact = compact[: -len(tail)]
                    atoms |= _PINYIN_TRADE.get(tail, set())
                    changed = True
                    break
    city = _city_of_name_places(cities)
    initials = "".join(t[0] for t in core_tokens) if len(core_tokens) > 1 else ""
    return {
        "name_norm": norm,
        "name_core": compact,
        "name_py": compact,
        "initials": initials,
        "trade": trade_key(atoms),
        "city": city,
        "branch": "branch" in tokens,
    }


def normalise_name(raw: str) -> dict:
    raw = nfkc(raw)
    if not raw:
        return {
            "name_norm": "",
            "name_core": "",
            "name_py": "",
            "initials": "",
            "trade": "",
            "city": "",
            "branch": False,
        }
    return normalise_zh_name(raw) if has_chinese(raw) else normalise_en_name(raw)


def normalise_stock_code(raw) -> str:
    """000030 / 000030.SZ / SZ000030 / 0700.HK -> 000030 / HK00700; '' if not a stock code."""
    if not raw:
        return ""
    if isinstance(raw, str) and raw[0] not in _STOCK_FIRST:
        return ""  # most cells are names: not a stock code, decided without a regex
    text = nfkc(raw).upper().replace(" ", "")
    if not text:
        return ""
    match = _STOCK_RE.match(text)
    if match:
        return match.group(1)
    match = _HK_STOCK_RE.match(text)
    if match:
        return "HK" + (match.group(1) or match.group(2)).zfill(5)
    return ""


@lru_cache(maxsize=1 << 18)
def normalise_credit_code(raw) -> tuple[str, str]:
    """(valid code or '', the code as given when it fails its check, else '')."""
    code = normalise_uscc(nfkc(raw))
    if not code:
        return "", ""
    if is_valid_credit_code(code):
        return code, ""
    return "", code


def is_valid_credit_code(code: str) -> bool:
    """The check of validators.uscc_problem, without building a translated message per row."""
    if len(code) != 18 or not _USCC_SET.issuperset(code):
        return False
    total = sum(_USCC_INDEX[c] * w for c, w in zip(code, USCC_WEIGHTS, strict=False))
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


_USCC_SET = frozenset(USCC_ALPHABET)
_USCC_INDEX = {c: i for i, c in enumerate(USCC_ALPHABET)}


def normalise_phone(raw) -> str:
    """The local part of a number: 11 digits for a mobile, the last 8 for a landline."""
    if not raw:
        return ""
    digits = _NON_DIGIT_RE.sub("", nfkc(raw))
    if digits.startswith("86") and len(digits) >= 12:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits
    if len(digits) < 7:
        return ""
    return digits[-8:]


_NON_DIGIT_RE = re.compile(r"\D")


def normalise_website(raw) -> str:
    if not raw:
        return ""
    text = nfkc(raw).lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    if text.startswith("www."):
        text = text[4:]
    return text if "." in text else ""


_ADDRESS_PUNCT_RE = re.compile(r"[\s\-_.,，。、·#()（）]+")


@lru_cache(maxsize=262144)
def _address_norm(raw: str) -> tuple[str, str]:
    text = to_simplified(nfkc(raw))
    text = _ADDRESS_PUNCT_RE.sub("", text)
    city = ""
    # 吉林省长春市绿园区...: the province and city open the address; the city is kept aside.
    if text.startswith("吉林省"):
        text = text[3:]
    match = _ADDRESS_PREFECTURE_RE.match(text)
    if match:
        city = match.group(1)
        text = text[match.end() :]
    else:
        match = _ADDRESS_COUNTY_RE.match(text)
        if match:
            city = JILIN_COUNTIES[match.group(1)]
    return text.lower(), city


_ADDRESS_PREFECTURE_RE = re.compile(
    "(" + "|".join(JILIN_PREFECTURES) + ")(?:朝鲜族自治州|自治州|市)?"
)
_ADDRESS_COUNTY_RE = re.compile("(" + "|".join(JILIN_COUNTIES) + ")")


def normalise_address(raw) -> tuple[str, str]:
    """(comparable address, its Jilin prefecture or '')."""
    if not raw:
        return "", ""
    text = nfkc(raw)
    if not text:
        return "", ""
    return _address_norm(text)


# Common header spellings of list columns -> canonical keys used by resolve_rows.
FIELD_SYNONYMS = {
    "name": (
        "name",
        "企业名称",
        "公司名称",
        "单位名称",
        "名称",
        "企业",
        "供应商名称",
        "供应商",
        "company",
        "company name",
        "supplier",
    ),
    "name_en": ("name_en", "英文名称", "english name", "英文名"),
    "short_name": ("short_name", "简称", "企业简称", "short name"),
    "aliases": ("aliases", "别名", "曾用名"),
    "credit_code": (
        "credit_code",
        "统一社会信用代码",
        "信用代码",
        "社会信用代码",
        "uscc",
        "credit code",
    ),
    "stock_code": ("stock_code", "股票代码", "证券代码", "stock code", "ticker"),
    "city": ("city", "城市", "所在城市", "地市", "市", "region", "地区"),
    "address": ("address", "地址", "注册地址", "企业地址", "厂址"),
    "phone": ("phone", "电话", "联系电话", "telephone", "tel"),
    "website": ("website", "网址", "网站", "url", "web"),
}
_SYNONYM_LOOKUP = {
    nfkc(alias).lower(): key for key, aliases in FIELD_SYNONYMS.items() for alias in aliases
}


@lru_cache(maxsize=1024)
def canonical_key(key: str) -> str:
    return _SYNONYM_LOOKUP.get(nfkc(key).lower(), key)


def canonical_row(row: dict) -> dict:
    """A row with its keys mapped to the canonical names (企业名称 -> name); unknown keys kept."""
    out = {}
    for key, value in row.items():
        canonical = canonical_key(key) if isinstance(key, str) else key
        if canonical not in out or not out[canonical]:
            out[canonical] = value
    return out


RECORD_COLUMNS = (
    "name_norm",
    "name_core",
    "name_py",
    "initials",
    "trade",
    "trade_atoms",
    "name_norms",
    "name_keys",
    "city",
    "address_norm",
    "phone",
    "domain",
    "credit_code",
    "credit_code_unverified",
    "stock_code",
)


def normalise_record(row: dict) -> dict:
    """One comparable record from a canonical row (see canonical_row). Missing fields are None."""
    names = [row.get("name"), row.get("short_name"), row.get("name_en")]
    aliases = row.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a for a in re.split(r"[;；,，|/、]", aliases)]
    names.extend(aliases)
    stock = normalise_stock_code(row.get("stock_code"))
    primary = None
    keys: list[str] = []
    norms: list[str] = []
    city = ""
    for raw in names:
        if not raw:
            continue
        raw = nfkc(raw)
        if not raw:
            continue
        as_stock = normalise_stock_code(raw)
        if as_stock:
            # A list cell holding only a stock code (000030) names the listed company.
            stock = stock or as_stock
            continue
        normalised = normalise_zh_name(raw) if has_chinese(raw) else normalise_en_name(raw)
        if not normalised["name_norm"]:
            continue
        if primary is None:
            primary = normalised
        city = city or normalised["city"]
        if normalised["name_norm"] not in norms:
            norms.append(normalised["name_norm"])
        for key in (normalised["name_core"], normalised["name_py"]):
            if key and len(key) >= 2 and key not in keys:
                keys.append(key)
    credit_code, unverified = normalise_credit_code(row.get("credit_code"))
    address, address_city = normalise_address(row.get("address"))
    city = city_of_place(row.get("city") or "") or city or address_city
    primary = primary or {}
    return {
        "name_norm": primary.get("name_norm") or None,
        "name_core": primary.get("name_core") or None,
        "name_py": primary.get("name_py") or None,
        "initials": primary.get("initials") or None,
        "trade": primary.get("trade") or None,
        "trade_atoms": primary["trade"].split("|") if primary.get("trade") else None,
        "name_norms": norms or None,
        "name_keys": keys or None,
        "city": city or None,
        "address_norm": address or None,
        "phone": normalise_phone(row.get("phone")) or None,
        "domain": normalise_website(row.get("website")) or None,
        "credit_code": credit_code or None,
        "credit_code_unverified": unverified or None,
        "stock_code": stock or None,
    }

"""A labelled generator of real-looking enterprise lists, for training, tests and the benchmark.

Companies are made the way Jilin's are named: [place] + brand + trade + legal form
(长春富奥汽车零部件股份有限公司). Each company then appears in several lists (the registry, a city
bureau's spreadsheet, the OEM's supplier list, a conference registration) under the variants seen in
real lists: legal-form changes, short names, English and pinyin names, traditional or full-width
characters, homophone and dropped-character typos, missing or mistyped credit codes, a second plant's
address, and different companies sharing one building (same address and switchboard phone).

Every record carries `entity`, the true company, so precision and recall can be measured.
"""

from __future__ import annotations

import random

from clusterhub.enterprises.validators import USCC_ALPHABET, uscc_check_character

from .normalise import pinyin_key

CITIES = [
    # (name, weight, phone area code, districts)
    ("长春", 50, "0431", ["朝阳区", "南关区", "宽城区", "二道区", "绿园区", "双阳区", "九台区"]),
    ("吉林", 14, "0432", ["昌邑区", "龙潭区", "船营区", "丰满区"]),
    ("四平", 8, "0434", ["铁西区", "铁东区"]),
    ("辽源", 5, "0437", ["龙山区", "西安区"]),
    ("通化", 6, "0435", ["东昌区", "二道江区"]),
    ("白山", 3, "0439", ["浑江区", "江源区"]),
    ("松原", 6, "0438", ["宁江区"]),
    ("白城", 4, "0436", ["洮北区"]),
    ("延边", 4, "0433", ["延吉市", "珲春市", "敦化市"]),
]
CITY_EN = {
    "长春": "Changchun",
    "吉林": "Jilin",
    "四平": "Siping",
    "辽源": "Liaoyuan",
    "通化": "Tonghua",
    "白山": "Baishan",
    "松原": "Songyuan",
    "白城": "Baicheng",
    "延边": "Yanbian",
}
BRAND_CHARS = (
    "富奥维华翔天海世宝凯达林泉亚通金恒信泰安德鑫源丰盛隆昌兴旺宏伟东方北新中嘉瑞祥和平远"
    "博弘泽润晟辉鼎汇鸿基宇航星辰光明阳升腾飞龙虎豪威力强精工智创合众联益成长春吉嘉禾"
    "佳美俊杰康宁福禄寿喜永利荣发顺祥云锦程万通达华夏蓝天碧海银河晨曦启明拓新思远卓越"
    "弘毅致诚立信正道中鼎浩然谦益铭德汉唐宋元明清秦晋燕赵齐鲁吴越楚湘蜀黔滇桂闽粤"
)
TRADES = [
    ("汽车零部件", "Automotive Parts"),
    ("汽车电子", "Automotive Electronics"),
    ("汽车饰件", "Auto Trim"),
    ("汽车座椅", "Automotive Seating"),
    ("精密机械", "Precision Machinery"),
    ("模具", "Mould"),
    ("橡胶制品", "Rubber Products"),
    ("塑料制品", "Plastic Products"),
    ("汽车照明", "Automotive Lighting"),
    ("铸造", "Casting"),
    ("锻造", "Forging"),
    ("线束", "Wire Harness"),
    ("新能源科技", "New Energy Technology"),
    ("汽车底盘", "Chassis Systems"),
    ("物流", "Logistics"),
    ("轴承", "Bearing"),
    ("紧固件", "Fasteners"),
    ("汽车空调", "Auto Air Conditioning"),
    ("冲压", "Stamping"),
    ("智能装备", "Intelligent Equipment"),
]
STOCK_PREFIXES = ("000", "001", "002", "003", "300", "301", "600", "601", "603", "605", "688")
LEGAL = [("有限公司", 60), ("股份有限公司", 20), ("有限责任公司", 15), ("集团有限公司", 5)]
LATIN_HEADS = (
    "Fa",
    "Ka",
    "No",
    "Ve",
    "Tri",
    "Sol",
    "Max",
    "Dy",
    "Cel",
    "Bra",
    "Un",
    "As",
    "Vor",
    "Ze",
)
LATIN_TAILS = ("wer", "way", "tek", "rix", "vor", "nex", "tron", "lux", "gen", "dia", "ron", "sys")
ROADS = [
    "东风大街",
    "西新工业园",
    "汽车产业开发区",
    "长沈路",
    "普阳街",
    "创业大街",
    "青年路",
    "东环城路",
    "硅谷大街",
    "卫星路",
    "解放大路",
    "人民大街",
    "自由大路",
    "飞跃路",
    "兴隆路",
]
TRAD = str.maketrans(
    "长汽车东华维达丰兴龙飞发顺云锦万银启进业电机业零部件阳强业汇鸿鑫泽润辉鼎盛隆昌宏伟远"
    "宁乐门时实联创",
    "長汽車東華維達豐興龍飛發順雲錦萬銀啟進業電機業零部件陽強業匯鴻鑫澤潤輝鼎盛隆昌宏偉遠"
    "寧樂門時實聯創",
)


def _weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def make_credit_code(rng: random.Random, region: str = "220100") -> str:
    body = "91" + region + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


def _homophones() -> dict[str, list[str]]:
    by_sound: dict[str, list[str]] = {}
    for char in dict.fromkeys(BRAND_CHARS):
        by_sound.setdefault(pinyin_key(char)[0], []).append(char)
    extra = (
        "付傅澳粤卫伟玮华骅桦翔详祥海亥世仕宝保凯恺达答林霖泉全亚雅通同金津恒衡信新欣馨心辛"
        "芯星醒兴杏幸敖傲奥遨维惟唯威薇微危巍伟纬炜韦违围为位味魏尉蔚慰天添田甜恬填海骇嗨"
        "凯铠楷慨开锴达大答搭打林临邻琳淋麟磷泉权全诠拳犬亚压鸭涯牙芽通同桐彤童铜瞳统金今"
        "津锦谨紧劲晋进近尽恒衡横鸿红宏洪虹泓弘信新心欣辛薪馨德得源元原园圆缘远愿院丰风峰"
        "锋枫封蜂盛胜圣晟升生声隆龙珑笼昌常长畅厂唱旺望王往网伟为卫东冬栋董动冻方芳坊房放"
        "北备贝被倍中钟忠终众重种嘉家佳加甲驾瑞锐睿蕊祥翔想象向项和合河禾荷贺鹤平萍评凭屏"
        "瓶远博伯柏泊搏润闰晟辉晖徽挥灰慧鼎顶定丁汇会惠卉绘荟鸿宇雨语羽玉育航行杭星辰晨臣"
        "陈沉尘光广明名鸣铭茗阳洋扬杨羊升腾藤飞非菲霏龙豪浩昊皓号威力立利丽励强墙蔷精京经"
        "晶井景工公功攻宫智志至致置创窗众佳美梅玫媚俊骏峻杰洁捷康宁凝福富复傅禄路陆鹿寿"
        "受兽喜熙希西曦永勇涌咏荣容蓉融发法顺舜云运允韵锦进万湾蓝兰岚澜天碧必毕璧海银"
        "银尹引印河合何晨曦启琪棋旗齐奇拓托新思斯丝卓桌越月悦岳跃"
    )
    for char in dict.fromkeys(extra):
        sound = by_sound.setdefault(pinyin_key(char)[0], [])
        if char not in sound:
            sound.append(char)
    return {
        char: [c for c in chars if c != char]
        for chars in by_sound.values()
        for char in chars
        if len(chars) > 1
    }


def generate(n_records: int, *, seed: int = 7) -> list[dict]:
    """About n_records rows (dicts with canonical keys plus `entity`, the true company id)."""
    rng = random.Random(seed)
    homophones = _homophones()
    city_choices = [(c, w) for c, w, _, _ in CITIES]
    city_info = {c: (code, districts) for c, _, code, districts in CITIES}
    records: list[dict] = []
    used_names: set[tuple] = set()
    used_sites: set[str] = set()
    used_stocks: set[str] = set()
    buildings: list[tuple[str, str, str]] = []
    entity = 0
    while len(records) < n_records:
        entity += 1
        city = _weighted(rng, city_choices)
        trade, trade_en = rng.choice(TRADES)
        for _ in range(50):
            size = 2 if rng.random() < 0.8 else 3
            brand = "".join(rng.choice(BRAND_CHARS) for _ in range(size))
            if len(set(brand)) == size and (city, brand, trade) not in used_names:
                break
        used_names.add((city, brand, trade))
        legal = _weighted(rng, LEGAL)
        full = f"{city}{brand}{trade}{legal}"
        area, districts = city_info[city]
        city_unit = city + ("朝鲜族自治州" if city == "延边" else "市")
        code = make_credit_code(rng, "2201" + f"{rng.randint(0, 99):02d}")
        if rng.random() < 0.1 and buildings and buildings[-1][2] == city:
            # Different companies in one building: same address, same switchboard.
            address, phone, _ = buildings[-1]
        else:
            address = f"吉林省{city_unit}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 3999)}号"
            phone = f"{area}-8{rng.randint(0, 9999999):07d}"
            if rng.random() < 0.15:
                buildings.append((address, phone, city))
        second_address = (
            f"吉林省{city_unit}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 3999)}号"
        )
        second_phone = f"{area}-8{rng.randint(0, 9999999):07d}"
        brand_py = pinyin_key(brand)[0].capitalize()
        # One in eight has an English brand unrelated to its Chinese name (富奥 / Fawer).
        latin = (
            rng.choice(LATIN_HEADS) + rng.choice(LATIN_TAILS) if rng.random() < 0.125 else brand_py
        )
        english = f"{CITY_EN[city]} {latin} {trade_en} Co., Ltd."
        website = f"www.{latin.lower()}{area[1:]}.com.cn" if rng.random() < 0.3 else ""
        if website in used_sites:  # a domain belongs to one company
            website = f"www.{latin.lower()}{entity}.cn"
        used_sites.add(website)
        listed = rng.random() < 0.015
        stock = ""
        for _ in range(100 if listed else 0):  # a stock code is one company's
            stock = f"{rng.choice(STOCK_PREFIXES)}{rng.randint(0, 999):03d}"
            if stock not in used_stocks:
                used_stocks.add(stock)
                break
        else:
            stock, listed = "", False
        n_variants = min(1 + int(rng.expovariate(1 / 1.6)), 8)
        for _ in range(n_variants):
            records.append(
                _variant(
                    rng,
                    homophones,
                    entity=entity,
                    city=city,
                    brand=brand,
                    trade=trade,
                    legal=legal,
                    full=full,
                    english=english,
                    latin=latin,
                    code=code,
                    address=address,
                    phone=phone,
                    second=(second_address, second_phone),
                    website=website,
                    stock=stock if listed else "",
                )
            )
    records = records[:n_records]
    rng.shuffle(records)
    return records


def _typo(rng, homophones, brand: str) -> str:
    chars = list(brand)
    sounding = [i for i, c in enumerate(chars) if c in homophones]
    if sounding and rng.random() < 0.8:
        # Most typos in Chinese lists come from the pinyin input method picking a homophone.
        i = rng.choice(sounding)
        chars[i] = rng.choice(homophones[chars[i]])
    elif len(chars) > 2:
        del chars[rng.randrange(len(chars))]
    else:
        chars[rng.randrange(len(chars))] = rng.choice(BRAND_CHARS)
    return "".join(chars)


def _variant(rng, homophones, *, entity, city, brand, trade, legal, full, english, latin, code,
             address, phone, second, website, stock) -> dict:  # fmt: skip
    kind = _weighted(
        rng,
        [
            ("full", 32),
            ("suffix", 12),
            ("place", 10),
            ("short", 12),
            ("english", 8),
            ("pinyin", 3),
            ("traditional", 5),
            ("fullwidth", 2),
            ("typo", 5),
            ("stock", 2),
        ],
    )
    if kind == "full":
        name = full
    elif kind == "suffix":
        other = rng.choice([s for s, _ in LEGAL if s != legal])
        name = f"{city}{brand}{trade}{other}"
    elif kind == "place":
        name = rng.choice(
            [
                f"{brand}{trade}{legal}",
                f"吉林省{full}",
                f"{brand}{trade}（{city}）{legal}",
                f"{city}市{brand}{trade}{legal}",
            ]
        )
    elif kind == "short":
        name = rng.choice(
            [brand, f"{brand}股份", f"{brand}集团", f"{city}{brand}", f"{brand}{trade}"]
        )
    elif kind == "english":
        name = rng.choice([english, english.replace(" Co., Ltd.", ""), latin.upper()])
    elif kind == "pinyin":
        name = " ".join(
            s.capitalize()
            for s in [pinyin_key(city)[0], pinyin_key(brand)[0], pinyin_key(trade)[0]]
        )
    elif kind == "traditional":
        name = full.translate(TRAD)
    elif kind == "fullwidth":
        text = rng.choice([english, latin.upper(), f"{brand}{trade}({city}){legal}"])
        name = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    elif kind == "typo":
        name = f"{city}{_typo(rng, homophones, brand)}{trade}{legal}"
    else:
        name = stock or full
    # Which list the record came from decides which columns it has.
    source = _weighted(rng, [("registry", 25), ("city", 35), ("oem", 20), ("conference", 20)])
    has_code = {"registry": 0.9, "city": 0.5, "oem": 0.7, "conference": 0.1}[source]
    row = {"entity": entity, "name": name, "source": source}
    if source == "registry" and rng.random() < 0.5:
        # A registry keeps the other names it knows a company by.
        row["short_name"] = rng.choice([brand, f"{brand}股份", f"{city}{brand}"])
        if rng.random() < 0.5:
            row["name_en"] = english
    if rng.random() < has_code:
        if rng.random() < 0.03:
            # A mistyped code: fails its check character, kept as unverified.
            i = rng.randrange(8, 17)
            bad = code[:i] + rng.choice(USCC_ALPHABET.replace(code[i], "")) + code[i + 1 :]
            row["credit_code"] = bad
        else:
            row["credit_code"] = code
    if source in ("registry", "city") or rng.random() < 0.3:
        row["city"] = city
    # Whoever writes a company under its English brand also gives a contact number.
    english_brand = kind in ("english", "fullwidth", "pinyin")
    if source != "oem" or rng.random() < 0.5 or english_brand:
        if rng.random() < 0.15:
            row["address"], row["phone"] = second
        else:
            row["address"] = address if rng.random() < 0.9 else ""
            row["phone"] = phone if rng.random() < 0.8 or english_brand else ""
    if website and rng.random() < 0.5:
        row["website"] = website
    if not any(row.get(k) for k in ("credit_code", "phone", "address", "website")):
        # Lists are kept to reach companies: nearly every row has a code or a contact.
        if rng.random() < 0.9:
            row["phone"] = phone
    if stock and rng.random() < 0.5:
        row["stock_code"] = stock
    return row

"""The enterprise registry of the demo: the article's enterprises plus generated ones.

55 高新技术企业 in all (10 certified in 2020, 38 over 2016–2020), 19 enterprises entering
规上 in 2020, 长源东谷 listed and 国铁机电 / 正大食品 / 康豪机电 in the listing pipeline.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from zhaoluo.enterprises.choices import Listing

from . import names
from .chain_data import INDUSTRY_CODES
from .org_data import TOWNSHIPS
from .plan import CLUSTER_TRADE, SEED

D = dt.date
HIGH_TECH_TOTAL = 55
HIGH_TECH_BY_PERIOD = {"2020": 10, "2016-2019": 28, "before": 17}
ABOVE_SCALE_TOTAL = 128
ABOVE_SCALE_NEW_2020 = 19
GENERATED = 150


@dataclass
class EnterpriseSpec:
    name: str
    cluster: str
    township: str
    uscc: str = ""
    industry_code: str = ""
    above_scale_since: dt.date | None = None
    high_tech_since: dt.date | None = None
    listing: str = Listing.NONE
    listing_since: dt.date | None = None
    products: str = ""
    needs: str = ""
    employees: int | None = None
    contact: str = ""
    phone: str = ""


NAMED: list[EnterpriseSpec] = [
    EnterpriseSpec(
        "湖北科德智能装备有限公司",
        "装备制造",
        "肖湾街道",
        above_scale_since=D(2015, 12, 31),
        high_tech_since=D(2018, 11, 30),
        products="智能仓储设备、自动化立体库、智能物流输送系统",
        needs="智能仓储设备钣金结构件、货架立柱的本地配套供应商",
        employees=320,
    ),
    EnterpriseSpec(
        "襄阳誉德机电科技有限公司",
        "装备制造",
        "肖湾街道",
        above_scale_since=D(2018, 12, 31),
        products="精密钣金加工、机械结构件、智能仓储设备零部件",
        employees=180,
    ),
    EnterpriseSpec(
        "襄阳长源东谷实业股份有限公司",
        "汽车及零部件",
        "张湾街道",
        above_scale_since=D(2012, 12, 31),
        high_tech_since=D(2017, 11, 28),
        listing=Listing.LISTED,
        listing_since=D(2020, 5, 26),
        products="发动机缸体、缸盖等汽车动力零部件",
        employees=1600,
    ),
    EnterpriseSpec(
        "襄阳国铁机电股份有限公司",
        "装备制造",
        "六两河街道",
        above_scale_since=D(2016, 12, 31),
        high_tech_since=D(2016, 12, 13),
        listing=Listing.RESERVE,
        listing_since=D(2020, 6, 30),
        products="轨道交通运营智能运维、安维系统，轨道探伤及运维车辆",
        employees=420,
    ),
    EnterpriseSpec(
        "正大食品（襄阳）有限公司",
        "农产品加工",
        "黄龙镇",
        above_scale_since=D(2019, 12, 31),
        listing=Listing.RESERVE,
        listing_since=D(2020, 9, 30),
        products="生猪养殖、屠宰分割、肉制品",
        employees=860,
    ),
    EnterpriseSpec(
        "襄阳康豪机电工程有限公司",
        "装备制造",
        "伙牌镇",
        above_scale_since=D(2017, 12, 31),
        high_tech_since=D(2020, 12, 1),
        listing=Listing.RESERVE,
        listing_since=D(2020, 12, 31),
        products="机电设备安装、电力工程",
        employees=260,
    ),
    EnterpriseSpec(
        "湖北金恒昌纺织有限公司",
        "纺织服装",
        "伙牌镇",
        above_scale_since=D(2020, 8, 31),
        products="紧密纺纱线",
        employees=350,
    ),
    EnterpriseSpec(
        "际华三五四二纺织有限公司",
        "纺织服装",
        "张湾街道",
        above_scale_since=D(2011, 12, 31),
        high_tech_since=D(2014, 10, 14),
        products="纱线、坯布、功能性面料",
        employees=2100,
    ),
    EnterpriseSpec(
        "湖北新国缘棉纺织有限公司",
        "纺织服装",
        "伙牌镇",
        above_scale_since=D(2013, 12, 31),
        products="棉纱、棉布",
        employees=640,
    ),
    EnterpriseSpec(
        "湖北丰庆源粮油集团有限公司",
        "农产品加工",
        "朱集镇",
        above_scale_since=D(2012, 12, 31),
        products="大米、面粉、食用油",
        employees=520,
    ),
    EnterpriseSpec(
        "武钢集团襄阳重型装备材料有限公司",
        "新能源新材料",
        "六两河街道",
        above_scale_since=D(2014, 12, 31),
        high_tech_since=D(2019, 11, 20),
        products="重型装备用铸锻件、耐磨材料",
        employees=900,
    ),
    EnterpriseSpec("襄阳盼盼食品有限公司", "农产品加工", "双沟镇", products="烘焙食品、膨化食品、饮料", employees=60),
]


def _dates(rng: random.Random, count: int, lo: dt.date, hi: dt.date) -> list[dt.date]:
    return [lo + dt.timedelta(days=rng.randint(0, (hi - lo).days)) for _ in range(count)]


def _high_tech_dates(rng: random.Random, named: list[EnterpriseSpec]) -> list[dt.date]:
    """The certification dates still needed after the named enterprises, by period."""
    have = [e.high_tech_since for e in named if e.high_tech_since]
    need_2020 = HIGH_TECH_BY_PERIOD["2020"] - sum(1 for d in have if d.year == 2020)
    need_mid = HIGH_TECH_BY_PERIOD["2016-2019"] - sum(1 for d in have if 2016 <= d.year <= 2019)
    need_old = HIGH_TECH_BY_PERIOD["before"] - sum(1 for d in have if d.year < 2016)
    dates = _dates(rng, need_2020, D(2020, 10, 1), D(2020, 12, 20))
    dates += _dates(rng, need_mid, D(2016, 10, 1), D(2019, 12, 20))
    dates += _dates(rng, need_old, D(2012, 10, 1), D(2015, 12, 20))
    return dates


def _above_scale_dates(rng: random.Random, named: list[EnterpriseSpec]) -> list[dt.date]:
    have = [e.above_scale_since for e in named if e.above_scale_since]
    new_2020 = ABOVE_SCALE_NEW_2020 - sum(1 for d in have if d.year == 2020)
    older = ABOVE_SCALE_TOTAL - len(have) - new_2020
    year_ends = [D(y, 12, 31) for y in range(2008, 2020)]
    return [D(2020, rng.choice([3, 6, 9, 12]), 28) for _ in range(new_2020)] + [
        rng.choice(year_ends) for _ in range(older)
    ]


def build_enterprises(seed: int = SEED) -> list[EnterpriseSpec]:
    rng = random.Random(f"{seed}:enterprises")
    taken_names = {e.name for e in NAMED}
    taken_codes: set[str] = set()
    people: set[str] = set()
    specs = [EnterpriseSpec(**vars(e)) for e in NAMED]
    clusters = list(CLUSTER_TRADE)
    for _ in range(GENERATED):
        cluster = rng.choice(clusters)
        while True:
            name = f"{rng.choice(['襄阳', '湖北', '襄阳市'])}{rng.choice(names.BRANDS)}{CLUSTER_TRADE[cluster]}有限公司"
            if name not in taken_names:
                taken_names.add(name)
                break
        specs.append(EnterpriseSpec(name, cluster, rng.choice(TOWNSHIPS)[1], employees=rng.randint(30, 600)))
    generated = specs[len(NAMED) :]
    for spec, day in zip(rng.sample(generated, len(generated)), _high_tech_dates(rng, NAMED), strict=False):
        spec.high_tech_since = day
    for spec, day in zip(rng.sample(generated, len(generated)), _above_scale_dates(rng, NAMED), strict=False):
        spec.above_scale_since = day
    for spec in specs:
        spec.uscc = names.uscc_code(rng, taken_codes)
        spec.industry_code = rng.choice(INDUSTRY_CODES[spec.cluster])
        spec.contact = names.person(rng, people)
        spec.phone = names.mobile(rng)
    return specs

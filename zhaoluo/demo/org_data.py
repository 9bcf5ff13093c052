"""襄州区 as the demo models it: regions, units, the 四大家 leaders and the logins."""

from __future__ import annotations

from dataclasses import dataclass

from zhaoluo.orgs.choices import Body, Role, UnitKind

PROVINCE = ("420000", "湖北省")
CITY = ("420600", "襄阳市")
DISTRICT = ("420607", "襄州区")

# GB/T 2260-style 9-digit township codes: 街道 0xx, 镇 1xx.
TOWNSHIPS: list[tuple[str, str]] = [
    ("420607001", "张湾街道"),
    ("420607002", "肖湾街道"),
    ("420607003", "六两河街道"),
    ("420607100", "伙牌镇"),
    ("420607101", "古驿镇"),
    ("420607102", "朱集镇"),
    ("420607103", "双沟镇"),
    ("420607104", "程河镇"),
    ("420607105", "张家集镇"),
    ("420607106", "黄集镇"),
    ("420607107", "峪山镇"),
    ("420607108", "龙王镇"),
    ("420607109", "石桥镇"),
    ("420607110", "黄龙镇"),
]

DEPARTMENTS: list[str] = [
    "区招商服务中心",
    "区发改局",
    "区科经局",
    "区自然资源和规划局",
    "区住建局",
    "区生态环境分局",
    "区督查室",
    "区政务服务和大数据管理局",
    "区财政局",
    "区人社局",
    "区商务局",
    "区农业农村局",
    "区市场监管局",
    "区应急管理局",
]
PARK = "襄州经济开发区"


def township_unit_name(township: str) -> str:
    return f"{township}办事处" if township.endswith("街道") else f"{township}人民政府"


def unit_kinds() -> list[tuple[str, str, str | None]]:
    """(unit name, kind, township name or None for district-level units)."""
    rows: list[tuple[str, str, str | None]] = [(name, UnitKind.DEPARTMENT, None) for name in DEPARTMENTS]
    rows.append((PARK, UnitKind.PARK, None))
    rows += [(township_unit_name(name), UnitKind.TOWNSHIP, name) for _, name in TOWNSHIPS]
    return rows


@dataclass(frozen=True)
class LeaderSpec:
    name: str
    title: str
    rank: str
    body: str


LEADERS: list[LeaderSpec] = [
    LeaderSpec("黄进", "区委书记", "正处级", Body.PARTY),
    LeaderSpec("刘明锋", "区委副书记、区长", "正处级", Body.GOVERNMENT),
    LeaderSpec("王海", "区委常委、副区长", "副处级", Body.GOVERNMENT),
    LeaderSpec("周立新", "区委副书记", "副处级", Body.PARTY),
    LeaderSpec("陈志刚", "区委常委、常务副区长", "副处级", Body.GOVERNMENT),
    LeaderSpec("李红梅", "副区长", "副处级", Body.GOVERNMENT),
    LeaderSpec("张晓东", "副区长", "副处级", Body.GOVERNMENT),
    LeaderSpec("赵德胜", "区人大常委会主任", "正处级", Body.CONGRESS),
    LeaderSpec("孙丽华", "区人大常委会副主任", "副处级", Body.CONGRESS),
    LeaderSpec("马国庆", "区人大常委会副主任", "副处级", Body.CONGRESS),
    LeaderSpec("何建平", "区政协主席", "正处级", Body.CPPCC),
    LeaderSpec("罗文斌", "区政协副主席", "副处级", Body.CPPCC),
    LeaderSpec("杨春燕", "区政协副主席", "副处级", Body.CPPCC),
]
# How often each leader takes a key project (王海 分管招商 carries the most).
LEADER_WEIGHTS: dict[str, int] = {"王海": 30, "刘明锋": 10, "黄进": 4, "陈志刚": 12, "李红梅": 9, "张晓东": 9}
DEFAULT_LEADER_WEIGHT = 4

# Officials named in the article, with their posts.
NAMED_OFFICIALS: list[tuple[str, str, str, str]] = [
    ("郭兵", "局长", "正科级", "区科经局"),
    ("沈耀", "总经济师", "副科级", "区科经局"),
]
# Posts filled in every department / township unit, with rank.
DEPARTMENT_POSTS = [("局长", "正科级"), ("副局长", "副科级"), ("副局长", "副科级"), ("股长", "科员"), ("科员", "科员")]
CENTER_POSTS = [("主任", "正科级"), ("副主任", "副科级"), ("副主任", "副科级"), ("招商专员", "科员")] + [
    ("招商专员", "科员")
] * 3
TOWNSHIP_POSTS = [("党委书记", "正科级"), ("镇长", "正科级"), ("副镇长", "副科级"), ("经发办主任", "科员")]
STREET_POSTS = [("党工委书记", "正科级"), ("主任", "正科级"), ("副主任", "副科级"), ("经发办主任", "科员")]
PARK_POSTS = [("主任", "副处级"), ("副主任", "正科级"), ("副主任", "正科级"), ("招商局局长", "正科级")]


@dataclass(frozen=True)
class LoginSpec:
    username: str
    role: str
    unit: str | None = None
    official: str | None = None  # a name, or "unit:POST" for the first official of the unit holding POST
    township: str | None = None
    enterprise: str | None = None
    note: str = ""


LOGINS: list[LoginSpec] = [
    LoginSpec("zhaoshang", Role.INVESTMENT, "区招商服务中心", "unit:主任", note="区招商服务中心主任"),
    LoginSpec("zhuanban", Role.TASK_FORCE, "区发改局", "unit:副局长", note="区发改局副局长，多个专班负责人"),
    LoginSpec("wanghai", Role.LEADER, None, "王海", note="王海，区委常委、副区长"),
    LoginSpec("fagaiju", Role.UNIT, "区发改局", "unit:局长", note="区发改局局长"),
    LoginSpec("shuanggou", Role.TOWNSHIP, "双沟镇人民政府", "unit:镇长", township="双沟镇", note="双沟镇镇长"),
    LoginSpec("ducha", Role.SUPERVISION, "区督查室", "unit:主任", note="区督查室主任"),
    LoginSpec("liumingfeng", Role.PRINCIPAL, None, "刘明锋", note="刘明锋，区委副书记、区长"),
    LoginSpec("shenyao", Role.CADRE, "区科经局", "沈耀", note="沈耀，区科经局总经济师"),
    LoginSpec("guobing", Role.ECONOMY, "区科经局", "郭兵", note="郭兵，区科经局局长"),
    LoginSpec("kede", Role.ENTERPRISE, enterprise="湖北科德智能装备有限公司", note="湖北科德智能装备有限公司"),
    LoginSpec("xitong", Role.SYSADMIN, "区政务服务和大数据管理局", note="三员分立"),
    LoginSpec("anquan", Role.SECADMIN, "区政务服务和大数据管理局", note="三员分立"),
    LoginSpec("shenji", Role.AUDITADMIN, "区政务服务和大数据管理局", note="三员分立"),
]

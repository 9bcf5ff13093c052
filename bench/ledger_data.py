"""A generated projects ledger (项目台账) of any size, deterministic, in the contract's columns.

Values are written the way offices write them: amounts as numbers, `1.5亿元` or `12,000`,
dates as Excel date cells or text in the five accepted forms, blank stages, 专班 as lists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

HEADERS = [
    "项目编号", "项目名称", "投资方", "投资方信用代码", "所属镇街", "产业集群", "产业链环节", "项目类型",
    "计划总投资（万元）", "重点项目", "战略性新兴产业", "招商方式", "包保领导", "牵头单位", "专班成员",
    "签约日期", "开工日期", "投产日期", "达产日期", "终止日期", "终止原因", "当前阶段",
]  # fmt: skip
TOWNSHIPS = ["张湾街道", "双沟镇", "黄集镇", "伙牌镇", "古驿镇", "朱集镇", "程河镇", "东津镇"]
CLUSTERS = ["纺织服装", "农产品加工", "汽车及零部件", "装备制造", "新能源新材料", "电子信息"]
LINKS = ["纺织服装/纺纱", "纺织服装/织造", "农产品加工/精深加工", "汽车及零部件/零部件", "装备制造/整机"]
LEADERS = ["王海", "李明", "张强", "刘洋", "陈静", "杨帆"]
UNITS = ["区发改局", "区经信局", "区商务局", "区招商服务中心", "区自然资源局"]
CADRES = [f"干部{i:03d}" for i in range(200)]
SOURCES = ["以商招商", "委托招商", "驻点招商", "展会招商"]


def _date_text(day: dt.date, rng: random.Random) -> object:
    form = rng.randrange(5)
    if form == 0:
        return day  # an Excel date cell
    if form == 1:
        return day.isoformat()
    if form == 2:
        return f"{day.year}/{day.month}/{day.day}"
    if form == 3:
        return f"{day.year}.{day.month}.{day.day}"
    return f"{day.year}年{day.month}月{day.day}日"


def _amount(rng: random.Random) -> object:
    wan = rng.choice([800, 3000, 5000, 12000, 15000, 20000, 50000, 150000])
    form = rng.randrange(4)
    if form == 0:
        return wan
    if form == 1:
        return f"{wan:,}"
    if form == 2:
        return f"{wan / 10000:g}亿元"
    return f"{wan}万元"


def rows(count: int, seed: int = 20201231) -> Iterator[list[object]]:
    rng = random.Random(seed)
    for i in range(count):
        signed = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(700))
        depth = rng.randrange(5)  # 0 在谈, 1 签约, 2 开工, 3 投产, 4 达产
        dates: list[object] = ["", "", "", ""]
        day = signed
        for d in range(depth):
            dates[d] = _date_text(day, rng)
            day = day + dt.timedelta(days=rng.randrange(20, 200))
        yield [
            f"XZ{i:06d}",
            f"生成项目{i:06d}",
            f"投资方{i % 5000:04d}有限公司" if depth else "",
            "",
            rng.choice(TOWNSHIPS),
            rng.choice(CLUSTERS),
            rng.choice(LINKS),
            rng.choice(["新建", "扩建", "技改", ""]),
            _amount(rng),
            rng.choice(["是", "否", "Y", ""]),
            rng.choice(["是", "否"]),
            rng.choice(SOURCES),
            rng.choice(LEADERS),
            rng.choice(UNITS),
            "、".join(rng.sample(CADRES, 2)),
            *dates,
            "",
            "",
            "",
        ]


def write_xlsx(path: Path, count: int) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("项目台账")
    sheet.append(HEADERS)
    for row in rows(count):
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path

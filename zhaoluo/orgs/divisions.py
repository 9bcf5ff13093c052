"""The GB/T 2260 division table (data/divisions.csv, generated from a maintained package):
a 6-digit county-level code → its province, city and district names."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("data") / "divisions.csv"
# GB/T 2260 groups a province's directly administered county-level units (仙桃市 429004, 济源市
# 419001) under the pseudo-prefecture XX9000 of this name; the package's table leaves it out.
DIRECT_GROUP_NAME = "省直辖县级行政区划"


@dataclass(frozen=True)
class Chain:
    province: tuple[str, str]
    city: tuple[str, str]
    district: tuple[str, str]


class UnknownDivision(LookupError):
    """The code is not a county-level division of the table; the message says why, in Chinese."""


@cache
def names() -> dict[str, str]:
    with TABLE.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {row["code"]: row["name"] for row in csv.DictReader(lines)}


def chain(code: str) -> Chain:
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        raise UnknownDivision(f"区县代码应为 6 位数字（GB/T 2260），收到“{code}”")
    table = names()
    if code not in table:
        raise UnknownDivision(f"行政区划代码表中没有 {code}，请核对区县代码（如襄州区为 420607）")
    if code.endswith("00"):
        raise UnknownDivision(f"{code} 是{table[code]}（省级或地级）的代码，请填写区县一级的 6 位代码")
    province_code, city_code = code[:2] + "0000", code[:4] + "00"
    if city_code in table:
        city = (city_code, table[city_code])
    elif code[2:4] == "90":
        city = (city_code, DIRECT_GROUP_NAME)
    else:
        raise UnknownDivision(f"行政区划代码表中没有 {code} 的上级地市，无法建立组织机构")
    return Chain(province=(province_code, table[province_code]), city=city, district=(code, table[code]))

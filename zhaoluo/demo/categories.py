"""The population plan: how many projects of each kind, and the windows of their dates.

The 2020 figures hold by construction (112 key projects signed, 86 started, 58 producing):

- key signed in 2020 = K20_* (10 + 5 + 35 + 42 + 20 = 112)
- key started in 2020 = K20_P20 + K20_P21 + K20_S20 + K19_S20_P20 + K19_S20_B (10 + 5 + 35 + 18 + 18 = 86)
- key producing in 2020 = K20_P20 + K19_S19_P20 + K19_S20_P20 + K18_P20* (10 + 20 + 18 + 7 + 3 = 58)

Named projects take slots in these categories; generated ones fill the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

D = dt.date
# The demo's "now": the data runs to the end of 2021 Q1; lights are computed as of this day.
AS_OF = D(2021, 3, 31)


@dataclass(frozen=True)
class Window:
    """A stage date: drawn in [lo, hi], at least `gap` days after the previous stage's date."""

    lo: dt.date
    hi: dt.date
    gap: int = 0


@dataclass(frozen=True)
class Category:
    code: str
    count: int
    is_key: bool
    signed: Window | None = None
    started: Window | None = None
    producing: Window | None = None
    at_capacity: Window | None = None
    terminated: Window | None = None
    stage: str = ""  # for undated stages: lead / negotiating


def W(lo: dt.date, hi: dt.date, gap: int = 0) -> Window:
    return Window(lo, hi, gap)


CATEGORIES: list[Category] = [
    # Key projects signed in 2020.
    Category(
        "K20_P20",
        10,
        True,
        W(D(2020, 1, 6), D(2020, 5, 31)),
        W(D(2020, 1, 6), D(2020, 7, 31), 20),
        W(D(2020, 4, 1), D(2020, 12, 25), 75),
    ),
    Category(
        "K20_P21",
        5,
        True,
        W(D(2020, 1, 6), D(2020, 6, 30)),
        W(D(2020, 1, 6), D(2020, 9, 30), 20),
        W(D(2021, 1, 5), D(2021, 3, 26), 90),
    ),
    Category("K20_S20", 35, True, W(D(2020, 1, 6), D(2020, 10, 31)), W(D(2020, 1, 6), D(2020, 12, 28), 20)),
    Category("K20_S21", 42, True, W(D(2020, 3, 1), D(2020, 12, 15)), W(D(2021, 1, 4), D(2021, 3, 29), 20)),
    Category("K20_SIG", 20, True, W(D(2020, 8, 1), D(2020, 12, 30))),
    # Key projects signed in 2019.
    Category(
        "K19_S19_P19_C20",
        4,
        True,
        W(D(2019, 1, 5), D(2019, 3, 31)),
        W(D(2019, 1, 5), D(2019, 5, 31), 20),
        W(D(2019, 5, 1), D(2019, 11, 30), 90),
        W(D(2020, 3, 1), D(2020, 11, 30), 90),
    ),
    Category(
        "K19_S19_P20",
        20,
        True,
        W(D(2019, 1, 5), D(2019, 8, 31)),
        W(D(2019, 1, 5), D(2019, 11, 30), 20),
        W(D(2020, 1, 6), D(2020, 12, 25), 120),
    ),
    Category("K19_S19_B", 4, True, W(D(2019, 1, 5), D(2019, 9, 30)), W(D(2019, 1, 5), D(2019, 12, 20), 20)),
    Category(
        "K19_S20_P20",
        18,
        True,
        W(D(2019, 3, 1), D(2019, 12, 20)),
        W(D(2020, 1, 2), D(2020, 6, 30), 20),
        W(D(2020, 4, 1), D(2020, 12, 28), 90),
    ),
    Category("K19_S20_B", 18, True, W(D(2019, 3, 1), D(2019, 12, 20)), W(D(2020, 1, 2), D(2020, 11, 30), 20)),
    Category("K19_SIG", 3, True, W(D(2019, 6, 1), D(2019, 12, 20))),
    Category("K19_TERM", 3, True, W(D(2019, 3, 1), D(2019, 10, 31)), terminated=W(D(2020, 3, 1), D(2020, 11, 30), 120)),
    # Key projects signed in 2018, producing in 2019 or 2020.
    Category(
        "K18_P20",
        7,
        True,
        W(D(2018, 3, 1), D(2018, 12, 20)),
        W(D(2019, 1, 2), D(2019, 9, 30), 30),
        W(D(2020, 1, 6), D(2020, 10, 31), 120),
    ),
    Category(
        "K18_P20_C21",
        3,
        True,
        W(D(2018, 3, 1), D(2018, 9, 30)),
        W(D(2019, 1, 2), D(2019, 4, 30), 30),
        W(D(2020, 1, 6), D(2020, 3, 31), 120),
        W(D(2021, 1, 5), D(2021, 3, 26), 270),
    ),
    Category(
        "K18_P19_C20",
        2,
        True,
        W(D(2018, 1, 5), D(2018, 6, 30)),
        W(D(2018, 1, 5), D(2018, 10, 31), 20),
        W(D(2019, 3, 1), D(2019, 8, 31), 120),
        W(D(2020, 3, 1), D(2020, 10, 31), 180),
    ),
    # Key projects signed in early 2021.
    Category("K21_SIG", 12, True, W(D(2021, 1, 5), D(2021, 3, 26))),
    # Projects below the key list.
    Category("N20_S20", 14, False, W(D(2020, 1, 6), D(2020, 9, 30)), W(D(2020, 1, 6), D(2020, 12, 20), 15)),
    Category(
        "N20_P20",
        10,
        False,
        W(D(2020, 1, 6), D(2020, 5, 31)),
        W(D(2020, 1, 6), D(2020, 7, 31), 15),
        W(D(2020, 3, 1), D(2020, 12, 25), 60),
    ),
    Category("N20_SIG", 6, False, W(D(2020, 10, 8), D(2020, 12, 30))),
    Category(
        "N19_P",
        16,
        False,
        W(D(2019, 1, 5), D(2019, 6, 30)),
        W(D(2019, 1, 5), D(2019, 9, 30), 15),
        W(D(2019, 4, 1), D(2020, 9, 30), 60),
    ),
    Category(
        "N19_C20",
        4,
        False,
        W(D(2019, 1, 5), D(2019, 3, 31)),
        W(D(2019, 1, 5), D(2019, 5, 31), 15),
        W(D(2019, 4, 1), D(2019, 10, 31), 60),
        W(D(2020, 4, 1), D(2020, 12, 20), 120),
    ),
    Category("N21_SIG", 8, False, W(D(2021, 1, 5), D(2021, 3, 26))),
    Category("N_LEAD", 25, False, stage="lead"),
    Category("N_NEG", 25, False, stage="negotiating"),
    Category("N_TERM", 5, False, terminated=W(D(2020, 2, 1), D(2021, 3, 20)), stage="terminated"),
]
BY_CODE = {c.code: c for c in CATEGORIES}

# Of the key projects signed in 2020, this many are 战略性新兴产业 with ≥ 1 亿元 (the article's 23).
STRATEGIC_100M_2020 = 23
# Key projects left without part of 六个一 (red "六个一未落实"): category → how many.
SIX_ONES_GAPS = {"K20_SIG": 2, "K21_SIG": 3, "K20_S21": 1}
# Started, still building key projects given trouble so the lights show it: kind → how many.
TROUBLE = {"overdue_yellow": 5, "overdue_red": 4, "lag_yellow": 5, "lag_red": 3}

TERMINATION_REASONS = [
    "投资方资金链断裂，无力继续推进",
    "项目用地规划调整，无法落地",
    "企业战略调整，决定不再投资",
    "环评未通过，项目选址不符合要求",
    "投资方转投外省，协商一致解除协议",
]
SOURCES = ["以商招商", "委托招商", "驻点招商", "展会招商", "小分队招商", "产业链招商"]

"""Flag rules: each enabled FlagRule reads one answer of a visit and may raise a flag.

The presets are the warnings districts watch for (orders down by a fifth, lay-offs planned,
relocation considered, wage arrears, a lease ending within six months …); their thresholds are
rows an administrator edits, so "orders down ≥ 20 %" is data, not code. Every flag names its
rule and says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhaoluo.core.dates import add_months

from .instrument import BY_KEY
from .models import FlagRule, Visit


@dataclass(frozen=True)
class Preset:
    code: str
    name: str
    question: str
    op: str
    threshold: Decimal | None = None


PRESETS: tuple[Preset, ...] = (
    Preset("orders-down-20", "订单下降 20% 以上", "orders_change_pct", "lte", Decimal(-20)),
    Preset("output-down-20", "产值下降 20% 以上", "output_change_pct", "lte", Decimal(-20)),
    Preset("layoffs-planned", "计划裁员", "layoffs_planned", "yes"),
    Preset("relocation-considered", "考虑外迁", "relocation_considered", "yes"),
    Preset("wage-arrears", "拖欠工资", "wage_arrears", "yes"),
    Preset("lease-ending-6m", "租约 6 个月内到期", "lease_ends_on", "within_months", Decimal(6)),
    Preset("financing-difficult", "融资困难", "financing_difficult", "yes"),
    Preset("policy-unaware", "未享受惠企政策", "policy_aware", "no"),
)


def ensure_presets() -> None:
    """Create the preset rules that are missing (an edited rule is left as the administrator set it)."""
    have = set(FlagRule.objects.values_list("code", flat=True))
    FlagRule.objects.bulk_create(
        [
            FlagRule(code=p.code, name=p.name, question=p.question, op=p.op, threshold=p.threshold)
            for p in PRESETS
            if p.code not in have
        ]
    )


def plain(number: Decimal) -> str:
    """-20.00 → -20, 2.50 → 2.5 (never the exponent form normalize() gives)."""
    return format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def finding(rule: FlagRule, answers: dict[str, Any], visited_on: dt.date) -> str | None:
    """Why `rule` fires on these answers, or None."""
    value = answers.get(rule.question)
    if value is None:
        return None
    question = BY_KEY.get(rule.question)
    label = question.label if question else rule.question
    if rule.op in {"lte", "gte"} and rule.threshold is not None:
        number = _number(value)
        if number is None:
            return None
        hit = number <= rule.threshold if rule.op == "lte" else number >= rule.threshold
        sign = "≤" if rule.op == "lte" else "≥"
        return f"{label}为 {value}（{sign} {plain(rule.threshold)}）" if hit else None
    if rule.op == "yes":
        return f"{label}：是" if value is True else None
    if rule.op == "no":
        return f"{label}：否" if value is False else None
    if rule.op == "within_months" and rule.threshold is not None:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return None
        limit = add_months(visited_on, int(rule.threshold))
        if day <= limit:
            return f"{label}为 {day:%Y-%m-%d}（走访后 {int(rule.threshold)} 个月内）"
        return None
    return None


def evaluate(visit: Visit, rules: list[FlagRule] | None = None) -> list[tuple[FlagRule, str]]:
    """The (rule, message) pairs that fire on a visit's answers, in rule order."""
    if rules is None:
        rules = list(FlagRule.objects.filter(enabled=True).order_by("code"))
    found = []
    for rule in rules:
        message = finding(rule, visit.answers or {}, visit.visited_on)
        if message:
            found.append((rule, message))
    return found

"""The visit instrument (走访问卷): short, structured questions a cadre answers on a phone.

The questions are data: the visit form, the API, the `visits` ledger and the flag rules all
read this one list, so a question added here appears everywhere at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    section: str
    kind: str  # pct (may be negative), count (≥ 0), amount (万元, ≥ 0), yes_no, date, text
    help: str = ""


QUESTIONS: tuple[Question, ...] = (
    Question("revenue", "上年营业收入（万元）", "生产经营", "amount", "用于小升规等企业库的培育"),
    Question("output_change_pct", "产值同比（%）", "生产经营", "pct", "与上年同期比，下降填负数"),
    Question("orders_change_pct", "订单同比（%）", "生产经营", "pct", "与上年同期比，下降填负数"),
    Question("employees", "现有职工（人）", "用工", "count"),
    Question("hiring_need", "招工需求（人）", "用工", "count"),
    Question("layoffs_planned", "计划裁员", "用工", "yes_no"),
    Question("wage_arrears", "存在拖欠工资", "用工", "yes_no"),
    Question("financing_need", "融资需求（万元）", "融资", "amount"),
    Question("financing_difficult", "融资遇到困难", "融资", "yes_no"),
    Question("lease_ends_on", "厂房或土地租约到期日", "用地与厂房", "date", "自有厂房不填"),
    Question("land_need", "有新增用地或厂房需求", "用地与厂房", "yes_no"),
    Question("utilities_difficult", "用电用气有困难", "水电气", "yes_no"),
    Question("supply_chain_difficult", "原料或配套供应有困难", "供应链", "yes_no"),
    Question("relocation_considered", "考虑外迁或转移产能", "经营预期", "yes_no"),
    Question("policy_aware", "了解并享受了惠企政策", "政策", "yes_no"),
)
BY_KEY = {q.key: q for q in QUESTIONS}
YES = {"是", "yes", "y", "true", "1", "√", True}
NO = {"否", "no", "n", "false", "0", "×", False}


def clean_answer(question: Question, value: Any) -> Any:
    """The stored form of one answer (JSON-safe); None when unanswered. Raises a Chinese message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if question.kind == "yes_no":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValidationError(f"{question.label}：请填“是”或“否”")
    if question.kind in {"pct", "count", "amount"}:
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValidationError(f"{question.label}：应为数字") from None
        if not number.is_finite():
            raise ValidationError(f"{question.label}：应为数字")
        if question.kind == "count":
            if number < 0 or number != number.to_integral_value():
                raise ValidationError(f"{question.label}：应为不小于 0 的整数")
            return int(number)
        if question.kind == "amount" and number < 0:
            raise ValidationError(f"{question.label}：不能为负数")
        if question.kind == "pct" and not Decimal(-100) <= number <= Decimal(10000):
            raise ValidationError(f"{question.label}：应在 -100 到 10000 之间")
        return str(number.normalize()) if number != number.to_integral_value() else int(number)
    if question.kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValidationError(f"{question.label}：日期格式应为 2021-03-31") from None
    return str(value).strip()[:500]


def clean_answers(raw: dict[str, Any]) -> dict[str, Any]:
    """Every answer checked; all errors reported at once, keyed by question. Unknown keys are refused."""
    errors: dict[str, str] = {}
    answers: dict[str, Any] = {}
    for key, value in raw.items():
        question = BY_KEY.get(key)
        if question is None:
            errors[key] = f"未知的问卷题目：{key}"
            continue
        try:
            cleaned = clean_answer(question, value)
        except ValidationError as exc:
            errors[key] = exc.messages[0]
            continue
        if cleaned is not None:
            answers[key] = cleaned
    if errors:
        raise ValidationError(errors)
    return answers


def answer_text(question: Question, value: Any) -> str:
    if value is None:
        return "—"
    if question.kind == "yes_no":
        return "是" if value else "否"
    return str(value)


def answer_rows(answers: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(section, label, answer) for the answered questions, in the instrument's order."""
    return [(q.section, q.label, answer_text(q, answers[q.key])) for q in QUESTIONS if q.key in answers]

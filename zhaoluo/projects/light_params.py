"""The parameters of the light rule kinds, and their check.

Below the models (LightRule.clean checks its params here) and below the light engine
(lights.py registers each kind's parameters with its evaluator), so neither imports the other
in a circle. The kinds are registered when the app starts (projects/plugins.py imports lights).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .choices import RuleKind


@dataclass(frozen=True)
class ParamSpec:
    name: str
    label: str
    minimum: Decimal
    maximum: Decimal
    whole: bool = True  # days and months are counted whole; percentages may have decimals


# Each rule kind's parameters, registered by lights.rule_kind with the kind's evaluator.
_PARAMS: dict[str, list[ParamSpec]] = {}


def validate_params(kind: str, params: Any) -> list[str]:
    """Chinese messages for every parameter that is missing or out of range."""
    # A kind registers its evaluator and its parameters together (lights.rule_kind).
    if kind not in _PARAMS:
        return [f"未知的规则类型：{kind}"]
    if not isinstance(params, dict):
        return ["参数应为 JSON 对象"]
    errors = []
    for spec in _PARAMS[kind]:
        value = params.get(spec.name)
        number = _number(value)
        if number is None:
            errors.append(f"缺少或无效的参数“{spec.label}”（{spec.name}）：应为数字")
        elif spec.whole and number != number.to_integral_value():
            errors.append(f"参数“{spec.label}”应为整数")
        elif not spec.minimum <= number <= spec.maximum:
            errors.append(f"参数“{spec.label}”应在 {spec.minimum} 到 {spec.maximum} 之间")
    if (
        kind == RuleKind.PROGRESS_BELOW_PLAN
        and not errors
        and Decimal(str(params["red_below_pct"])) > Decimal(str(params["yellow_below_pct"]))
    ):
        errors.append("红灯阈值不能高于黄灯阈值")
    return errors


def _number(value: Any) -> Decimal | None:
    """A finite number given as a JSON number or a numeric string; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None

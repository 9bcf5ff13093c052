"""The preset rules, written into the database by migration 0002 and editable afterwards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

ESCALATION_PRESETS: list[dict[str, Any]] = [
    {
        "code": "overdue-1-blue",
        "name": "逾期1个工作日：督查室蓝色督办",
        "overdue_workdays": 1,
        "to_level": 2,
        "color": "blue",
        "reply_workdays": 5,
        "explanation": "问题超过办结时限1个工作日仍未办结的，升至区督查室（第二级），签发蓝色督办单，"
        "责任单位须在5个工作日内书面回复办理进展和逾期原因。",
        "basis": "三级督查默认做法",
    },
    {
        "code": "overdue-5-yellow",
        "name": "逾期5个工作日：督查室黄色督办",
        "overdue_workdays": 5,
        "to_level": 2,
        "color": "yellow",
        "reply_workdays": 3,
        "explanation": "逾期5个工作日仍未办结的，督查室签发黄色督办单（仍为第二级），"
        "责任单位须在3个工作日内回复并明确办结日期。",
        "basis": "三级督查默认做法",
    },
    {
        "code": "overdue-10-red",
        "name": "逾期10个工作日：区主要领导红色督办",
        "overdue_workdays": 10,
        "to_level": 3,
        "color": "red",
        "reply_workdays": 2,
        "explanation": "逾期10个工作日仍未办结的，升至区主要领导（第三级），签发红色督办单，"
        "可挂牌督办、约谈责任单位主要负责人；责任单位须在2个工作日内回复。",
        "basis": "三级督查默认做法",
    },
]

DEADLINE_PRESETS: list[dict[str, Any]] = [
    {
        "code": "green-channel-half",
        "name": "绿色通道项目：时限减半",
        "condition": "green_channel",
        "subject": "all",
        "factor": Decimal("0.50"),
        "explanation": "区领导将项目列入绿色通道后，其问题和审批事项的办理时限减半，按工作日向上取整，至少1个工作日。",
    },
    {
        "code": "red-light-80",
        "name": "亮红灯项目：时限压缩两成",
        "condition": "red_light",
        "subject": "problem",
        "factor": Decimal("0.80"),
        "explanation": "项目亮红灯说明进度已严重滞后，其问题的办理时限按八折压缩（向上取整），"
        "促使责任单位优先办理；审批事项有法定时限，不在此列。",
    },
]

"""The preset catalogue of approval items (loaded by migration 0002; editable afterwards).

Limits are the statutory ones where a law or regulation sets one, otherwise the limit most
districts publish as their 承诺时限. Under 《行政许可法》第八十二条 the limits of a 行政许可
count working days (法定节假日 excluded), which is how every limit here is applied. A district
whose 政务服务事项清单 promises less should shorten them on the catalogue page.
"""

from __future__ import annotations

from typing import TypedDict


class Preset(TypedDict):
    code: str
    name: str
    limit_workdays: int
    basis: str
    default_department: str
    position: int


PRESETS: list[Preset] = [
    {
        "code": "project-filing",
        "name": "立项备案/核准",
        "limit_workdays": 20,
        "basis": (
            "《企业投资项目核准和备案管理条例》（国务院令第673号）第十一条：核准机关自受理之日起20个工作日内作出决定"
        ),
        "default_department": "区发改局",
        "position": 10,
    },
    {
        "code": "land-siting",
        "name": "用地预审与选址意见书",
        "limit_workdays": 20,
        "basis": ("《建设项目用地预审管理办法》（国土资源部令第68号）第十条：自受理之日起20日内完成审查"),
        "default_department": "区自然资源和规划局",
        "position": 20,
    },
    {
        "code": "land-planning",
        "name": "建设用地规划许可",
        "limit_workdays": 20,
        "basis": ("《行政许可法》第四十二条：自受理之日起20日内作出行政许可决定"),
        "default_department": "区自然资源和规划局",
        "position": 30,
    },
    {
        "code": "works-planning",
        "name": "建设工程规划许可",
        "limit_workdays": 20,
        "basis": ("《行政许可法》第四十二条：自受理之日起20日内作出行政许可决定"),
        "default_department": "区自然资源和规划局",
        "position": 40,
    },
    {
        "code": "eia-report",
        "name": "环评审批（报告书）",
        "limit_workdays": 60,
        "basis": ("《环境影响评价法》第二十二条：收到环境影响报告书之日起60日内作出审批决定"),
        "default_department": "区生态环境分局",
        "position": 50,
    },
    {
        "code": "eia-form",
        "name": "环评审批（报告表）",
        "limit_workdays": 30,
        "basis": ("《环境影响评价法》第二十二条：收到环境影响报告表之日起30日内作出审批决定"),
        "default_department": "区生态环境分局",
        "position": 60,
    },
    {
        "code": "energy",
        "name": "节能审查（能评）",
        "limit_workdays": 20,
        "basis": ("《固定资产投资项目节能审查办法》（国家发展改革委令第44号）第十一条：20个工作日内出具审查意见"),
        "default_department": "区发改局",
        "position": 70,
    },
    {
        "code": "fire-design",
        "name": "消防设计审查",
        "limit_workdays": 15,
        "basis": (
            "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）第十八条：15个工作日内出具审查意见"
        ),
        "default_department": "区住建局",
        "position": 80,
    },
    {
        "code": "construction",
        "name": "施工许可",
        "limit_workdays": 7,
        "basis": (
            "《建筑工程施工许可管理办法》（住房和城乡建设部令第18号，2018年修正）第五条：自收到申请之日起7日内颁发"
        ),
        "default_department": "区住建局",
        "position": 90,
    },
    {
        "code": "fire-acceptance",
        "name": "消防验收",
        "limit_workdays": 15,
        "basis": (
            "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）第二十九条：15日内出具消防验收意见"
        ),
        "default_department": "区住建局",
        "position": 100,
    },
    {
        "code": "completion-filing",
        "name": "竣工验收备案",
        "limit_workdays": 5,
        "basis": ("法规未定时限（住房和城乡建设部令第2号仅规定验证收讫），按多数地区公布的承诺时限5个工作日"),
        "default_department": "区住建局",
        "position": 110,
    },
]

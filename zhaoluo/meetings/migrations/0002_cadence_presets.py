"""The default cadence (issue 5 point 6): an administrator changes these rows in the admin."""

import datetime as dt

from django.db import migrations

PRESETS = [
    {
        "name": "分管区领导项目协调会",
        "kind": "coordination",
        "chair_by": "portfolio",
        "chair_post": "",
        "period": "half_month",
        "offset_days": 2,
        "start_time": dt.time(9, 0),
        "place": "区政府三楼会议室",
        "explanation": (
            "每位分管区领导（担任在建项目包保领导的区领导，区长、区委书记除外）每半月主持召开一次项目协调会，"
            "研究其包保项目中的红黄灯项目、逾期和升级督办问题及上次议定事项落实情况。"
            "上半月安排在3日、下半月安排在18日，遇节假日顺延至下一个工作日。"
        ),
    },
    {
        "name": "区长项目现场会",
        "kind": "site",
        "chair_by": "post",
        "chair_post": "区长",
        "period": "month",
        "offset_days": 9,
        "start_time": dt.time(15, 0),
        "place": "项目现场",
        "explanation": "区长每月主持召开一次项目现场会，议程覆盖全区红黄灯项目；安排在每月10日，遇节假日顺延。",
    },
    {
        "name": "区委书记项目调度会",
        "kind": "dispatch",
        "chair_by": "post",
        "chair_post": "区委书记",
        "period": "two_months",
        "offset_days": 19,
        "start_time": dt.time(9, 0),
        "place": "区委常委会议室",
        "explanation": (
            "区委书记每两个月（1、3、5、7、9、11月）主持召开一次项目调度会，调度全区红黄灯项目和升级督办问题；"
            "安排在单月20日，遇节假日顺延。"
        ),
    },
]


def add_presets(apps, schema_editor):
    CadenceRule = apps.get_model("meetings", "CadenceRule")
    for row in PRESETS:
        CadenceRule.objects.update_or_create(name=row["name"], defaults=row)


def remove_presets(apps, schema_editor):
    apps.get_model("meetings", "CadenceRule").objects.filter(name__in=[p["name"] for p in PRESETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(add_presets, remove_presets)]

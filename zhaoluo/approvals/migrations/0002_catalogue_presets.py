"""The preset catalogue (approvals/catalogue.py says where each limit comes from)."""

from django.db import migrations

# Frozen here: later edits of catalogue.py must not change what this migration did.
PRESETS = [
    ("project-filing", "立项备案/核准", 20, "《企业投资项目核准和备案管理条例》（国务院令第673号）第十一条：核准机关自受理之日起20个工作日内作出决定", "区发改局", 10),
    ("land-siting", "用地预审与选址意见书", 20, "《建设项目用地预审管理办法》（国土资源部令第68号）第十条：自受理之日起20日内完成审查", "区自然资源和规划局", 20),
    ("land-planning", "建设用地规划许可", 20, "《行政许可法》第四十二条：自受理之日起20日内作出行政许可决定", "区自然资源和规划局", 30),
    ("works-planning", "建设工程规划许可", 20, "《行政许可法》第四十二条：自受理之日起20日内作出行政许可决定", "区自然资源和规划局", 40),
    ("eia-report", "环评审批（报告书）", 60, "《环境影响评价法》第二十二条：收到环境影响报告书之日起60日内作出审批决定", "区生态环境分局", 50),
    ("eia-form", "环评审批（报告表）", 30, "《环境影响评价法》第二十二条：收到环境影响报告表之日起30日内作出审批决定", "区生态环境分局", 60),
    ("energy", "节能审查（能评）", 20, "《固定资产投资项目节能审查办法》（国家发展改革委令第44号）第十一条：20个工作日内出具审查意见", "区发改局", 70),
    ("fire-design", "消防设计审查", 15, "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）第十八条：15个工作日内出具审查意见", "区住建局", 80),
    ("construction", "施工许可", 7, "《建筑工程施工许可管理办法》（住房和城乡建设部令第18号，2018年修正）第五条：自收到申请之日起7日内颁发", "区住建局", 90),
    ("fire-acceptance", "消防验收", 15, "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）第二十九条：15日内出具消防验收意见", "区住建局", 100),
    ("completion-filing", "竣工验收备案", 5, "法规未定时限（住房和城乡建设部令第2号仅规定验证收讫），按多数地区公布的承诺时限5个工作日", "区住建局", 110),
]


def load(apps, schema_editor):
    ApprovalItem = apps.get_model("approvals", "ApprovalItem")
    for code, name, limit, basis, department, position in PRESETS:
        ApprovalItem.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "limit_workdays": limit,
                "basis": basis,
                "default_department": department,
                "position": position,
            },
        )


def unload(apps, schema_editor):
    ApprovalItem = apps.get_model("approvals", "ApprovalItem")
    ApprovalItem.objects.filter(code__in=[p[0] for p in PRESETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

"""`zhaoluo setup --district CODE`: move a district in. Exit 0 done (or already there), 1 unknown code."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from zhaoluo.core import clock
from zhaoluo.orgs import services
from zhaoluo.orgs.choices import RegionLevel


class Command(BaseCommand):
    help = "建立本区组织机构（省 → 市 → 区县，名称取自 GB/T 2260 代码表）/ set up the district from its 6-digit code"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="区县代码（6 位 GB/T 2260，如 420607）/ district code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = services.district_setup(by=None, code=options["district"])
        except ValidationError as exc:
            # Said in Chinese alone (a CommandError would print an English "CommandError:" first).
            self.stderr.write("；".join(exc.messages))
            sys.exit(1)
        district = result.district
        chain = f"{district.parent.parent.name} / {district.parent.name} / {district.name}"  # type: ignore[union-attr]
        if result.created:
            levels = "、".join(f"{RegionLevel(r.level).label}“{r.name}”（{r.code}）" for r in result.created)
            self.stdout.write(f"已建立：{levels}")
        else:
            self.stdout.write(f"{chain}（{district.code}）已经建立，未作任何修改。")
        self.stdout.write(f"区县：{chain}（{district.code}）")
        if result.is_home:
            self.stdout.write("本平台的区县：导入、导出命令默认用它。")
            flag = ""
        else:
            self.stdout.write("本平台已有默认区县；对本区导入、导出时请加 --district " + district.code)
            flag = f" --district {district.code}"
        self.stdout.write(_next_steps(district.code, flag))


def _next_steps(code: str, flag: str) -> str:
    return f"""
下一步（详见 docs/moving-in.md）：
1. 建立“三员”账号（各由不同的人掌握，密码不填则交互输入）：
   ./zl createuser 系统管理员账号 --role sysadmin --region {code}
   ./zl createuser 安全管理员账号 --role secadmin --region {code}
   ./zl createuser 审计管理员账号 --role auditadmin --region {code}
2. 导入干部名册（姓名、所在单位、职务、职级、四大家、手机）：
   ./zl template officials 干部名册模板.xlsx
   ./zl import officials 干部名册.xlsx{flag}
3. 安全管理员登录后在“批量开通登录”（/security/accounts/bulk/）为名册中的干部开通账号。
4. 按顺序导入台账（先 --dry-run 校验，再正式导入）：
   ./zl import enterprises 企业台账.xlsx{flag}
   ./zl import projects 项目台账.xlsx{flag}
   ./zl import funds 资金到位台账.xlsx{flag}
   ./zl import approvals 审批台账.xlsx{flag}
   ./zl import problems 问题台账.xlsx{flag}
5. 运行一次定时任务，亮灯并生成提醒：./zl tick
6. 核对指标（与台账手工统计的数字比对）：./zl stats --year {clock.today().year} --region {code} --format table"""

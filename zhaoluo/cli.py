"""The `zhaoluo` command line: Django's management commands under one bilingual front door."""

from __future__ import annotations

import os
import sys

COMMANDS: list[tuple[str, str, str]] = [
    ("demo", "迁移数据库、载入演示区县并启动服务", "migrate, load the demo district and serve it"),
    ("serve", "启动网页和接口服务（--host, --port）", "serve the web UI and API (--host, --port)"),
    ("migrate", "创建或升级数据库结构", "create or upgrade the database schema"),
    ("setup", "按区县代码建立本区组织机构（--district 420607）", "move a district in: province → city → district"),
    ("createuser", "新建登录账号（--role 角色）", "create a login (--role ROLE)"),
    ("adminaccount", "三员账号：重置密码、解绑验证码、改角色（只在服务器上）", "admin accounts: reset, 2FA, role"),
    ("stats", "计算年度指标（--year, --region, --format json|table）", "compute a year's figures"),
    ("tick", "定时任务：重算亮灯等（可每几分钟运行一次）", "scheduled work: recompute lights and more"),
    (
        "import",
        "导入台账 KIND FILE（--dry-run, --strict；退出码 0/2/1）",
        "import a ledger (exit 0 imported, 2 row errors, 1 other)",
    ),
    ("export", "导出台账 KIND FILE.xlsx [key=value 筛选]", "export a ledger, filtered like the list page"),
    ("template", "生成空白台账模板 KIND FILE.xlsx", "write an empty ledger template with column notes"),
    ("qcluster", "单独运行定时任务进程（serve 默认已带）", "run the scheduler on its own (serve runs it too)"),
    ("check", "检查配置", "check the configuration"),
    ("backup", "在线备份数据库和上传文件，附清单（--output 目录）", "online backup of the database and uploads"),
    ("restore", "把备份恢复到新库并按清单核对（--into）", "restore a backup into a scratch database and verify it"),
    ("rotate-keys", "用当前密钥重新加密个人信息字段", "re-encrypt personal-data fields under the current key"),
    ("integrity-check", "校验所有加密字段未被篡改", "verify that no encrypted value was altered"),
    ("anonymise-person", "按申请匿名化企业联系人或用户的个人信息", "anonymise a contact's or a user's personal data"),
    ("check-deploy", "按生产配置检查部署（--with-example-env）", "deploy checks against production settings"),
    ("audit", "审计日志：verify 校验哈希链，purge 清理过期记录", "audit log: verify the hash chain, purge old rows"),
]


def usage() -> str:
    lines = [
        "招落通命令行 / 招落通 command line",
        "",
        "用法 / usage: zhaoluo <命令 command> [参数 options]",
        "",
        "命令 / commands:",
    ]
    width = max(len(name) for name, _, _ in COMMANDS)
    for name, zh, en in COMMANDS:
        lines.append(f"  {name.ljust(width)}  {zh}")
        lines.append(f"  {' ' * width}  {en}")
    lines += [
        "",
        "zhaoluo <命令> --help 查看该命令的参数 / shows a command's options.",
        "未设置 DATABASE_URL 时使用 ./var/ 下的内置 SQLite 数据库",
        "without DATABASE_URL the embedded SQLite database in ./var/ is used.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    # Commands are spelled with hyphens on the command line (rotate-keys); modules use underscores.
    args[0] = args[0].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoluo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhaoluo", *args])


if __name__ == "__main__":  # pragma: no cover
    main()

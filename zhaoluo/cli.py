"""The `zhaoluo` command line: Django's management commands under one bilingual front door."""

from __future__ import annotations

import os
import sys

COMMANDS: list[tuple[str, str, str]] = [
    ("demo", "迁移数据库、载入演示区县并启动服务", "migrate, load the demo district and serve it"),
    ("serve", "启动网页和接口服务（--host, --port）", "serve the web UI and API (--host, --port)"),
    ("migrate", "创建或升级数据库结构", "create or upgrade the database schema"),
    ("createuser", "新建登录账号（--role 角色）", "create a login (--role ROLE)"),
    ("stats", "计算年度指标（--year, --region, --format json|table）", "compute a year's figures"),
    ("tick", "定时任务：重算亮灯等（可每几分钟运行一次）", "scheduled work: recompute lights and more"),
    ("qcluster", "单独运行定时任务进程（serve 默认已带）", "run the scheduler on its own (serve runs it too)"),
    ("check", "检查配置", "check the configuration"),
    ("check-deploy", "按生产配置检查部署（--with-example-env）", "deploy checks against production settings"),
    ("audit", "审计日志：verify 校验哈希链，purge 清理过期记录", "audit log: verify the hash chain, purge old rows"),
]
# Command names with a hyphen, as users type them, to the module that implements them.
ALIASES = {"check-deploy": "check_deploy"}


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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoluo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhaoluo", ALIASES.get(args[0], args[0]), *args[1:]])


if __name__ == "__main__":  # pragma: no cover
    main()

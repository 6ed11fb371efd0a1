"""``jcw``: the project's command line (architecture.md, "Interfaces")."""

from __future__ import annotations

import argparse
import sys


def _months(value: str) -> tuple[str, str]:
    start, _, end = value.partition(":")
    return start, end or start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jcw", description="济南市社区工作数据仓库")
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="生成模拟的部门月度报送文件 (landing/)")
    g.add_argument("--scale", choices=["demo", "city"], default="demo")
    g.add_argument("--months", type=_months, default=("2025-01", "2025-03"))
    g.add_argument("--seed", type=int, default=2007)
    g.add_argument("--out", default=None, help="输出目录，默认 $JCW_DATA_DIR/landing")
    g.add_argument("--quiet", action="store_true")

    r = sub.add_parser("run", help="加载 landing 中的新文件（经 Dagster），再构建、检查、发布")
    r.add_argument(
        "--months", type=_months, default=None, help="只处理这些月份，如 2025-01:2025-03"
    )

    s = sub.add_parser("serve", help="启动数据看板（默认只允许本机访问）")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--host", default="127.0.0.1")

    sub.add_parser("status", help="已载入、隔离、检查和发布的情况（只读发布文件）")
    sub.add_parser("rollback", help="把 serving/current 切回上一个发布版本")
    sub.add_parser("sql", help="以只读方式在 SQL 命令行中打开当前发布版本")
    u = sub.add_parser(
        "up", help="服务器模式：Dagster 守护进程与界面（传感器、定时任务）及数据看板"
    )
    u.add_argument("--host", default="127.0.0.1")
    u.add_argument("--dagster-port", type=int, default=3000)
    u.add_argument("--port", type=int, default=8501, help="数据看板端口")

    args = parser.parse_args(argv)
    if args.command == "generate":
        from pipelines.generate import cli as generate_cli

        return generate_cli.run(args)
    if args.command == "run":
        from pipelines.runner import run_pipeline

        outcome = run_pipeline(months=args.months)
        print(outcome.summary())
        return outcome.exit_code
    if args.command == "serve":
        from dashboards.serve import run as serve

        return serve(args.host, args.port)
    if args.command in ("status", "rollback", "sql", "up"):
        return _serving_command(args)
    parser.error(f"unknown command {args.command}")
    return 2


def _serving_command(args: argparse.Namespace) -> int:
    """status / rollback / sql / up: they read the serving files, never the warehouse."""
    from pipelines.settings import get_settings

    settings = get_settings()
    if args.command == "status":
        from pipelines.status import status_report

        print(status_report(settings))
        return 0
    if args.command == "rollback":
        from pipelines.publish import PublishError, rollback

        try:
            old, new = rollback(settings)
        except PublishError as exc:
            print(f"无法回退：{exc}")
            return 1
        print(f"已回退：serving/current 由 {old} 切换到 {new}")
        return 0
    if args.command == "sql":
        from pipelines.sql_shell import open_shell

        return open_shell(settings)
    from pipelines.up import run_up

    return run_up(settings, args.host, args.dagster_port, args.port)


if __name__ == "__main__":
    sys.exit(main())

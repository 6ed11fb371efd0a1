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
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""``jcw generate``: argparse namespace → generate()."""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.generate.calendar import month_range
from pipelines.generate.generator import generate
from pipelines.settings import get_settings


def run(args) -> int:
    start, end = args.months
    try:
        months = month_range(start, end)
    except ValueError:
        print(f"月份格式应为 YYYY-MM:YYYY-MM，收到 {start}:{end}", file=sys.stderr)
        return 2
    if not months:
        print(f"起始月份 {start} 晚于结束月份 {end}", file=sys.stderr)
        return 2
    settings = get_settings()
    if args.out:
        out = Path(args.out).resolve()
        manifest = out.parent / "generator" / "manifest.json"
    else:
        out = settings.landing_dir
        manifest = settings.data_dir / "generator" / "manifest.json"
    try:
        result = generate(out, args.scale, months, args.seed, manifest, progress=not args.quiet)
    except ValueError as e:
        print(f"生成失败：{e}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"已生成 {len(result['files'])} 个文件到 {out}；清单：{manifest}")
    return 0

"""``jcw sql``: the current serving file, read-only, in a SQL shell.

The ``duckdb`` CLI when installed (serving files are written in DuckDB 1.2 storage so
duckdb-cli 1.5 opens them); otherwise a small Python shell over duckdb.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import duckdb

from pipelines.settings import Settings

INTRO = """济南市社区工作数据仓库（只读）：{path}
以分号结束一条 SQL；.tables 列出表，.quit 退出。
例：SELECT * FROM analytics.indicators LIMIT 5;"""


def open_shell(settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    if not settings.serving_current.exists():
        print("尚未发布任何版本（serving/current 不存在），请先运行 jcw run。", file=stdout)
        return 1
    # pin the version: a publish during the session does not switch it underneath
    path = settings.serving_current.resolve()
    cli = shutil.which("duckdb")
    if cli and stdin is sys.stdin:
        return subprocess.call([cli, "-readonly", str(path)])
    return python_shell(path, stdin, stdout)


def python_shell(path: Path, stdin: TextIO, stdout: TextIO) -> int:
    interactive = stdin.isatty()
    with duckdb.connect(str(path), read_only=True) as con:
        print(INTRO.format(path=path), file=stdout)
        buffer: list[str] = []
        while True:
            if interactive:
                stdout.write("jcw> " if not buffer else "...> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                return 0
            text = line.strip()
            if not buffer and text in (".quit", ".exit", "\\q"):
                return 0
            if not buffer and text == ".tables":
                text = (
                    "SELECT table_schema || '.' || table_name AS 表 FROM information_schema.tables "
                    "ORDER BY 1;"
                )
            buffer.append(text)
            if not text.endswith(";"):
                continue
            sql, buffer = "\n".join(buffer), []
            try:
                rel = con.sql(sql)
                if rel is not None:
                    print(rel.limit(200).fetchdf().to_string(index=False), file=stdout)
            except duckdb.Error as exc:
                print(f"错误：{exc}", file=stdout)

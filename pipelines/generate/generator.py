"""``generate()``: the world → every delivery of the requested months → landing + manifest."""

from __future__ import annotations

import json
import os
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from pipelines.contract.tables import TABLES
from pipelines.generate import deliveries as dl
from pipelines.generate import rosters
from pipelines.generate.calendar import HORIZON_END, HORIZON_START, month_range
from pipelines.generate.layout import lay_out, titles
from pipelines.generate.names import code as name_code
from pipelines.generate.rates import resolve
from pipelines.generate.render import choose_style, render
from pipelines.generate.world import SCALES, World, build
from pipelines.generate.writers import write_csv, write_xlsx

TABLE_ORDER = list(TABLES)  # fixed: decides the per-file random streams


def _check_months(months: list[str]) -> list[str]:
    allowed = set(month_range(HORIZON_START, HORIZON_END))
    bad = [m for m in months if m not in allowed]
    if bad:
        raise ValueError(f"月份 {', '.join(bad)} 超出可生成范围 {HORIZON_START} 至 {HORIZON_END}")
    return sorted(set(months))


def _frames(world: World, table: str, month: str, first: bool, rng) -> dict | None:
    """The month's rows of a table, or None when it is not delivered that month."""
    if table in rosters.MONTHLY:
        return rosters.MONTHLY[table](world, month)
    if table == "service_center":
        i = rosters.centre_month_index(month)
        changed = i > 0 and not np.array_equal(world.centres.area[i], world.centres.area[i - 1])
        return rosters.service_center(world, month, rng) if first or changed else None
    if table == "district_wage":
        y = int(month[:4])
        if first:
            return rosters.district_wage(world, [y - 2, y - 1])
        return rosters.district_wage(world, [y - 1]) if month.endswith("-01") else None
    raise KeyError(table)


def _subset(frame: dict, rows: slice) -> dict:
    return {k: v[rows] for k, v in frame.items()}


class _Progress:
    def __init__(self, on: bool):
        self.on, self.t0 = on, time.monotonic()

    def __call__(self, msg: str) -> None:
        if self.on:
            print(f"[生成 {time.monotonic() - self.t0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def generate(
    out_dir: Path,
    scale: str,
    months: list[str],
    seed: int,
    manifest_path: Path | None = None,
    progress: bool = True,
    rates: dict | None = None,
    workers: int | None = None,
) -> dict:
    """Write realistic department extracts into ``out_dir`` and return the ground-truth manifest.

    ``workers``: processes writing tables in parallel (default 2 at city scale, else 1);
    the files do not depend on it.
    """
    if scale not in SCALES:
        raise ValueError(f"未知的规模 {scale}（可用：{', '.join(SCALES)}）")
    out_dir = Path(out_dir)
    manifest_path = (
        Path(manifest_path) if manifest_path else out_dir.parent / "generator" / "manifest.json"
    )
    if manifest_path.resolve().is_relative_to(out_dir.resolve()):
        raise ValueError("清单文件不能写在 landing 目录内")
    months = _check_months(list(months))
    r = resolve(rates)
    say = _Progress(progress)
    _remove_previous(manifest_path, out_dir)
    say(f"构建{scale}规模的模拟城市（种子 {seed}）")
    global _WORLD
    _WORLD = build(scale, seed)
    jobs = [
        _Job(seed, mi == 0, month, ti, tname, out_dir, r, progress)
        for mi, month in enumerate(months)
        for ti, tname in enumerate(TABLE_ORDER)
    ]
    results = _run(jobs, workers if workers is not None else (2 if scale == "city" else 1))
    seen = np.zeros(len(_WORLD.persons.birth), dtype=bool)
    id_variants: set[str] = set()
    files: list[dict] = []
    missing: list[dict] = []
    for res in results:  # in job order, whichever worker finished first
        files.extend(res.files)
        missing.extend(res.missing)
        seen[res.persons] = True
        id_variants.update(res.id_variants)
    manifest = {
        "seed": seed,
        "scale": scale,
        "months": months,
        "rates": r,
        "pii_values_path": "pii_values.txt",
        "files": files,
        "missing_deliveries": missing,
    }
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, manifest_path)
    _write_pii(_WORLD, seen, id_variants, manifest_path.parent / "pii_values.txt")
    say(f"完成：{len(files)} 个文件，清单 {manifest_path}")
    return manifest


# The world of the current run: set before worker processes fork, so they share it.
_WORLD: World | None = None
# Relative cost of the tables (rows written), to hand the big ones out first.
_COST = {"health_contract": 10, "floating_population": 4, "unemployment_roster": 1}


@dataclass(frozen=True)
class _Job:
    seed: int
    first: bool
    month: str
    table_no: int
    table: str
    out_dir: Path
    rates: dict
    progress: bool


@dataclass
class _Result:
    files: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    persons: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    id_variants: set[str] = field(default_factory=set)


def _run(jobs: list[_Job], workers: int) -> list[_Result]:
    if workers <= 1:
        return [_table_month(j) for j in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -_COST.get(jobs[i].table, 0))
    out: list[_Result | None] = [None] * len(jobs)
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        futures = {pool.submit(_table_month, jobs[i]): i for i in order}
        for fut, i in futures.items():
            out[i] = fut.result()
    return out  # type: ignore[return-value]


def _table_month(job: _Job) -> _Result:
    """All files of one table in one month (one district at a time)."""
    world, r, g = _WORLD, job.rates, _WORLD.geo
    table = TABLES[job.table]
    t0 = time.monotonic()
    res = _Result()
    frame = _frames(
        world, job.table, job.month, job.first, dl.rng_for(job.seed, job.table_no, job.month, None)
    )
    if frame is None:
        return res
    if job.table in dl.PER_DISTRICT:
        # frames are sorted by district: each district's rows are one slice
        bounds = np.searchsorted(frame["_district"], np.arange(len(g.district6) + 1))
        targets = [(d, slice(bounds[d], bounds[d + 1])) for d in range(len(g.district6))]
    else:
        targets = [(None, None)]
    persons = []
    for d, rows in targets:
        rng = dl.rng_for(job.seed, job.table_no, job.month, d)
        delivery = dl.Delivery(table, job.month, d, "" if d is None else g.district_file_name[d])
        if d is not None and rng.random() < r["missing_delivery"]:
            res.missing.append(
                {"table": job.table, "month": job.month, "district_code": g.district_code[d]}
            )
            continue
        sub = frame if rows is None else _subset(frame, rows)
        res.files.append(_write_one(world, delivery, sub, job.out_dir, rng, r, res.id_variants))
        if "_person" in sub:
            persons.append(sub["_person"])
    if persons:
        res.persons = np.unique(np.concatenate(persons))
    if job.progress:
        n = sum(f["rows_read"] for f in res.files)
        print(
            f"[生成] {job.month} {table.label}: {len(res.files)} 个文件，{n:,} 行"
            f"（{time.monotonic() - t0:.1f}s）",
            file=sys.stderr,
            flush=True,
        )
    return res


def _remove_previous(manifest_path: Path, out_dir: Path) -> None:
    """Delete the files an earlier run listed in its manifest (and only those), so a
    re-run with another seed does not leave two deliveries of one table-month."""
    if not manifest_path.exists():
        return
    try:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for f in old.get("files", []):
        (out_dir / f["path"]).unlink(missing_ok=True)


def _write_one(world, delivery, frame, out_dir, rng, r, id_variants) -> dict:
    table = delivery.table
    n = len(frame["_district"])
    style = choose_style(table, n, rng, r)
    arrived = dl.arrival(delivery.month, rng, r["late_delivery"])
    rendered = render(table, frame, world, style, rng, r)
    title_lines = titles(rng, r, dl.title(delivery), dl.unit(delivery), dl.reported(arrived))
    laid = lay_out(rendered, rng, r, title_lines, dl.TITLE_WORD[table.name])
    name = dl.file_name(delivery, rng, style.fmt)
    rel = f"{table.department}/{delivery.month}/{name}"
    path = out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet = None
    if style.fmt == "xlsx":
        sheet = table.label if style.sheet_named else None
        write_xlsx(path, laid, sheet)
    else:
        quote = {j for j, c in enumerate(rendered.columns) if c.kind == "amount"}
        write_csv(path, laid, style.encoding, style.newline, quote)
    ts = dl.mtime(arrived)
    os.utime(path, (ts, ts))
    id_variants.update(rendered.id_variants)
    row_of = laid.data_rows
    irregular = {
        k: sorted(int(row_of[i]) for i in v) for k, v in sorted(rendered.irregular.items())
    }
    for k, rows in laid.non_data_kinds.items():
        irregular[k] = rows
    if laid.titles:
        irregular["title_rows"] = list(range(1, len(laid.titles) + 1))
    written = [unicodedata.normalize("NFKC", h).strip() for h in laid.headers]
    if any(w != c.header for w, c in zip(written, rendered.columns, strict=True)):
        irregular["header_alias"] = [laid.header_row]
    if any(w != h for w, h in zip(written, laid.headers, strict=True)):
        irregular["header_variant"] = [laid.header_row]
    if laid.duplicate_rows:
        irregular["duplicate"] = laid.duplicate_rows
    quarantine = {str(int(row_of[i])): reason for i, reason in sorted(rendered.faults.items())}
    n_non = len(laid.non_data_rows)
    n_dup = len(laid.duplicate_rows)
    return {
        "path": rel,
        "table": table.name,
        "department": table.department,
        "month": delivery.month,
        "district_code": None
        if delivery.district is None
        else world.geo.district_code[delivery.district],
        "format": style.fmt,
        "encoding": style.encoding,
        "sheet": sheet,
        "arrived_at": arrived.isoformat(timespec="seconds"),
        "header_row": laid.header_row,
        "headers": laid.headers,
        "rows_read": int(laid.body.shape[0]),
        "non_data_rows": n_non,
        "duplicates": n_dup,
        "expected_loaded": n - len(quarantine),
        "expected_quarantined": len(quarantine),
        "quarantine": quarantine,
        "duplicate_rows": laid.duplicate_rows,
        "non_data_row_numbers": laid.non_data_rows,
        "irregularities": irregular,
        "styles": style.describe(),
    }


def _write_pii(world: World, seen: np.ndarray, variants: set[str], path: Path) -> None:
    """Every ID (normalised and as written) and name that the files contain."""
    p = world.persons
    idx = np.where(seen)[0]
    ids = p.ids(idx)
    # distinct names via their integer codes (sorting millions of strings is slow)
    _, first = np.unique(name_code(p.surname[idx], p.given[idx], p.male[idx]), return_index=True)
    names = p.names(idx[first])
    lines = [*ids.tolist(), *sorted(variants), *names.tolist()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

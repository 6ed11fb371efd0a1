"""``generate()``: the world → every delivery of the requested months → landing + manifest."""

from __future__ import annotations

import json
import os
import sys
import time
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
) -> dict:
    """Write realistic department extracts into ``out_dir`` and return the ground-truth manifest."""
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
    world = build(scale, seed)
    seen = np.zeros(len(world.persons.birth), dtype=bool)
    id_variants: set[str] = set()
    files: list[dict] = []
    missing: list[dict] = []
    g = world.geo
    for mi, month in enumerate(months):
        for ti, tname in enumerate(TABLE_ORDER):
            table = TABLES[tname]
            t0 = time.monotonic()
            frame = _frames(world, tname, month, mi == 0, dl.rng_for(seed, ti, month, None))
            if frame is None:
                continue
            if tname in dl.PER_DISTRICT:
                # frames are sorted by district: each district's rows are one slice
                bounds = np.searchsorted(frame["_district"], np.arange(len(g.district6) + 1))
                targets = [(d, slice(bounds[d], bounds[d + 1])) for d in range(len(g.district6))]
            else:
                targets = [(None, None)]
            rows_total = 0
            for d, mask in targets:
                rng = dl.rng_for(seed, ti, month, d)
                delivery = dl.Delivery(
                    table, month, d, "" if d is None else g.district_file_name[d]
                )
                if d is not None and rng.random() < r["missing_delivery"]:
                    missing.append(
                        {"table": tname, "month": month, "district_code": g.district_code[d]}
                    )
                    continue
                sub = frame if mask is None else _subset(frame, mask)
                entry = _write_one(world, delivery, sub, out_dir, rng, r, seen, id_variants)
                files.append(entry)
                rows_total += entry["rows_read"]
            say(
                f"{month} {table.label}: {len(targets)} 个文件，{rows_total:,} 行（{time.monotonic() - t0:.1f}s）"
            )
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
    _write_pii(world, seen, id_variants, manifest_path.parent / "pii_values.txt")
    say(f"完成：{len(files)} 个文件，清单 {manifest_path}")
    return manifest


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


def _write_one(world, delivery, frame, out_dir, rng, r, seen, id_variants) -> dict:
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
    if "_person" in frame:
        seen[frame["_person"]] = True
        id_variants.update(rendered.id_variants)
    row_of = laid.data_rows
    irregular = {
        k: sorted(int(row_of[i]) for i in v) for k, v in sorted(rendered.irregular.items())
    }
    for k, rows in laid.non_data_kinds.items():
        irregular[k] = rows
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

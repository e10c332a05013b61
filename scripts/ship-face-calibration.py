#!/usr/bin/env python3
"""Writes Sources/VigilScreening/ShippedFaceCalibration.swift from a calibration
made by `vigil calibrate faces ... --out FILE`, and keeps the file itself in
docs/face-calibration.json. Usage: scripts/ship-face-calibration.py FILE"""
import json, shutil, sys

source = sys.argv[1]
report = json.load(open(source))
points = report["pooled"]["points"]
lines = [
    "import VigilMetrics",
    "",
    "/// The face calibration Vigil ships: written by scripts/ship-face-calibration.py from",
    f"/// `{report['command']} --out docs/face-calibration.json`",
    "/// (docs/faces.md). At each false-match rate, the highest threshold any of these",
    "/// populations needs: " + ", ".join(
        f"{name} ({p['images']} images, {p['tail']['impostors']:,} impostor pairs)"
        for name, p in sorted(report["populations"].items())) + ".",
    "enum ShippedFaceCalibration {",
    f"    static let model = \"{report['model']}\"",
    "",
    "    static let pooled = PooledCalibration(points: [",
]
for p in points:
    fnmr = "nil" if p.get("worst_fnmr") is None else f"{p['worst_fnmr']:.4f}"
    lines.append(f"        .init(rate: {p['rate']:.0e}, score: {p['score']:.5f}, population: \"{p['population']}\", worstFnmr: {fnmr}),")
lines += ["    ])", "}", ""]
open("Sources/VigilScreening/ShippedFaceCalibration.swift", "w").write("\n".join(lines))
if source != "docs/face-calibration.json":
    shutil.copy(source, "docs/face-calibration.json")
print(f"shipped {len(points)} points for {report['model']}")

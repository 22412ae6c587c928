#!/usr/bin/env bash
# Configures and builds bibia into ./build (ccache when present, -j2 by default).
# Usage: deploy/build.sh [TARGET ...]   (no target: everything, tests included)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${BIBIA_JOBS:-2}"
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BIBIA_BUILD_TYPE:-RelWithDebInfo}" >build-configure.log 2>&1 \
  || { cat build-configure.log; exit 1; }
rm -f build-configure.log
if [ $# -eq 0 ]; then
  cmake --build build -j"$JOBS"
else
  for t in "$@"; do cmake --build build -j"$JOBS" --target "$t"; done
fi

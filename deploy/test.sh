#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite.
# This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
bash deploy/build.sh
ctest --test-dir build --output-on-failure -j"${BIBIA_JOBS:-2}" --timeout 600

#!/usr/bin/env bash
# Installs, builds and runs the main job: relais demo on the embedded default world.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
build/toolkit/relais demo --out "${1:-demo-out}"

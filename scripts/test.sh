#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (unit, CLI end-to-end, contract, fuzz smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
export RELAIS_SHARED_DATA=${RELAIS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 900
if [ -d ../shared/contract ]; then
  python3 ../shared/contract/check_cli.py build/toolkit/relais
else
  echo "SKIP contract check: ../shared/contract not found" >&2
fi

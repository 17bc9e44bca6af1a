#!/usr/bin/env bash
# Installs the Debian packages (idempotent) and builds relais in Release into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
JOBS=${RELAIS_JOBS:-$(nproc)}
WERROR=OFF
if [ "${CI:-}" = "true" ]; then WERROR=ON; fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRELAIS_WERROR=${WERROR} "$@" >&2
cmake --build build -j "${JOBS}" >&2

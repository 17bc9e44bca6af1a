#!/usr/bin/env bash
# Installs every Debian package relais needs. Idempotent: safe to rerun.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config git python3 time
  libsimdjson-dev libsqlite3-dev libicu-dev libtbb-dev libigraph-dev
  libboost-graph-dev libeigen3-dev libstemmer-dev libcli11-dev libfmt-dev libcld2-dev
  libzstd-dev zlib1g-dev libxml2-dev libcbor-dev libssl-dev nlohmann-json3-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  openmpi-bin libopenmpi-dev libboost-mpi-dev
  clang-14 libclang-rt-14-dev clang-format-14
  python3-networkx python3-igraph python3-statsmodels python3-numpy python3-scipy
  pybind11-dev python3-dev python3-pandas python3-pytest python3-nbconvert python3-ipykernel python3-matplotlib
  wrk chromium
)
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "relais: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "relais: all Debian packages present" >&2
fi

# Node.js for the page's bundle (web/: sigma, graphology, ForceAtlas2, esbuild) and its browser tests
# (playwright-core driving the chromium above; never Playwright's own browser download). Debian's
# nodejs/npm unless a Node.js with npm is already installed.
if ! command -v npm >/dev/null 2>&1; then
  echo "relais: installing nodejs and npm" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi
# npm ci from the committed lock, only when the lock changed since the last install (the build itself
# never touches the network).
WEB="$(cd "$(dirname "$0")/../web" && pwd)"
STAMP="$WEB/node_modules/.relais-lock.sha256"
LOCK_SUM="$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; then
  echo "relais: npm ci in web/" >&2
  (cd "$WEB" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
  echo "$LOCK_SUM" >"$STAMP"
else
  echo "relais: web/node_modules up to date" >&2
fi

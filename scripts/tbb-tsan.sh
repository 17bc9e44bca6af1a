#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer, from Debian's source of the very version installed (libtbb-dev), into
# build-tsan-tbb/install, for scripts/sanitize.sh tsan. Debian's libtbb is not instrumented, so TSan reports
# TBB's own task hand-offs (work stealing, the arena's mailboxes) as data races inside relais' task bodies;
# with an instrumented TBB it sees the happens-before edges TBB creates.
#   scripts/tbb-tsan.sh            # idempotent: does nothing when the install matches the installed version
# Needs Debian's source packages: when no deb-src entry is configured it adds one for bookworm
# (/etc/apt/sources.list.d/relais-debian-src.sources) and runs apt-get update.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=${RELAIS_TSAN_TBB:-build-tsan-tbb}
VERSION=$(dpkg-query -W -f='${Version}' libtbb-dev)
if [ -f "$DEST/install/lib/cmake/TBB/TBBConfig.cmake" ] && [ "$(cat "$DEST/version" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
if ! apt-get source --print-uris -qq "onetbb=$VERSION" 2>/dev/null | grep -q orig; then
  echo "tbb-tsan: adding a deb-src entry for Debian bookworm" >&2
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
    $SUDO tee /etc/apt/sources.list.d/relais-debian-src.sources >/dev/null
  $SUDO apt-get update -q >&2
fi
command -v dpkg-source >/dev/null || $SUDO apt-get install -y -q --no-install-recommends dpkg-dev >&2
rm -rf "$DEST" && mkdir -p "$DEST/src"
# dpkg-source applies Debian's patches, so the headers and library match the installed package's.
(cd "$DEST/src" && apt-get source -qq "onetbb=$VERSION" >/dev/null 2>&1) ||
  { echo "tbb-tsan: cannot fetch the source of onetbb $VERSION from Debian" >&2; exit 1; }
SRC=$(find "$DEST/src" -mindepth 1 -maxdepth 1 -type d -name 'onetbb-*' | head -1)
LAUNCHER=()
if command -v ccache >/dev/null; then LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
# clang: GCC's TSan ignores atomic_thread_fence (-Wtsan), which TBB relies on; scripts/sanitize.sh tsan uses clang too.
CC=clang-14 CXX=clang++-14 cmake -S "$SRC" -B "$DEST/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread \
  -DTBB_TEST=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF -DTBB_ENABLE_IPO=OFF \
  -DCMAKE_INSTALL_PREFIX="$PWD/$DEST/install" "${LAUNCHER[@]}" >&2
cmake --build "$DEST/build" -j "${RELAIS_JOBS:-$(nproc)}" >&2
cmake --install "$DEST/build" >/dev/null
echo "$VERSION" >"$DEST/version"
echo "tbb-tsan: oneTBB $VERSION with ThreadSanitizer in $DEST/install" >&2

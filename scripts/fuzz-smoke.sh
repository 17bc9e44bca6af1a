#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 and runs each for a few seconds (CI smoke run).
# Usage: scripts/fuzz-smoke.sh [SECONDS_PER_TARGET] [TARGET...]
# Seeds: tests/fuzz/corpus/<parser> for the parser targets, tests/fuzz/corpus/readers for the others;
# what a run discovers goes to <build>/corpus/<target>.
# Build tree: build-fuzz/ (configured here), or RELAIS_FUZZ_BUILD, a tree already configured with
# -DRELAIS_BUILD_FUZZERS=ON (scripts/sanitize.sh asan --fuzz passes its ASan tree: one build for both).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-${RELAIS_FUZZ_SECONDS:-10}}
shift || true
BUILD=${RELAIS_FUZZ_BUILD:-build-fuzz}
if [ -z "${RELAIS_FUZZ_BUILD:-}" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRELAIS_BUILD_FUZZERS=ON -DRELAIS_BUILD_TESTS=OFF -DRELAIS_BUILD_BENCH=OFF -DRELAIS_PYTHON=OFF >/dev/null
fi
targets="fuzz_input fuzz_twitter_v1 fuzz_twitter_v2 fuzz_twitter_archive fuzz_mastodon fuzz_activitypub
  fuzz_bluesky fuzz_press_jsonl fuzz_press_csv fuzz_pr_jsonl fuzz_pr_csv fuzz_rss fuzz_telegram fuzz_zeeschuimer
  fuzz_twitter_graphql fuzz_europresse fuzz_bluesky_jetstream fuzz_bluesky_car fuzz_snap_activity fuzz_url fuzz_csv fuzz_xml fuzz_html fuzz_time"
if [ $# -gt 0 ]; then targets="$*"; fi
ninja -C "$BUILD" -j "${RELAIS_JOBS:-$(nproc)}" $targets >/dev/null
mkdir -p "$BUILD/corpus"
for t in $targets; do
  seeds=tests/fuzz/corpus/${t#fuzz_}
  [ -d "$seeds" ] || seeds=tests/fuzz/corpus/readers
  mkdir -p "$BUILD/corpus/$t"
  echo "fuzz: $t for ${SECS}s" >&2
  "$BUILD/fuzz/$t" -max_total_time="$SECS" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    "$BUILD/corpus/$t" "$seeds" 2>"$BUILD/$t.log" || {
      tail -40 "$BUILD/$t.log" >&2; echo "fuzz: $t FAILED" >&2; exit 1; }
done
echo "fuzz: all targets ran ${SECS}s without a finding" >&2

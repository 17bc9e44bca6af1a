#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 and runs each for a few seconds (CI smoke run).
# Usage: scripts/fuzz-smoke.sh [SECONDS_PER_TARGET] [TARGET...]
# Seeds: tests/fuzz/corpus/<parser> for the parser targets, tests/fuzz/corpus/readers for the others;
# what a run discovers goes to build-fuzz/corpus/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-${RELAIS_FUZZ_SECONDS:-10}}
shift || true
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRELAIS_BUILD_FUZZERS=ON -DRELAIS_BUILD_TESTS=OFF -DRELAIS_BUILD_BENCH=OFF -DRELAIS_PYTHON=OFF >/dev/null
targets="fuzz_input fuzz_twitter_v1 fuzz_twitter_v2 fuzz_twitter_archive fuzz_mastodon fuzz_activitypub
  fuzz_bluesky fuzz_press_jsonl fuzz_press_csv fuzz_pr_jsonl fuzz_pr_csv fuzz_rss fuzz_telegram fuzz_zeeschuimer
  fuzz_twitter_graphql fuzz_europresse fuzz_bluesky_jetstream fuzz_bluesky_car fuzz_url fuzz_csv fuzz_xml fuzz_html fuzz_time"
if [ $# -gt 0 ]; then targets="$*"; fi
ninja -C build-fuzz -j "${RELAIS_JOBS:-$(nproc)}" $targets >/dev/null
mkdir -p build-fuzz/corpus
for t in $targets; do
  seeds=tests/fuzz/corpus/${t#fuzz_}
  [ -d "$seeds" ] || seeds=tests/fuzz/corpus/readers
  mkdir -p "build-fuzz/corpus/$t"
  echo "fuzz: $t for ${SECS}s" >&2
  "build-fuzz/fuzz/$t" -max_total_time="$SECS" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    "build-fuzz/corpus/$t" "$seeds" 2>"build-fuzz/$t.log" || {
      tail -40 "build-fuzz/$t.log" >&2; echo "fuzz: $t FAILED" >&2; exit 1; }
done
echo "fuzz: all targets ran ${SECS}s without a finding" >&2

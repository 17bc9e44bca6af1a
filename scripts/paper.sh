#!/usr/bin/env bash
# One command for the paper: build the experiments, run each synthetic one at a scale (default small) into
# paper/data/eNN/, ingest the real data sets of ../shared/data into scratch stores and run the real-data
# experiments on them (--store), then latexmk → paper/relais.pdf. The synthetic world is built once and
# shared (RELAIS_EXPERIMENT_CACHE). LaTeX comes from scripts/install-paper-deps.sh (not part of CI).
#
#   scripts/paper.sh [--scale small|medium|large] [--build DIR] [--seed N] [--threads N] [--no-pdf]
#
# Build folder: --build, else an existing Release build in build/ (reused: only stale targets are rebuilt),
# else build-paper/ (configured here, Release, with ccache when installed).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCALE=small
BUILD=""
SEED=1
THREADS=2
PDF=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --no-pdf) PDF=0; shift ;;
    *) echo "usage: $0 [--scale small|medium|large] [--build DIR] [--seed N] [--threads N] [--no-pdf]" >&2; exit 2 ;;
  esac
done
EXPERIMENTS=(e01_deplatforming e02_churnalism e03_agenda e04_influence e05_scaling)
REAL=(e06_higgs e07_frpress)

is_release() { [ -f "$1/CMakeCache.txt" ] && grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$1/CMakeCache.txt"; }
if [ -z "$BUILD" ]; then
  if is_release "$ROOT/build"; then BUILD="$ROOT/build"; else BUILD="$ROOT/build-paper"; fi
fi
if [ ! -f "$BUILD/build.ninja" ]; then
  LAUNCHER=()
  if command -v ccache >/dev/null; then LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "${LAUNCHER[@]}"
elif ! is_release "$BUILD"; then
  echo "$BUILD is not a Release build: timings in the paper would be wrong (pass --build DIR)" >&2
  exit 2
fi
echo "== build: $BUILD (stale targets only)" >&2
ninja -C "$BUILD" -j"$THREADS" "${EXPERIMENTS[@]}" "${REAL[@]}"

DATA="$ROOT/paper/data"
CACHE="$DATA/.world"
mkdir -p "$DATA"
for e in "${EXPERIMENTS[@]}"; do
  id="${e%%_*}"
  echo "== $e (scale $SCALE, seed $SEED) → paper/data/$id" >&2
  RELAIS_EXPERIMENT_CACHE="$CACHE" "$BUILD/experiments/$e" --scale "$SCALE" --seed "$SEED" --threads "$THREADS" \
    --out "$DATA/$id"
done
rm -rf "$CACHE"

# Real data (issue 18 §2): each data set is ingested into a scratch store (--ingest: the library call of
# `relais ingest`), then its experiment reads the store (--store). Skipped, with a note, when
# ../shared/data is absent.
SHARED="${RELAIS_SHARED_DATA:-$ROOT/../shared/data}"
if [ -d "$SHARED/snap-higgs-twitter" ]; then
  echo "== e06_higgs: ingest the SNAP Higgs activity file → paper/data/e06" >&2
  rm -rf "$DATA/.higgs"
  "$BUILD/experiments/e06_higgs" --store "$DATA/.higgs" --format snap-activity --threads "$THREADS" \
    --ingest "$SHARED/snap-higgs-twitter/higgs-activity_time.txt.gz" --out "$DATA/e06"
  rm -rf "$DATA/.higgs"
else
  echo "== e06_higgs skipped: $SHARED/snap-higgs-twitter not found" >&2
fi
ORANGESUM="$SHARED/fr-press-articles/orangesum/orangesum_2020-06-01_to_2020-06-14.jsonl.gz"
if [ -f "$ORANGESUM" ]; then
  echo "== e07_frpress: stage and ingest OrangeSum (June 2020) → paper/data/e07" >&2
  rm -rf "$DATA/.frpress" "$DATA/.orangesum.jsonl"
  python3 "$ROOT/experiments/e07_frpress/stage.py" "$ORANGESUM" "$DATA/.orangesum.jsonl"
  "$BUILD/experiments/e07_frpress" --store "$DATA/.frpress" --format press-jsonl --threads "$THREADS" \
    --ingest "$DATA/.orangesum.jsonl" --out "$DATA/e07"
  rm -rf "$DATA/.frpress" "$DATA/.orangesum.jsonl"
else
  echo "== e07_frpress skipped: $ORANGESUM not found" >&2
fi

python3 "$ROOT/paper/numbers.py" "$DATA" > "$DATA/numbers.tex"

if [ "$PDF" = 1 ]; then
  if ! command -v latexmk >/dev/null; then
    echo "latexmk not found: run scripts/install-paper-deps.sh (data are in paper/data)" >&2
    exit 1
  fi
  (cd "$ROOT/paper" && latexmk -pdf -bibtex -interaction=nonstopmode -halt-on-error relais.tex)
  echo "paper/relais.pdf" >&2
fi

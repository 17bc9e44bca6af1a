#!/usr/bin/env bash
# One command for the paper: build the experiments, run each at a scale (default small) into
# paper/data/eNN/, then latexmk → paper/relais.pdf. The synthetic world is built once and shared
# (RELAIS_EXPERIMENT_CACHE). LaTeX comes from scripts/install-paper-deps.sh (not part of CI).
#
#   scripts/paper.sh [--scale small|medium|large] [--build DIR] [--seed N] [--threads N] [--no-pdf]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCALE=small
BUILD="$ROOT/build-paper"
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

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$BUILD" -j"$THREADS" "${EXPERIMENTS[@]}"

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
python3 "$ROOT/paper/numbers.py" "$DATA" > "$DATA/numbers.tex"

if [ "$PDF" = 1 ]; then
  if ! command -v latexmk >/dev/null; then
    echo "latexmk not found: run scripts/install-paper-deps.sh (data are in paper/data)" >&2
    exit 1
  fi
  (cd "$ROOT/paper" && latexmk -pdf -interaction=nonstopmode -halt-on-error relais.tex)
  echo "paper/relais.pdf" >&2
fi

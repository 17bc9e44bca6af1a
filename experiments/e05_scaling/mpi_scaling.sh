#!/usr/bin/env bash
# e05_scaling, MPI part: per-rank seconds, bytes sent and peak RSS of the distributed verbs (ingest, rank,
# influence, reuse) at 1..4 ranks on one synthetic world, and whether the outputs equal the one-process
# ones. Usage: experiments/e05_scaling/mpi_scaling.sh RELAIS_BINARY OUT_DIR [SCALE] [MAX_RANKS]
# Writes OUT_DIR/mpi_scaling.tsv (verb, ranks, rank, seconds, bytes_sent, peak_rss_mb, same_output) for ingest
# (a new store at each rank count, each rank's flow exchange echoed on stderr), rank, influence and reuse;
# per-rank numbers come from RELAIS_RANK_STATS=1 (toolkit/cli/main.cpp). Reuses OUT_DIR/world and
# OUT_DIR/store when present. VERBS (environment) picks the verbs, default "ingest pagerank kcore influence
# reuse" (the large world's ingest takes ~25 min a rank count on 2 cores: VERBS="pagerank kcore influence").
# INGEST_RANKS="2 3" ingests at those rank counts only (see below).
set -euo pipefail
R=$(realpath "$1"); OUT=$2; SCALE=${3:-medium}; MAXNP=${4:-4}
VERBS=${VERBS:-ingest pagerank kcore influence reuse}
wanted() { [[ " $VERBS " == *" $1 "* ]]; }
MPIRUN="mpirun --oversubscribe --allow-run-as-root"
mkdir -p "$OUT"
if [ ! -d "$OUT/world" ]; then
  echo "synth $SCALE..." >&2
  "$R" synth --out "$OUT/world" --seed 1 --scale "$SCALE" >/dev/null
fi
if [ ! -d "$OUT/store" ]; then
  echo "ingest..." >&2
  "$R" ingest --store "$OUT/store" --actors "$OUT/world/actors.csv" "$OUT/world/data" >/dev/null
fi
# The item-level flow graph as an edge list (source item -> target item), from the CSV export.
if [ ! -f "$OUT/edges.tsv" ]; then
  "$R" export --store "$OUT/store" --format csv -o "$OUT/graph" >/dev/null
  python3 - "$OUT/graph-edges.csv" "$OUT/edges.tsv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w") as out:
    r = csv.reader(f)
    next(r)
    for row in r:
        out.write(f"{row[0]}\t{row[1]}\n")
PY
fi
echo -e "verb\tranks\trank\tseconds\tbytes_sent\tpeak_rss_mb\tsame_output" > "$OUT/mpi_scaling.tsv"
run() {  # name, command args...
  local name=$1; shift
  local ref="$OUT/$name.np1.out"
  for np in $(seq 1 "$MAXNP"); do
    local o="$OUT/$name.np$np.out" e="$OUT/$name.np$np.err"
    if [ "$np" = 1 ]; then
      RELAIS_RANK_STATS=1 "$R" "$@" >"$o" 2>"$e"
    else
      $MPIRUN -x RELAIS_RANK_STATS=1 -np "$np" "$R" "$@" >"$o" 2>"$e"
    fi
    # "same": identical output but for "ranks"; for scores, the largest difference per node.
    local same
    same=$(python3 - "$ref" "$o" <<'PY'
import json, sys
def load(p):
    out = []
    for line in open(p):
        if line.strip():
            j = json.loads(line); j.pop("ranks", None); out.append(j)
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
if len(a) == 1 and len(b) == 1 and "results" in a[0]:
    sa = {r["node"]: r["score"] for r in a[0]["results"]}
    sb = {r["node"]: r["score"] for r in b[0]["results"]}
    if sa.keys() != sb.keys():
        print("no")
    else:
        d = max((abs(sa[k] - sb[k]) for k in sa), default=0.0)
        print("yes" if d == 0 else f"maxdiff={d:.1e}")
else:
    print("yes" if a == b else "no")
PY
)
    # Ranks' stderr lines may interleave: take each stats record by its pattern, not by line.
    grep -o 'rank=[0-9]* ranks=[0-9]* seconds=[0-9.e+-]* bytes_sent=[0-9]* peak_rss_mb=[0-9.e+-]*' "$e" | \
      sed 's/[a-z_]*=//g' | awk -v n="$name" -v s="$same" -v OFS='\t' '{print n, $2, $1, $3, $4, $5, s}' >> "$OUT/mpi_scaling.tsv"
    echo "$name np=$np same_output=$same" >&2
  done
}
# ingest into a new store at each rank count (--threads 1 per rank, the store's partitions as the one-process
# store has them); "same" = the same `stats --json` and the same flow rows (ids included) as the np=1 store.
ingest_same() {  # store -> md5 of stats and flows
  { "$R" stats --json --store "$1"
    "$R" sql --store "$1" "SELECT id, layer, src_item, dst_item, src_actor, dst_actor, latency FROM flows ORDER BY id"
  } | md5sum | cut -d' ' -f1
}
PARTS=$("$R" sql --store "$OUT/store" "SELECT count(*) FROM partitions" | tail -1)
# INGEST_RANKS (environment) picks the rank counts of the ingest, default 1..MAX_RANKS; without 1, the reference
# is OUT/store itself, which must then be a one-process ingest of OUT/world by a binary of the same output.
INGEST_RANKS=${INGEST_RANKS:-$(seq 1 "$MAXNP")}
[[ " $(echo $INGEST_RANKS) " == *" 1 "* ]] || ref_sum=$(ingest_same "$OUT/store")
wanted ingest && for np in $INGEST_RANKS; do
  s="$OUT/ingest.np$np" e="$OUT/ingest.np$np.err"
  rm -rf "$s"
  if [ "$np" = 1 ]; then
    RELAIS_RANK_STATS=1 "$R" ingest --threads 1 --partitions "$PARTS" --store "$s" --actors "$OUT/world/actors.csv" \
      --json "$OUT/world/data" >"$OUT/ingest.np$np.out" 2>"$e"
  else
    $MPIRUN -x RELAIS_RANK_STATS=1 -np "$np" "$R" ingest --threads 1 --partitions "$PARTS" --store "$s" \
      --actors "$OUT/world/actors.csv" --json "$OUT/world/data" >"$OUT/ingest.np$np.out" 2>"$e"
  fi
  sum=$(ingest_same "$s")
  [ "$np" = 1 ] && ref_sum=$sum
  same=$([ "$sum" = "$ref_sum" ] && echo yes || echo no)
  grep -o 'rank=[0-9]* ranks=[0-9]* seconds=[0-9.e+-]* bytes_sent=[0-9]* peak_rss_mb=[0-9.e+-]*' "$e" | \
    sed 's/[a-z_]*=//g' | awk -v s="$same" -v OFS='\t' '{print "ingest", $2, $1, $3, $4, $5, s}' >> "$OUT/mpi_scaling.tsv"
  grep -o 'rank [0-9]* flow exchange: .*' "$e" >&2 || true
  echo "ingest np=$np same_output=$same" >&2
  rm -rf "$s"
done
wanted pagerank && run pagerank rank --edges "$OUT/edges.tsv" --metric pagerank --top 0 --json
wanted kcore && run kcore rank --edges "$OUT/edges.tsv" --undirected --metric kcore --top 0 --json
# shellcheck disable=SC2086  # INFLUENCE_ARGS: e.g. "--from 2021-01-01T00:00Z --to 2021-01-04T00:00Z" on the large world
wanted influence && run influence influence --store "$OUT/store" --groups class --beta 1 --json ${INFLUENCE_ARGS:-}
wanted reuse && run reuse reuse --store "$OUT/store" --json
cat "$OUT/mpi_scaling.tsv"

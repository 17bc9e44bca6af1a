#!/usr/bin/env bash
# Load run of `relais serve` (issue 12): the synthetic world (synth --seed 2 --scale small, ingested),
# served with defaults, hit by wrk on loopback. Prints req/s, latency percentiles, errors and the
# server's RSS before and after. Usage: experiments/bench/serve_load.sh [WORKDIR] (DUR=10s CONN=32).
set -euo pipefail
BIN=${RELAIS_BIN:-build/toolkit/relais}
WORK=${1:-/tmp/relais-serve-load}
DUR=${DUR:-10s}
CONN=${CONN:-32}
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/install-deps.sh)"; exit 1; }
if [ ! -f "$WORK/store/relais.db" ]; then
  "$BIN" synth --out "$WORK/world" --seed 2 --scale small >/dev/null
  "$BIN" ingest --store "$WORK/store" --actors "$WORK/world/actors.csv" "$WORK/world/data" >/dev/null 2>&1
fi
"$BIN" serve --store "$WORK/store" --port 0 2>"$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "http://" "$WORK/serve.log" 2>/dev/null && break; sleep 0.1; done
BASE=$(grep -o "http://[0-9.:]*" "$WORK/serve.log" | head -1)
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$PID/status"; }
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server RSS at start: $(rss)"
echo "## one slow request beside cheap ones (both uncached)"
( curl -s -o /dev/null -w "slow /api/flows?by=actor: %{time_total} s (HTTP %{http_code})\n" "$BASE/api/flows?by=actor&limit=5000" ) &
SLOW=$!
sleep 0.2
curl -s -o /dev/null -w "cheap /api/actors?q=le beside it: %{time_total} s (HTTP %{http_code})\n" "$BASE/api/actors?q=le"
curl -s -o /dev/null -w "cheap /api/stats beside it: %{time_total} s (HTTP %{http_code})\n" "$BASE/api/stats"
wait $SLOW
echo "server RSS after warm-up: $(rss)"
for path in "/api/stats" "/api/rank?metric=pagerank&top=20" "/api/amplifiers?of=lemonde.fr" "/api/flows?by=class" "/api/flow-evidence?source=press-regional&target=public"; do
  curl -s -o /dev/null "$BASE$path"
  echo "## $CONN connections, $DUR: $path"
  wrk -t2 -c"$CONN" -d"$DUR" --latency --timeout 5s "$BASE$path" | grep -E "Latency|50%|99%|Requests/sec|requests in|Non-2xx|Socket errors"
done
echo "## 1 connection, 5s: /api/stats (TCP_NODELAY)"
wrk -t1 -c1 -d5s --latency "$BASE/api/stats" | grep -E "50%|99%|Requests/sec|Non-2xx|Socket errors"
echo "## unique junk parameters, $CONN connections, $DUR (cache keys on parsed parameters)"
cat >"$WORK/junk.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/stats?junk" .. n .. "=" .. string.rep("x", 200))
end
LUA
wrk -t2 -c"$CONN" -d"$DUR" --latency -s "$WORK/junk.lua" "$BASE" | grep -E "50%|99%|Requests/sec|requests in|Non-2xx|Socket errors"
echo "server RSS at the end: $(rss)"
echo "store folder written? $(find "$WORK/store" -newer "$WORK/serve.log" -type f | wc -l) files changed"

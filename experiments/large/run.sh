#!/usr/bin/env bash
# The large synthetic world (issue 11): generate it, ingest it, run every analysis command on it, and
# record each command's wall time, CPU time and peak memory (GNU time) in a TSV.
#   experiments/large/run.sh RELAIS_BIN WORKDIR OUT.tsv [SCALE]
# WORKDIR needs ~40 GB (22.5 GB of files, a ~14 GB store). Each command is bounded by a timeout.
set -u
bin=$1 work=$2 out=$3 scale=${4:-large}
world=$work/world store=$work/store
mkdir -p "$work"
printf 'step\texit\twall_s\tuser_s\tsys_s\tmax_rss_kb\n' > "$out"
measure() {  # name, then the command
  local name=$1; shift
  echo "[$(date -u +%H:%M:%S)] $name (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  /usr/bin/time -f "%e\t%U\t%S\t%M" -o "$work/time.txt" timeout 3600 "$@" > "$work/$name.out" 2> "$work/$name.err"
  local rc=$?
  printf '%s\t%s\t%s\n' "$name" "$rc" "$(tail -n 1 "$work/time.txt")" >> "$out"
}
[ -f "$world/truth.json" ] || measure synth "$bin" synth --out "$world" --seed 1 --scale "$scale"
measure ingest "$bin" ingest --store "$store" --actors "$world/actors.csv" --json "$world/data"
at=2021-01-08T23:21Z
measure stats "$bin" stats --store "$store" --json
measure sql_count "$bin" sql --store "$store" "SELECT channel, count(*) FROM items GROUP BY channel"
measure flows_class "$bin" flows --store "$store" --json --by class
measure flows_region "$bin" flows --store "$store" --json --by region --at $at --before 10d --after 10d
measure flows_actor "$bin" flows --store "$store" --json --by actor --layers retweet,quote
measure rank_actor_pagerank "$bin" rank --store "$store" --json --by actor --metric pagerank --top 20
measure rank_class_pagerank "$bin" rank --store "$store" --json --by class --metric pagerank
measure cascades "$bin" cascades --store "$store" --json --layers retweet,quote --top 10
measure who_amplifiers "$bin" who --store "$store" --json --amplifiers-of nicematin.com --top 10
measure event_its "$bin" event --store "$store" --json --at $at --before 45d --after 45d --bin 1d --outcome share:link:press-regional
measure event_did "$bin" event --store "$store" --json --design did --at $at --before 20d --after 20d --bin 1d --outcome items --treated retweeted:@HeadOfStateUS:2
measure leadlag "$bin" leadlag --store "$store" --json --a press-regional --b public --bin 1d --max-lag 3d --permutations 20
measure influence "$bin" influence --store "$store" --json --groups class --from 2021-01-01T00:00Z --to 2021-01-04T00:00Z
measure export_gexf "$bin" export --store "$store" --format gexf --output "$work/graph.gexf"
measure reuse "$bin" reuse --store "$store" --json
measure stats_after_reuse "$bin" stats --store "$store" --json
echo "[$(date -u +%H:%M:%S)] done" >&2

#!/usr/bin/env bash
# Builds relais with sanitizers and runs the tests there (CI runs both modes).
#   scripts/sanitize.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer, whole suite but the slowest end-to-end runs
#   scripts/sanitize.sh tsan   ThreadSanitizer, the tests of the parallel kernels, the ingest pipeline and the server
#   scripts/sanitize.sh asan|tsan --libraries
#                              only the base, text, graph and corpora libraries and their test binaries (no
#                              toolkit, CLI or server): what CI runs for ASan, in about a third of the build time
#   scripts/sanitize.sh tsan --kernels
#                              only the text and graph libraries and their tests (the reuse engine and the graph
#                              kernels, TBB-parallel): what CI runs for TSan, within its time budget
#   scripts/sanitize.sh asan --libraries --fuzz SECONDS
#                              also builds the libFuzzer targets in the same tree (the libraries instrumented
#                              once, with -fsanitize=fuzzer-no-link) and runs each SECONDS after the tests
#                              (scripts/fuzz-smoke.sh on build-asan): what CI runs, one build instead of two
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: scripts/sanitize.sh asan|tsan [--libraries|--kernels] [--fuzz SECONDS]" >&2; exit 2; }
MODE=${1:-asan}
shift || true
EXTRA=()
SCOPE=all
FUZZ_SECONDS=''
while [ $# -gt 0 ]; do
  case "$1" in
    --libraries | --kernels) SCOPE=$1; shift ;;
    --fuzz) [ $# -ge 2 ] || usage; FUZZ_SECONDS=$2; shift 2 ;;
    *) usage ;;
  esac
done
if [ -n "$FUZZ_SECONDS" ] && [ "$MODE" != asan ]; then echo "sanitize.sh: --fuzz goes with asan only" >&2; exit 2; fi
JOBS=${RELAIS_JOBS:-$(nproc)}
export RELAIS_SHARED_DATA=${RELAIS_SHARED_DATA:-$(cd .. && pwd)/shared/data}
LAUNCHER=()
if [ "${RELAIS_NO_CCACHE:-0}" != 1 ] && command -v ccache >/dev/null; then LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
case "$MODE" in
  asan)
    DIR=build-asan
    SAN=address,undefined
    # Whole-world end-to-end runs (synth + ingest + every analysis at small scale, the demo, the
    # experiments) take minutes each under ASan; the Release suite runs them.
    EXCLUDE='ExperimentsTest\.|SynthCli\.|FollowersSynth\.'
    INCLUDE=''
    TARGETS=(relais relais_base_tests relais_text_tests relais_graph_tests relais_corpora_tests relais_toolkit_tests)
    # clang, as the fuzz targets need: one ASan tree serves the tests and the fuzz smoke run (--fuzz).
    export CC=clang-14 CXX=clang++-14
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    ;;
  tsan)
    DIR=build-tsan
    SAN=thread
    EXCLUDE='ExperimentsTest\.|SynthCli\.|FollowersSynth\.'
    # Parallel kernels (graph), the parallel ingest pipeline and writer, the server, the Hawkes EM
    # and the cascades with threads.
    INCLUDE='ReuseEngine|EdgeList|LogGamma|Synth\.|PageRank|Hits|KCore|Betweenness|Components|RelabelByDegree|Reconstruct|CsrGraph|IngestFiles|WriterTest|Store\.|IngestCli|ServerTest|Hawkes|InfluenceCli|FollowersTiny|CascadesTest|FlowsTest|Stats\.'
    TARGETS=(relais relais_graph_tests relais_corpora_tests relais_toolkit_tests)
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    # TSan needs TBB built with TSan too (Debian's is not: TSan then reports TBB's task hand-offs as races),
    # and one compiler for both: clang (GCC's TSan ignores the fences TBB relies on).
    scripts/tbb-tsan.sh
    export CC=clang-14 CXX=clang++-14
    EXTRA=(-DTBB_DIR="$PWD/build-tsan-tbb/install/lib/cmake/TBB")
    ;;
  *) usage ;;
esac
if [ "$SCOPE" = --libraries ]; then
  TARGETS=(relais_base_tests relais_text_tests relais_graph_tests relais_corpora_tests)
  EXCLUDE="$EXCLUDE|PageBrowser"  # drives the CLI, not built here
  # The synthetic world's end-to-end checks (a world made and read back per test, 20-120 s each under ASan);
  # Synth.SmallWorldHasTheAdvertisedSize still makes a whole world here, the Release suite runs the rest.
  if [ "$MODE" = asan ]; then EXCLUDE="$EXCLUDE|SynthFiles\\.|SynthGeo\\.|Synth\\.(SameSeed|ScrapedFormats|DirtyFaults|TruthMatches|HawkesCounts|Deactivation)"; fi
elif [ "$SCOPE" = --kernels ]; then
  TARGETS=(relais_base_tests relais_text_tests relais_graph_tests)
  EXCLUDE="$EXCLUDE|PageBrowser"
fi
# The test binaries not built here register one placeholder test each (<target>_NOT_BUILT).
EXCLUDE="$EXCLUDE|_NOT_BUILT"
FUZZERS=OFF
if [ -n "$FUZZ_SECONDS" ]; then FUZZERS=ON; fi
# -O1: sanitizer builds compile about twice as fast as at -O3 and still run the suite quickly; line tables
# only (clang): reports name file and line at little compile cost.
OPT=${RELAIS_SANITIZE_OPT:--O1}
if [ "$MODE" = asan ]; then OPT="$OPT -gline-tables-only"; fi
cmake -S . -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRELAIS_SANITIZE="$SAN" \
  -DCMAKE_CXX_FLAGS_RELEASE="$OPT -DNDEBUG" -DCMAKE_C_FLAGS_RELEASE="$OPT -DNDEBUG" \
  -DRELAIS_BUILD_BENCH=OFF -DRELAIS_BUILD_FUZZERS=$FUZZERS -DRELAIS_PYTHON=OFF "${LAUNCHER[@]}" "${EXTRA[@]}" >&2
# The CLI and the test suites only (benchmarks and experiments are not run here); the fuzz targets with --fuzz.
cmake --build "$DIR" -j "$JOBS" --target "${TARGETS[@]}" >&2
ARGS=(--test-dir "$DIR" --output-on-failure -j "$JOBS" --timeout 1200 -E "$EXCLUDE")
if [ -n "$INCLUDE" ]; then ARGS+=(-R "$INCLUDE"); fi
ctest "${ARGS[@]}"
if [ -n "$FUZZ_SECONDS" ]; then RELAIS_FUZZ_BUILD="$DIR" bash scripts/fuzz-smoke.sh "$FUZZ_SECONDS"; fi

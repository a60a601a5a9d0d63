#!/usr/bin/env bash
# Media and signalling micro-benchmarks (ordo-one/benchmark), outside `swift test`.
#   scripts/bench-micro.sh                 # every benchmark, results as a table
#   scripts/bench-micro.sh --filter mixer  # a subset (passed to `swift package benchmark`)
# The harness is only in the package when PARLEY_BENCHMARKS is set; it builds in its own
# folder (.build-bench) so it does not disturb the everyday build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PARLEY_BENCHMARKS=1
exec swift package --scratch-path .build-bench --disable-sandbox benchmark --target ParleyMediaBenchmarks --no-progress "$@"

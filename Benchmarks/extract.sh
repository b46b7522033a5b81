#!/usr/bin/env bash
# Extraction throughput against a bare libxml2 htmlReadMemory parse of the same bytes, in the
# same run, printed as MB/s, pages/s and their ratio (target: extraction >= 0.8x the bare parse).
#
#   Benchmarks/extract.sh                 # a generated corpus of 200 content pages + the fixture site
#   Benchmarks/extract.sh DIR...          # your own pages (every .html/.htm below DIR)
#   SECONDS_PER_RUN=10 Benchmarks/extract.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product extract-bench
bin=$(swift build -c release --show-bin-path)/extract-bench
if [ $# -eq 0 ]; then
  corpus=.build-bench/corpus
  [ -d "$corpus" ] || "$bin" generate "$corpus" --pages 200
  set -- "$corpus" Samples/FixtureSite
fi
"$bin" bench --seconds "${SECONDS_PER_RUN:-5}" "$@"

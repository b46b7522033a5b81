#!/usr/bin/env bash
# Runs every input of the html5lib tree-construction corpus through every extractor (HTML
# under four charsets, CSS, srcset, manifest), checking the reference invariants; fails on a
# crash, a broken invariant or a hang (a time limit for the whole run).
#
#   Scripts/extract-corpus.sh [CORPUS_DIR]            # debug build
#   Scripts/extract-corpus.sh --asan [CORPUS_DIR]     # AddressSanitizer build, in .build-asan
set -euo pipefail
cd "$(dirname "$0")/.."
flags=()
scratch=.build
if [ "${1:-}" = "--asan" ]; then
  shift
  flags=(--sanitize=address)
  scratch=.build-asan
fi
corpus=${1:-../shared/corpora/html5lib-tree-construction}
[ -d "$corpus" ] || { echo "no corpus at $corpus: pass its folder" >&2; exit 2; }
swift build -c debug "${flags[@]}" --scratch-path "$scratch" --product extract-bench
bin=$(swift build -c debug "${flags[@]}" --scratch-path "$scratch" --show-bin-path)/extract-bench
# detect_leaks: LeakSanitizer reports what is still allocated at exit.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} SWIFT_BACKTRACE=enable=no timeout 900 "$bin" corpus "$corpus"

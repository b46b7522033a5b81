#!/usr/bin/env bash
# Runs the libFuzzer target for SECONDS (default 600), seeded with every html5lib input
# (from ../shared, when present) and the fixture site. Crashes land in .build-fuzz/artifacts/;
# replay one with `swift run extract-bench run FILE` or `.build-fuzz/fuzz-extraction FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
out=.build-fuzz
[ -x "$out/fuzz-extraction" ] || Fuzz/build.sh
mkdir -p "$out/corpus" "$out/seeds" "$out/artifacts"

# Seeds: the first byte picks the extractor (H: HTML, C: HTML with a charset, D: CSS, F: srcset, G: manifest).
html5lib=${HTML5LIB_CORPUS:-../shared/corpora/html5lib-tree-construction}
if [ -d "$html5lib" ]; then
  for dat in "$html5lib"/*.dat; do
    awk -v dir="$out/seeds" -v name="$(basename "$dat" .dat)" '
      /^#data$/ { n++; f = sprintf("%s/%s-%04d", dir, name, n); printf "H" > f; inside = 1; next }
      /^#errors/ { inside = 0; close(f); next }
      inside { print >> f }' "$dat"
  done
fi
i=0
for f in Samples/FixtureSite/*.html Samples/FixtureSite/*/*.html Samples/FixtureSite/*/*/*.html; do
  i=$((i + 1)); { printf H; cat "$f"; } > "$out/seeds/fixture-html-$i"; { printf C; cat "$f"; } > "$out/seeds/fixture-cs-$i"
done
for f in Samples/FixtureSite/css/*.css; do i=$((i + 1)); { printf D; cat "$f"; } > "$out/seeds/fixture-css-$i"; done
{ printf G; cat Samples/FixtureSite/manifest.webmanifest; } > "$out/seeds/fixture-manifest"
printf 'Fa.png 1x, b,c.png 2x, d.png (x, y) 480w' > "$out/seeds/srcset"

# The Swift backtracer and ASan both want the crash; let ASan report it.
export SWIFT_BACKTRACE=enable=no
exec "$out/fuzz-extraction" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -dict=Fuzz/extraction.dict -artifact_prefix="$out/artifacts/" -print_final_stats=1 \
  "$out/corpus" "$out/seeds"

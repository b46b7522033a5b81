#!/usr/bin/env bash
# crawl --browser benchmark: the wall time and CPU the browser pass adds per page, on the
# fixture site (Samples/FixtureSite, served by the embedded server on 127.0.0.1).
#
#   Benchmarks/browser.sh                 # 5 rounds, idle machine, then a round with a core loaded
#   ROUNDS=10 Benchmarks/browser.sh
#   ASSETCRAWL=.build-browser/release/assetcrawl SKIP_BUILD=1 Benchmarks/browser.sh
#
# Each round runs, alternated: the static crawl alone, then with --browser --tabs 4 and
# --tabs 1. The browser pass's cost is the difference to the static crawl, divided by the
# pages it loaded (each cold, then a repeat visit). Wall time from /usr/bin/time, CPU as
# user+sys of assetcrawl and every process it waited for (Chromium and its children).
# Target (issue #13): at most 1 s of wall time per page with 4 tabs.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SITE=${SITE:-$REPO/Samples/FixtureSite}
WORK=$(mktemp -d)
STRESS_PID=""
cleanup() {
    if [[ -n "$STRESS_PID" ]] && kill -0 "$STRESS_PID" 2>/dev/null; then kill "$STRESS_PID"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/need.sh"
need chromium chromium
need stress-ng stress-ng
[[ -x /usr/bin/time ]] || need /usr/bin/time time

if [[ -z "${ASSETCRAWL:-}" ]]; then
    [[ -n "${SKIP_BUILD:-}" ]] || (cd "$REPO" && swift build -c release --product assetcrawl >&2)
    ASSETCRAWL="$REPO/.build/release/assetcrawl"
fi

# One run: prints "wall user+sys" in seconds.
measure() {
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$ASSETCRAWL" crawl --serve "$SITE" --quiet --no-revalidate \
        --json "$WORK/report.json" "$@" >/dev/null
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time"
}

"$ASSETCRAWL" crawl --serve "$SITE" --quiet --no-revalidate --json "$WORK/pages.json" >/dev/null
pages=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["pages"]))' "$WORK/pages.json")

round() {  # label
    local label=$1 s b4 b1
    local -a static=() tabs4=() tabs1=()
    for ((i = 1; i <= ROUNDS; i++)); do
        static+=("$(measure)")
        tabs4+=("$(measure --browser --tabs 4)")
        tabs1+=("$(measure --browser --tabs 1)")
    done
    python3 - "$label" "$pages" "${static[*]}" "${tabs4[*]}" "${tabs1[*]}" <<'PY'
import statistics, sys
label, pages = sys.argv[1], int(sys.argv[2])
def runs(text):
    v = [float(x) for x in text.split()]
    return v[0::2], v[1::2]
(sw, sc), (w4, c4), (w1, c1) = runs(sys.argv[3]), runs(sys.argv[4]), runs(sys.argv[5])
med = statistics.median
print(f"\n{label}: {pages} pages, {len(sw)} rounds, medians")
print(f"{'run':<24}{'wall s':>9}{'cpu s':>9}{'browser wall/page':>20}{'browser cpu/page':>18}")
print(f"{'static crawl':<24}{med(sw):>9.2f}{med(sc):>9.2f}{'':>20}{'':>18}")
for name, w, c in (("--browser --tabs 4", w4, c4), ("--browser --tabs 1", w1, c1)):
    print(f"{name:<24}{med(w):>9.2f}{med(c):>9.2f}{(med(w) - med(sw)) / pages:>19.3f}s{(med(c) - med(sc)) / pages:>17.3f}s")
print(f"tabs 4 against tabs 1: wall {med(w4) / med(w1):.2f}x; target: browser wall/page <= 1 s with 4 tabs:"
      f" {'met' if (med(w4) - med(sw)) / pages <= 1 else 'NOT met'}")
PY
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $("$(command -v chromium)" --version 2>/dev/null | head -1)"
round "idle (as found)"
stress-ng --cpu 1 --quiet &
STRESS_PID=$!
sleep 1
round "one core loaded (stress-ng --cpu 1)"
kill "$STRESS_PID"; STRESS_PID=""
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

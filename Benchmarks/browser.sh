#!/usr/bin/env bash
# crawl --browser benchmark: the wall time and CPU the browser pass adds per page, on the
# fixture site (Samples/FixtureSite, served by the embedded server on 127.0.0.1).
#
#   Benchmarks/browser.sh                 # 5 rounds, idle machine, then a round with a core loaded
#   ROUNDS=10 Benchmarks/browser.sh
#   ASSETCRAWL=.build-browser/release/assetcrawl SKIP_BUILD=1 Benchmarks/browser.sh
#
# Each round runs, alternated: the static crawl alone, then with --browser --tabs 4 and
# --tabs 1, then the peer: Chromium alone, each page in a Chromium of its own with a cold
# profile (`chromium --headless --dump-dom URL`, 4 at a time, as --tabs 4), against
# `assetcrawl serve` of the same folder. The browser pass's cost is the difference to the
# static crawl, divided by the pages it loaded (each cold, then a repeat visit; the peer
# loads each page once). Wall time from /usr/bin/time, CPU as user+sys of assetcrawl and
# every process it waited for (Chromium and its children). A last --tabs 4 run with
# --log-level debug gives Chromium's own time per load inside the pass: navigation to its
# load event, and to the end of the load (quiet, icon requested).
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
    if [[ -n "${SERVE_PID:-}" ]] && kill -0 "$SERVE_PID" 2>/dev/null; then kill "$SERVE_PID"; fi
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

# The peer's server: the same folder, on a port of its own, for the whole benchmark.
PORT=$((20000 + RANDOM % 20000))
"$ASSETCRAWL" serve "$SITE" --port "$PORT" --log-level error >/dev/null 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.05; done
python3 -c 'import json,sys,urllib.parse as u
for p in json.load(open(sys.argv[1]))["pages"]:
    print(u.urlsplit(p["url"])._replace(netloc="127.0.0.1:" + sys.argv[2]).geturl())' "$WORK/pages.json" "$PORT" > "$WORK/urls.txt"
ROOT_FLAG=$([[ $(id -u) == 0 ]] && echo --no-sandbox || true)
export ROOT_FLAG WORK
# Chromium alone: one cold process and profile per page, 4 at a time; prints "wall user+sys".
peer() {
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" xargs -P 4 -I{} sh -c \
        'p=$(mktemp -d "$WORK/profile.XXXXXX"); chromium --headless=new $ROOT_FLAG --disable-gpu --no-first-run \
           --window-size=1280,800 --user-data-dir="$p" --dump-dom "{}" >/dev/null 2>&1; rm -rf "$p"' < "$WORK/urls.txt"
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time"
}

round() {  # label
    local label=$1 s b4 b1
    local -a static=() tabs4=() tabs1=() alone=()
    for ((i = 1; i <= ROUNDS; i++)); do
        static+=("$(measure)")
        tabs4+=("$(measure --browser --tabs 4)")
        tabs1+=("$(measure --browser --tabs 1)")
        alone+=("$(peer)")
    done
    "$ASSETCRAWL" crawl --serve "$SITE" --no-revalidate --json "$WORK/report.json" --browser --tabs 4 \
        --log-level debug >/dev/null 2>"$WORK/debug.log"
    python3 - "$label" "$pages" "${static[*]}" "${tabs4[*]}" "${tabs1[*]}" "${alone[*]}" "$WORK/debug.log" <<'PY'
import re, statistics, sys
label, pages = sys.argv[1], int(sys.argv[2])
def runs(text):
    v = [float(x) for x in text.split()]
    return v[0::2], v[1::2]
(sw, sc), (w4, c4), (w1, c1), (pw, pc) = (runs(a) for a in sys.argv[3:7])
med = statistics.median
print(f"\n{label}: {pages} pages, {len(sw)} rounds, medians")
print(f"{'run':<34}{'wall s':>9}{'cpu s':>9}{'wall/page':>11}{'cpu/page':>10}")
print(f"{'static crawl':<34}{med(sw):>9.2f}{med(sc):>9.2f}")
per = {}
for name, w, c in (("--browser --tabs 4 (minus static)", w4, c4), ("--browser --tabs 1 (minus static)", w1, c1)):
    per[name] = (med(w) - med(sw)) / pages
    print(f"{name:<34}{med(w):>9.2f}{med(c):>9.2f}{per[name]:>10.3f}s{(med(c) - med(sc)) / pages:>9.3f}s")
print(f"{'peer: chromium --dump-dom, 4 at once':<34}{med(pw):>9.2f}{med(pc):>9.2f}{med(pw) / pages:>10.3f}s{med(pc) / pages:>9.3f}s")
# Inside the pass (one --tabs 4 run at --log-level debug): Chromium's own time per load.
cold, again = {"load": [], "settled": []}, {"load": [], "settled": []}
for line in open(sys.argv[7]):
    m = re.search(r" load (\d+) phases:.*?load y .*? at (\d+) ms;.* settled at (\d+) ms", line)
    if m:
        side = cold if m.group(1) == "1" else again
        side["load"].append(int(m.group(2))); side["settled"].append(int(m.group(3)))
for name, side in (("cold load", cold), ("repeat visit", again)):
    if side["load"]:
        print(f"  {name:<14} navigation to load event {med(side['load']):>6.0f} ms, to the end of the load {med(side['settled']):>6.0f} ms (median of {len(side['load'])})")
name = "--browser --tabs 4 (minus static)"
print(f"--browser --tabs 4 against the peer: wall/page {per[name] / (med(pw) / pages):.2f}x;"
      f" target: browser wall/page <= 1 s with 4 tabs: {'met' if per[name] <= 1 else 'NOT met'}")
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

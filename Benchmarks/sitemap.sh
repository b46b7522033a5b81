#!/usr/bin/env bash
# Sitemap scan cost by size (issue #15 row 3: it was quadratic, 0.5 MB 0.46 s, 2 MB 8.2 s).
# Serves a folder holding one page and a sitemap of N URLs with the embedded server and runs
# `crawl --serve DIR --sitemap --max-pages 1` (one page fetched; the sitemap's URLs are read,
# counted past --max-pages and stored as skipped), for several sizes. Prints per size: the
# sitemap's bytes and URLs, wall seconds and CPU seconds (user+sys, /usr/bin/time). Linear
# means CPU grows with the bytes up to the 50,000-URL cap, then stays flat.
#
#   Benchmarks/sitemap.sh                          # uses .build-hostile/debug/assetcrawl or ASSETCRAWL
#   ASSETCRAWL=.build/release/assetcrawl Benchmarks/sitemap.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ASSETCRAWL=${ASSETCRAWL:-$(ls -t "$REPO"/.build*/debug/assetcrawl 2>/dev/null | head -1)}
[[ -x "$ASSETCRAWL" ]] || { echo "no assetcrawl binary: build it or set ASSETCRAWL" >&2; exit 1; }
WORK=$(mktemp -d /dev/shm/assetcrawl-sitemap.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

printf '%-10s %10s %8s %8s %8s\n' urls bytes wall_s cpu_s cpu_us_per_url
for urls in ${SIZES:-10000 40000 160000 840000}; do
    site="$WORK/site-$urls"
    mkdir -p "$site"
    echo '<!doctype html><title>s</title><p>start</p>' > "$site/index.html"
    python3 - "$urls" > "$site/sitemap.xml" <<'PY'
import sys
n = int(sys.argv[1])
out = ['<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
out += ['<url><loc>/p/%d</loc></url>\n' % i for i in range(n)]
out.append('</urlset>\n')
sys.stdout.write(''.join(out))
PY
    bytes=$(stat -c %s "$site/sitemap.xml")
    /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$ASSETCRAWL" crawl --serve "$site" --sitemap --max-pages 1 --no-revalidate \
        --max-body 60M --quiet > /dev/null 2>&1 || true
    read -r wall user sys < "$WORK/time"
    cpu=$(echo "$user + $sys" | bc)
    counted=$(( urls < 50000 ? urls : 50000 ))
    printf '%-10s %10s %8s %8s %8.1f\n' "$urls" "$bytes" "$wall" "$cpu" "$(echo "$cpu * 1000000 / $counted" | bc -l)"
done

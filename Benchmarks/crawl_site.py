#!/usr/bin/env python3
"""Generate a deterministic static site for the crawl benchmark, with its ground truth.

Usage: crawl_site.py OUTDIR [PAGES]

Every page needs about 20 requisites of every kind a browser fetches: a shared and a
per-page stylesheet (the latter with a background image), @font-face fonts from the
shared stylesheet, a shared and a per-page script, an image, a srcset pair, a favicon,
a web-app manifest and its icons, a video with its poster and a subtitle track.
Nine of them are unique to each page, the rest are shared. Pages link to their
neighbours; the link graph is at most 3 clicks deep from /.

Writes OUTDIR/site/ and OUTDIR/ground-truth.txt (one path per line: every page and
every requisite, with / written as /index.html).
"""
import os
import random
import sys

out = sys.argv[1]
pages = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
site = os.path.join(out, "site")
rng = random.Random(20261129)
truth = set()


def write(path, data):
    full = os.path.join(site, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    truth.add(path)


def blob(lo, hi):
    return rng.randbytes(rng.randint(lo, hi))


def text(lo, hi, line):
    n = rng.randint(lo, hi)
    s = ""
    while len(s) < n:
        s += line % rng.randint(0, 1 << 30)
    return s


# Shared assets.
fonts = [f"/static/fonts/f{k}.woff2" for k in range(4)]
for f in fonts:
    write(f, blob(12000, 30000))
site_css = "".join(f"@font-face{{font-family:f{k};src:url({f}) format('woff2')}}\n" for k, f in enumerate(fonts))
site_css += "body{background:url(/static/img/bg.png)}\n" + text(3000, 6000, ".c%d{margin:0;padding:1px}\n")
write("/static/site.css", site_css)
write("/static/img/bg.png", blob(2000, 6000))
write("/static/app.js", text(20000, 40000, "function f%d(){return 1}\n"))
write("/favicon.ico", blob(1000, 4000))
write("/static/icon-192.png", blob(3000, 8000))
write("/static/icon-512.png", blob(8000, 20000))
write("/static/site.webmanifest",
      '{"name":"bench","icons":[{"src":"/static/icon-192.png","sizes":"192x192"},{"src":"/static/icon-512.png","sizes":"512x512"}]}')


def page_path(i):
    return f"/p/{i}.html"


GROUP = 50


def links(i):
    out = ["/"]
    if i % GROUP == 0:
        out += [page_path(j) for j in range(i + 1, min(i + GROUP, pages))]
    else:
        out.append(page_path(i - i % GROUP))
    for j in (i - 1, i + 1):
        if 0 <= j < pages:
            out.append(page_path(j))
    return out


def html(title, body_links, i):
    u = f"/img/p{i}"
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="stylesheet" href="/static/site.css"><link rel="stylesheet" href="/css/p{i}.css">'
            f'<link rel="icon" href="/favicon.ico"><link rel="manifest" href="/static/site.webmanifest">'
            f'<script src="/static/app.js" defer></script></head><body>')
    body = (f'<h1>{title}</h1><img src="{u}/a.jpg" alt="a">'
            f'<img src="{u}/hero-480.jpg" srcset="{u}/hero-480.jpg 480w, {u}/hero-960.jpg 960w" sizes="50vw" alt="hero">'
            f'<video src="/media/p{i}.mp4" poster="{u}/poster.jpg" controls>'
            f'<track kind="subtitles" src="/media/p{i}.vtt" srclang="en"></video>'
            + "".join(f'<p>{text(200, 400, "lorem %d ")}</p>' for _ in range(3))
            + "<nav>" + "".join(f'<a href="{l}">{l}</a> ' for l in body_links) + "</nav>"
            + f'<script src="/js/p{i}.js"></script></body></html>')
    return head + body


def per_page_assets(i):
    u = f"/img/p{i}"
    write(f"/css/p{i}.css", f".hero{{background:url(/img/bg/{i}.png)}}\n" + text(2000, 6000, ".p%d{color:red}\n"))
    write(f"/img/bg/{i}.png", blob(1000, 8000))
    write(f"/js/p{i}.js", text(3000, 12000, "var v%d=1;\n"))
    write(f"{u}/a.jpg", blob(4000, 16000))
    write(f"{u}/hero-480.jpg", blob(3000, 8000))
    write(f"{u}/hero-960.jpg", blob(6000, 16000))
    write(f"{u}/poster.jpg", blob(2000, 6000))
    write(f"/media/p{i}.mp4", blob(8000, 20000))
    write(f"/media/p{i}.vtt", f"WEBVTT\n\n00:00.000 --> 00:01.000\nhello {i}\n")


# The home page uses the assets of page "home" and links to the first page of every group.
per_page_assets("home")
write("/index.html", html("home", [page_path(i) for i in range(0, pages, GROUP)], "home"))
for i in range(pages):
    per_page_assets(i)
    write(page_path(i), html(f"page {i}", links(i), i))

with open(os.path.join(out, "ground-truth.txt"), "w") as f:
    f.write("\n".join(sorted(truth)) + "\n")
total = sum(os.path.getsize(os.path.join(site, p.lstrip("/"))) for p in truth)
print(f"{pages + 1} pages, {len(truth) - pages - 1} assets, {len(truth)} URLs, {total / 1e6:.1f} MB", file=sys.stderr)

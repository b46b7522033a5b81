#!/usr/bin/env bash
# Installs the release .deb into a clean Debian 12 root without any Swift toolchain and runs
# it there, with loopback only: `assetcrawl --version`, `assetcrawl serve` on a folder and
# `assetcrawl crawl` against it, each of which must exit 0.
#
# The root is a `debootstrap --variant=minbase bookworm` tree made once per machine under
# $ASSETCRAWL_DEBOOTSTRAP_CACHE (default /var/cache/assetcrawl-debootstrap: debootstrap takes
# minutes) and copied for each run, so every run starts clean. The package goes in with
# `apt-get install ./assetcrawl.deb` from Debian's mirror, which proves its Depends: are
# enough; then everything runs in a fresh network namespace that has only `lo`.
#
# Usage: Scripts/release-test.sh [DEB]   (without DEB it runs Scripts/release.sh first)
# Needs root, debootstrap, unshare (util-linux), ip (iproute2), and for Scripts/release.sh
# dpkg-dev. Outside CI a missing tool skips the test with the package to install; with CI set
# it fails. .ci/run calls it after `swift test` when CI is set.
set -euo pipefail
cd "$(dirname "$0")/.."

missing() { # WHAT PACKAGE
  if [ -n "${CI:-}" ]; then
    echo "release-test: FAILED: needs $1 (apt-get install $2)" >&2
    exit 1
  fi
  echo "release-test: skipped: needs $1 (apt-get install $2)"
  exit 0
}
[ "$(id -u)" = 0 ] || missing "root (chroot, namespaces)" "debootstrap, then run as root"
command -v debootstrap >/dev/null 2>&1 || missing debootstrap debootstrap
command -v unshare >/dev/null 2>&1 || missing unshare util-linux
command -v ip >/dev/null 2>&1 || missing ip iproute2

if [ $# -ge 1 ]; then
  deb=$1
else
  Scripts/release.sh
  deb=$(ls -t dist/assetcrawl_*_amd64.deb | head -n 1)
fi
[ -f "$deb" ] || { echo "release-test: no such package: $deb" >&2; exit 2; }
version=$(dpkg-deb -f "$deb" Version)
echo "release-test: $deb (version $version)"
# The tarball beside it (Scripts/release.sh makes both) must hold the same binary.
tarball=$(dirname "$deb")/assetcrawl-$version-linux-x86_64.tar.gz
for file in "$deb" "$tarball"; do
  if [ -f "$file.sha256" ]; then (cd "$(dirname "$file")" && sha256sum --quiet -c "$(basename "$file").sha256"); fi
done

# The cached root, made once (under a lock: two runs must not both bootstrap it).
cache=${ASSETCRAWL_DEBOOTSTRAP_CACHE:-/var/cache/assetcrawl-debootstrap}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
base=$cache/bookworm-minbase
mkdir -p "$cache/archives/partial"
exec 9> "$cache/lock"
flock 9
if [ ! -x "$base/bin/sh" ]; then
  echo "release-test: making $base with debootstrap (once per machine; minutes)"
  rm -rf --one-file-system "$base.partial"
  debootstrap --variant=minbase bookworm "$base.partial" "$mirror" > "$cache/debootstrap.log" 2>&1 \
    || { tail -n 20 "$cache/debootstrap.log" >&2; echo "release-test: debootstrap failed (log: $cache/debootstrap.log)" >&2; exit 1; }
  rm -rf "$base.partial/var/cache/apt/archives/"*.deb
  mv "$base.partial" "$base"
fi

root=$(mktemp -d /var/tmp/assetcrawl-root.XXXXXX)
trap 'rm -rf --one-file-system "$root"' EXIT
cp -a "$base/." "$root/"
flock -u 9
if find "$root" -xdev \( -name 'libswift*' -o -name 'libFoundation*' -o -name swiftc \) -print | grep .; then
  echo "release-test: the clean root has Swift files (above): remove $base to remake it" >&2
  exit 1
fi
cp "$deb" "$root/tmp/assetcrawl.deb"
if [ -f "$tarball" ]; then
  tar -xzf "$tarball" -C "$root/tmp"
  mv "$root/tmp/assetcrawl-$version-linux-x86_64" "$root/tmp/tarball"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Each step runs chrooted in private mount and pid namespaces, with /proc and /dev for apt and
# dpkg, and the machine's package cache so a rerun downloads nothing new; they vanish with the
# namespaces. `offline` adds a network namespace with only lo, brought up.
in_root() { # online|offline COMMAND...
  local namespaces=(--mount --pid --fork)
  [ "$1" = online ] || namespaces+=(--net)
  unshare "${namespaces[@]}" sh -c '
    set -e
    if [ "$1" = offline ]; then ip link set lo up; fi
    mount -t proc proc "$2/proc"
    mount --bind /dev "$2/dev"
    mount --bind "$3" "$2/var/cache/apt/archives"
    root=$2
    shift 3
    exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
  ' sh "$1" "$root" "$cache/archives" "${@:2}"
}

echo "release-test: installing the package and its Depends from $mirror"
in_root online /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/assetcrawl.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }'

cat > "$root/tmp/inside.sh" <<'EOF'
#!/bin/bash
# Runs in the clean root, in a network namespace with only lo: $1 is the expected version.
set -euo pipefail
fail() { echo "release-test: FAILED: $*" >&2; exit 1; }
if ldd /usr/bin/assetcrawl | grep 'not found'; then fail "libraries missing (above): Depends is short"; fi
printed=$(timeout 10 assetcrawl --version) || fail "assetcrawl --version exited $?"
[ "$printed" = "$1" ] || fail "assetcrawl --version printed '$printed', expected '$1'"
if [ -d /tmp/tarball ]; then
  cmp /tmp/tarball/assetcrawl /usr/bin/assetcrawl || fail "the tarball's binary is not the .deb's"
  for file in assetcrawl.bash _assetcrawl assetcrawl.fish; do [ -s "/tmp/tarball/completions/$file" ] || fail "the tarball lacks completions/$file"; done
fi
for file in /usr/share/bash-completion/completions/assetcrawl /usr/share/zsh/vendor-completions/_assetcrawl \
  /usr/share/fish/vendor_completions.d/assetcrawl.fish; do
  grep -q assetcrawl "$file" || fail "no completion script at $file"
done
bash -n /usr/share/bash-completion/completions/assetcrawl || fail "the bash completion does not parse"

site=/tmp/site
mkdir -p "$site/css" "$site/img"
cat > "$site/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Home</title>
<link rel="stylesheet" href="/css/site.css"></head>
<body><h1>Home</h1><img src="/img/logo.svg" alt="logo"><a href="/about.html">About</a></body></html>
HTML
cat > "$site/about.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>About</title>
<link rel="stylesheet" href="/css/site.css"></head><body><a href="/">Home</a></body></html>
HTML
printf 'body { background: url("/img/logo.svg") no-repeat; }\n' > "$site/css/site.css"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n' > "$site/img/logo.svg"

timeout 120 assetcrawl serve "$site" --host 127.0.0.1 --port 8080 > /tmp/serve.log 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -qs '^serving' /tmp/serve.log && break; sleep 0.1; done
grep -q '^serving .* at http://127.0.0.1:8080/' /tmp/serve.log || { cat /tmp/serve.log >&2; fail "assetcrawl serve did not start"; }

status=0
timeout 60 assetcrawl crawl http://127.0.0.1:8080/ --json /tmp/report.json > /tmp/crawl.txt 2>&1 || status=$?
kill "$server"
server_status=0
wait "$server" || server_status=$?
[ "$status" = 0 ] || { cat /tmp/crawl.txt >&2; fail "assetcrawl crawl exited $status"; }
[ "$server_status" = 0 ] || { cat /tmp/serve.log >&2; fail "assetcrawl serve exited $server_status on SIGTERM"; }
for url in http://127.0.0.1:8080/about.html http://127.0.0.1:8080/css/site.css http://127.0.0.1:8080/img/logo.svg; do
  grep -q "\"$url\"" /tmp/report.json || fail "the report lacks $url"
done
echo "release-test: in a clean Debian 12 root: --version, serve and crawl exited 0 ($printed)"
EOF
chmod +x "$root/tmp/inside.sh"

in_root offline /tmp/inside.sh "$version"

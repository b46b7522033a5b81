#!/usr/bin/env bash
# Builds the release artefacts of assetcrawl into dist/:
#   dist/assetcrawl-VERSION-linux-x86_64.tar.gz (+ .sha256)  the binary, its shell completions
#   dist/assetcrawl_VERSION_amd64.deb           (+ .sha256)  the same, as a Debian package
# The binary has the Swift runtime and Foundation (with its ICU data) linked in
# (`--static-swift-stdlib`), so it runs where no Swift toolchain is installed; what it still
# links dynamically are Debian libraries, and the package's Depends: is derived from them
# here (dpkg-shlibdeps), never written by hand.
#
# VERSION is `git describe --tags --always --dirty` without a leading "v" (v1.2.0 -> 1.2.0,
# 5 commits later 1.2.0-5-gHASH); until the first tag it reads as if v0.0.0 sat on the root
# commit: 0.0.0-N-gHASH, N = commits in HEAD (a shallow clone counts only what it has).
# "-dirty" marks uncommitted changes.
# ASSETCRAWL_VERSION=... overrides it (e.g. building from a tarball without .git).
#
# Usage: Scripts/release.sh   (env: SCRATCH_PATH, default .build-static; DIST, default dist)
# Needs: a Swift toolchain with its static libraries (swift.org's Linux toolchains ship
# them), dpkg-dev (dpkg-shlibdeps), and the -dev packages of README's Requirements.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=${SCRATCH_PATH:-.build-static}
dist=${DIST:-dist}
arch_deb=amd64
arch_tar=linux-x86_64
[ "$(uname -m)" = x86_64 ] || { echo "release.sh: builds for x86_64 only (this is $(uname -m))" >&2; exit 2; }
command -v dpkg-shlibdeps >/dev/null || { echo "release.sh: needs dpkg-shlibdeps: apt-get install dpkg-dev" >&2; exit 2; }

if [ -n "${ASSETCRAWL_VERSION:-}" ]; then
  version=$ASSETCRAWL_VERSION
else
  describe=$(git describe --tags --always --dirty) \
    || { echo "release.sh: no git history to take the version from: set ASSETCRAWL_VERSION=1.2.0" >&2; exit 2; }
  if [[ $describe =~ ^v?([0-9]+\.[0-9]+\.[0-9]+.*)$ ]]; then
    version=${BASH_REMATCH[1]}
  else
    version="0.0.0-$(git rev-list --count HEAD)-g$describe"
  fi
fi
# One string for the binary, the file names and the Debian version: it must be a valid
# Debian version (starts with a digit; letters, digits, . + ~ -).
[[ $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "release.sh: version '$version' is not a Debian version (e.g. 1.2.0)" >&2; exit 2; }
echo "assetcrawl $version"

# Bake the version in: the committed file says "development build"; it is put back on exit,
# whatever happens, so the tree is left as it was. Meanwhile git is told to skip it, so a
# `git commit -a` during the build does not take the release value along.
version_file=Sources/AssetCrawlCLI/AssetCrawlCommand+Version.swift
saved_version_file=$(mktemp)
cp "$version_file" "$saved_version_file"
work=$(mktemp -d)
git update-index --skip-worktree "$version_file" 2>/dev/null || true
restore_version_file() {
  [ -f "$saved_version_file" ] || return 0
  cat "$saved_version_file" > "$version_file" && rm -f "$saved_version_file"
  git update-index --no-skip-worktree "$version_file" 2>/dev/null || true
}
trap 'restore_version_file; rm -rf "$work"' EXIT
cat > "$version_file" <<EOF
// Written by Scripts/release.sh for a release build; the committed file says "development build".

extension AssetCrawlCommand {
    /// What \`assetcrawl --version\` prints.
    static let version = "$version"
}
EOF

swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product assetcrawl
built="$scratch/release/assetcrawl"
restore_version_file

# Stripped (Debian policy): symbols and debug info are nearly half the file; the dynamic
# symbols the Swift runtime looks up stay.
mkdir -p "$work/bin"
strip --strip-unneeded -o "$work/bin/assetcrawl" "$built"
bin="$work/bin/assetcrawl"
printed=$("$bin" --version)
[ "$printed" = "$version" ] || { echo "release.sh: the binary says '$printed', expected '$version'" >&2; exit 1; }

# Nothing of the toolchain may remain dynamic: every library the binary names must be a
# Debian one (libxml2 brings ICU along, which is Debian's too).
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
echo "links: $needed"
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
if grep -qE 'swift|Foundation|dispatch|BlocksRuntime' <<< "$needed" || ldd "$bin" | grep -E "not found|$toolchain"; then
  echo "release.sh: the binary still links the Swift toolchain's libraries: $needed" >&2
  exit 1
fi
# dpkg-shlibdeps wants a debian/control to know which package it works for.
mkdir -p "$work/shlibs/debian"
printf 'Source: assetcrawl\n\nPackage: assetcrawl\nArchitecture: %s\n' "$arch_deb" > "$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$bin" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "release.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
echo "Depends: $depends"

completions() { # DIR: the three scripts swift-argument-parser generates
  mkdir -p "$1"
  "$bin" --generate-completion-script bash > "$1/assetcrawl.bash"
  "$bin" --generate-completion-script zsh > "$1/_assetcrawl"
  "$bin" --generate-completion-script fish > "$1/assetcrawl.fish"
}

# Reproducible archives: file times are the commit's, owners root.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
mkdir -p "$dist"
dist_abs=$(cd "$dist" && pwd)

# The tarball: assetcrawl-VERSION-linux-x86_64/{assetcrawl,completions/,README.md}
name="assetcrawl-$version-$arch_tar"
tree="$work/tar/$name"
mkdir -p "$tree"
cp "$bin" "$tree/assetcrawl"
completions "$tree/completions"
cp README.md "$tree/"
tar -C "$work/tar" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$name" \
  | gzip -n -9 > "$dist/$name.tar.gz"
(cd "$dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

# The Debian package.
root="$work/deb"
install -D -m 0755 "$bin" "$root/usr/bin/assetcrawl"
completions "$work/completions"
install -D -m 0644 "$work/completions/assetcrawl.bash" "$root/usr/share/bash-completion/completions/assetcrawl"
install -D -m 0644 "$work/completions/_assetcrawl" "$root/usr/share/zsh/vendor-completions/_assetcrawl"
install -D -m 0644 "$work/completions/assetcrawl.fish" "$root/usr/share/fish/vendor_completions.d/assetcrawl.fish"
mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<EOF
Package: assetcrawl
Version: $version
Architecture: $arch_deb
Maintainer: AssetCrawl developers <assetcrawl@example.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Section: web
Priority: optional
Description: crawl a site, fetch every asset its pages need, audit revalidation
 assetcrawl walks a site from its start page, finds every asset each page needs,
 fetches each once, then asks again with If-None-Match and If-Modified-Since and
 records whether the server answers 304 Not Modified. It ships an embedded static
 file server with correct HTTP caching (assetcrawl serve DIR).
EOF
find "$root" -exec touch -h -d "@$epoch" {} +
deb="assetcrawl_${version}_${arch_deb}.deb"
SOURCE_DATE_EPOCH=$epoch dpkg-deb --build --root-owner-group -Zxz "$root" "$dist/$deb" >/dev/null
(cd "$dist" && sha256sum "$deb" > "$deb.sha256")

ls -l "$dist_abs/$name.tar.gz" "$dist_abs/$deb"

#!/usr/bin/env bash
# Unpacks the real public static sites that Scripts/chromium-compare.sh is checked against
# (issue #13) into DEST, one folder each. They are third-party work under their own licences,
# so they are never committed here: this script fetches them at a pinned commit.
#
#   Scripts/public-sites.sh DEST                 # git clone from github.com
#   GIT_DIRS=/mirror Scripts/public-sites.sh DEST  # bare repos at /mirror/OWNER+NAME/repo instead
#
# Then, e.g.:
#   Scripts/chromium-compare.sh --browser DEST/phantom
#   Scripts/chromium-compare.sh --browser --autoindex DEST/learning-area
#
# phantom:        HTML5 UP "Phantom" (multi-page template, Font Awesome in five formats, CC BY 3.0)
# learning-area:  MDN's learning area, the HTML multimedia (srcset, <picture>) and CSS web-font
#                 tutorials with their finished pages (CC0)
set -euo pipefail
dest=${1:?usage: Scripts/public-sites.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# name  owner/repo  commit  paths inside the repository (. for all)
sites=(
  "phantom benlr98/html5up-phantom c5b4531711b575d4afa5fd00a28fa5e916274f17 ."
  "learning-area mdn/learning-area ca1ff0bd06e12b96a6742ffdf040bb22966e5a5e html/multimedia-and-embedding css/styling-text"
)
for line in "${sites[@]}"; do
  read -r name repo commit paths <<<"$line"
  if [ -n "${GIT_DIRS:-}" ]; then
    gitdir="$GIT_DIRS/${repo/\//+}/repo"
  else
    gitdir="$dest/.git-$name"
    [ -d "$gitdir" ] || git clone --bare --filter=blob:none "https://github.com/$repo" "$gitdir"
  fi
  rm -rf "${dest:?}/$name"
  mkdir -p "$dest/$name"
  # shellcheck disable=SC2086  # paths is a list
  git --git-dir="$gitdir" archive "$commit" $paths | tar -x -C "$dest/$name"
  echo "$dest/$name ($repo at ${commit:0:12})"
done

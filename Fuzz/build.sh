#!/usr/bin/env bash
# Builds .build-fuzz/fuzz-extraction: libFuzzer + AddressSanitizer over the Extraction and
# CrawlModel sources, compiled with swiftc directly so that the package itself never needs
# unsafe flags. Usage: Fuzz/build.sh, then Fuzz/run.sh [SECONDS].
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out"
common=(-swift-version 6 -O -g -sanitize=fuzzer,address -parse-as-library
        -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault)
xml=($(pkg-config --cflags-only-I libxml-2.0 | sed 's/-I/-Xcc -I/g'))

swiftc "${common[@]}" -wmo -module-name CrawlModel -emit-module -emit-module-path "$out/CrawlModel.swiftmodule" \
  -emit-library -static -o "$out/libCrawlModel.a" Sources/CrawlModel/*.swift
swiftc "${common[@]}" -wmo -module-name Extraction -I "$out" -I Sources/CLibXML2 "${xml[@]}" \
  -emit-module -emit-module-path "$out/Extraction.swiftmodule" \
  -emit-library -static -o "$out/libExtraction.a" Sources/Extraction/*.swift
swiftc "${common[@]}" -I "$out" -I Sources/CLibXML2 "${xml[@]}" Fuzz/FuzzExtraction.swift \
  "$out/libExtraction.a" "$out/libCrawlModel.a" -lxml2 -o "$out/fuzz-extraction" \
  2> >(grep -v "Cannot export local symbol" >&2)
echo "built $out/fuzz-extraction"

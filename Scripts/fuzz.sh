#!/usr/bin/env bash
# Fuzz DiffusionKit's .npy and checkpoint readers with libFuzzer.
#
#   Scripts/fuzz.sh [SECONDS] [-- LIBFUZZER_OPTIONS…]   (default 60 s)
#
# Compiles Fuzz/FuzzReaders.swift with every DiffusionKit source into
# .build/fuzz/fuzz-readers (swiftc -sanitize=fuzzer,address, -O), then runs
# it for SECONDS over a working corpus seeded from Fuzz/corpus/ (the seeds in
# the repository are never modified). A crash, hang or leak writes the input
# to .build/fuzz/ and exits non-zero. Where the toolchain has no libFuzzer
# runtime (Xcode's Swift, some distributions), says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
[ "${1:-}" = "--" ] && shift

out=.build/fuzz
mkdir -p "$out/corpus"
binary="$out/fuzz-readers"

probe="$out/probe.swift"
echo '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> Int32 { 0 }' > "$probe"
if ! swiftc -sanitize=fuzzer,address -parse-as-library "$probe" -o "$out/probe" >"$out/probe.log" 2>&1; then
    echo "fuzz: skipped: this Swift toolchain cannot build libFuzzer targets (swiftc -sanitize=fuzzer failed:"
    echo "      $(head -n 1 "$out/probe.log")); use a swift.org Linux toolchain"
    exit 0
fi

echo "== fuzz: building $binary"
sources=$(find Sources/DiffusionKit -name '*.swift' | sort)
# shellcheck disable=SC2086
if ! swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name DiffusionKit \
    Fuzz/FuzzReaders.swift $sources -o "$binary" >"$out/build.log" 2>&1; then
    grep -v "ld.gold: warning" "$out/build.log"
    echo "fuzz: the fuzz target does not build"
    exit 1
fi

echo "== fuzz: running for ${seconds} s"
# 512 MiB of RSS and 256 MiB per allocation: a reader that believes a header's
# sizes instead of the file's would blow through both.
set +e
"$binary" -max_total_time="$seconds" -rss_limit_mb=512 -malloc_limit_mb=256 -timeout=10 \
    -artifact_prefix="$out/" -print_final_stats=1 "$@" \
    "$out/corpus" Fuzz/corpus/npy Fuzz/corpus/checkpoint >"$out/last-run.log" 2>&1
status=$?
set -e
grep -E "^(#[0-9]+ +(DONE|INITED)|stat::|==[0-9]+==ERROR|SUMMARY|artifact)" "$out/last-run.log" || true
if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED (status $status): see $out/last-run.log and the crash-* / timeout-* / oom-* files in $out/"
    exit "$status"
fi
echo "fuzz: no crash, hang or runaway allocation"

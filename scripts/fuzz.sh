#!/usr/bin/env bash
# Fuzzes each reader of the data layer with libFuzzer (ASan on, the C++ scanners instrumented
# too) for a bounded time, starting from Fuzz/corpus/FORMAT. Inputs that crash, hang or
# allocate beyond the limit are copied to Fuzz/regressions/FORMAT, which the test suite replays
# (Tests/LinalgDataTests/FuzzRegressionTests.swift).
#
#   scripts/fuzz.sh [SECONDS_PER_FORMAT] [FORMAT ...]      (default 60 s; csv tsv npy npz libsvm)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
formats=("$@")
[ ${#formats[@]} -gt 0 ] || formats=(csv tsv npy npz libsvm)

scratch=.build-fuzz
flags=(-c release --scratch-path "$scratch" --product linalg-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
       -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address)
swift build "${flags[@]}"
binary="$(swift build "${flags[@]}" --show-bin-path)/linalg-fuzz"

status=0
for format in "${formats[@]}"; do
    work=$(mktemp -d)
    cp Fuzz/corpus/"$format"/* "$work"/ 2>/dev/null || true
    artifacts=$(mktemp -d)
    echo "== $format: $seconds s"
    # -rss_limit_mb: an input that makes the reader allocate more than 2 GB is a finding.
    if ! LINALG_FUZZ_FORMAT=$format "$binary" "$work" -max_total_time="$seconds" -timeout=10 \
            -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$artifacts/" -print_final_stats=1 2>&1 | tail -n 12; then
        status=1
    fi
    for found in "$artifacts"/*; do
        [ -e "$found" ] || continue
        cp "$found" Fuzz/regressions/"$format"/
        echo "finding kept: Fuzz/regressions/$format/$(basename "$found")"
        status=1
    done
    rm -rf "$work" "$artifacts"
done
exit $status

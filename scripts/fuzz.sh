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

# fuzz_pass FORMAT SECONDS MAX_LEN SEED...: one libFuzzer run from the given seeds; findings are
# kept in Fuzz/regressions/FORMAT.
fuzz_pass() {
    local format=$1 seconds=$2 max_len=$3
    shift 3
    local work artifacts
    work=$(mktemp -d)
    artifacts=$(mktemp -d)
    [ $# -gt 0 ] && cp "$@" "$work"/
    echo "== $format: $seconds s, inputs up to $max_len bytes"
    # -rss_limit_mb: an input that makes the reader allocate more than 2 GB is a finding.
    if ! LINALG_FUZZ_FORMAT=$format "$binary" "$work" -max_total_time="$seconds" -timeout=10 \
            -rss_limit_mb=2048 -max_len="$max_len" -artifact_prefix="$artifacts/" -print_final_stats=1 2>&1 \
            | tail -n 12; then
        status=1
    fi
    for found in "$artifacts"/*; do
        [ -e "$found" ] || continue
        cp "$found" Fuzz/regressions/"$format"/
        echo "finding kept: Fuzz/regressions/$format/$(basename "$found")"
        status=1
    done
    rm -rf "$work" "$artifacts"
}

status=0
for format in "${formats[@]}"; do
    short=() long=()
    for seed in Fuzz/corpus/"$format"/*; do
        [ -e "$seed" ] || continue
        if [ "$(stat -c %s "$seed")" -le 65536 ]; then short+=("$seed"); else long+=("$seed"); fi
    done
    fuzz_pass "$format" "$seconds" 65536 "${short[@]}"
    # Lines of megabytes (a cell of 10^6 digits and a bad byte): fewer, slower runs from the long
    # seeds, with room to grow past a read block (LineBlocks.blockSize, 4 MB).
    if [ ${#long[@]} -gt 0 ]; then fuzz_pass "$format" $(( (seconds + 3) / 4 )) $(( 6 << 20 )) "${long[@]}"; fi
done
exit $status

#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer (with LeakSanitizer), ThreadSanitizer, and
# UndefinedBehaviorSanitizer over the C and C++ targets (the kernels and the number parsing), each
# in its own build directory (.build-asan, .build-tsan, .build-ubsan). Any report fails the run.
# The suppression files in scripts/sanitizers/ list the toolchain's own reports, each with why.
#
#   scripts/sanitize.sh [address|thread|undefined ...]     (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
suppressions="$PWD/scripts/sanitizers"
kinds=("$@")
if [ ${#kinds[@]} -eq 0 ]; then kinds=(address thread undefined); fi

for kind in "${kinds[@]}"; do
    echo "== tests under the $kind sanitizer"
    case "$kind" in
    address)
        export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
        export LSAN_OPTIONS="suppressions=$suppressions/lsan.supp:print_suppressions=0"
        flags=(--sanitize=address --scratch-path .build-asan)
        ;;
    thread)
        export TSAN_OPTIONS="suppressions=$suppressions/tsan.supp:halt_on_error=1"
        flags=(--sanitize=thread --scratch-path .build-tsan)
        ;;
    undefined)
        # swiftc has no UBSan, so `--sanitize=undefined` cannot build the Swift targets: the C and
        # C++ targets get the checks through clang, in trap mode (a check that fails executes ud2
        # and the test process dies with SIGILL), which needs no runtime library. vptr and function
        # need the runtime and are left out.
        ubsan=(-fsanitize=undefined -fsanitize-trap=undefined -fno-sanitize=vptr,function)
        flags=(--scratch-path .build-ubsan)
        for flag in "${ubsan[@]}"; do flags+=(-Xcc "$flag" -Xcxx "$flag"); done
        ;;
    *)
        echo "unknown sanitizer '$kind' (address, thread or undefined)" >&2
        exit 2
        ;;
    esac
    swift build --build-tests "${flags[@]}" 2>&1 | tail -n 2
    swift test --skip-build "${flags[@]}"
done
echo "sanitizers: all clean"

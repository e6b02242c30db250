#!/usr/bin/env bash
# Runs the fuzz targets in Fuzz/FuzzInputs against their committed corpora (Fuzz/Corpus/TARGET).
#
#   scripts/fuzz.sh replay            replay every corpus with the normal debug build (make test)
#   scripts/fuzz.sh [SECONDS [TARGET...]]
#                                     build with libFuzzer and AddressSanitizer into .build-fuzz and
#                                     fuzz each target for SECONDS (default 60); prints executions
#                                     per target. New inputs go to .build-fuzz/corpus/TARGET, crashes
#                                     to .build-fuzz/crashes/TARGET (copy the interesting ones into
#                                     Fuzz/Corpus/TARGET to keep them as regression inputs).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(scenario replicas theme environment editor http answer request snapshot control)

if [ "${1:-}" = "replay" ]; then
    binary=.build/debug/FuzzInputs
    [ -x "$binary" ] || swift build --product FuzzInputs
    for target in "${targets[@]}"; do
        "$binary" "$target" "Fuzz/Corpus/$target"
    done
    exit 0
fi

seconds=${1:-60}
shift || true
[ $# -gt 0 ] && targets=("$@")

# The fuzzing build needs the debug configuration: the targets reach internal types with
# @testable import, which needs -enable-testing.
swift build --scratch-path .build-fuzz --product FuzzInputs \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
    -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address
binary=.build-fuzz/debug/FuzzInputs

summary=()
status=0
for target in "${targets[@]}"; do
    work=.build-fuzz/corpus/$target
    crashes=.build-fuzz/crashes/$target
    mkdir -p "$work" "$crashes"
    log=.build-fuzz/$target.log
    echo "fuzzing $target for ${seconds}s" >&2
    # Leaks are looked for in the environment and editor targets only. TOMLKit frees no parsed
    # table (see lsan-suppressions.txt), so libFuzzer's per-input leak check would stop at every
    # file input and cut the file targets' speed twenty to thirty times; our own code's leaks are checked by
    # the AddressSanitizer test run (make sanitize). The scenario target also cuts each run after a
    # few thousand steps, when the router still has probes in flight whose waiting tasks and replica
    # records hold each other. The http target: on the embedded channel a shed POST with a body
    # leaves its connection handler registered with the front door after the channel is finished.
    leaks=1
    case "$target" in scenario|replicas|theme|http) leaks=0 ;; esac
    # A snapshot of the standard fleet is ~20 KB of JSON.
    max_len=8192
    [ "$target" = snapshot ] && max_len=65536
    # -timeout: an input taking longer than 10 s counts as a hang and fails the run.
    if ASAN_OPTIONS="detect_leaks=$leaks" LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt" \
        "$binary" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=$max_len \
        -detect_leaks=$leaks \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work" "Fuzz/Corpus/$target" >"$log" 2>&1; then
        result=ok
    else
        result="FAILED (see $log and $crashes)"
        status=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    per_second=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
    summary+=("$(printf '%-12s %10s executions  %7s/s  coverage %6s  %s' "$target" "$runs" "$per_second" "$coverage" "$result")")
done
printf '%s\n' "${summary[@]}"
exit $status

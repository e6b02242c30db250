# Shared by the benchmark scripts (sourced, not run): release builds that say why they failed, and
# every process they start goes in PIDS and is stopped when the script exits, however it exits; the
# last line names the folder with the logs.
# Needs ROOT and WORK set.

PIDS=()

stop_started_processes() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "configs and logs: $WORK"
}
trap stop_started_processes EXIT

# release_build LOG ARGUMENTS...: `scripts/release-build.sh ARGUMENTS`, its output kept in LOG;
# when it fails, the script stops and shows why instead of exiting without a word.
release_build() {
    local log=$1
    shift
    if ! "$ROOT/scripts/release-build.sh" "$@" >"$log" 2>&1; then
        echo "the release build failed (scripts/release-build.sh $*); all of it in $log:" >&2
        grep -m 5 -iE 'error|fatal' "$log" >&2 || tail -20 "$log" >&2
        exit 1
    fi
}

# Shared by the benchmark scripts (sourced, not run): every process they start goes in PIDS and is
# stopped when the script exits, however it exits; the last line names the folder with the logs.
# Needs WORK set.

PIDS=()

stop_started_processes() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "configs and logs: $WORK"
}
trap stop_started_processes EXIT

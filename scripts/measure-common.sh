# Shared by the measuring scripts (sourced, not run): the release binary, the tools they need, and
# CPU time read from /proc. Needs `root` and `work` set, and the caller's name in `measure_name`.

if [[ -z "${ROUTERTOP_BIN:-}" ]]; then
    "$root/scripts/release-build.sh" --product routertop >"$work/build.log" 2>&1 || {
        cat "$work/build.log" >&2
        exit 1
    }
    ROUTERTOP_BIN="$root/.build/release/routertop"
fi
for tool in tmux curl ss; do
    command -v "$tool" >/dev/null || { echo "$measure_name: needs $tool" >&2; exit 1; }
done
ticks_per_second=$(getconf CLK_TCK)

# cpu_ticks PID: user + system clock ticks the process has used.
cpu_ticks() {
    local stat
    stat=$(cat "/proc/$1/stat")
    stat=${stat##*) }
    set -- $stat
    echo $(( ${12} + ${13} ))
}

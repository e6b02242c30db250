#!/usr/bin/env bash
# Creates .venv-ray/ (ignored by git) with Ray Serve and the routertop_ray bridge, for the bridge's
# end-to-end test and its throughput measurement. Quick when the environment is already there: Ray is
# installed once per version, the bridge again only when its sources change.
set -euo pipefail
cd "$(dirname "$0")/.."

ray_version=2.60.0
venv=.venv-ray
bridge=integrations/ray

if ! command -v python3 >/dev/null 2>&1; then
    echo "the Ray bridge's environment needs python3 (scripts/install-deps.sh installs it)" >&2
    exit 1
fi

ray_stamp="$venv/.ray-$ray_version"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$ray_stamp" ]; then
    echo "creating $venv with ray[serve]==$ray_version" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "ray[serve]==$ray_version"
    touch "$ray_stamp"
fi

# The bridge is installed as a user would (`pip install ./integrations/ray`), again whenever its
# sources differ from the installed ones.
bridge_sum=$(find "$bridge/pyproject.toml" "$bridge/routertop_ray" -type f -name '*.py' -o -name pyproject.toml -type f \
    | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
bridge_stamp="$venv/.routertop-ray"
if [ ! -f "$bridge_stamp" ] || [ "$(cat "$bridge_stamp")" != "$bridge_sum" ]; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "./$bridge"
    echo "$bridge_sum" >"$bridge_stamp"
fi

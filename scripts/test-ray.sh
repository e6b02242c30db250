#!/usr/bin/env bash
# The Ray bridge's tests: its unit tests (no Ray needed), then the end-to-end test against a real local
# Ray Serve (started on 127.0.0.1 and stopped whatever happens). Uses .venv-ray, creating it if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-ray-venv.sh
python=.venv-ray/bin/python
"$python" integrations/ray/run_tests.py
[ -x .build/debug/routertop ] || swift build --product routertop
"$python" integrations/ray/e2e/test_ray_bridge.py

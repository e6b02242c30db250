#!/usr/bin/env bash
# The release build: `swift build -c release` with the Swift runtime and standard library linked
# into each program (--static-swift-stdlib). Every run-time exclusivity check, at its start and at its
# end, reads a thread-local of the runtime; from the shared library each read went through
# `__tls_get_addr`, about 3 % of the proxy's instructions per request (README, "Linked statically").
# Nothing else changes: the same code, with every check, in one file that needs no Swift
# installed where it runs. The scripts, `make bench` and `make release` all build this way,
# so they share one build folder instead of rebuilding it for each other's flags.
#
# Usage: scripts/release-build.sh [swift build arguments]...   (for example --product routertop)
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release --static-swift-stdlib "$@"

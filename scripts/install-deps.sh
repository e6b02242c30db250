#!/usr/bin/env bash
# Installs the Debian packages routertop needs to build and test: the ncursesw headers, tmux (the
# end-to-end tests drive the dashboard through it), python3 (the file-input check and the soak script),
# python3-venv (the Ray bridge's environment, scripts/install-ray-venv.sh), prometheus (its promtool
# checks /metrics, and a test scrapes a router with a real Prometheus server) and htop (the measuring
# scripts compare the terminal bytes of the dashboard and the fleet screen with its). Does nothing
# when they are present.
set -euo pipefail

needed=(libncursesw5-dev tmux python3 python3-venv prometheus htop)
missing=()
for package in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "routertop needs these packages, and this system has no apt-get: ${missing[*]}" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "installing ${missing[*]} needs root (or sudo)" >&2; exit 1; }
    sudo="sudo"
fi
echo "installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Set up, build in release mode, and run the default benchmark suite end to end.
# Extra arguments go to `coordbench run` (e.g. --jobs 4, --out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> building coordbench (release)" >&2
swift build -c release --product coordbench 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || { echo "error: build failed" >&2; exit 1; }
echo "==> running scenarios/default.yaml" >&2
.build/release/coordbench run scenarios/default.yaml "$@"

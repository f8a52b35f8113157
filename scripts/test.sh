#!/usr/bin/env bash
# Set up, build and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> checking that the event loop allocates nothing per event (release build)" >&2
bash scripts/check-allocations.sh
echo "==> building and running the tests" >&2
swift build --build-tests
swift test --skip-build "$@"

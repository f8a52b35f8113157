#!/usr/bin/env bash
# Set up, build and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> checking that the event loop allocates nothing per event (release build)" >&2
bash scripts/check-allocations.sh
echo "==> fuzzing scenario and suite files (scripts/fuzz: the saved regressions, then ${FUZZ_N:-300} new inputs)" >&2
python3 -c "import yaml" 2>/dev/null || python3 -m pip install -q pyyaml >&2
python3 scripts/fuzz/fuzz.py --binary .build/release/coordbench --workers 2 --no-save \
    --n "${FUZZ_N:-300}" --seed "${FUZZ_SEED:-1}" --seconds "${FUZZ_SECONDS:-150}"
echo "==> building and running the tests" >&2
swift build --build-tests
swift test --skip-build "$@"

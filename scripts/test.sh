#!/usr/bin/env bash
# Set up, build and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> checking that the event loop allocates nothing per event (release build)" >&2
bash scripts/check-allocations.sh
echo "==> checking that each strategy's cost per event stays flat as the scenario grows (scripts/bench-scale.sh --quick)" >&2
bash scripts/bench-scale.sh --quick
echo "==> fuzzing scenario and suite files (scripts/fuzz: the saved regressions, then ${FUZZ_N:-300} new inputs)" >&2
python3 -c "import yaml" 2>/dev/null || python3 -m pip install -q pyyaml >&2
python3 scripts/fuzz/fuzz.py --binary .build/release/coordbench --workers 2 --no-save \
    --n "${FUZZ_N:-300}" --seed "${FUZZ_SEED:-1}" --seconds "${FUZZ_SECONDS:-150}"
echo "==> checking that the committed results/default are reproduced (coordbench verify)" >&2
.build/release/coordbench verify results/default
echo "==> running the default suite as a Slurm array of 4 shards on a private local Slurm cluster, merging, comparing with one run (scripts/slurm/test-slurm.sh)" >&2
bash scripts/slurm/test-slurm.sh
echo "==> checking that results/default loads in pandas without loss" >&2
python3 -c "import pandas" 2>/dev/null || python3 -m pip install -q pandas >&2
python3 scripts/check-results-load.py results/default
echo "==> checking that results/default loads in R without loss" >&2
if ! command -v Rscript >/dev/null 2>&1; then
    echo "==> installing R (r-base-core) with apt-get" >&2
    SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends r-base-core >&2
fi
Rscript scripts/check-results-load.R results/default
echo "==> building and running the tests" >&2
swift build --build-tests
swift test --skip-build "$@"
echo "==> building the example package (examples/custom-policies): its tests, its suite, verify" >&2
example_out=$(mktemp -d)
trap 'rm -rf "$example_out"' EXIT
(
    cd examples/custom-policies
    swift build -c release --build-tests
    swift test -c release --skip-build
    .build/release/custom-policies run suite.yaml --out "$example_out/results" --quiet
    .build/release/custom-policies verify "$example_out/results"
)

#!/usr/bin/env bash
# Regenerates Tests/NegotiationTests/Golden/negmas-sao.json with NegMAS itself: installs
# negmas 0.16.0 from PyPI when it is missing, then runs golden.py (see its header).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! python3 -c "import negmas, sys; sys.exit(negmas.__version__ != '0.16.0')" 2>/dev/null; then
    echo "==> installing negmas 0.16.0 from PyPI" >&2
    python3 -m pip install -q -r scripts/negmas/requirements.txt >&2
fi
python3 scripts/negmas/golden.py "$@"

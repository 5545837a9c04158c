#!/usr/bin/env bash
# Runs the interoperability suite: Interop/run.sh [run_story.py options], e.g.
#   Interop/run.sh --direct                      # baseline, no gateway
#   Interop/run.sh                               # through .build/debug/chargemux run
#   Interop/run.sh --gateway-cmd '.build/release/chargemux run --config {config}'
# Creates .venv (gitignored) from Interop/requirements.txt when it is missing or incomplete.
# Needs python3 (3.9+) with venv; no input is ever asked for.
set -euo pipefail
cd "$(dirname "$0")/.."

export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
PY="${PYTHON:-python3}"
if ! .venv/bin/python -c 'import ocpp, websockets' >/dev/null 2>&1; then
    if [ ! -x .venv/bin/python ]; then
        "$PY" -m venv .venv
    fi
    .venv/bin/pip install -q -r Interop/requirements.txt </dev/null
fi
exec .venv/bin/python Interop/run_story.py "$@" </dev/null

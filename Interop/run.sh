#!/usr/bin/env bash
# Runs the interoperability suite: Interop/run.sh [run_story.py options], e.g.
#   Interop/run.sh --direct                      # baseline, no gateway
#   Interop/run.sh                               # through .build/debug/chargemux run
#   Interop/run.sh --gateway-cmd '.build/release/chargemux run --config {config}'
#   Interop/run.sh --profile 3                   # wss + client certificates, billing demands profile 3
# Creates .venv (gitignored) from Interop/requirements.txt when it is missing, broken or was
# installed from another requirements.txt. Needs python3 >= 3.11 with venv (PYTHON=... picks
# another interpreter). Asks for no input; exit status is run_story.py's (2: set-up failed).
set -euo pipefail
cd "$(dirname "$0")/.."

export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
PY="${PYTHON:-python3}"
REQ=Interop/requirements.txt
STAMP=.venv/.interop-requirements
want="$(cat "$REQ")"

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ] \
        || ! .venv/bin/python -c 'import ocpp, websockets' >/dev/null 2>&1; then
    if ! .venv/bin/python -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1; then
        if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1; then
            echo "run.sh: needs Python 3.11 or later as $PY (ocpp 2.1 and websockets 17 require it); set PYTHON=..." >&2
            exit 2
        fi
        rm -rf .venv
        if ! "$PY" -m venv .venv; then
            echo "run.sh: '$PY -m venv .venv' failed (on Debian: apt-get install python3-venv)" >&2
            exit 2
        fi
    fi
    if ! .venv/bin/python -m pip install -q -r "$REQ" </dev/null; then
        echo "run.sh: installing $REQ into .venv failed" >&2
        exit 2
    fi
    printf '%s' "$want" > "$STAMP"
fi
exec .venv/bin/python Interop/run_story.py "$@" </dev/null

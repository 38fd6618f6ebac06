#!/usr/bin/env sh
# `spin build` for square: a virtualenv with what requirements.txt pins (made
# once), then componentize-py turns app.py and CPython into square.wasm.
set -eu
cd "$(dirname "$0")"
if [ ! -x .venv/bin/componentize-py ]; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
fi
# componentize-py finds spin_sdk through the active virtualenv.
. .venv/bin/activate
componentize-py -w spin-http componentize app -o square.wasm

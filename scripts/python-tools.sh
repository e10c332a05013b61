#!/usr/bin/env bash
# The Python tools the tests use, pinned, in one virtual environment
# (.venv-tools, or $TOOLS): schemathesis and openapi-spec-validator for the API
# contract, nistitl as the independent ANSI/NIST-ITL reader that cross-checks
# the transactions Vigil writes. Installs what is missing; prints the Python.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=${TOOLS:-.venv-tools}
[ -x "$TOOLS/bin/python" ] || python3 -m venv "$TOOLS" >&2
if ! "$TOOLS/bin/python" -c 'import schemathesis, openapi_spec_validator, nistitl' >/dev/null 2>&1; then
    "$TOOLS/bin/pip" install --quiet schemathesis==4.32.5 openapi-spec-validator==0.9.0 nistitl==0.6 >&2
fi
echo "$(pwd)/$TOOLS/bin/python"

#!/usr/bin/env bash
# Differential test of QuantaProxy.Policy against the official Cedar engine (@cedar-policy/cedar-wasm, pinned in
# package-lock.json). Prints one line `cedar-differential: N passed, M failed` and exits non-zero on any disagreement.
#   SEED=… COUNT=… bash test/cedar-differential/run.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SEED="${SEED:-20261203}"
COUNT="${COUNT:-10000}"
fail() { echo "$1" >&2; echo "cedar-differential: 0 passed, 1 failed"; exit 1; }
(cd "$HERE" && npm ci --no-audit --no-fund --silent) >&2 || fail "cedar-differential: npm ci failed"
dotnet build "$ROOT/test/QuantaProxy.Policy.Differential" -c Release -v q -nologo >&2 || fail "cedar-differential: build failed"
DLL="$ROOT/test/QuantaProxy.Policy.Differential/bin/Release/net10.0/QuantaProxy.Policy.Differential.dll"
cd "$HERE"
# --no-opt: Node 20's V8 (11.3) crashed in its deoptimizer ("unreachable code") part-way through this workload with
# TurboFan on; without it the run is about twice as slow and still well under a minute.
exec node --no-opt differential.mjs --dll "$DLL" --seed "$SEED" --count "$COUNT"
